// Media info as lines for people (core/cli/media_text.hpp).
#include "core/cli/media_text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using Lines = std::vector<std::pair<std::string, std::string>>;
using nlohmann::json;

TEST(FormatBitrate, MegabitsWithOneDecimal) {
    EXPECT_EQ(coop::cli::format_bitrate(4000000), "4.0 Mbit/s");
    EXPECT_EQ(coop::cli::format_bitrate(1000000), "1.0 Mbit/s");
    EXPECT_EQ(coop::cli::format_bitrate(2560000), "2.6 Mbit/s");
    EXPECT_EQ(coop::cli::format_bitrate(25000000), "25.0 Mbit/s");
}

TEST(FormatBitrate, KilobitsBelowAMegabit) {
    EXPECT_EQ(coop::cli::format_bitrate(96000), "96 kbit/s");
    EXPECT_EQ(coop::cli::format_bitrate(128000), "128 kbit/s");
    EXPECT_EQ(coop::cli::format_bitrate(127600), "128 kbit/s");  // rounded
    EXPECT_EQ(coop::cli::format_bitrate(1000), "1 kbit/s");
}

TEST(FormatBitrate, ZeroIsUnknown) {
    EXPECT_EQ(coop::cli::format_bitrate(0), "unknown");
    EXPECT_EQ(coop::cli::format_bitrate(-1), "unknown");
}

json parsed_clip() {
    return json::parse(R"({
        "parsed": true,
        "container": "mov,mp4,m4a,3gp,3g2,mj2",
        "duration": 90.2,
        "bitrate": 4000000,
        "streams": [
            {"type": "video", "codec": "h264", "bitrate": 0, "width": 1280, "height": 720, "frame_rate": 25.0},
            {"type": "audio", "codec": "aac", "bitrate": 0, "sample_rate": 48000, "channels": 2}
        ]})");
}

TEST(MediaLines, ParsedFile) {
    const Lines expected = {{"container", "mov,mp4,m4a,3gp,3g2,mj2"},
                            {"duration", "1:30"},
                            {"bitrate", "4.0 Mbit/s"},
                            {"video", "h264 1280x720 25 fps"},
                            {"audio", "aac 48000 Hz, 2 ch"}};
    EXPECT_EQ(coop::cli::media_lines(parsed_clip()), expected);
}

TEST(MediaLines, StreamBitratesWhenKnown) {
    json media = parsed_clip();
    media["streams"][0]["bitrate"] = 3500000;
    media["streams"][1]["bitrate"] = 128000;
    const auto lines = coop::cli::media_lines(media);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[3], (std::pair<std::string, std::string>{"video", "h264 1280x720 25 fps, 3.5 Mbit/s"}));
    EXPECT_EQ(lines[4], (std::pair<std::string, std::string>{"audio", "aac 48000 Hz, 2 ch, 128 kbit/s"}));
}

TEST(MediaLines, FractionalFrameRateKeepsTwoDecimals) {
    json media = parsed_clip();
    media["streams"][0]["frame_rate"] = 30000.0 / 1001;
    EXPECT_EQ(coop::cli::media_lines(media)[3].second, "h264 1280x720 29.97 fps");
    media["streams"][0]["frame_rate"] = 0.0;  // unknown: left out
    EXPECT_EQ(coop::cli::media_lines(media)[3].second, "h264 1280x720");
}

TEST(MediaLines, UnknownDurationAndBitrate) {
    json media = parsed_clip();
    media["duration"] = 0.0;
    media["bitrate"] = 0;
    const auto lines = coop::cli::media_lines(media);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[1], (std::pair<std::string, std::string>{"duration", "unknown"}));
    EXPECT_EQ(lines[2], (std::pair<std::string, std::string>{"bitrate", "unknown"}));
}

TEST(MediaLines, LongDurationsShowHours) {
    json media = parsed_clip();
    media["duration"] = 3723.4;
    EXPECT_EQ(coop::cli::media_lines(media)[1].second, "1:02:03");
    media["duration"] = 42.0;
    EXPECT_EQ(coop::cli::media_lines(media)[1].second, "42s");
}

TEST(MediaLines, OtherStreamsShowTheirCodec) {
    json media = parsed_clip();
    media["streams"] = json::array({{{"type", "subtitle"}, {"codec", "mov_text"}, {"bitrate", 0}}});
    const auto lines = coop::cli::media_lines(media);
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[3], (std::pair<std::string, std::string>{"subtitle", "mov_text"}));
}

TEST(MediaLines, NotParsedIsOneLineWithTheReason) {
    const auto lines = coop::cli::media_lines({{"parsed", false}, {"error", "Invalid data found when processing input"}});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].second.find("Invalid data found when processing input"), std::string::npos) << lines[0].second;
}

TEST(MediaLines, NothingKnownIsNotParsed) {
    const auto lines = coop::cli::media_lines(json::object());
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].first, "media");
}

}  // namespace
