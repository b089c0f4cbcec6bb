#include "core/cli/duration.hpp"

namespace coop::cli {

std::optional<std::int64_t> parse_duration(std::string_view text) {
    constexpr std::int64_t limit = 100LL * 366 * 24 * 3600;
    if (text.empty() || text.size() > 32) return std::nullopt;
    std::int64_t total = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        std::int64_t number = 0;
        const std::size_t digits_from = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            number = number * 10 + (text[at] - '0');
            if (number > limit) return std::nullopt;
            ++at;
        }
        if (at == digits_from) return std::nullopt;
        std::int64_t unit = 1;
        if (at < text.size()) {
            switch (text[at]) {
                case 's': unit = 1; break;
                case 'm': unit = 60; break;
                case 'h': unit = 3600; break;
                case 'd': unit = 24 * 3600; break;
                case 'w': unit = 7 * 24 * 3600; break;
                default: return std::nullopt;
            }
            ++at;
        } else if (digits_from != 0) {
            return std::nullopt;  // "1h30": the unit of 30 is not clear
        }
        total += number * unit;
        if (total > limit) return std::nullopt;
    }
    return total;
}

}  // namespace coop::cli
