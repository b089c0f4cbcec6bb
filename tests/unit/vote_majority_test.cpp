// Majority (core/vote/tally.hpp): more than half of the cast say for one
// option wins; otherwise nothing does.
#include <gtest/gtest.h>

#include "tests/unit/vote_ballots.hpp"

namespace {

using coop::testing::half_say;
using coop::testing::pick;
using coop::testing::Votes;
using coop::vote::full_say;
using coop::vote::Method;
using coop::vote::Status;

TEST(VoteMajority, MoreThanHalfWins) {
    // a, b, c yes; d no; e later. Cast 5, yes 3 > 5/2: yes wins.
    Votes v(Method::majority, {"yes", "no", "later"});
    v.with_members(5);
    v.cast("a", pick("yes"));
    v.cast("b", pick("yes"));
    v.cast("c", pick("yes"));
    v.cast("d", pick("no"));
    v.cast("e", pick("later"));
    const auto t = v.closed();
    EXPECT_EQ(t.outcome.status, Status::won);
    EXPECT_EQ(t.outcome.winner, "yes");
    EXPECT_TRUE(t.outcome.tied.empty());
    EXPECT_EQ(t.cast, 5 * full_say);
    EXPECT_EQ(t.support.at("yes"), 3 * full_say);
    EXPECT_EQ(t.support.at("no"), full_say);
    EXPECT_EQ(t.support.at("later"), full_say);
}

TEST(VoteMajority, MostButNotMoreThanHalfIsNoMajority) {
    // yes 2, no 2, later 1: cast 5, the most is 2, not above 2.5.
    Votes v(Method::majority, {"yes", "no", "later"});
    v.with_members(5);
    v.cast("a", pick("yes"));
    v.cast("b", pick("yes"));
    v.cast("c", pick("no"));
    v.cast("d", pick("no"));
    v.cast("e", pick("later"));
    const auto t = v.closed();
    EXPECT_EQ(t.outcome.status, Status::no_majority);
    EXPECT_FALSE(t.outcome.winner);
}

TEST(VoteMajority, ExactlyHalfIsNoMajority) {
    // A tie of two halves: yes 2, no 2 of 4 cast.
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(4);
    v.cast("a", pick("yes"));
    v.cast("b", pick("no"));
    v.cast("c", pick("yes"));
    v.cast("d", pick("no"));
    EXPECT_EQ(v.closed().outcome.status, Status::no_majority);
}

TEST(VoteMajority, WeightsDecideAgainstTheHeadcount) {
    // Affected a, b (say 1); c, d, e unaffected at 0.5.
    //   yes: a 1 + d 0.5 + e 0.5 = 2     no: b 1 + c 0.5 = 1.5
    //   cast 3.5, half 1.75: yes wins with 3 voters of 5.
    // And the other way: yes by c, d, e (1.5) against a, b (2): no wins with
    // 2 voters of 5, since 2 > 1.75.
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(5);
    v.proposal.affected = {"a", "b"};
    v.proposal.unaffected_say = half_say;
    v.cast("a", pick("yes"));
    v.cast("b", pick("no"));
    v.cast("c", pick("no"));
    v.cast("d", pick("yes"));
    v.cast("e", pick("yes"));
    auto t = v.closed();
    EXPECT_EQ(t.eligible, 3'500'000);
    EXPECT_EQ(t.cast, 3'500'000);
    EXPECT_EQ(t.support.at("yes"), 2'000'000);
    EXPECT_EQ(t.outcome.winner, "yes");

    Votes w(Method::majority, {"yes", "no"});
    w.with_members(5);
    w.proposal.affected = {"a", "b"};
    w.proposal.unaffected_say = half_say;
    w.cast("a", pick("no"));
    w.cast("b", pick("no"));
    w.cast("c", pick("yes"));
    w.cast("d", pick("yes"));
    w.cast("e", pick("yes"));
    t = w.closed();
    EXPECT_EQ(t.support.at("yes"), 1'500'000);
    EXPECT_EQ(t.support.at("no"), 2'000'000);
    EXPECT_EQ(t.outcome.winner, "no");
}

}  // namespace
