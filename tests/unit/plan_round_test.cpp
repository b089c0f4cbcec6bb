// One planning round and the economy's types (core/plan/round.hpp,
// core/plan/economy.hpp), against a two-member, one-resource economy
// worked by hand.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/plan/economy.hpp"
#include "core/plan/procedure.hpp"
#include "core/plan/round.hpp"

namespace {

using namespace coop::plan;

// A declares 100 GB·day of storage and offers it along a ramp: nothing at
// price 0, all of it at 2 credits (s = 50 p). B wants 60 at price 0,
// falling to nothing at 3 credits (d = 60 - 20 p). Equal shares. The
// continuous balance is p = 6/7 = 0.857 with 42.9 units.
Economy storage_pair() {
    Economy e;
    e.resources = {{"storage", "GB·day"}};
    e.members = {
        {"a", 0, {100}, {Schedule::ramp(0, 0, 2 * price_one, 100)}, {{}}},
        {"b", 0, {0}, {{}}, {Schedule::ramp(0, 60, 3 * price_one, 0)}},
    };
    return e;
}

TEST(PlanSchedule, InterpolatesAndHoldsItsEnds) {
    const Schedule s{{{100, 10}, {300, 30}, {400, 0}}};
    EXPECT_EQ(s.at(0), 10);
    EXPECT_EQ(s.at(100), 10);
    EXPECT_EQ(s.at(200), 20);
    EXPECT_EQ(s.at(350), 15);
    EXPECT_EQ(s.at(399), 1);  // 30 - 29.7, rounded toward the lower price's 30
    EXPECT_EQ(s.at(1000), 0);
    EXPECT_EQ(Schedule{}.at(5), 0);
    EXPECT_EQ(Schedule::fixed(7).at(123456), 7);
}

TEST(PlanEconomy, ValidateNamesTheProblem) {
    EXPECT_EQ(validate(storage_pair()), "");
    Economy e = storage_pair();
    e.members[0].offers[0] = Schedule::fixed(101);
    EXPECT_EQ(validate(e), "member a: offer of storage: more than its declared capacity");
    e = storage_pair();
    e.members[1].requests[0] = Schedule::ramp(0, 10, price_one, 20);
    EXPECT_EQ(validate(e), "member b: request of storage: a request that rises with the price");
    e = storage_pair();
    e.members[0].offers[0] = Schedule::ramp(0, 50, price_one, 40);
    EXPECT_EQ(validate(e), "member a: offer of storage: an offer that falls as the price rises");
    e = storage_pair();
    e.members[1].id = "a";
    EXPECT_EQ(validate(e), "member a listed twice");
    e = storage_pair();
    e.resources.push_back({"storage", "GB"});
    EXPECT_EQ(validate(e), "resource storage named twice");
    EXPECT_THROW(make_plan(e), std::invalid_argument);
}

TEST(PlanEconomy, CanonicalSortsMembersAndResources) {
    Economy e;
    e.resources = {{"upload", "Mbps·h"}, {"storage", "GB·day"}};
    e.members = {{"z", 1, {5, 7}, {Schedule::fixed(5), Schedule::fixed(7)}, {}},
                 {"y", 2, {}, {}, {Schedule::fixed(1)}}};
    const Economy c = canonical(e);
    ASSERT_EQ(c.resources.size(), 2u);
    EXPECT_EQ(c.resources[0].name, "storage");
    EXPECT_EQ(c.members[0].id, "y");
    EXPECT_EQ(c.members[1].capacity, (std::vector<Quantity>{7, 5}));
    EXPECT_EQ(c.members[1].offers[0], Schedule::fixed(7));
    EXPECT_EQ(c.members[0].requests[1], Schedule::fixed(1));  // upload, now second
    EXPECT_EQ(c.members[0].requests[0], Schedule{});
}

TEST(PlanEconomy, LedgerSharesBecomeWeights) {
    EXPECT_EQ(share_weight(0.25), 250'000'000u);
    EXPECT_EQ(share_weight(-1), 0u);
    EXPECT_EQ(share_weight(2), 1'000'000'000u);
    EXPECT_EQ(share_weight(std::numeric_limits<double>::quiet_NaN()), 0u);
}

// Round 1 at p = 1: S = 50, d = 40; B's budget is half the capacity's
// value, 50 credits, and 40 cost 40: not clipped. z = -10,
// r = 2 * -10 / 90 = -0.222222, step = 0.5 * 0.222222 = 0.111111,
// p' = 1 / 1.111111 = 0.900000.
TEST(PlanRound, FirstRoundByHand) {
    const Economy e = canonical(storage_pair());
    const BoardRule rule;
    const Board board = opening_board(1, {}, rule);
    const Round r = run_round(e, board, rule);
    ASSERT_EQ(r.tallies.size(), 1u);
    EXPECT_EQ(r.tallies[0].supply, 50);
    EXPECT_EQ(r.tallies[0].demand, 40);
    EXPECT_EQ(r.tallies[0].excess, -10);
    EXPECT_EQ(r.tallies[0].relative, -222'222);
    EXPECT_FALSE(r.tallies[0].balanced);
    EXPECT_FALSE(r.feasible);
    EXPECT_EQ(r.members[1].cost, 40 * price_one);
    EXPECT_EQ(r.members[1].budget, 50 * price_one);
    EXPECT_FALSE(r.members[1].clipped);
    EXPECT_EQ(r.next.prices, (std::vector<Price>{900'000}));
    EXPECT_EQ(r.next.gains, (std::vector<std::int64_t>{500'000}));  // no previous sign yet
    EXPECT_EQ(r.next.last_sign, (std::vector<int>{-1}));
}

// Round 2 at 0.9: S = 45, d = 42, z = -3, same sign so the gain grows to
// 0.75; r = -6/87 = -0.068965, step 0.051723, p = 0.9 / 1.051723 = 0.855738.
// Round 3: S = 42 (42.79), d = 43 (60 - 17.11), z = +1: not within 1% of 42.
// The sign flipped, so the gain halves to 0.375; r = 2/85 = 0.023529, step
// 0.008823, p = 0.855738 * 1.008823 = 0.863288.
// Round 4: S = 43 (43.16), d = 43 (60 - 17.26): balanced, adopted.
TEST(PlanProcedure, TwoMembersOneResourceByHand) {
    const Plan plan = make_plan(storage_pair());
    EXPECT_EQ(plan.outcome, Outcome::converged);
    ASSERT_EQ(plan.rounds, 4);
    const std::vector<Price> prices{1'000'000, 900'000, 855'738, 863'288};
    const std::vector<std::pair<Quantity, Quantity>> sd{{50, 40}, {45, 42}, {42, 43}, {43, 43}};
    for (int k = 0; k < 4; ++k) {
        EXPECT_EQ(plan.history[k].prices[0], prices[k]) << "round " << k + 1;
        EXPECT_EQ(plan.history[k].tallies[0].supply, sd[k].first) << "round " << k + 1;
        EXPECT_EQ(plan.history[k].tallies[0].demand, sd[k].second) << "round " << k + 1;
    }
    EXPECT_EQ(plan.prices, (std::vector<Price>{863'288}));
    EXPECT_EQ(plan.next_prices, plan.prices);  // balanced exactly: nothing moves
    ASSERT_EQ(plan.members.size(), 2u);
    EXPECT_EQ(plan.members[0].provides, (std::vector<Quantity>{43}));
    EXPECT_EQ(plan.members[0].receives, (std::vector<Quantity>{0}));
    EXPECT_EQ(plan.members[1].provides, (std::vector<Quantity>{0}));
    EXPECT_EQ(plan.members[1].receives, (std::vector<Quantity>{43}));
    EXPECT_EQ(serialize(plan),
              "outcome converged\n"
              "rounds 4\n"
              "resource storage unit GB·day price 863288 next 863288 supply 43 demand 43 balanced\n"
              "member a provides 43 receives 0\n"
              "member b provides 0 receives 43\n"
              "round 1 prices 1000000 excess -10\n"
              "round 2 prices 900000 excess -3\n"
              "round 3 prices 855738 excess 1\n"
              "round 4 prices 863288 excess 0\n");
}

TEST(PlanRound, StepsAreBoundedAndPricesStayInRange) {
    BoardRule rule;
    Board b = opening_board(2, {price_one, 2'000}, rule);
    b.gains = {rule.max_gain, rule.max_gain};
    b.last_sign = {1, -1};
    // Demand only: r = +1, the price at most doubles; supply only: at most halves.
    std::vector<Tally> t(2);
    t[0].excess = 100;
    t[0].relative = ppm;
    t[1].excess = -100;
    t[1].relative = -ppm;
    const Board n = next_board(b, t, rule);
    EXPECT_EQ(n.prices[0], 2 * price_one);
    EXPECT_EQ(n.prices[1], rule.floor);  // 2000 / 2 = 1000, the floor
    Board high = opening_board(1, {rule.ceiling}, rule);
    high.gains = {rule.max_gain};
    EXPECT_EQ(next_board(high, {t[0]}, rule).prices[0], rule.ceiling);
}

}  // namespace
