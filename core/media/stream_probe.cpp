#include "core/media/stream_probe.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/mem.h>
}

#include <algorithm>
#include <cstring>

namespace coop::media {

namespace {

// Small reads: FFmpeg asks for a few bytes of header here and there, and
// every byte asked for is fetched ahead of the rest while a stream starts.
constexpr int io_buffer_bytes = 32 * 1024;
constexpr int max_packets_to_first_frame = 2000;

// True when the container's header describes every stream well enough
// for a player (codec, picture size, sample rate and channels).
bool header_complete(const AVFormatContext& ctx) {
    if (ctx.nb_streams == 0 || (ctx.ctx_flags & AVFMTCTX_NOHEADER)) return false;
    for (unsigned i = 0; i < ctx.nb_streams; ++i) {
        const AVCodecParameters* par = ctx.streams[i]->codecpar;
        if (par->codec_type != AVMEDIA_TYPE_VIDEO && par->codec_type != AVMEDIA_TYPE_AUDIO) continue;
        if (par->codec_id == AV_CODEC_ID_NONE) return false;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO && (par->width <= 0 || par->height <= 0)) return false;
        if (par->codec_type == AVMEDIA_TYPE_AUDIO && (par->sample_rate <= 0 || par->ch_layout.nb_channels <= 0)) return false;
    }
    return true;
}

}  // namespace

struct StreamProbe::Impl {
    ByteReader read;
    std::int64_t size = 0;
    std::int64_t position = 0;
    AVIOContext* io = nullptr;
    AVFormatContext* ctx = nullptr;
    bool opened = false;
    int main_stream = -1;

    static int read_packet(void* opaque, std::uint8_t* buf, int buf_size) {
        auto* self = static_cast<Impl*>(opaque);
        if (self->position >= self->size) return AVERROR_EOF;
        const std::int64_t want = std::min<std::int64_t>(buf_size, self->size - self->position);
        const std::string data = self->read(self->position, want);
        if (data.empty()) return AVERROR(EIO);
        std::memcpy(buf, data.data(), data.size());
        self->position += static_cast<std::int64_t>(data.size());
        return static_cast<int>(data.size());
    }

    static std::int64_t seek(void* opaque, std::int64_t offset, int whence) {
        auto* self = static_cast<Impl*>(opaque);
        switch (whence & ~AVSEEK_FORCE) {
            case AVSEEK_SIZE: return self->size;
            case SEEK_SET: break;
            case SEEK_CUR: offset += self->position; break;
            case SEEK_END: offset += self->size; break;
            default: return -1;
        }
        if (offset < 0 || offset > self->size) return -1;
        self->position = offset;
        return offset;
    }

    ~Impl() {
        if (ctx) avformat_close_input(&ctx);
        if (io) {
            av_freep(&io->buffer);
            avio_context_free(&io);
        }
    }
};

StreamProbe::StreamProbe(ByteReader read, std::int64_t size) : impl_(std::make_unique<Impl>()) {
    impl_->read = std::move(read);
    impl_->size = size;
}

StreamProbe::~StreamProbe() = default;

MediaInfo StreamProbe::open() {
    detail::quiet_logs();
    MediaInfo info;
    auto* buffer = static_cast<unsigned char*>(av_malloc(io_buffer_bytes));
    impl_->io = buffer ? avio_alloc_context(buffer, io_buffer_bytes, 0, impl_.get(), &Impl::read_packet, nullptr, &Impl::seek)
                       : nullptr;
    if (!impl_->io) {
        av_free(buffer);
        info.error = "out of memory";
        return info;
    }
    impl_->ctx = avformat_alloc_context();
    if (!impl_->ctx) {
        info.error = "out of memory";
        return info;
    }
    impl_->ctx->pb = impl_->io;
    // A player reads the header and the first packets; so does this. The
    // defaults (5 MB, 5 s) would read far into a file that is still arriving.
    impl_->ctx->probesize = 1 << 20;
    impl_->ctx->max_analyze_duration = AV_TIME_BASE;
    // The bytes alone decide the format: given a name, FFmpeg would take
    // any .txt for ANSI art.
    if (int rc = avformat_open_input(&impl_->ctx, "", nullptr, nullptr); rc < 0) {
        impl_->ctx = nullptr;  // freed by avformat_open_input on failure
        info.error = detail::av_error(rc);
        return info;
    }
    // Where the header already says everything (MP4's moov, Matroska's
    // tracks), reading packets to analyse them only costs the start of a
    // stream: each read is a round trip to a peer.
    if (!header_complete(*impl_->ctx)) {
        if (int rc = avformat_find_stream_info(impl_->ctx, nullptr); rc < 0) {
            info.error = detail::av_error(rc);
            return info;
        }
    }
    impl_->opened = true;
    impl_->main_stream = av_find_best_stream(impl_->ctx, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (impl_->main_stream < 0) impl_->main_stream = av_find_best_stream(impl_->ctx, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    info = detail::describe(*impl_->ctx);
    if (info.bitrate == 0 && info.duration > 0) info.bitrate = static_cast<std::int64_t>(impl_->size * 8 / info.duration);
    return info;
}

bool StreamProbe::first_frame() {
    if (!impl_->opened || impl_->main_stream < 0) return false;
    AVPacket* packet = av_packet_alloc();
    if (!packet) return false;
    bool found = false;
    for (int i = 0; i < max_packets_to_first_frame && !found; ++i) {
        if (av_read_frame(impl_->ctx, packet) < 0) break;
        const AVStream* st = impl_->ctx->streams[packet->stream_index];
        found = packet->stream_index == impl_->main_stream &&
                (st->codecpar->codec_type != AVMEDIA_TYPE_VIDEO || (packet->flags & AV_PKT_FLAG_KEY));
        av_packet_unref(packet);
    }
    av_packet_free(&packet);
    return found;
}

std::int64_t StreamProbe::offset_at(double seconds) {
    if (!impl_->opened || impl_->main_stream < 0 || seconds < 0) return -1;
    const AVStream* st = impl_->ctx->streams[impl_->main_stream];
    const std::int64_t ts = av_rescale_q(static_cast<std::int64_t>(seconds * AV_TIME_BASE), AV_TIME_BASE_Q, st->time_base);
    if (av_seek_frame(impl_->ctx, impl_->main_stream, ts, AVSEEK_FLAG_BACKWARD) < 0) return -1;
    AVPacket* packet = av_packet_alloc();
    if (!packet) return -1;
    std::int64_t offset = -1;
    for (int i = 0; i < max_packets_to_first_frame; ++i) {
        if (av_read_frame(impl_->ctx, packet) < 0) break;
        const bool mine = packet->stream_index == impl_->main_stream;
        if (mine) offset = packet->pos;
        av_packet_unref(packet);
        if (mine) break;
    }
    av_packet_free(&packet);
    return offset;
}

}  // namespace coop::media
