#include "core/ledger/effort.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/ledger/gifts.hpp"

namespace coop::ledger {
namespace {

// NaN and negatives are 0; past `high` is `high`.
double clamp_setting(double value, double high) {
    if (!(value > 0)) return 0;
    return std::min(value, high);
}

// Bytes each member gave each other member in the window: given[m][c].
using Given = std::map<PublicKey, std::map<PublicKey, std::uint64_t>>;

Given sum_by_pair(const std::vector<Gift>& gifts) {
    Given given;
    for (const Gift& g : gifts) given[g.from][g.to] = saturating_add(given[g.from][g.to], g.bytes);
    return given;
}

}  // namespace

std::vector<MemberEffort> compute_effort(const EffortInput& in) {
    std::set<PublicKey> members;
    for (const auto& [key, member] : in.members) members.insert(members.end(), key);
    return compute_effort(in, gifts_in_window(in.transfers, members, in.offenders, in.window_start_ms, in.window_end_ms));
}

std::vector<MemberEffort> compute_effort(const EffortInput& in, const std::vector<Gift>& gifts) {
    const double window_seconds =
        in.window_end_ms > in.window_start_ms
            ? (static_cast<double>(in.window_end_ms) - static_cast<double>(in.window_start_ms)) / 1000.0
            : 0.0;
    const double cap_share = clamp_setting(in.cap_share, 1.0);
    const double w_bandwidth = clamp_setting(in.weights.bandwidth, 1.0);
    const double w_availability = clamp_setting(in.weights.availability, 1.0);
    const double w_duties = clamp_setting(in.weights.duties, 1.0);
    const Given given = window_seconds > 0 ? sum_by_pair(gifts) : Given{};

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
