#include "core/media/ffmpeg.hpp"

extern "C" {
#include <libavformat/avformat.h>
}

namespace coop::media {

std::string ffmpeg_version() {
    const unsigned v = avformat_version();
    return "libavformat " + std::to_string(AV_VERSION_MAJOR(v)) + "." + std::to_string(AV_VERSION_MINOR(v)) + "." +
           std::to_string(AV_VERSION_MICRO(v));
}

}  // namespace coop::media
