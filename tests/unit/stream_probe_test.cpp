// FFmpeg reading a media file through a byte reader (core/media/stream_probe.hpp):
// real files from the ffmpeg command line, read through a reader that
// records every read, as the stream server's engine reads would be.
#include "core/media/stream_probe.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/media/mp4_layout.hpp"
#include "tests/unit/temp_dir.hpp"

namespace {

using coop::media::StreamProbe;
using coop::testing::TempDir;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A file's bytes behind a ByteReader that keeps every (offset, length) asked.
struct RecordingFile {
    std::string data;
    std::vector<std::pair<std::int64_t, std::int64_t>> reads;

    std::int64_t size() const { return static_cast<std::int64_t>(data.size()); }

    coop::media::ByteReader reader() {
        return [this](std::int64_t offset, std::int64_t length) {
            reads.emplace_back(offset, length);
            if (offset < 0 || offset >= size()) return std::string();
            return data.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
        };
    }

    std::int64_t bytes_read() const {
        std::int64_t total = 0;
        for (const auto& r : reads) total += r.second;
        return total;
    }

    // Whether any read touched a byte in [from, to).
    bool read_within(std::int64_t from, std::int64_t to) const {
        for (const auto& [offset, length] : reads)
            if (offset < to && offset + length > from) return true;
        return false;
    }

    std::string describe_reads() const {
        std::string text;
        for (const auto& [offset, length] : reads) text += " " + std::to_string(offset) + "+" + std::to_string(length);
        return text;
    }
};

// `read` until `from`; from there on it gives up ("").
coop::media::ByteReader giving_up_from(coop::media::ByteReader read, std::int64_t from) {
    return [read = std::move(read), from](std::int64_t offset, std::int64_t length) {
        return offset >= from ? std::string() : read(offset, length);
    };
}

class StreamProbeFile : public ::testing::Test {
protected:
    void SetUp() override {
        if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs the ffmpeg command (scripts/install-deps.sh)";
    }

    // A 4 s H.264 + AAC MP4 with a key frame every second. The noise makes
    // the video about 6 MB, so that reading all of it shows in the counts.
    RecordingFile make(const std::string& name, const std::string& flags) {
        const auto out = dir_.path() / name;
        const std::string cmd =
            "ffmpeg -v error -y -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440 -t 4 "
            "-vf noise=alls=40:allf=t -c:v libx264 -preset ultrafast -g 25 -keyint_min 25 -sc_threshold 0 "
            "-c:a aac " + flags + " '" + out.string() + "'";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
        RecordingFile f;
        f.data = slurp(out);
        return f;
    }

    static coop::media::Box moov_of(RecordingFile& f) {
        const auto moov = coop::media::find_moov(f.reader(), f.size());
        f.reads.clear();
        EXPECT_TRUE(moov);
        return moov.value_or(coop::media::Box{});
    }

    static void expect_clip(const coop::media::MediaInfo& info) {
        ASSERT_TRUE(info.parsed) << info.error;
        EXPECT_NE(info.container.find("mp4"), std::string::npos) << info.container;
        EXPECT_NEAR(info.duration, 4.0, 0.1);
        EXPECT_GT(info.bitrate, 0);
        const auto* video = info.first("video");
        ASSERT_NE(video, nullptr);
        EXPECT_EQ(video->codec, "h264");
        EXPECT_EQ(video->width, 320);
        EXPECT_EQ(video->height, 240);
        const auto* audio = info.first("audio");
        ASSERT_NE(audio, nullptr);
        EXPECT_EQ(audio->codec, "aac");
    }

    TempDir dir_;
};

TEST_F(StreamProbeFile, FaststartOpensFromItsFirstBytes) {
    auto f = make("fast.mp4", "-movflags +faststart");
    const auto moov = moov_of(f);
    ASSERT_LT(moov.offset, f.size() / 2) << "ffmpeg did not move the index first";

    StreamProbe probe(f.reader(), f.size());
    expect_clip(probe.open());
    EXPECT_TRUE(probe.first_frame());
    // The header, the index and a key frame are at the start: a player
    // shows a first frame long before the file is all there.
    EXPECT_LT(f.bytes_read(), f.size() / 4) << "reads:" << f.describe_reads();
    EXPECT_FALSE(f.read_within(f.size() / 2, f.size())) << "reads:" << f.describe_reads();
}

TEST_F(StreamProbeFile, MoovAtTheEndIsReadFromTheTail) {
    auto f = make("tail.mp4", "");
    const auto moov = moov_of(f);
    ASSERT_EQ(moov.offset + moov.size, f.size()) << "ffmpeg did not write the index last";

    StreamProbe probe(f.reader(), f.size());
    expect_clip(probe.open());
    // The index is fetched where it lies, not by reading through the media.
    EXPECT_TRUE(f.read_within(moov.offset, f.size())) << "reads:" << f.describe_reads();
    EXPECT_FALSE(f.read_within(f.size() / 4, moov.offset)) << "reads:" << f.describe_reads();
    EXPECT_TRUE(probe.first_frame());
}

TEST_F(StreamProbeFile, BitrateOfTheWholeFile) {
    auto f = make("fast.mp4", "-movflags +faststart");
    StreamProbe probe(f.reader(), f.size());
    const auto info = probe.open();
    ASSERT_TRUE(info.parsed) << info.error;
    // Four seconds of this file: its size in bits over four, within 10 %.
    const double expected = static_cast<double>(f.size()) * 8 / 4;
    EXPECT_NEAR(static_cast<double>(info.bitrate), expected, expected / 10);
}

TEST_F(StreamProbeFile, OffsetAtIsTheKeyFrameAtOrBefore) {
    for (const char* flags : {"-movflags +faststart", ""}) {
        SCOPED_TRACE(flags);
        const bool faststart = *flags != '\0';
        auto f = make("clip.mp4", flags);
        const auto moov = moov_of(f);
        StreamProbe probe(f.reader(), f.size());
        ASSERT_TRUE(probe.open().parsed);

        const std::int64_t at2 = probe.offset_at(2.0);
        EXPECT_GT(at2, 0);
        EXPECT_LT(at2, f.size());
        // Not in the index: in the media data.
        if (faststart) {
            EXPECT_GE(at2, moov.offset + moov.size);
        } else {
            EXPECT_LT(at2, moov.offset);
        }
        // Even noise makes an even bitrate: two seconds in is about half way.
        EXPECT_GT(at2, f.size() * 4 / 10);
        EXPECT_LT(at2, f.size() * 6 / 10);

        // Key frames every second: 2.5 plays from the one at 2.0, 1.9 from 1.0.
        EXPECT_EQ(probe.offset_at(2.5), at2);
        const std::int64_t at1 = probe.offset_at(1.9);
        EXPECT_GT(at1, 0);
        EXPECT_LT(at1, at2);
        EXPECT_EQ(probe.offset_at(1.0), at1);
        EXPECT_LT(probe.offset_at(0.0), at1);
        EXPECT_GT(probe.offset_at(3.0), at2);
        EXPECT_EQ(probe.offset_at(-1.0), -1);
    }
}

TEST_F(StreamProbeFile, FirstFrameAndOffsetAtInAnyOrder) {
    auto f = make("fast.mp4", "-movflags +faststart");
    StreamProbe probe(f.reader(), f.size());
    ASSERT_TRUE(probe.open().parsed);
    const std::int64_t at2 = probe.offset_at(2.0);
    ASSERT_GT(at2, 0);
    EXPECT_TRUE(probe.first_frame());
    EXPECT_EQ(probe.offset_at(2.0), at2);
    EXPECT_TRUE(probe.first_frame());
}

TEST_F(StreamProbeFile, AReaderThatGivesUpOnTheMediaLeavesNoOffset) {
    // The header and index come, then the reader gives up (a peer gone):
    // the probe is opened, but a start time has no offset to tell.
    auto f = make("fast.mp4", "-movflags +faststart");
    StreamProbe probe(giving_up_from(f.reader(), f.size() / 4), f.size());
    ASSERT_TRUE(probe.open().parsed);
    EXPECT_EQ(probe.offset_at(2.0), -1);
}

TEST_F(StreamProbeFile, AMoovAtTheEndThatNeverComesIsNotParsed) {
    auto f = make("tail.mp4", "");
    StreamProbe probe(giving_up_from(f.reader(), f.size() / 2), f.size());
    const auto info = probe.open();
    EXPECT_FALSE(info.parsed);
    EXPECT_FALSE(info.error.empty());
    EXPECT_FALSE(probe.first_frame());
    EXPECT_EQ(probe.offset_at(2.0), -1);
}

TEST(StreamProbe, RandomBytesAreNotParsed) {
    RecordingFile f;
    std::mt19937 rng(7);
    for (int i = 0; i < 1 << 20; ++i) f.data += static_cast<char>(rng());
    StreamProbe probe(f.reader(), f.size());
    const auto info = probe.open();
    EXPECT_FALSE(info.parsed);
    EXPECT_FALSE(info.error.empty());
    EXPECT_FALSE(probe.first_frame());
    EXPECT_EQ(probe.offset_at(2.0), -1);
    EXPECT_EQ(probe.offset_at(0.0), -1);
}

TEST(StreamProbe, EmptyFileIsNotParsed) {
    RecordingFile f;
    StreamProbe probe(f.reader(), 0);
    const auto info = probe.open();
    EXPECT_FALSE(info.parsed);
    EXPECT_FALSE(info.error.empty());
    EXPECT_FALSE(probe.first_frame());
    EXPECT_EQ(probe.offset_at(0.0), -1);
    EXPECT_TRUE(f.reads.empty()) << "reads:" << f.describe_reads();  // nothing to read
}

TEST(StreamProbe, AReaderThatGivesUpIsNotParsed) {
    int calls = 0;
    StreamProbe probe(
        [&calls](std::int64_t, std::int64_t) {
            ++calls;
            return std::string();
        },
        5 * 1024 * 1024);
    const auto info = probe.open();
    EXPECT_FALSE(info.parsed);
    EXPECT_FALSE(info.error.empty());
    EXPECT_FALSE(probe.first_frame());
    EXPECT_EQ(probe.offset_at(1.0), -1);
    EXPECT_GE(calls, 1);
    EXPECT_LE(calls, 10) << "kept asking a reader that gave up";
}

TEST(StreamProbe, NothingBeforeOpen) {
    RecordingFile f;
    f.data = std::string(4096, 'x');
    StreamProbe probe(f.reader(), f.size());
    EXPECT_FALSE(probe.first_frame());
    EXPECT_EQ(probe.offset_at(0.0), -1);
    EXPECT_TRUE(f.reads.empty());
}

}  // namespace
