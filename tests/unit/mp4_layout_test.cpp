// MP4 top-level boxes (core/media/mp4_layout.hpp): real files from the
// ffmpeg command line, and hostile headers.
#include "core/media/mp4_layout.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/unit/temp_dir.hpp"

namespace {

using coop::media::Box;
using coop::testing::TempDir;

coop::media::ByteReader reader_of(const std::string& data, int* calls = nullptr) {
    return [&data, calls](std::int64_t offset, std::int64_t length) {
        if (calls) ++*calls;
        if (offset >= static_cast<std::int64_t>(data.size())) return std::string();
        return data.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
    };
}

std::string box(const std::string& type, std::uint32_t size, const std::string& body = "") {
    std::string b;
    for (int shift = 24; shift >= 0; shift -= 8) b += static_cast<char>((size >> shift) & 0xff);
    return b + type + body;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Mp4FromFfmpeg : public ::testing::Test {
protected:
    void SetUp() override {
        if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs the ffmpeg command";
    }
    std::string make(const std::string& flags) {
        const auto out = dir_.path() / "v.mp4";
        const std::string cmd = "ffmpeg -v error -y -f lavfi -i testsrc=size=160x120:rate=10 -t 2 -c:v libx264 "
                                "-preset ultrafast " + flags + " '" + out.string() + "'";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
        return slurp(out);
    }
    TempDir dir_;
};

TEST_F(Mp4FromFfmpeg, MoovAtTheEndByDefault) {
    const std::string data = make("");
    const auto moov = coop::media::find_moov(reader_of(data), static_cast<std::int64_t>(data.size()));
    ASSERT_TRUE(moov);
    EXPECT_EQ(moov->offset + moov->size, static_cast<std::int64_t>(data.size()));  // the last box
    EXPECT_GT(moov->offset, static_cast<std::int64_t>(data.size()) / 2);
    EXPECT_EQ(data.substr(static_cast<std::size_t>(moov->offset) + 4, 4), "moov");
}

TEST_F(Mp4FromFfmpeg, MoovFirstWithFaststart) {
    const std::string data = make("-movflags +faststart");
    const auto boxes = coop::media::top_level_boxes(reader_of(data), static_cast<std::int64_t>(data.size()));
    ASSERT_GE(boxes.size(), 3u);
    EXPECT_EQ(boxes[0].type, "ftyp");
    std::int64_t covered = 0;
    int moov_at = -1, mdat_at = -1;
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        covered += boxes[i].size;
        if (boxes[i].type == "moov") moov_at = static_cast<int>(i);
        if (boxes[i].type == "mdat") mdat_at = static_cast<int>(i);
    }
    EXPECT_EQ(covered, static_cast<std::int64_t>(data.size()));  // the boxes tile the file
    ASSERT_GE(moov_at, 0);
    EXPECT_LT(moov_at, mdat_at);
}

TEST(Mp4Layout, OneReadPerBox) {
    const std::string data = box("ftyp", 16, "isom0000") + box("mdat", 1008, std::string(1000, 'x')) + box("moov", 12, "abcd");
    int calls = 0;
    const auto moov = coop::media::find_moov(reader_of(data, &calls), static_cast<std::int64_t>(data.size()));
    ASSERT_TRUE(moov);
    EXPECT_EQ(moov->offset, 1024);
    EXPECT_EQ(calls, 3);  // the media data itself is never read
}

TEST(Mp4Layout, SixtyFourBitSizes) {
    std::string large = box("mdat", 1);
    for (int shift = 56; shift >= 0; shift -= 8) large += static_cast<char>((std::uint64_t{40} >> shift) & 0xff);
    large += std::string(24, 'x');
    const std::string data = box("ftyp", 8) + large + box("moov", 8);
    const auto boxes = coop::media::top_level_boxes(reader_of(data), static_cast<std::int64_t>(data.size()));
    ASSERT_EQ(boxes.size(), 3u);
    EXPECT_EQ(boxes[1].size, 40);
    EXPECT_EQ(boxes[2].type, "moov");
}

TEST(Mp4Layout, SizeZeroRunsToTheEnd) {
    const std::string data = box("ftyp", 8) + box("mdat", 0, std::string(100, 'x'));
    const auto boxes = coop::media::top_level_boxes(reader_of(data), static_cast<std::int64_t>(data.size()));
    ASSERT_EQ(boxes.size(), 2u);
    EXPECT_EQ(boxes[1].size, 108);
}

TEST(Mp4Layout, HostileHeadersStopTheWalk) {
    // A size past the end, a size below the header, binary garbage as a type,
    // and a 64-bit size that is missing: none may crash or loop.
    for (const std::string& data : {box("ftyp", 8) + box("mdat", 0x7fffffff),
                                     box("ftyp", 8) + box("mdat", 4) + box("moov", 8),
                                     box("ftyp", 8) + std::string("\x00\x00\x00\x08\x01\x02\x03\x04", 8),
                                     box("ftyp", 8) + box("mdat", 1)}) {
        const auto boxes = coop::media::top_level_boxes(reader_of(data), static_cast<std::int64_t>(data.size()));
        ASSERT_EQ(boxes.size(), 1u);
        EXPECT_EQ(boxes[0].type, "ftyp");
        EXPECT_FALSE(coop::media::find_moov(reader_of(data), static_cast<std::int64_t>(data.size())));
    }
}

TEST(Mp4Layout, NotMp4AtAll) {
    const std::string data(4096, '\xff');
    EXPECT_TRUE(coop::media::top_level_boxes(reader_of(data), 4096).empty());
    EXPECT_TRUE(coop::media::top_level_boxes(reader_of(""), 0).empty());
}

TEST(Mp4Layout, BoundedNumberOfBoxes) {
    std::string data;
    for (int i = 0; i < 1000; ++i) data += box("free", 8);
    EXPECT_EQ(coop::media::top_level_boxes(reader_of(data), static_cast<std::int64_t>(data.size()), 256).size(), 256u);
}

}  // namespace
