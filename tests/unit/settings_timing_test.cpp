// The timing settings meant for tests (core/agent/settings.hpp): the sync's
// answer timeout, anti-entropy and budget window, and the links' idle timeout.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/agent/settings.hpp"

namespace {

using coop::agent::Settings;
using coop::agent::SettingsOverride;

std::string apply_error(const SettingsOverride& o, Settings& s) {
    try {
        o.apply(s);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

TEST(SettingsTiming, DefaultsAreZeroAndNotSaved) {
    const Settings s;
    EXPECT_EQ(s.sync_answer_timeout_s, 0);
    EXPECT_EQ(s.sync_anti_entropy_s, 0);
    EXPECT_EQ(s.sync_window_s, 0);
    EXPECT_EQ(s.link_idle_timeout_s, 0);
    const auto j = s.to_json();
    for (const char* key : {"sync_answer_timeout_s", "sync_anti_entropy_s", "sync_window_s", "link_idle_timeout_s"})
        EXPECT_FALSE(j.contains(key)) << key;
}

TEST(SettingsTiming, SetOnesAreSavedAndComeBack) {
    Settings s;
    SettingsOverride o;
    o.sync_answer_timeout = "2s";
    o.sync_anti_entropy = "1m";
    o.sync_window = "5";
    o.link_idle_timeout = "1h";
    o.apply(s);
    EXPECT_EQ(s.sync_answer_timeout_s, 2);
    EXPECT_EQ(s.sync_anti_entropy_s, 60);
    EXPECT_EQ(s.sync_window_s, 5);
    EXPECT_EQ(s.link_idle_timeout_s, 3600);
    const auto j = s.to_json();
    EXPECT_EQ(j.at("sync_answer_timeout_s"), 2);
    EXPECT_EQ(j.at("link_idle_timeout_s"), 3600);
    const Settings back = Settings::from_json(nlohmann::json::parse(j.dump()));
    EXPECT_EQ(back.sync_answer_timeout_s, 2);
    EXPECT_EQ(back.sync_anti_entropy_s, 60);
    EXPECT_EQ(back.sync_window_s, 5);
    EXPECT_EQ(back.link_idle_timeout_s, 3600);

    // Only what is given changes; 0 goes back to the default.
    SettingsOverride reset;
    reset.sync_answer_timeout = "0";
    reset.apply(s);
    EXPECT_EQ(s.sync_answer_timeout_s, 0);
    EXPECT_EQ(s.sync_anti_entropy_s, 60);
    EXPECT_FALSE(s.to_json().contains("sync_answer_timeout_s"));
}

TEST(SettingsTiming, BadValuesNameTheOptionAndTheWayOut) {
    Settings s;
    SettingsOverride word;
    word.sync_answer_timeout = "soon";
    EXPECT_EQ(apply_error(word, s),
              "--sync-answer-timeout 'soon' is not a duration like 5s or 2m (0 = the default, 30s)");
    SettingsOverride fraction;
    fraction.sync_window = "1.5s";
    EXPECT_EQ(apply_error(fraction, s), "--sync-window '1.5s' is not a duration like 5s or 2m (0 = the default, 10s)");
    SettingsOverride long_one;
    long_one.sync_anti_entropy = "2h";
    EXPECT_EQ(apply_error(long_one, s),
              "--sync-anti-entropy '2h' is out of range: 1s to 1h (0 = the default, 30s)");
    SettingsOverride short_idle;
    short_idle.link_idle_timeout = "2s";
    EXPECT_EQ(apply_error(short_idle, s),
              "--link-idle-timeout '2s' is out of range: 3s to 1h (0 = the default, 90s)");
    EXPECT_EQ(s.sync_answer_timeout_s, 0);
    EXPECT_EQ(s.link_idle_timeout_s, 0);
}

TEST(SettingsTiming, AHandEditedStoreFallsBackToTheDefault) {
    const auto s = Settings::from_json({{"sync_answer_timeout_s", -5}, {"link_idle_timeout_s", 1}, {"sync_window_s", 7}});
    EXPECT_EQ(s.sync_answer_timeout_s, 0);
    EXPECT_EQ(s.link_idle_timeout_s, 0);
    EXPECT_EQ(s.sync_window_s, 7);
}

}  // namespace
