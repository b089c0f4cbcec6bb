#pragma once
// The planning procedure: rounds (round.hpp) from the opening prices until
// one is feasible or the round limit is reached, then the plan.
//
// Order: the economy is put in canonical order first (resources by name,
// members by id), so the plan depends only on what each member said, not on
// the order the events arrived or the members were listed.
//
// Adoption. The procedure stops at the first feasible round; that round is
// the last feasible plan and is adopted at its prices (outcome converged).
// If no round up to the limit is feasible, the fallback: prices are frozen
// at the last round's and that round is rationed (outcome rationed). Either
// way the allocation of resource j from the round's tally is:
//   D_j > S_j: each member receives its (budget-clipped) request scaled by
//              S_j / D_j, and provides all it offered;
//   otherwise: each member receives its request, and provides its offer
//              scaled by D_j / S_j (the surplus is trimmed pro rata).
// Scaling rounds each member down, then hands the units lost to rounding
// out one each to members in id order that are below their unscaled
// amount, so totals are exact: what is received equals what is provided.
// Requests stay within each member's budget (its share; see round.hpp).
#include <string>
#include <vector>

#include "core/plan/economy.hpp"
#include "core/plan/round.hpp"

namespace coop::plan {

struct Rules {
    BoardRule board;
    int max_rounds = 50;              // 1 or more
    std::vector<Price> start_prices;  // per resource in the economy's order; empty: one credit each
    bool operator==(const Rules&) const = default;
};

enum class Outcome { converged, rationed };

struct MemberPlan {
    std::string id;
    std::vector<Quantity> provides;  // per resource
    std::vector<Quantity> receives;  // per resource
    bool clipped = false;            // its requests cost more than its share: cut to it
    bool operator==(const MemberPlan&) const = default;
};

struct RoundSummary {
    std::vector<Price> prices;
    std::vector<Tally> tallies;
    bool operator==(const RoundSummary&) const = default;
};

struct Plan {
    Outcome outcome = Outcome::rationed;
    int rounds = 0;                      // rounds run
    std::vector<Resource> resources;     // by name
    std::vector<Price> prices;           // of the adopted round
    std::vector<Tally> tallies;          // of the adopted round
    std::vector<MemberPlan> members;     // by id
    std::vector<Price> next_prices;      // the board after the adopted round: the next epoch's start
    std::vector<RoundSummary> history;   // every round, first to last
    bool operator==(const Plan&) const = default;
};

// Throws std::invalid_argument with validate()'s words for an invalid
// economy or a round limit below 1.
Plan make_plan(const Economy& economy, const Rules& rules = {});

// Scale `amounts` to sum to `total` (at most their sum): each rounded down,
// then one unit each, in order, to those still below their amount.
std::vector<Quantity> scale_to_total(const std::vector<Quantity>& amounts, Quantity total);

// One line per fact, in canonical order: equal plans, equal bytes.
std::string serialize(const Plan& plan);

const char* outcome_name(Outcome o);

}  // namespace coop::plan
