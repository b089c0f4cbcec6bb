#include "core/cli/media_text.hpp"

#include <cmath>
#include <cstdio>

#include "core/units.hpp"

namespace coop::cli {

std::string format_bitrate(std::int64_t bps) {
    if (bps <= 0) return "unknown";
    char buf[32];
    if (bps >= 999500) std::snprintf(buf, sizeof buf, "%.1f Mbit/s", static_cast<double>(bps) / 1e6);
    else std::snprintf(buf, sizeof buf, "%lld kbit/s", static_cast<long long>(std::llround(static_cast<double>(bps) / 1e3)));
    return buf;
}

std::vector<std::pair<std::string, std::string>> media_lines(const nlohmann::json& media) {
    std::vector<std::pair<std::string, std::string>> lines;
    if (!media.value("parsed", false)) {
        lines.emplace_back("media", "not audio or video FFmpeg can read (" + media.value("error", std::string("unknown")) + ")");
        return lines;
    }
    lines.emplace_back("container", media.value("container", std::string()));
    const double duration = media.value("duration", 0.0);
    lines.emplace_back("duration", duration > 0 ? format_duration(std::llround(duration)) : "unknown");
    lines.emplace_back("bitrate", format_bitrate(media.value("bitrate", std::int64_t{0})));
    for (const auto& s : media.value("streams", nlohmann::json::array())) {
        const std::string type = s.value("type", std::string("data"));
        std::string text = s.value("codec", std::string("unknown"));
        if (type == "video") {
            text += " " + std::to_string(s.value("width", 0)) + "x" + std::to_string(s.value("height", 0));
            const double fps = s.value("frame_rate", 0.0);
            if (fps > 0) {
                char buf[32];
                std::snprintf(buf, sizeof buf, std::fabs(fps - std::round(fps)) < 0.01 ? " %.0f fps" : " %.2f fps", fps);
                text += buf;
            }
        } else if (type == "audio") {
            text += " " + std::to_string(s.value("sample_rate", 0)) + " Hz, " + std::to_string(s.value("channels", 0)) + " ch";
        }
        const std::int64_t bps = s.value("bitrate", std::int64_t{0});
        if (bps > 0) text += ", " + format_bitrate(bps);
        lines.emplace_back(type, text);
    }
    return lines;
}

}  // namespace coop::cli
