#include "core/media/media_names.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "core/ascii.hpp"

namespace coop::media {

bool is_media_name(const std::string& path) {
    static const char* const extensions[] = {".mp4", ".m4v",  ".mkv", ".webm", ".avi", ".mov", ".ts",  ".mpg", ".mpeg",
                                             ".flv", ".mp3",  ".m4a", ".flac", ".ogg", ".opus", ".wav", ".aac"};
    const std::string ext = ascii_lower(std::filesystem::path(path).extension().string());
    return std::any_of(std::begin(extensions), std::end(extensions), [&](const char* e) { return ext == e; });
}

}  // namespace coop::media
