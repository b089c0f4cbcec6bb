// Approval (core/vote/tally.hpp): the most approving say wins; a tie for
// the top goes by the tie rule (core/vote/tie_order.hpp).
#include <gtest/gtest.h>

#include "core/vote/tie_order.hpp"
#include "tests/unit/vote_ballots.hpp"

namespace {

using coop::testing::approve;
using coop::testing::Votes;
using coop::vote::full_say;
using coop::vote::Method;
using coop::vote::Status;

// a {pizza, sushi}, b {sushi}, c {tacos, pizza}, d {} (approves none, and
// still votes): pizza 2, sushi 2, tacos 1.
Votes lunch() {
    Votes v(Method::approval, {"pizza", "sushi", "tacos"});
    v.with_members(5);
    v.cast("a", approve({"pizza", "sushi"}));
    v.cast("b", approve({"sushi"}));
    v.cast("c", approve({"tacos", "pizza"}));
    v.cast("d", approve({}));
    return v;
}

TEST(VoteApproval, MostApprovalsWins) {
    // e {sushi}: sushi 3, pizza 2, tacos 1.
    auto v = lunch();
    v.cast("e", approve({"sushi"}));
    const auto t = v.closed();
    EXPECT_EQ(t.cast, 5 * full_say);
    EXPECT_EQ(t.support.at("sushi"), 3 * full_say);
    EXPECT_EQ(t.support.at("pizza"), 2 * full_say);
    EXPECT_EQ(t.support.at("tacos"), full_say);
    EXPECT_EQ(t.outcome.status, Status::won);
    EXPECT_EQ(t.outcome.winner, "sushi");
    EXPECT_TRUE(t.outcome.tied.empty());
}

TEST(VoteApproval, TieForTheTopGoesByLot) {
    // pizza 2 = sushi 2. Lots for proposal "p1": sushi 15ae5b..., pizza
    // ad67f9..., so sushi comes first though pizza is listed first.
    const auto t = lunch().closed();
    EXPECT_EQ(t.support.at("pizza"), t.support.at("sushi"));
    EXPECT_EQ(t.outcome.status, Status::won);
    EXPECT_EQ(t.outcome.winner, "sushi");
    EXPECT_EQ(t.outcome.tied, (std::vector<std::string>{"sushi", "pizza"}));
}

TEST(VoteApproval, NobodyApprovingAnythingHasNoWinner) {
    Votes v(Method::approval, {"pizza", "sushi"});
    v.with_members(2);
    v.cast("a", approve({}));
    v.cast("b", approve({}));
    const auto t = v.closed();
    EXPECT_EQ(t.counted.size(), 2u);
    EXPECT_EQ(t.outcome.status, Status::no_winner);
    EXPECT_FALSE(t.outcome.winner);
}

TEST(VoteApproval, ApprovingAnOptionTwiceIsIgnored) {
    Votes v(Method::approval, {"pizza", "sushi"});
    v.with_members(2);
    v.cast("a", approve({"pizza", "pizza"}));
    v.cast("b", approve({"sushi"}));
    const auto t = v.closed();
    ASSERT_EQ(t.ignored.size(), 1u);
    EXPECT_EQ(t.ignored[0].voter, "a");
    EXPECT_EQ(t.ignored[0].reason, "option \"pizza\" named twice");
    EXPECT_EQ(t.outcome.winner, "sushi");
}

}  // namespace
