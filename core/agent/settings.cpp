#include "core/agent/settings.hpp"

#include <stdexcept>

#include "core/cli/duration.hpp"
#include "core/endpoint.hpp"
#include "core/units.hpp"

namespace coop::agent {

namespace {

// The timing settings: each one's option, store key, field and bounds.
struct Timing {
    const char* flag;
    const char* key;
    std::int64_t Settings::*field;
    std::optional<std::string> SettingsOverride::*given;
    std::int64_t min_s, max_s;
    const char* default_text;
};

constexpr std::int64_t hour_s = 3600;
const Timing timings[] = {
    {"--sync-answer-timeout", "sync_answer_timeout_s", &Settings::sync_answer_timeout_s,
     &SettingsOverride::sync_answer_timeout, 1, hour_s, "30s"},
    {"--sync-anti-entropy", "sync_anti_entropy_s", &Settings::sync_anti_entropy_s, &SettingsOverride::sync_anti_entropy,
     1, hour_s, "30s"},
    {"--sync-window", "sync_window_s", &Settings::sync_window_s, &SettingsOverride::sync_window, 1, hour_s, "10s"},
    {"--link-idle-timeout", "link_idle_timeout_s", &Settings::link_idle_timeout_s,
     &SettingsOverride::link_idle_timeout, 3, hour_s, "90s"},
};

std::int64_t timing(const Timing& t, const std::string& text) {
    const std::string tail = " (0 = the default, " + std::string(t.default_text) + ")";
    const auto seconds = cli::parse_duration(text);
    if (!seconds)
        throw std::runtime_error(std::string(t.flag) + " '" + text + "' is not a duration like 5s or 2m" + tail);
    if (*seconds != 0 && (*seconds < t.min_s || *seconds > t.max_s))
        throw std::runtime_error(std::string(t.flag) + " '" + text + "' is out of range: " + std::to_string(t.min_s) +
                                 "s to " + std::to_string(t.max_s / hour_s) + "h" + tail);
    return *seconds;
}

}  // namespace

Settings Settings::from_json(const nlohmann::json& j) {
    Settings s;
    s.listen = j.value("listen", s.listen);
    s.peers = j.value("peers", s.peers);
    s.no_public = j.value("no_public", s.no_public);
    s.upload_limit = j.value("upload_limit", s.upload_limit);
    s.download_limit = j.value("download_limit", s.download_limit);
    s.log_level = j.value("log_level", s.log_level);
    s.stream_port = j.value("stream_port", s.stream_port);
    s.overlay_port = j.value("overlay_port", s.overlay_port);
    if (s.overlay_port < 0 || s.overlay_port > 65535) s.overlay_port = 0;  // a hand-edited store
    for (const auto& t : timings) {
        auto& v = s.*t.field;
        v = j.value(t.key, v);
        if (v != 0 && (v < t.min_s || v > t.max_s)) v = 0;
    }
    return s;
}

nlohmann::json Settings::to_json() const {
    nlohmann::json j = {{"listen", listen},          {"peers", peers},
                        {"no_public", no_public},    {"upload_limit", upload_limit},
                        {"download_limit", download_limit}, {"log_level", log_level},
                        {"stream_port", stream_port},       {"overlay_port", overlay_port}};
    for (const auto& t : timings)
        if (this->*t.field != 0) j[t.key] = this->*t.field;
    return j;
}

namespace {

std::int64_t rate(const std::string& flag, const std::string& text) {
    auto v = parse_size(text);
    if (!v) throw std::runtime_error(flag + " '" + text + "' is not a rate like 500K or 2M (bytes per second)");
    return *v;
}

int port(const std::string& flag, const std::string& text) {
    const bool digits =
        !text.empty() && text.size() <= 5 && text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(text) > 65535)
        throw std::runtime_error(flag + " '" + text + "' is not a port number (0 to 65535; 0 picks a free one)");
    return std::stoi(text);
}

void check_endpoint(const std::string& flag, const std::string& text) {
    std::string error;
    if (!parse_endpoint(text, error)) throw std::runtime_error(flag + " " + error);
}

}  // namespace

void SettingsOverride::apply(Settings& s) const {
    if (listen) {
        check_endpoint("--listen", *listen);
        s.listen = *listen;
    }
    if (peers) {
        for (const auto& p : *peers) check_endpoint("--peer", p);
        s.peers = *peers;
    }
    if (no_public) s.no_public = *no_public;
    if (upload_limit) s.upload_limit = rate("--upload-limit", *upload_limit);
    if (download_limit) s.download_limit = rate("--download-limit", *download_limit);
    if (log_level) s.log_level = *log_level;
    if (stream_port) s.stream_port = port("--stream-port", *stream_port);
    if (overlay_port) s.overlay_port = port("--overlay-port", *overlay_port);
    for (const auto& t : timings)
        if (const auto& given = this->*t.given) s.*t.field = timing(t, *given);
}

}  // namespace coop::agent
