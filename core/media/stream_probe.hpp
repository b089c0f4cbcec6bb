#pragma once
// FFmpeg (libavformat) reading a media file through a byte reader that may
// block while the bytes arrive: the agent probes a stream with it as the
// player would open it (header, index, first key frame), so it learns the
// bitrate, the codecs and when a first frame could be decoded, and where a
// start time lies in the file.
#include <cstdint>
#include <functional>
#include <memory>

#include "core/media/mp4_layout.hpp"
#include "core/media/probe.hpp"

namespace coop::media {

class StreamProbe {
public:
    // `read` returns the bytes asked for (fewer only at the end of the
    // file) or "" when it gave up. The format is found from the bytes.
    StreamProbe(ByteReader read, std::int64_t size);
    ~StreamProbe();
    StreamProbe(const StreamProbe&) = delete;
    StreamProbe& operator=(const StreamProbe&) = delete;

    // Reads the header and index. Not parsed (with the reason) when FFmpeg
    // cannot make sense of the bytes: the file then streams as plain bytes.
    MediaInfo open();

    // Reads packets up to the first key frame of the first video stream (or
    // the first audio packet): what a player needs to show a first frame.
    bool first_frame();

    // The byte offset where playing from `seconds` starts (the key frame at
    // or before it), or -1 when the index cannot tell.
    std::int64_t offset_at(double seconds);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace coop::media
