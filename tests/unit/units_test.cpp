// Sizes, rates and durations as people read and type them (core/units.hpp).
#include "core/units.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace {

constexpr std::int64_t KiB = 1024;
constexpr std::int64_t MiB = 1024 * KiB;
constexpr std::int64_t GiB = 1024 * MiB;
constexpr std::int64_t TiB = 1024 * GiB;

TEST(FormatBytes, WholeBytesBelowOneKiB) {
    EXPECT_EQ(coop::format_bytes(0), "0 B");
    EXPECT_EQ(coop::format_bytes(1), "1 B");
    EXPECT_EQ(coop::format_bytes(1023), "1023 B");
}

TEST(FormatBytes, OneDecimalBelowOneHundred) {
    EXPECT_EQ(coop::format_bytes(1024), "1.0 KiB");
    EXPECT_EQ(coop::format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(coop::format_bytes(99 * KiB + KiB / 2), "99.5 KiB");
    EXPECT_EQ(coop::format_bytes(12 * MiB + 3 * MiB / 10), "12.3 MiB");
}

TEST(FormatBytes, NoDecimalFromOneHundredUp) {
    EXPECT_EQ(coop::format_bytes(100 * KiB), "100 KiB");
    EXPECT_EQ(coop::format_bytes(512 * KiB), "512 KiB");
    EXPECT_EQ(coop::format_bytes(1023 * KiB), "1023 KiB");
    EXPECT_EQ(coop::format_bytes(100 * MiB), "100 MiB");
}

TEST(FormatBytes, GibibytesAndBeyond) {
    EXPECT_EQ(coop::format_bytes(MiB), "1.0 MiB");
    EXPECT_EQ(coop::format_bytes(GiB), "1.0 GiB");
    EXPECT_EQ(coop::format_bytes(GiB + GiB / 2), "1.5 GiB");
    EXPECT_EQ(coop::format_bytes(250 * GiB), "250 GiB");
    EXPECT_EQ(coop::format_bytes(TiB), "1.0 TiB");
    EXPECT_EQ(coop::format_bytes(1024 * TiB), "1.0 PiB");
    // PiB is the largest unit; it does not run off the end of the table.
    EXPECT_EQ(coop::format_bytes(std::numeric_limits<std::int64_t>::max()), "8192 PiB");
}

TEST(FormatBytes, NegativeKeepsItsSign) {
    EXPECT_EQ(coop::format_bytes(-1), "-1 B");
    EXPECT_EQ(coop::format_bytes(-1536), "-1.5 KiB");
}

// One byte short of a MiB must not read "1024 KiB": the value that rounds up
// to the next unit's size should be shown in the next unit.
TEST(FormatBytes, RoundingUpToNextUnitRollsOver) {
    EXPECT_EQ(coop::format_bytes(MiB - 1), "1.0 MiB");
    EXPECT_EQ(coop::format_bytes(GiB - 1), "1.0 GiB");
}

TEST(FormatRate, IsBytesPerSecond) {
    EXPECT_EQ(coop::format_rate(0), "0 B/s");
    EXPECT_EQ(coop::format_rate(1023), "1023 B/s");
    EXPECT_EQ(coop::format_rate(1536), "1.5 KiB/s");
    EXPECT_EQ(coop::format_rate(12 * MiB + 3 * MiB / 10), "12.3 MiB/s");
    EXPECT_EQ(coop::format_rate(100 * KiB), "100 KiB/s");
    EXPECT_EQ(coop::format_rate(2 * GiB), "2.0 GiB/s");
}

TEST(FormatDuration, SecondsBelowAMinute) {
    EXPECT_EQ(coop::format_duration(0), "0s");
    EXPECT_EQ(coop::format_duration(42), "42s");
    EXPECT_EQ(coop::format_duration(59), "59s");
}

TEST(FormatDuration, MinutesAndSeconds) {
    EXPECT_EQ(coop::format_duration(60), "1:00");
    EXPECT_EQ(coop::format_duration(187), "3:07");
    EXPECT_EQ(coop::format_duration(3599), "59:59");
}

TEST(FormatDuration, HoursMinutesSeconds) {
    EXPECT_EQ(coop::format_duration(3600), "1:00:00");
    EXPECT_EQ(coop::format_duration(3723), "1:02:03");
    EXPECT_EQ(coop::format_duration(100 * 3600 + 5), "100:00:05");
}

TEST(FormatDuration, NegativeIsUnknown) {
    EXPECT_EQ(coop::format_duration(-1), "--");
    EXPECT_EQ(coop::format_duration(std::numeric_limits<std::int64_t>::min()), "--");
}

TEST(ParseSize, PlainBytes) {
    EXPECT_EQ(coop::parse_size("1000"), 1000);
    EXPECT_EQ(coop::parse_size("0"), 0);
    EXPECT_EQ(coop::parse_size("100B"), 100);
}

TEST(ParseSize, BinaryUnits) {
    EXPECT_EQ(coop::parse_size("500K"), 500 * KiB);
    EXPECT_EQ(coop::parse_size("2M"), 2 * MiB);
    EXPECT_EQ(coop::parse_size("2M"), 2097152);
    EXPECT_EQ(coop::parse_size("2MiB"), 2 * MiB);
    EXPECT_EQ(coop::parse_size("2MB"), 2 * MiB);
    EXPECT_EQ(coop::parse_size("1G"), GiB);
    EXPECT_EQ(coop::parse_size("3GiB"), 3 * GiB);
    EXPECT_EQ(coop::parse_size("64KiB"), 64 * KiB);
}

TEST(ParseSize, FractionsSpacesAndCase) {
    EXPECT_EQ(coop::parse_size("1.5 MB"), 1572864);
    EXPECT_EQ(coop::parse_size("1.5K"), 1536);
    EXPECT_EQ(coop::parse_size("2 m"), 2 * MiB);
    EXPECT_EQ(coop::parse_size("2mib"), 2 * MiB);
}

TEST(ParseSize, RejectsWhatIsNotASize) {
    EXPECT_EQ(coop::parse_size(""), std::nullopt);
    EXPECT_EQ(coop::parse_size("abc"), std::nullopt);
    EXPECT_EQ(coop::parse_size("5X"), std::nullopt);
    EXPECT_EQ(coop::parse_size("-1"), std::nullopt);
    EXPECT_EQ(coop::parse_size("1e400"), std::nullopt);
    EXPECT_EQ(coop::parse_size("1e3"), std::nullopt);
    EXPECT_EQ(coop::parse_size("K"), std::nullopt);
    EXPECT_EQ(coop::parse_size("."), std::nullopt);
    EXPECT_EQ(coop::parse_size("1.2.3"), std::nullopt);
    EXPECT_EQ(coop::parse_size("2T"), std::nullopt);
    EXPECT_EQ(coop::parse_size("nan"), std::nullopt);
    EXPECT_EQ(coop::parse_size("inf"), std::nullopt);
}

TEST(ParseSize, RejectsSizesThatDoNotFitInSixtyFourBits) {
    EXPECT_EQ(coop::parse_size("99999999999G"), std::nullopt);
    EXPECT_EQ(coop::parse_size("10000000000000000000"), std::nullopt);
    EXPECT_EQ(coop::parse_size("1" + std::string(400, '0')), std::nullopt);
}

TEST(ParseRate, BytesPerSecondInASizesUnits) {
    EXPECT_EQ(coop::parse_rate("250000"), 250000);
    EXPECT_EQ(coop::parse_rate("0"), 0);
    EXPECT_EQ(coop::parse_rate("2MiB/s"), 2 * MiB);
    EXPECT_EQ(coop::parse_rate("500KiB/s"), 500 * KiB);
    EXPECT_EQ(coop::parse_rate("500K"), 500 * KiB);
    EXPECT_EQ(coop::parse_rate("1.5 MB/s"), 1572864);
    EXPECT_EQ(coop::parse_rate("100B/s"), 100);
    EXPECT_EQ(coop::parse_rate("1000/s"), 1000);
    EXPECT_EQ(coop::parse_rate("1G/S"), GiB);
}

TEST(ParseRate, BitsPerSecondInALinksDecimalUnits) {
    EXPECT_EQ(coop::parse_rate("20Mbit/s"), 2'500'000);
    EXPECT_EQ(coop::parse_rate("20mbit"), 2'500'000);
    EXPECT_EQ(coop::parse_rate("800kbit/s"), 100'000);
    EXPECT_EQ(coop::parse_rate("1Gbit/s"), 125'000'000);
    EXPECT_EQ(coop::parse_rate("100Mbps"), 12'500'000);
    EXPECT_EQ(coop::parse_rate("8bit/s"), 1);
    EXPECT_EQ(coop::parse_rate("12 bit/s"), 1) << "rounded down to whole bytes";
    EXPECT_EQ(coop::parse_rate("2.5 Mbit/s"), 312'500);
}

TEST(ParseRate, RejectsWhatIsNotARate) {
    EXPECT_EQ(coop::parse_rate(""), std::nullopt);
    EXPECT_EQ(coop::parse_rate("fast"), std::nullopt);
    EXPECT_EQ(coop::parse_rate("/s"), std::nullopt);
    EXPECT_EQ(coop::parse_rate("-2MiB/s"), std::nullopt);
    EXPECT_EQ(coop::parse_rate("2MiB/h"), std::nullopt);
    EXPECT_EQ(coop::parse_rate("2MiB/s/s"), std::nullopt);
    EXPECT_EQ(coop::parse_rate("2Tbit/s"), std::nullopt);
    EXPECT_EQ(coop::parse_rate("2Kibit/s"), std::nullopt);
    EXPECT_EQ(coop::parse_rate("2X/s"), std::nullopt);
    EXPECT_EQ(coop::parse_rate("1e3"), std::nullopt);
    EXPECT_EQ(coop::parse_rate("99999999999G/s"), std::nullopt);
}

TEST(ParseTime, PlainSeconds) {
    EXPECT_EQ(coop::parse_time("90"), 90.0);
    EXPECT_EQ(coop::parse_time("0"), 0.0);
    EXPECT_EQ(coop::parse_time("90.5"), 90.5);
    EXPECT_EQ(coop::parse_time("7200"), 7200.0);  // no upper bound on a lone number
}

TEST(ParseTime, MinutesAndSecondsWithColons) {
    EXPECT_EQ(coop::parse_time("1:30"), 90.0);
    EXPECT_EQ(coop::parse_time("0:00"), 0.0);
    EXPECT_EQ(coop::parse_time("0:59"), 59.0);
    EXPECT_EQ(coop::parse_time("1:02:03"), 3723.0);
    EXPECT_EQ(coop::parse_time("120:00"), 7200.0);  // the first part is not limited to 59
    EXPECT_EQ(coop::parse_time("1:30.5"), 90.5);    // a fraction of a second in the last part
}

TEST(ParseTime, UnitSuffixes) {
    EXPECT_EQ(coop::parse_time("90s"), 90.0);
    EXPECT_EQ(coop::parse_time("2m"), 120.0);
    EXPECT_EQ(coop::parse_time("1h"), 3600.0);
    EXPECT_EQ(coop::parse_time("1.5m"), 90.0);
    EXPECT_EQ(coop::parse_time("0s"), 0.0);
}

TEST(ParseTime, RejectsWhatIsNotATime) {
    for (const char* text : {"", "abc", "-5", "-1:00", ".", "1..5", "1.2.3", "5x", "1:", ":30", "s", "m",
                             "1:60", "1:30:60", "1:60:00", "1:2:3:4", "1.5:00", "1:30.5:00", "1:30s", "1e3",
                             " 90", "90 ", "nan", "inf"}) {
        EXPECT_EQ(coop::parse_time(text), std::nullopt) << "'" << text << "'";
    }
}

}  // namespace
