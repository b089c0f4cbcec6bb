// Durations as typed for --expires and --wait (core/cli/duration.hpp).
#include "core/cli/duration.hpp"

#include <gtest/gtest.h>

namespace {

using coop::cli::parse_duration;

TEST(Duration, UnitsAndPlainSeconds) {
    EXPECT_EQ(parse_duration("0"), 0);
    EXPECT_EQ(parse_duration("90"), 90);
    EXPECT_EQ(parse_duration("90s"), 90);
    EXPECT_EQ(parse_duration("30m"), 30 * 60);
    EXPECT_EQ(parse_duration("1h"), 3600);
    EXPECT_EQ(parse_duration("2d"), 2 * 86400);
    EXPECT_EQ(parse_duration("1w"), 7 * 86400);
    EXPECT_EQ(parse_duration("1h30m"), 5400);
    EXPECT_EQ(parse_duration("1d12h"), 36 * 3600);
}

TEST(Duration, AnythingElseIsRefused) {
    for (const char* bad : {"", "h", "-1h", "1.5h", "1x", "1h30", "1 h", "1H", "10y", "99999999999999999999",
                            "36600d1s", "1h-"})
        EXPECT_FALSE(parse_duration(bad)) << bad;
    EXPECT_TRUE(parse_duration("36500d"));
}

}  // namespace
