#include "core/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <utility>

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

namespace {

// "1.5 MiB" -> (1.5, "MIB"): a number with no sign, then its unit with
// spaces dropped and upper-cased.
std::optional<std::pair<double, std::string>> number_and_unit(const std::string& text) {
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
    return std::make_pair(number, unit);
}

std::optional<std::int64_t> whole(double value) {
    if (!(value <= 9e18)) return std::nullopt;
    return static_cast<std::int64_t>(value);
}

// Bytes in one of a size's units: binary, as every size coop prints.
std::optional<double> byte_scale(const std::string& unit) {
    if (unit.empty() || unit == "B") return 1.0;
    if (unit == "K" || unit == "KB" || unit == "KIB") return 1024.0;
    if (unit == "M" || unit == "MB" || unit == "MIB") return 1024.0 * 1024;
    if (unit == "G" || unit == "GB" || unit == "GIB") return 1024.0 * 1024 * 1024;
    return std::nullopt;
}

// Bits in one of a link speed's units: decimal, as networks count.
std::optional<double> bit_scale(const std::string& unit) {
    if (unit.empty()) return 1.0;
    if (unit == "K") return 1e3;
    if (unit == "M") return 1e6;
    if (unit == "G") return 1e9;
    return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> parse_size(const std::string& text) {
    const auto parsed = number_and_unit(text);
    if (!parsed) return std::nullopt;
    const auto scale = byte_scale(parsed->second);
    if (!scale) return std::nullopt;
    return whole(parsed->first * *scale);
}

std::optional<std::int64_t> parse_rate(const std::string& text) {
    const auto parsed = number_and_unit(text);
    if (!parsed) return std::nullopt;
    std::string unit = parsed->second;
    if (unit.ends_with("/S")) unit.resize(unit.size() - 2);
    else if (unit.ends_with("BPS")) unit.replace(unit.size() - 3, 3, "BIT");  // Mbps
    if (unit.ends_with("BIT")) {
        const auto scale = bit_scale(unit.substr(0, unit.size() - 3));
        if (!scale) return std::nullopt;
        return whole(parsed->first * *scale / 8);
    }
    const auto scale = byte_scale(unit);
    if (!scale) return std::nullopt;
    return whole(parsed->first * *scale);
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
