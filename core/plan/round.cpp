#include "core/plan/round.hpp"

#include <algorithm>

namespace coop::plan {

Board opening_board(std::size_t resources, const std::vector<Price>& prices, const BoardRule& rule) {
    Board b;
    for (std::size_t j = 0; j < resources; ++j) {
        const Price p = j < prices.size() ? prices[j] : price_one;
        b.prices.push_back(std::clamp(p, rule.floor, rule.ceiling));
    }
    b.gains.assign(resources, rule.initial_gain);
    b.last_sign.assign(resources, 0);
    return b;
}

std::vector<__int128> budgets(const std::vector<std::uint64_t>& weights, __int128 value) {
    const std::size_t n = weights.size();
    std::vector<__int128> w(weights.begin(), weights.end());
    __int128 total = 0;
    for (auto x : w) total += x;
    if (total == 0) {
        w.assign(n, 1);
        total = static_cast<__int128>(n);
    }
    std::vector<__int128> out(n);
    // floor(value * w / total) without forming value * w (up to 2^133).
    const __int128 whole = value / total, part = value % total;
    for (std::size_t i = 0; i < n; ++i) out[i] = whole * w[i] + part * w[i] / total;
    return out;
}

Board next_board(const Board& board, const std::vector<Tally>& tallies, const BoardRule& rule) {
    Board next = board;
    for (std::size_t j = 0; j < tallies.size(); ++j) {
        const Quantity z = tallies[j].excess;
        const int sign = z > 0 ? 1 : z < 0 ? -1 : 0;
        if (sign == 0) continue;
        std::int64_t& gain = next.gains[j];
        if (next.last_sign[j] != 0 && sign != next.last_sign[j])
            gain = std::max(rule.min_gain, gain / 2);
        else if (sign == next.last_sign[j])
            gain = std::min(rule.max_gain, gain * 3 / 2);
        next.last_sign[j] = sign;
        const __int128 r = tallies[j].relative < 0 ? -tallies[j].relative : tallies[j].relative;
        const __int128 step = static_cast<__int128>(gain) * r / ppm;
        const __int128 p = next.prices[j];
        const __int128 moved = sign > 0 ? p * (ppm + step) / ppm : p * ppm / (ppm + step);
        next.prices[j] = static_cast<Price>(std::clamp<__int128>(moved, rule.floor, rule.ceiling));
    }
    return next;
}

Round run_round(const Economy& economy, const Board& board, const BoardRule& rule) {
    const std::size_t nr = economy.resources.size();
    const std::size_t nm = economy.members.size();
    Round round;
    round.members.resize(nm);
    round.tallies.resize(nr);

    __int128 value = 0;
    std::vector<std::uint64_t> weights(nm, 0);
    for (std::size_t i = 0; i < nm; ++i) {
        const Member& m = economy.members[i];
        MemberRound& mr = round.members[i];
        mr.offered.assign(nr, 0);
        mr.wanted.assign(nr, 0);
        for (std::size_t j = 0; j < nr; ++j) {
            const Price p = board.prices[j];
            if (j < m.offers.size()) {
                const Quantity cap = j < m.capacity.size() ? m.capacity[j] : 0;
                mr.offered[j] = std::min(m.offers[j].at(p), cap);
            }
            if (j < m.requests.size()) mr.wanted[j] = m.requests[j].at(p);
            round.tallies[j].supply += mr.offered[j];
            if (j < m.capacity.size()) value += static_cast<__int128>(p) * m.capacity[j];
            mr.cost += static_cast<__int128>(p) * mr.wanted[j];
        }
        weights[i] = m.share;
    }

    const std::vector<__int128> budget = budgets(weights, value);
    for (std::size_t i = 0; i < nm; ++i) {
        MemberRound& mr = round.members[i];
        mr.budget = budget[i];
        mr.clipped = mr.cost > mr.budget;
        mr.requested = mr.wanted;
        if (mr.clipped)
            for (auto& q : mr.requested) q = static_cast<Quantity>(static_cast<__int128>(q) * mr.budget / mr.cost);
        for (std::size_t j = 0; j < nr; ++j) round.tallies[j].demand += mr.requested[j];
    }

    round.feasible = true;
    for (std::size_t j = 0; j < nr; ++j) {
        Tally& t = round.tallies[j];
        t.excess = t.demand - t.supply;
        const __int128 both = static_cast<__int128>(t.supply) + t.demand;
        t.relative = both > 0 ? static_cast<std::int64_t>(std::clamp<__int128>(2 * static_cast<__int128>(t.excess) * ppm / both, -ppm, ppm)) : 0;
        const __int128 gap = t.excess < 0 ? -static_cast<__int128>(t.excess) : t.excess;
        t.balanced = gap * ppm <= static_cast<__int128>(rule.tolerance) * std::max<Quantity>(t.supply, 1) ||
                     (t.excess < 0 && board.prices[j] <= rule.floor);
        round.feasible = round.feasible && t.balanced;
    }
    round.next = next_board(board, round.tallies, rule);
    return round;
}

}  // namespace coop::plan
