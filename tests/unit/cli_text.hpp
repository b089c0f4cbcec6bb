#pragma once
// What the tests of text for people (core/cli/*_text) share: canned keys,
// a table as it prints, and local time pinned to UTC so times and dates
// read the same wherever the tests run.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <string>

#include "core/cli/group_text.hpp"
#include "core/cli/table.hpp"

namespace coop::testing {

// Keys as the agent writes them (64 hex digits) whose short forms differ.
inline const std::string alice = "3f2a9c0e1b7d4a55" + std::string(48, 'a');
inline const std::string bob = "b0b0b0b01234567890" + std::string(46, 'b');

// 2026-03-04 14:03:00 UTC: "now" for the viewer of canned answers.
inline constexpr std::int64_t now = 1772632980000;

inline std::string printed(const coop::cli::Table& table) {
    std::ostringstream out;
    table.print(out);
    return out.str();
}

// Local time is UTC while a test of this fixture runs, and alice looks.
class CliText : public ::testing::Test {
protected:
    coop::cli::Viewer as_alice{alice, now};

    void SetUp() override {
        if (const char* tz = std::getenv("TZ")) saved_ = tz, had_ = true;
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }
    void TearDown() override {
        if (had_) ::setenv("TZ", saved_.c_str(), 1);
        else ::unsetenv("TZ");
        ::tzset();
    }

private:
    std::string saved_;
    bool had_ = false;
};

}  // namespace coop::testing
