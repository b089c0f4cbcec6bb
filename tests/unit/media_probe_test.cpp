// FFmpeg probing (core/media/probe.hpp) of real files made by the ffmpeg
// command line.
#include "core/media/probe.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "tests/unit/temp_dir.hpp"

namespace {

using coop::testing::TempDir;

class MediaProbe : public ::testing::Test {
protected:
    void SetUp() override {
        if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs the ffmpeg command (scripts/install-deps.sh)";
    }

    // Runs ffmpeg with ARGS writing `name` in the temp dir; returns its path.
    std::filesystem::path make(const std::string& name, const std::string& args) {
        const auto out = dir_.path() / name;
        const std::string cmd = "ffmpeg -v error -y " + args + " '" + out.string() + "'";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
        return out;
    }

    TempDir dir_;
};

TEST_F(MediaProbe, H264Mp4) {
    const auto file = make("clip.mp4",
                           "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440 -t 2 "
                           "-c:v libx264 -preset ultrafast -c:a aac");
    const auto info = coop::media::probe_file(file);
    ASSERT_TRUE(info.parsed) << info.error;
    EXPECT_NE(info.container.find("mp4"), std::string::npos) << info.container;
    EXPECT_NEAR(info.duration, 2.0, 0.1);
    EXPECT_GT(info.bitrate, 0);
    EXPECT_TRUE(info.playable());
    const auto* video = info.first("video");
    ASSERT_NE(video, nullptr);
    EXPECT_EQ(video->codec, "h264");
    EXPECT_EQ(video->width, 320);
    EXPECT_EQ(video->height, 240);
    EXPECT_NEAR(video->frame_rate, 25.0, 0.01);
    const auto* audio = info.first("audio");
    ASSERT_NE(audio, nullptr);
    EXPECT_EQ(audio->codec, "aac");
    EXPECT_EQ(audio->sample_rate, 44100);
    EXPECT_EQ(audio->channels, 1);

    const auto j = info.to_json();
    EXPECT_EQ(j["streams"][0]["width"], 320);
    EXPECT_EQ(j["parsed"], true);
}

TEST_F(MediaProbe, MoovAtTheEndIsStillAnMp4) {
    // ffmpeg writes the index (moov) after the media data unless told
    // +faststart: the layout streaming must fetch the tail for first.
    const auto file = make("tail.mp4", "-f lavfi -i testsrc=size=160x120:rate=10 -t 1 -c:v libx264 -preset ultrafast");
    const auto info = coop::media::probe_file(file);
    ASSERT_TRUE(info.parsed) << info.error;
    EXPECT_NEAR(info.duration, 1.0, 0.15);
    EXPECT_EQ(info.first("video")->codec, "h264");
}

TEST_F(MediaProbe, AudioOnly) {
    const auto file = make("tone.ogg", "-f lavfi -i sine=frequency=220 -t 1 -c:a libvorbis");
    const auto info = coop::media::probe_file(file);
    ASSERT_TRUE(info.parsed) << info.error;
    EXPECT_EQ(info.first("video"), nullptr);
    ASSERT_NE(info.first("audio"), nullptr);
    EXPECT_EQ(info.first("audio")->codec, "vorbis");
    EXPECT_TRUE(info.playable());
}

TEST_F(MediaProbe, RandomBytesAreNotMediaButNoError) {
    const auto file = dir_.path() / "noise.bin";
    std::mt19937 rng(7);
    std::ofstream out(file, std::ios::binary);
    for (int i = 0; i < 65536; ++i) out.put(static_cast<char>(rng()));
    out.close();
    const auto info = coop::media::probe_file(file);
    EXPECT_FALSE(info.parsed);
    EXPECT_FALSE(info.error.empty());
    EXPECT_FALSE(info.playable());
    EXPECT_EQ(info.to_json()["parsed"], false);
}

TEST_F(MediaProbe, MissingFileSaysSo) {
    const auto info = coop::media::probe_file(dir_.path() / "nope.mp4");
    EXPECT_FALSE(info.parsed);
    EXPECT_EQ(info.error, "No such file or directory");
}

}  // namespace
