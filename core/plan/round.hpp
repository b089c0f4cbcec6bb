#pragma once
// One planning round as a pure function: the members' offers and requests
// evaluated at the round's prices, each member's requests held to its
// budget, supply and demand per resource, whether the plan is feasible, and
// the next round's prices. The facilitation board is this function: every
// member computes it from the same inputs and gets the same answer.
//
// Budgets. The value of the group's declared capacity at the round's
// prices is V = sum_j p_j * C_j (every member's declared capacity of j).
// A member's budget is V * w_i / W: its share weight over the sum of weights
// (equal weights when all are 0). A member whose requests cost more than its
// budget has them cut, every resource by the same factor (rounded down):
// clipped, never refused; the caller that must refuse a request over the
// member's share instead (an event from elsewhere) reads `clipped`.
//
// Why capacity and not the round's supply: budgets tied to what is offered
// at the round's prices collapse with it. Where prices are low, little is
// offered, so budgets are small, so little is requested, and a plan of
// nothing balances; and when budgets bind, demand is worth no more than
// supply every round, so all prices slide down together. Capacity moves
// only with prices, so scarcity shows as excess demand and prices rise.
// A share is a bound, not a claim others can use: what a member does not
// spend is not passed on (a setting for that is left to the group).
//
// Tally, per resource j:
//   S_j = sum of offers at p_j, D_j = sum of (clipped) requests at p_j,
//   z_j = D_j - S_j                                   (excess demand)
//   r_j = clamp(2 * z_j / (S_j + D_j), -1, 1)         (ppm; 0 when both are 0)
//   balanced_j = |z_j| <= tolerance * max(S_j, 1),
//                or z_j < 0 at the price floor (a free good: the surplus is trimmed)
//   feasible = every resource balanced.
//
// The board's step, per resource j, with gain g_j (ppm) and the sign of
// the previous round's excess demand:
//   sign flipped since the last nonzero excess: g_j = max(g_min, g_j / 2)
//   same sign as the last nonzero excess:       g_j = min(g_max, g_j * 3 / 2)
//   (no change when z_j = 0, or on the first round)
//   step = g_j * |r_j|                                (ppm)
//   z_j > 0: p_j' = p_j * (1 + step)                  (at most doubled)
//   z_j < 0: p_j' = p_j / (1 + step)                  (at most halved)
//   then clamped to [floor, ceiling].
// The gain is the damping: it halves on every overshoot, so an oscillating
// price's swings shrink geometrically, and grows while the price keeps
// moving one way, so a distant balance is reached in few rounds. A step
// never more than doubles or halves a price and prices stay within
// [floor, ceiling]: the board cannot diverge.
#include <cstdint>
#include <vector>

#include "core/plan/economy.hpp"

namespace coop::plan {

struct BoardRule {
    Price floor = 1'000;                      // 0.001 credits per unit
    Price ceiling = 1'000'000'000'000;        // 10^6 credits per unit
    std::int64_t initial_gain = 500'000;      // ppm
    std::int64_t min_gain = 1'000;
    std::int64_t max_gain = 1'000'000;
    std::int64_t tolerance = 10'000;          // ppm of supply: 1%, as the Pequod models stop
    bool operator==(const BoardRule&) const = default;
};

// What the board carries from one round to the next, per resource.
struct Board {
    std::vector<Price> prices;
    std::vector<std::int64_t> gains;  // ppm
    std::vector<int> last_sign;       // of the last nonzero excess demand: -1, 0 (none yet), 1
    bool operator==(const Board&) const = default;
};

// The first round's board: the given prices (clamped), or one credit each
// when `prices` is empty; every gain initial.
Board opening_board(std::size_t resources, const std::vector<Price>& prices, const BoardRule& rule);

struct Tally {
    Quantity supply = 0;
    Quantity demand = 0;
    Quantity excess = 0;          // demand - supply
    std::int64_t relative = 0;    // r_j, ppm
    bool balanced = false;
    bool operator==(const Tally&) const = default;
};

struct MemberRound {
    std::vector<Quantity> offered;    // per resource, at the round's prices
    std::vector<Quantity> wanted;     // per resource, before the budget
    std::vector<Quantity> requested;  // per resource, within the budget
    __int128 cost = 0;                // of `wanted`: sum of price (10^-6 credits) * units
    __int128 budget = 0;              // V * w_i / W, same units
    bool clipped = false;             // cost > budget: requests were cut
    bool operator==(const MemberRound&) const = default;
};

struct Round {
    std::vector<MemberRound> members;  // in the economy's order
    std::vector<Tally> tallies;        // per resource
    bool feasible = false;
    Board next;                        // the next round's board
    bool operator==(const Round&) const = default;
};

// The economy must be valid; the procedure passes it canonical. Members
// and resources are taken in the order given, so the result depends only
// on the inputs.
Round run_round(const Economy& economy, const Board& board, const BoardRule& rule);

// The board's step alone (the part of run_round after the tally).
Board next_board(const Board& board, const std::vector<Tally>& tallies, const BoardRule& rule);

// Each member's budget, as above: V * w_i / W, equal weights when all are 0.
std::vector<__int128> budgets(const std::vector<std::uint64_t>& weights, __int128 value);

}  // namespace coop::plan
