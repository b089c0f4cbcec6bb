#include "core/media/probe.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

#include <memory>
#include <mutex>

namespace coop::media {

namespace detail {

std::string av_error(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buf, sizeof buf);
    return buf;
}

void quiet_logs() {
    static std::once_flag quiet;
    std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });  // errors are returned, not printed
}

}  // namespace detail

namespace {

using detail::av_error;

const char* type_name(AVMediaType type) {
    switch (type) {
        case AVMEDIA_TYPE_VIDEO: return "video";
        case AVMEDIA_TYPE_AUDIO: return "audio";
        case AVMEDIA_TYPE_SUBTITLE: return "subtitle";
        case AVMEDIA_TYPE_ATTACHMENT: return "attachment";
        default: return "data";
    }
}

struct CloseInput {
    void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};

}  // namespace

bool MediaInfo::playable() const { return first("video") || first("audio"); }

const StreamInfo* MediaInfo::first(const std::string& type) const {
    for (const auto& s : streams)
        if (s.type == type) return &s;
    return nullptr;
}

nlohmann::json MediaInfo::to_json() const {
    nlohmann::json j = {{"parsed", parsed}};
    if (!parsed) {
        j["error"] = error;
        return j;
    }
    j["container"] = container;
    j["duration"] = duration;
    j["bitrate"] = bitrate;
    j["streams"] = nlohmann::json::array();
    for (const auto& s : streams) {
        nlohmann::json e = {{"type", s.type}, {"codec", s.codec}, {"bitrate", s.bitrate}};
        if (s.type == "video") {
            e["width"] = s.width;
            e["height"] = s.height;
            e["frame_rate"] = s.frame_rate;
        } else if (s.type == "audio") {
            e["sample_rate"] = s.sample_rate;
            e["channels"] = s.channels;
        }
        j["streams"].push_back(std::move(e));
    }
    return j;
}

MediaInfo probe_file(const std::filesystem::path& path) {
    detail::quiet_logs();
    MediaInfo info;
    AVFormatContext* raw = nullptr;
    if (int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); rc < 0) {
        info.error = av_error(rc);
        return info;
    }
    std::unique_ptr<AVFormatContext, CloseInput> ctx(raw);
    if (int rc = avformat_find_stream_info(ctx.get(), nullptr); rc < 0) {
        info.error = av_error(rc);
        return info;
    }
    return detail::describe(*ctx);
}

MediaInfo detail::describe(const AVFormatContext& ctx) {
    MediaInfo info;
    info.parsed = true;
    info.container = ctx.iformat && ctx.iformat->name ? ctx.iformat->name : "";
    if (ctx.duration > 0) info.duration = static_cast<double>(ctx.duration) / AV_TIME_BASE;
    info.bitrate = ctx.bit_rate > 0 ? ctx.bit_rate : 0;
    for (unsigned i = 0; i < ctx.nb_streams; ++i) {
        const AVStream* st = ctx.streams[i];
        const AVCodecParameters* par = st->codecpar;
        StreamInfo s;
        s.type = type_name(par->codec_type);
        s.codec = avcodec_get_name(par->codec_id);
        s.bitrate = par->bit_rate > 0 ? par->bit_rate : 0;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
            s.width = par->width;
            s.height = par->height;
            if (st->avg_frame_rate.den > 0) s.frame_rate = av_q2d(st->avg_frame_rate);
        } else if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
            s.sample_rate = par->sample_rate;
            s.channels = par->ch_layout.nb_channels;
        }
        info.streams.push_back(std::move(s));
    }
    return info;
}

}  // namespace coop::media
