#pragma once
// Which files are audio or video, by their name's extension: the file a
// stream picks in a torrent, the file a catalog entry reads media info from.
#include <string>

namespace coop::media {

bool is_media_name(const std::string& path);

}  // namespace coop::media
