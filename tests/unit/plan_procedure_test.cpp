// The planning procedure (core/plan/procedure.hpp) on seeded random
// economies: it converges, it gives every member the same plan whatever
// order the members and resources come in, it rations when the round
// limit is reached, and it holds requests to each member's share.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/plan/procedure.hpp"
#include "core/plan/random_economy.hpp"

namespace {

using namespace coop::plan;

// What any adopted plan must satisfy: per resource, received = provided,
// no one provides more than it offered at the adopted prices nor
// receives more than it requested, and within its budget.
void expect_consistent(const Economy& economy, const Plan& plan) {
    const Economy e = canonical(economy);
    Board board = opening_board(e.resources.size(), plan.prices, Rules{}.board);
    const Round r = run_round(e, board, Rules{}.board);
    for (std::size_t j = 0; j < e.resources.size(); ++j) {
        Quantity in = 0, out = 0;
        for (std::size_t i = 0; i < e.members.size(); ++i) {
            const MemberPlan& m = plan.members[i];
            EXPECT_EQ(m.id, e.members[i].id);
            EXPECT_LE(m.provides[j], r.members[i].offered[j]);
            EXPECT_LE(m.receives[j], r.members[i].requested[j]);
            EXPECT_GE(m.provides[j], 0);
            EXPECT_GE(m.receives[j], 0);
            in += m.receives[j];
            out += m.provides[j];
        }
        EXPECT_EQ(in, out) << e.resources[j].name;
        EXPECT_EQ(in, std::min(plan.tallies[j].supply, plan.tallies[j].demand));
    }
    for (const auto& m : r.members) {
        __int128 cost = 0;
        for (std::size_t j = 0; j < e.resources.size(); ++j) cost += static_cast<__int128>(plan.prices[j]) * m.requested[j];
        EXPECT_LE(cost, m.budget);
    }
}

struct Shape {
    std::size_t members;
    std::size_t resources;
};

TEST(PlanProcedure, ConvergesOnSeededRandomEconomies) {
    const Rules rules;  // 50 rounds, 1%
    for (const Shape shape : {Shape{10, 3}, Shape{10, 4}, Shape{10, 5}, Shape{100, 3}, Shape{100, 4}, Shape{100, 5}}) {
        std::vector<int> rounds;
        for (std::uint64_t seed = 1; seed <= 30; ++seed) {
            for (bool equal : {false, true}) {
                const Economy e = random_economy({shape.members, shape.resources, seed, equal});
                const Plan plan = make_plan(e, rules);
                EXPECT_EQ(plan.outcome, Outcome::converged)
                    << shape.members << " members, " << shape.resources << " resources, seed " << seed;
                for (const Tally& t : plan.tallies) EXPECT_TRUE(t.balanced);
                expect_consistent(e, plan);
                rounds.push_back(plan.rounds);
            }
        }
        std::sort(rounds.begin(), rounds.end());
        EXPECT_LE(rounds[rounds.size() / 2], 15) << shape.members << " members, " << shape.resources << " resources";
    }
}

TEST(PlanProcedure, ConvergesFromPricesFarOff) {
    for (const Price start : {Price{20'000}, Price{50'000'000}})
        for (std::uint64_t seed = 1; seed <= 10; ++seed) {
            Rules rules;
            rules.start_prices.assign(4, start);
            const Plan plan = make_plan(random_economy({100, 4, seed, false}), rules);
            EXPECT_EQ(plan.outcome, Outcome::converged) << "start " << start << " seed " << seed;
            EXPECT_LE(plan.rounds, 25);
        }
}

TEST(PlanProcedure, RandomEconomiesAreReproducible) {
    EXPECT_EQ(random_economy({10, 3, 7, false}), random_economy({10, 3, 7, false}));
    EXPECT_NE(random_economy({10, 3, 7, false}), random_economy({10, 3, 8, false}));
    const Economy e = random_economy({10, 5, 7, false});
    EXPECT_EQ(validate(e), "");
    EXPECT_EQ(e.resources.size(), 5u);
    EXPECT_EQ(e.members.front().id, "m00");
}

TEST(PlanProcedure, SamePlanTwiceAndInAnyOrder) {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const Economy e = random_economy({100, 5, seed, false});
        const Plan first = make_plan(e);
        const std::string bytes = serialize(first);
        EXPECT_EQ(serialize(make_plan(e)), bytes);

        Economy reversed = e;
        std::reverse(reversed.members.begin(), reversed.members.end());
        EXPECT_EQ(serialize(make_plan(reversed)), bytes);

        // A fixed shuffle of the members, and the resources listed backwards
        // (every member's entries with them).
        Economy shuffled = e;
        for (std::size_t i = shuffled.members.size() - 1; i > 0; --i)
            std::swap(shuffled.members[i], shuffled.members[(i * 7919 + seed) % (i + 1)]);
        std::reverse(shuffled.resources.begin(), shuffled.resources.end());
        for (auto& m : shuffled.members) {
            std::reverse(m.capacity.begin(), m.capacity.end());
            std::reverse(m.offers.begin(), m.offers.end());
            std::reverse(m.requests.begin(), m.requests.end());
        }
        const Plan again = make_plan(shuffled);
        EXPECT_EQ(again, first);
        EXPECT_EQ(serialize(again), bytes);
    }
}

TEST(PlanProcedure, StartPricesFollowTheirResources) {
    Economy e = random_economy({10, 3, 3, false});
    Rules rules;
    rules.start_prices = {100'000, 200'000, 300'000};  // relay, slots, storage as listed
    Economy backwards = e;
    std::reverse(backwards.resources.begin(), backwards.resources.end());
    for (auto& m : backwards.members) {
        std::reverse(m.capacity.begin(), m.capacity.end());
        std::reverse(m.offers.begin(), m.offers.end());
        std::reverse(m.requests.begin(), m.requests.end());
    }
    Rules backwards_rules = rules;
    std::reverse(backwards_rules.start_prices.begin(), backwards_rules.start_prices.end());
    const Plan a = make_plan(e, rules);
    EXPECT_EQ(a.history[0].prices, rules.start_prices);
    EXPECT_EQ(make_plan(backwards, backwards_rules), a);
}

// Three members, one resource, by hand. A offers 100 along a ramp (50 at
// the opening price of 1); B wants 60 and C 20 whatever the price. A's share
// weight is 0, B's and C's 1: each may spend half the capacity's value, 50
// credits at price 1. B's 60 cost 60: clipped to 50. With one round
// allowed: D = 70 > S = 50, so the round is rationed: B 50 * 50/70 = 35.7
// and C 20 * 50/70 = 14.3 round down to 35 and 14, and the unit lost to
// rounding goes to B, first in id order below its request: 36 and 14.
// A provides all 50 it offered.
TEST(PlanProcedure, FallbackRationsAtTheRoundLimit) {
    Economy e;
    e.resources = {{"storage", "GB·day"}};
    e.members = {
        {"c", 1, {0}, {{}}, {Schedule::fixed(20)}},
        {"a", 0, {100}, {Schedule::ramp(0, 0, 2 * price_one, 100)}, {{}}},
        {"b", 1, {0}, {{}}, {Schedule::fixed(60)}},
    };
    Rules rules;
    rules.max_rounds = 1;
    const Plan plan = make_plan(e, rules);
    EXPECT_EQ(plan.outcome, Outcome::rationed);
    EXPECT_EQ(plan.rounds, 1);
    EXPECT_EQ(plan.prices, (std::vector<Price>{price_one}));
    EXPECT_EQ(plan.tallies[0].supply, 50);
    EXPECT_EQ(plan.tallies[0].demand, 70);
    ASSERT_EQ(plan.members.size(), 3u);
    EXPECT_EQ(plan.members[0].id, "a");
    EXPECT_EQ(plan.members[0].provides[0], 50);
    EXPECT_EQ(plan.members[1].receives[0], 36);
    EXPECT_TRUE(plan.members[1].clipped);
    EXPECT_EQ(plan.members[2].receives[0], 14);
    EXPECT_FALSE(plan.members[2].clipped);
    EXPECT_GT(plan.next_prices[0], price_one);  // in excess demand: the next epoch starts higher

    // Given rounds, the same economy balances: the price rises until A
    // offers what B and C want within their shares.
    const Plan balanced = make_plan(e);
    EXPECT_EQ(balanced.outcome, Outcome::converged);
    expect_consistent(e, balanced);
}

TEST(PlanProcedure, FallbackOnRandomEconomiesIsConsistent) {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        Rules rules;
        rules.max_rounds = 2;
        const Economy e = random_economy({100, 4, seed, false});
        const Plan plan = make_plan(e, rules);
        EXPECT_EQ(plan.outcome, Outcome::rationed);
        EXPECT_EQ(plan.rounds, 2);
        EXPECT_EQ(plan.prices, plan.history.back().prices);
        expect_consistent(e, plan);
    }
}

// A request over the member's share is clipped to it, never refused. A
// declares 100 and offers them at any price; B wants 80 and A nothing. With
// equal shares B may spend half of the capacity's value: 50 units at any
// price. Nothing else wants storage, so the price falls to the floor (a free
// good) and the surplus is trimmed: A provides 50. With B's share 3 to A's 1,
// B gets 75.
TEST(PlanProcedure, RequestOverShareIsClippedToIt) {
    Economy e;
    e.resources = {{"storage", "GB·day"}};
    e.members = {
        {"a", 0, {100}, {Schedule::fixed(100)}, {{}}},
        {"b", 0, {0}, {{}}, {Schedule::fixed(80)}},
    };
    Plan plan = make_plan(e);
    EXPECT_EQ(plan.outcome, Outcome::converged);
    EXPECT_EQ(plan.prices[0], Rules{}.board.floor);
    EXPECT_EQ(plan.members[1].receives[0], 50);
    EXPECT_TRUE(plan.members[1].clipped);
    EXPECT_EQ(plan.members[0].provides[0], 50);
    EXPECT_FALSE(plan.members[0].clipped);

    e.members[0].share = share_weight(0.25);
    e.members[1].share = share_weight(0.75);
    plan = make_plan(e);
    EXPECT_EQ(plan.members[1].receives[0], 75);
    EXPECT_EQ(plan.members[0].provides[0], 75);

    // Within its share, a request is met whole.
    e.members[1].requests[0] = Schedule::fixed(70);
    plan = make_plan(e);
    EXPECT_EQ(plan.members[1].receives[0], 70);
    EXPECT_FALSE(plan.members[1].clipped);
}

TEST(PlanProcedure, ScaleToTotalIsExact) {
    EXPECT_EQ(scale_to_total({60, 20}, 50), (std::vector<Quantity>{38, 12}));  // 37.5, 12.5: one more to the first
    EXPECT_EQ(scale_to_total({1, 1, 1}, 2), (std::vector<Quantity>{1, 1, 0}));
    EXPECT_EQ(scale_to_total({5, 0, 5}, 20), (std::vector<Quantity>{5, 0, 5}));
    EXPECT_EQ(scale_to_total({5, 5}, 0), (std::vector<Quantity>{0, 0}));
}

// The largest inputs validate allows: every product and sum stays within
// 128 bits, so the plan is still exact (received = provided).
TEST(PlanProcedure, LargestInputsStayExact) {
    Economy e;
    for (int j = 0; j < 8; ++j) e.resources.push_back({"r" + std::to_string(j), "unit"});
    for (const char* id : {"a", "b", "c"}) {
        Member m{id, max_share, {}, {}, {}};
        for (int j = 0; j < 8; ++j) {
            m.capacity.push_back(max_quantity);
            m.offers.push_back(Schedule::ramp(0, 0, max_price, max_quantity));
            m.requests.push_back(Schedule::fixed(max_quantity));
        }
        e.members.push_back(m);
    }
    e.members[0].requests.assign(8, Schedule{});
    ASSERT_EQ(validate(e), "");
    Rules rules;
    rules.start_prices.assign(8, Rules{}.board.ceiling);
    rules.max_rounds = 3;
    const Plan plan = make_plan(e, rules);
    expect_consistent(e, plan);
    EXPECT_GT(plan.members[1].receives[0], 0);
    e.members[2].share = max_share + 1;
    EXPECT_EQ(validate(e), "member c: share weight above 1000000000");
}

TEST(PlanProcedure, RefusesARoundLimitBelowOne) {
    Rules rules;
    rules.max_rounds = 0;
    EXPECT_THROW(make_plan(random_economy({}), rules), std::invalid_argument);
}

}  // namespace
