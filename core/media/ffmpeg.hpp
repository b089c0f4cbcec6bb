#pragma once
// The FFmpeg libraries coop links (probing and transcoding come with the
// streaming work); for now the version the agent reports.
#include <string>

namespace coop::media {

// "libavformat 59.27.100"
std::string ffmpeg_version();

}  // namespace coop::media
