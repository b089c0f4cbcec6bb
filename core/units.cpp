#include "core/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace coop {

std::string format_bytes(std::int64_t bytes) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    // Move up while the value would print as 1024 or more once rounded.
    while (unit < 5 && std::fabs(value) >= (unit == 0 ? 1024.0 : 1023.5)) {
        value /= 1024;
        ++unit;
    }
    char buf[32];
    if (unit == 0)
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
    else if (std::fabs(value) < 99.95)
        std::snprintf(buf, sizeof buf, "%.1f %s", value, units[unit]);
    else
        std::snprintf(buf, sizeof buf, "%.0f %s", value, units[unit]);
    return buf;
}

std::string format_rate(std::int64_t bytes_per_second) { return format_bytes(bytes_per_second) + "/s"; }

std::string format_duration(std::int64_t seconds) {
    if (seconds < 0) return "--";
    char buf[32];
    if (seconds < 60)
        std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(seconds));
    else if (seconds < 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(seconds / 60),
                      static_cast<long long>(seconds % 60));
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                      static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
    return buf;
}

std::optional<std::int64_t> parse_size(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    double number = 0;
    try {
        std::size_t used = 0;
        number = std::stod(text.substr(0, i), &used);
        if (used != i) return std::nullopt;
    } catch (...) {
        return std::nullopt;
    }
    std::string unit;
    for (; i < text.size(); ++i)
        if (!std::isspace(static_cast<unsigned char>(text[i])))
            unit += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    double scale = 1;
    if (unit.empty() || unit == "B")
        scale = 1;
    else if (unit == "K" || unit == "KB" || unit == "KIB")
        scale = 1024.0;
    else if (unit == "M" || unit == "MB" || unit == "MIB")
        scale = 1024.0 * 1024;
    else if (unit == "G" || unit == "GB" || unit == "GIB")
        scale = 1024.0 * 1024 * 1024;
    else
        return std::nullopt;
    const double bytes = number * scale;
    if (bytes > 9e18) return std::nullopt;
    return static_cast<std::int64_t>(bytes);
}

std::optional<double> parse_time(const std::string& text) {
    auto number = [](const std::string& t) -> std::optional<double> {
        if (t.empty() || t.size() > 20 || t.find_first_not_of("0123456789.") != std::string::npos ||
            t.find('.') != t.rfind('.') || t == ".")
            return std::nullopt;
        return std::stod(t);
    };
    if (text.empty()) return std::nullopt;
    const char unit = text.back();
    if (unit == 's' || unit == 'm' || unit == 'h') {
        const auto n = number(text.substr(0, text.size() - 1));
        if (!n) return std::nullopt;
        return *n * (unit == 's' ? 1 : unit == 'm' ? 60 : 3600);
    }
    // [[H:]M:]S, each part after the first below 60
    double total = 0;
    std::size_t start = 0;
    int parts = 0;
    for (;;) {
        const auto colon = text.find(':', start);
        const auto n = number(text.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (!n || ++parts > 3) return std::nullopt;
        if (parts > 1 && *n >= 60) return std::nullopt;
        total = total * 60 + *n;
        if (colon == std::string::npos) break;
        if (text.substr(start, colon - start).find('.') != std::string::npos) return std::nullopt;
        start = colon + 1;
    }
    return total;
}

}  // namespace coop
