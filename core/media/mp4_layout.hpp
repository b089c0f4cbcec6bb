#pragma once
// Where an MP4 (ISO BMFF) file keeps its index. A player needs the `moov`
// box before it can decode a frame; ffmpeg and many cameras write it after
// the media data, so streaming must fetch the file's tail first. This
// walks the top-level boxes through a reader, so it works on a file still
// arriving: each step needs only a box header (8 or 16 bytes).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace coop::media {

struct Box {
    std::string type;  // four characters, e.g. "ftyp", "moov", "mdat"
    std::int64_t offset = 0;
    std::int64_t size = 0;  // header included
};

// Reads up to `length` bytes at `offset`; fewer at the end of the data.
using ByteReader = std::function<std::string(std::int64_t offset, std::int64_t length)>;

// The top-level boxes of a file of `file_size` bytes, in order. Stops at
// the first malformed header (hostile or not MP4), after `max_boxes`, or at
// the end; returns what it understood up to there.
std::vector<Box> top_level_boxes(const ByteReader& read, std::int64_t file_size, int max_boxes = 256);

// The moov box, if the walk finds one.
std::optional<Box> find_moov(const ByteReader& read, std::int64_t file_size);

}  // namespace coop::media
