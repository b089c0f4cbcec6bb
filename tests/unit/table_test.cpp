// Aligned columns for people (core/cli/table.hpp).
#include "core/cli/table.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

std::string printed(const coop::cli::Table& table) {
    std::ostringstream out;
    table.print(out);
    return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Columns on a terminal: one per UTF-8 code point (no wide characters here).
std::size_t columns(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xc0) != 0x80;
    return n;
}

TEST(Table, HeadersOnly) {
    coop::cli::Table table({"ID", "NAME", "SIZE>"});
    EXPECT_TRUE(table.empty());
    EXPECT_EQ(printed(table), "ID  NAME  SIZE\n");
}

TEST(Table, LeftAndRightAlignment) {
    coop::cli::Table table({"ID", "NAME", "SIZE>"});
    table.add({"a1", "film.mkv", "1.5 GiB"});
    table.add({"b22", "x", "12 B"});
    EXPECT_FALSE(table.empty());
    EXPECT_EQ(printed(table),
              "ID   NAME         SIZE\n"
              "a1   film.mkv  1.5 GiB\n"
              "b22  x            12 B\n");
}

TEST(Table, RightAlignedColumnInTheMiddle) {
    coop::cli::Table table({"ID", "PEERS>", "STATE"});
    table.add({"a", "3", "seeding"});
    table.add({"b", "12", "paused"});
    EXPECT_EQ(printed(table),
              "ID  PEERS  STATE\n"
              "a       3  seeding\n"
              "b      12  paused\n");
}

TEST(Table, ShortLastCellLeavesNoTrailingSpaces) {
    coop::cli::Table table({"ID", "STATE", "PATH"});
    table.add({"a", "complete", "/data/long/path"});
    table.add({"b", "active", ""});
    table.add({"c", "", ""});
    const auto text = printed(table);
    EXPECT_EQ(text,
              "ID  STATE     PATH\n"
              "a   complete  /data/long/path\n"
              "b   active\n"
              "c\n");
    for (const auto& line : lines_of(text)) {
        ASSERT_FALSE(line.empty());
        EXPECT_NE(line.back(), ' ') << "'" << line << "'";
    }
}

TEST(Table, MissingCellsAreEmptyAndExtraCellsDropped) {
    coop::cli::Table table({"A", "B>", "C"});
    table.add({"1"});
    table.add({"2", "3", "4", "extra"});
    EXPECT_EQ(printed(table),
              "A  B  C\n"
              "1\n"
              "2  3  4\n");
}

TEST(Table, GreaterThanOnlyMarksTheEnd) {
    coop::cli::Table table({"A>B", "RATIO>"});
    table.add({"x", "0.50"});
    EXPECT_EQ(printed(table),
              "A>B  RATIO\n"
              "x     0.50\n");
}

// Names of shared files are often not ASCII ("Björk – Live.mkv"). Their
// columns must line up on a terminal like any other.
TEST(Table, NonAsciiCellsLineUp) {
    coop::cli::Table table({"NAME", "SIZE>"});
    table.add({"Björk – Live.mkv", "1 B"});
    table.add({"plain-ascii-name", "22 B"});
    const auto lines = lines_of(printed(table));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(columns(lines[0]), columns(lines[1])) << lines[0] << "\n" << lines[1];
    EXPECT_EQ(columns(lines[1]), columns(lines[2])) << lines[1] << "\n" << lines[2];
}

}  // namespace
