#pragma once
// What FFmpeg (libavformat) can tell of a media file: container, duration,
// bitrate and streams. Streaming sizes its read-ahead window from the
// bitrate; catalog entries carry this summary.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

struct AVFormatContext;  // FFmpeg's

namespace coop::media {

struct StreamInfo {
    std::string type;   // "video", "audio", "subtitle", "data", "attachment"
    std::string codec;  // FFmpeg's short name: "h264", "aac", ...
    int width = 0;      // video
    int height = 0;
    double frame_rate = 0;
    int sample_rate = 0;  // audio
    int channels = 0;
    std::int64_t bitrate = 0;  // bits/s, 0 when unknown
};

struct MediaInfo {
    // False when FFmpeg cannot parse the file: it is then plain bytes, and
    // `error` says why. Not an error for coop: anything can be shared.
    bool parsed = false;
    std::string error;
    std::string container;  // FFmpeg's format name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    double duration = 0;    // seconds, 0 when unknown
    std::int64_t bitrate = 0;  // bits/s over the whole file, 0 when unknown
    std::vector<StreamInfo> streams;

    // A video or audio stream a player can use.
    bool playable() const;
    const StreamInfo* first(const std::string& type) const;
    nlohmann::json to_json() const;
};

namespace detail {
// What an opened (and stream-info'd) libavformat context describes.
MediaInfo describe(const ::AVFormatContext& ctx);
std::string av_error(int code);
void quiet_logs();
}  // namespace detail

// Probes a file on disk. Blocking (it reads the file's start, and the
// index wherever it lies): call it off the event loop.
MediaInfo probe_file(const std::filesystem::path& path);

}  // namespace coop::media
