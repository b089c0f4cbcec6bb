#include "core/ledger/gifts.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace coop::ledger {

std::vector<Gift> gifts_in_window(const std::vector<Transfer>& transfers, const std::set<PublicKey>& members,
                                  const std::set<PublicKey>& offenders, std::int64_t start_ms, std::int64_t end_ms) {
    using Pair = std::pair<PublicKey, PublicKey>;  // lower key first
    std::map<Pair, std::vector<const Transfer*>> by_pair;
    for (const auto& t : transfers) {
        const PublicKey& a = t.proposer();
        const PublicKey& b = t.countersigner();
        if (!members.count(a) || !members.count(b)) continue;
        if (offenders.count(a) || offenders.count(b)) continue;
        by_pair[a < b ? Pair{a, b} : Pair{b, a}].push_back(&t);
    }
    std::vector<Gift> out;
    for (auto& [pair, of_pair] : by_pair) {
        std::sort(of_pair.begin(), of_pair.end(), [](const Transfer* x, const Transfer* y) {
            if (x->time_ms() != y->time_ms()) return x->time_ms() < y->time_ms();
            return x->proposal().id() < y->proposal().id();
        });
        const auto& [low, high] = pair;
        std::uint64_t low_highest = 0;  // the highest total low has signed giving high so far
        std::uint64_t high_highest = 0;
        for (const Transfer* t : of_pair) {
            if (t->time_ms() >= end_ms) break;
            const std::uint64_t low_total = t->gave(low, high);
            const std::uint64_t high_total = t->gave(high, low);
            if (t->time_ms() >= start_ms) {
                if (low_total > low_highest) out.push_back({low, high, t->time_ms(), low_total - low_highest});
                if (high_total > high_highest) out.push_back({high, low, t->time_ms(), high_total - high_highest});
            }
            low_highest = std::max(low_highest, low_total);
            high_highest = std::max(high_highest, high_total);
        }
    }
    return out;
}

}  // namespace coop::ledger
