#include "core/ledger/activity.hpp"

#include <algorithm>

namespace coop::ledger {

std::int64_t hour_of(std::int64_t time_ms) {
    // Floor, not truncation toward zero; no negation, so no overflow.
    std::int64_t hour = time_ms / hour_ms;
    if (time_ms % hour_ms < 0) --hour;
    return hour;
}

std::map<PublicKey, Activity> hourly_activity(const std::vector<Gift>& gifts) {
    std::map<PublicKey, std::map<std::int64_t, std::uint64_t>> given_per_hour;
    for (const Gift& g : gifts) {
        if (g.bytes == 0) continue;
        std::uint64_t& sum = given_per_hour[g.from][hour_of(g.time_ms)];
        sum = saturating_add(sum, g.bytes);
    }
    std::map<PublicKey, Activity> out;
    for (const auto& [member, hours] : given_per_hour) {
        std::uint64_t most = 0;
        for (const auto& [hour, bytes] : hours) most = std::max(most, bytes);
        out[member] = Activity{most / 3600, static_cast<std::uint64_t>(hours.size()) * 3600};
    }
    return out;
}

}  // namespace coop::ledger
