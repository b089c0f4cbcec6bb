#include "core/ledger/effort.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace coop::ledger {
namespace {

constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return b > max_u64 - a ? max_u64 : a + b; }

// NaN and negatives are 0; past `high` is `high`.
double clamp_setting(double value, double high) {
    if (!(value > 0)) return 0;
    return std::min(value, high);
}

using Pair = std::pair<PublicKey, PublicKey>;  // lower key first

// Bytes each member gave each other member in the window: given[m][c].
using Given = std::map<PublicKey, std::map<PublicKey, std::uint64_t>>;

Given given_in_window(const EffortInput& in) {
    std::map<Pair, std::vector<const Transfer*>> by_pair;
    for (const auto& t : in.transfers) {
        const PublicKey& a = t.proposer();
        const PublicKey& b = t.countersigner();
        if (!in.members.count(a) || !in.members.count(b)) continue;
        if (in.offenders.count(a) || in.offenders.count(b)) continue;
        by_pair[a < b ? Pair{a, b} : Pair{b, a}].push_back(&t);
    }
    Given given;
    for (auto& [pair, transfers] : by_pair) {
        std::sort(transfers.begin(), transfers.end(), [](const Transfer* x, const Transfer* y) {
            if (x->time_ms() != y->time_ms()) return x->time_ms() < y->time_ms();
            return x->proposal().id() < y->proposal().id();
        });
        const auto& [low, high] = pair;
        std::uint64_t low_highest = 0;  // the highest total low has signed giving high so far
        std::uint64_t high_highest = 0;
        std::uint64_t low_gave = 0;
        std::uint64_t high_gave = 0;
        for (const Transfer* t : transfers) {
            if (t->time_ms() >= in.window_end_ms) break;
            const std::uint64_t low_total = t->gave(low, high);
            const std::uint64_t high_total = t->gave(high, low);
            if (t->time_ms() >= in.window_start_ms) {
                if (low_total > low_highest) low_gave = saturating_add(low_gave, low_total - low_highest);
                if (high_total > high_highest) high_gave = saturating_add(high_gave, high_total - high_highest);
            }
            low_highest = std::max(low_highest, low_total);
            high_highest = std::max(high_highest, high_total);
        }
        given[low][high] = low_gave;
        given[high][low] = high_gave;
    }
    return given;
}

}  // namespace

std::vector<MemberEffort> compute_effort(const EffortInput& in) {
    const double window_seconds =
        in.window_end_ms > in.window_start_ms
            ? (static_cast<double>(in.window_end_ms) - static_cast<double>(in.window_start_ms)) / 1000.0
            : 0.0;
    const double cap_share = clamp_setting(in.cap_share, 1.0);
    const double w_bandwidth = clamp_setting(in.weights.bandwidth, 1.0);
    const double w_availability = clamp_setting(in.weights.availability, 1.0);
    const double w_duties = clamp_setting(in.weights.duties, 1.0);
    const Given given = window_seconds > 0 ? given_in_window(in) : Given{};

    std::vector<MemberEffort> out;
    out.reserve(in.members.size());
    for (const auto& [key, member] : in.members) {
        MemberEffort e;
        e.member = key;
        e.offender = in.offenders.count(key) != 0;
        e.capacity = std::max({member.declared_capacity, member.observed_capacity, in.floor_capacity});
        const double budget = static_cast<double>(e.capacity) * window_seconds;  // bytes it could have given

        if (const auto mine = given.find(key); mine != given.end()) {
            for (const auto& [to, bytes] : mine->second) e.given = saturating_add(e.given, bytes);
            const double per_counterparty = std::min(cap_share * static_cast<double>(e.given), cap_share * budget);
            for (const auto& [to, bytes] : mine->second)
                e.credited += std::min(static_cast<double>(bytes), per_counterparty);
        }
        for (const auto& [from, to_them] : given) {
            if (const auto it = to_them.find(key); it != to_them.end())
                e.received = saturating_add(e.received, it->second);
        }

        e.bandwidth_effort = budget > 0 ? std::min(1.0, e.credited / budget) : 0.0;
        e.availability =
            window_seconds > 0 ? std::min(1.0, static_cast<double>(member.available_seconds) / window_seconds) : 0.0;
        e.duties = clamp_setting(member.duties, 1.0);
        if (!e.offender && window_seconds > 0)
            e.score = w_bandwidth * e.bandwidth_effort + w_availability * e.availability + w_duties * e.duties;
        out.push_back(e);
    }

    double total = 0;
    std::size_t honest = 0;
    for (const auto& e : out) {
        total += e.score;
        honest += e.offender ? 0 : 1;
    }
    for (auto& e : out) {
        if (total > 0)
            e.share = e.score / total;
        else if (!e.offender)
            e.share = 1.0 / static_cast<double>(honest);
    }
    return out;
}

}  // namespace coop::ledger
