// Progress bars and progress lines (core/cli/progress.hpp).
#include "core/cli/progress.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

constexpr std::int64_t MiB = 1024 * 1024;

coop::cli::Progress downloading() {
    coop::cli::Progress p;
    p.label = "film.mkv";
    p.state = "downloading";
    p.done = 576 * MiB;
    p.size = 1024 * MiB;
    p.rate = 12 * MiB + 3 * MiB / 10;
    p.peers = 3;
    p.eta = 5;
    return p;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST(RenderLine, Downloading) {
    EXPECT_EQ(coop::cli::render_line(downloading()),
              "film.mkv: downloading 56.2% (576 MiB of 1.0 GiB), 12.3 MiB/s, ETA 5s, 3 peers");
}

TEST(RenderLine, SizeUnknown) {
    coop::cli::Progress p;
    p.label = "magnet";
    p.state = "metadata";
    p.peers = 1;
    EXPECT_EQ(coop::cli::render_line(p), "magnet: metadata, 0 B/s, ETA --, 1 peer");
}

TEST(RenderLine, Complete) {
    auto p = downloading();
    p.state = "seeding";
    p.done = p.size;
    p.rate = 0;
    p.eta = 0;
    p.peers = 0;
    EXPECT_EQ(coop::cli::render_line(p), "film.mkv: seeding 100.0% (1.0 GiB of 1.0 GiB), 0 B/s, ETA 0s, 0 peers");
}

TEST(RenderLine, LongEta) {
    auto p = downloading();
    p.done = 0;
    p.eta = 3723;
    EXPECT_EQ(coop::cli::render_line(p), "film.mkv: downloading 0.0% (0 B of 1.0 GiB), 12.3 MiB/s, ETA 1:02:03, 3 peers");
}

TEST(RenderBar, ExactAtEightyColumns) {
    // tail "   56.2%  12.3 MiB/s  ETA 5s  3 peers" is 37 columns; 39 are left
    // for the label and the bar, which is 31 cells, 17 of them (56.25%) full.
    const std::string expected = "film.mkv [" + std::string(17, '#') + std::string(14, '-') + "]" +
                                 "   56.2%  12.3 MiB/s  ETA 5s  3 peers";
    EXPECT_EQ(coop::cli::render_bar(downloading(), 80), expected);
}

TEST(RenderBar, EmptyAndFullBars) {
    auto p = downloading();
    p.done = 0;
    const auto empty = coop::cli::render_bar(p, 80);
    EXPECT_TRUE(contains(empty, " [" + std::string(31, '-') + "]")) << empty;
    EXPECT_TRUE(contains(empty, "  0.0%")) << empty;
    p.done = p.size;
    const auto full = coop::cli::render_bar(p, 80);
    EXPECT_TRUE(contains(full, " [" + std::string(31, '#') + "]")) << full;
    EXPECT_TRUE(contains(full, "100.0%")) << full;
}

TEST(RenderBar, FitsTheWidthAndShowsThePercentage) {
    for (int width : {40, 80, 200}) {
        const auto bar = coop::cli::render_bar(downloading(), width);
        EXPECT_LE(bar.size(), static_cast<std::size_t>(width)) << "width " << width << ": '" << bar << "'";
        EXPECT_TRUE(contains(bar, "56.2%")) << "width " << width << ": '" << bar << "'";
        EXPECT_TRUE(contains(bar, "12.3 MiB/s")) << bar;
        EXPECT_TRUE(contains(bar, "3 peers")) << bar;
    }
}

TEST(RenderBar, WideTerminalsGetALongerBarAndTheWholeLabel) {
    auto p = downloading();
    p.label = "a name that is longer than thirty columns.mkv";
    const auto at80 = coop::cli::render_bar(p, 80);
    const auto at200 = coop::cli::render_bar(p, 200);
    EXPECT_LT(at80.size(), at200.size());
    // The label is cut with '~' to a third of the room, at most 30 columns.
    EXPECT_EQ(at200.substr(0, 30), p.label.substr(0, 29) + "~") << at200;
    EXPECT_EQ(at80.find('~'), 12u) << at80;
    EXPECT_EQ(at80.substr(0, 12), p.label.substr(0, 12)) << at80;
}

TEST(RenderBar, ShowsAStateOtherThanDownloading) {
    auto p = downloading();
    p.state = "checking";
    const auto bar = coop::cli::render_bar(p, 80);
    EXPECT_TRUE(bar.ends_with("  (checking)")) << bar;
    EXPECT_LE(bar.size(), 80u) << bar;
    EXPECT_FALSE(contains(coop::cli::render_bar(downloading(), 80), "(downloading)"));
}

TEST(RenderBar, UnknownSize) {
    coop::cli::Progress p;
    p.label = "magnet";
    p.state = "metadata";
    const auto bar = coop::cli::render_bar(p, 80);
    EXPECT_TRUE(contains(bar, "--%")) << bar;
    EXPECT_TRUE(contains(bar, "ETA --")) << bar;
    EXPECT_TRUE(contains(bar, "(metadata)")) << bar;
    EXPECT_FALSE(contains(bar, "#")) << bar;
    EXPECT_LE(bar.size(), 80u) << bar;
}

// "fitted to `width` columns": also with the long fields a real transfer
// shows (a state, a slow rate, an ETA of hours, many peers) on a 40-column
// terminal, as `coop share` draws it while hashing.
TEST(RenderBar, FitsFortyColumnsWithLongFields) {
    auto p = downloading();
    p.rate = 1023 * 1024;
    p.eta = 3723;
    p.peers = 12;
    auto bar = coop::cli::render_bar(p, 40);
    EXPECT_LE(bar.size(), 40u) << "'" << bar << "'";

    coop::cli::Progress hashing;
    hashing.label = "hashing film.mkv";
    hashing.state = "hashing";
    hashing.done = 10;
    hashing.size = 20;
    bar = coop::cli::render_bar(hashing, 40);
    EXPECT_LE(bar.size(), 40u) << "'" << bar << "'";
}

// Progress comes from the agent over the socket; a count past the size (a
// late size update, a rounding difference) must not crash the command.
TEST(RenderBar, DoneBeyondSizeDoesNotThrow) {
    auto p = downloading();
    p.done = p.size + p.size / 2;
    std::string bar;
    EXPECT_NO_THROW(bar = coop::cli::render_bar(p, 80));
    EXPECT_LE(bar.size(), 80u) << bar;
}

TEST(TerminalWidth, IsAtLeastTwentyOne) {
    // 80 when there is no terminal (as under ctest), else its real width.
    EXPECT_GT(coop::cli::terminal_width(), 20);
}

}  // namespace
