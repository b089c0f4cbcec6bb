#include "core/media/mp4_layout.hpp"

#include <cctype>

namespace coop::media {

namespace {

std::uint64_t big_endian(const std::string& bytes, std::size_t at, int width) {
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
    return v;
}

bool printable_type(const std::string& type) {
    for (unsigned char c : type)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

}  // namespace

std::vector<Box> top_level_boxes(const ByteReader& read, std::int64_t file_size, int max_boxes) {
    std::vector<Box> boxes;
    std::int64_t offset = 0;
    while (offset + 8 <= file_size && static_cast<int>(boxes.size()) < max_boxes) {
        const std::string header = read(offset, 16);
        if (header.size() < 8) break;
        Box box;
        box.offset = offset;
        box.type = header.substr(4, 4);
        if (!printable_type(box.type)) break;
        std::uint64_t size = big_endian(header, 0, 4);
        if (size == 1) {  // 64-bit size follows the type
            if (header.size() < 16) break;
            size = big_endian(header, 8, 8);
            if (size < 16) break;
        } else if (size == 0) {  // the box runs to the end of the file
            size = static_cast<std::uint64_t>(file_size - offset);
        } else if (size < 8) {
            break;
        }
        if (size > static_cast<std::uint64_t>(file_size - offset)) break;  // truncated or lying
        box.size = static_cast<std::int64_t>(size);
        boxes.push_back(box);
        offset += box.size;
    }
    return boxes;
}

std::optional<Box> find_moov(const ByteReader& read, std::int64_t file_size) {
    for (const auto& box : top_level_boxes(read, file_size))
        if (box.type == "moov") return box;
    return std::nullopt;
}

}  // namespace coop::media
