#pragma once
// One `coop stream`: what it plays, what FFmpeg said of it, and how it went.
// Lives on the agent's event loop; the stream server adds to its stats.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/agent/stream_stats.hpp"
#include "core/media/probe.hpp"

namespace coop::agent {

struct Stream {
    int number = 0;
    std::string id;  // the transfer
    int file = 0;
    std::string name;  // the file's path in the torrent
    std::int64_t size = 0;
    std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
    std::int64_t opened_unix = 0;
    double start_seconds = 0;        // --start
    std::int64_t start_offset = -1;  // the byte where it lies, once known
    std::optional<media::MediaInfo> media;
    double byte_rate = 0;  // from the media's bitrate; 0 while unknown
    bool closed = false;   // its command ended
    StreamStats stats;

    // Seconds since it was opened (safe from any thread).
    double now() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - opened).count(); }
    // {stream, id, file, file_name, size, opened_at, bitrate, start,
    //  start_offset, closed} and the stats.
    nlohmann::json to_json() const;
};

}  // namespace coop::agent
