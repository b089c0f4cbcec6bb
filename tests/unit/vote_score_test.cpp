// Score (core/vote/tally.hpp): every ballot scores every option 0..5; the
// highest sum of say x score wins, which is also the highest mean.
#include <gtest/gtest.h>

#include "core/vote/tally_json.hpp"
#include "tests/unit/vote_ballots.hpp"

namespace {

using coop::testing::half_say;
using coop::testing::score;
using coop::testing::Votes;
using coop::vote::Method;
using coop::vote::Status;

TEST(VoteScore, HighestWeightedSumWins) {
    // a, b affected (1); c unaffected at 0.5.
    //        A          B            C
    //   a    5          3            0
    //   b    0          4            5
    //   c    5 x 0.5    5 x 0.5      0
    //   sum  7.5        9.5          5      cast 2.5
    //   mean 3          3.8          2      B wins.
    Votes v(Method::score, {"A", "B", "C"});
    v.with_members(3);
    v.proposal.affected = {"a", "b"};
    v.proposal.unaffected_say = half_say;
    v.cast("a", score({{"A", 5}, {"B", 3}, {"C", 0}}));
    v.cast("b", score({{"C", 5}, {"A", 0}, {"B", 4}}));
    v.cast("c", score({{"A", 5}, {"B", 5}, {"C", 0}}));
    const auto t = v.closed();
    EXPECT_EQ(t.support.at("A"), 7'500'000);
    EXPECT_EQ(t.support.at("B"), 9'500'000);
    EXPECT_EQ(t.support.at("C"), 5'000'000);
    EXPECT_EQ(t.outcome.status, Status::won);
    EXPECT_EQ(t.outcome.winner, "B");
    const auto j = to_json(v.proposal, t);
    EXPECT_EQ(j["scores"]["A"]["mean"], 3.0);
    EXPECT_EQ(j["scores"]["B"]["mean"], 3.8);
    EXPECT_EQ(j["scores"]["B"]["sum"], 9.5);
    EXPECT_EQ(j["scores"]["C"]["mean"], 2.0);
}

TEST(VoteScore, MeansRoundToSixDecimals) {
    // Sums 1, 2 over 3 voters: means 1/3 and 2/3.
    Votes v(Method::score, {"A", "B"});
    v.with_members(3);
    v.cast("a", score({{"A", 1}, {"B", 2}}));
    v.cast("b", score({{"A", 0}, {"B", 0}}));
    v.cast("c", score({{"A", 0}, {"B", 0}}));
    const auto j = to_json(v.proposal, v.closed());
    EXPECT_EQ(j["scores"]["A"]["mean"].dump(), "0.333333");
    EXPECT_EQ(j["scores"]["B"]["mean"].dump(), "0.666667");
}

TEST(VoteScore, EqualSumsGoByLotAndAllZeroHasNoWinner) {
    // A 5 + 0 = B 0 + 5.
    Votes v(Method::score, {"A", "B"});
    v.with_members(2);
    v.cast("a", score({{"A", 5}, {"B", 0}}));
    v.cast("b", score({{"A", 0}, {"B", 5}}));
    auto t = v.closed();
    EXPECT_EQ(t.outcome.status, Status::won);
    // Lots for "p1": B 94a3be..., A d0a454...
    EXPECT_EQ(t.outcome.tied, (std::vector<std::string>{"B", "A"}));
    EXPECT_EQ(t.outcome.winner, "B");

    Votes z(Method::score, {"A", "B"});
    z.with_members(1);
    z.cast("a", score({{"A", 0}, {"B", 0}}));
    EXPECT_EQ(z.closed().outcome.status, Status::no_winner);
}

TEST(VoteScore, BallotsOfTheWrongShapeAreIgnored) {
    Votes v(Method::score, {"A", "B"});
    v.with_members(4);
    v.cast("a", score({{"A", 6}, {"B", 0}}));
    v.cast("b", score({{"A", 3}}));
    v.cast("c", score({{"A", 3}, {"C", 1}}));
    v.cast("d", score({{"A", -1}, {"B", 2}}));
    const auto t = v.closed();
    ASSERT_EQ(t.ignored.size(), 4u);
    EXPECT_EQ(t.ignored[0].reason, "score 6 for \"A\" is not 0..5");
    EXPECT_EQ(t.ignored[1].reason, "a score ballot must score every option");
    EXPECT_EQ(t.ignored[2].reason, "no option \"C\" in the proposal");
    EXPECT_EQ(t.ignored[3].reason, "score -1 for \"A\" is not 0..5");
    EXPECT_EQ(t.cast, 0);
}

}  // namespace
