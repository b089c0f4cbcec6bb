// The rules every method shares (core/vote/tally.hpp): which ballot of a
// voter counts, the close, quorum, say by --affects, and ignored ballots.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/vote/tally_json.hpp"
#include "tests/unit/vote_ballots.hpp"

namespace {

using coop::testing::approve;
using coop::testing::half_say;
using coop::testing::pick;
using coop::testing::rank;
using coop::testing::score;
using coop::testing::vote_closes_ms;
using coop::testing::Votes;
using coop::vote::Ballot;
using coop::vote::full_say;
using coop::vote::Method;
using coop::vote::Status;

TEST(VoteTally, TheLastBallotOfAVoterCounts) {
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(1);
    const auto first = v.cast("a", pick("yes"), 5000);
    const auto second = v.cast("a", pick("no"), 4000);
    auto t = v.closed();
    ASSERT_EQ(t.counted.size(), 1u);
    EXPECT_EQ(t.counted[0].event_id, second);
    EXPECT_EQ(t.superseded, std::vector<std::string>{first});
    EXPECT_EQ(t.cast, full_say);
    EXPECT_EQ(t.outcome.winner, "no");

    // Last by sequence, not by the voter's clock: a clock set back does not
    // bring the old ballot back.
    v.ballots[1].signed_ms = v.ballots[0].signed_ms - 1;
    t = v.closed();
    EXPECT_EQ(t.counted[0].event_id, second);
}

TEST(VoteTally, AnInvalidLaterBallotLeavesTheEarlierStanding) {
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(1);
    const auto first = v.cast("a", pick("yes"));
    const auto bad = v.cast("a", pick("maybe"));
    const auto t = v.closed();
    ASSERT_EQ(t.counted.size(), 1u);
    EXPECT_EQ(t.counted[0].event_id, first);
    ASSERT_EQ(t.ignored.size(), 1u);
    EXPECT_EQ(t.ignored[0].event_id, bad);
    EXPECT_EQ(t.ignored[0].reason, "no option \"maybe\" in the proposal");
    EXPECT_TRUE(t.superseded.empty());
}

TEST(VoteTally, BallotsSignedAtOrAfterTheCloseAreLate) {
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(2);
    const auto in_time = v.cast("a", pick("yes"), 1);  // 1 ms before the close
    const auto at_close = v.cast("a", pick("no"), 0);
    const auto after = v.cast("b", pick("no"), -60'000);
    const auto t = v.closed();
    ASSERT_EQ(t.counted.size(), 1u);
    EXPECT_EQ(t.counted[0].event_id, in_time);
    ASSERT_EQ(t.late.size(), 2u);
    EXPECT_EQ(t.late[0].event_id, at_close);
    EXPECT_EQ(t.late[0].signed_ms, vote_closes_ms);
    EXPECT_EQ(t.late[1].event_id, after);
    EXPECT_EQ(t.late[1].voter, "b");
    EXPECT_EQ(t.outcome.winner, "yes");
    const auto j = to_json(v.proposal, t);
    EXPECT_EQ(j["late"].size(), 2u);
    EXPECT_EQ(j["late"][1]["ballot"], after);
}

TEST(VoteTally, BeforeTheCloseTheStandingShows) {
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(3);
    v.cast("a", pick("yes"));
    const auto t = v.open();
    EXPECT_FALSE(t.closed);
    EXPECT_EQ(t.outcome.winner, "yes");
    const auto j = to_json(v.proposal, t);
    EXPECT_EQ(j["status"], "open");
    EXPECT_EQ(j["standing"]["winner"], "yes");
    EXPECT_FALSE(j.contains("outcome"));
    const auto c = to_json(v.proposal, v.closed());
    EXPECT_EQ(c["status"], "won");
    EXPECT_EQ(c["outcome"]["winner"], "yes");
}

TEST(VoteTally, QuorumIsAShareOfTheEligibleSay) {
    // 5 members, quorum 60%: 2 ballots (40%) fall short, 3 (60%) meet it.
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(5);
    v.proposal.quorum = 600'000;
    v.cast("a", pick("yes"));
    v.cast("b", pick("yes"));
    auto t = v.closed();
    EXPECT_FALSE(t.quorum_met);
    EXPECT_EQ(t.outcome.status, Status::no_quorum);
    EXPECT_FALSE(t.outcome.winner);
    EXPECT_EQ(t.support.at("yes"), 2 * full_say);  // the counts still show
    v.cast("c", pick("no"));
    t = v.closed();
    EXPECT_TRUE(t.quorum_met);
    EXPECT_EQ(t.outcome.winner, "yes");
    EXPECT_EQ(to_json(v.proposal, t)["turnout"], 0.6);
}

TEST(VoteTally, QuorumCountsSayNotHeads) {
    // Affected a; b, c, d unaffected at 0.5: eligible 2.5. Quorum 50% =
    // 1.25: b, c, d (1.5) meet it; a and b (1.5) too; a alone (1) does not.
    Votes v(Method::approval, {"x", "y"});
    v.with_members(4);
    v.proposal.affected = {"a"};
    v.proposal.unaffected_say = half_say;
    v.proposal.quorum = half_say;
    v.cast("a", approve({"x"}));
    auto t = v.closed();
    EXPECT_EQ(t.eligible, 2'500'000);
    EXPECT_EQ(t.outcome.status, Status::no_quorum);
    v.cast("b", approve({"y"}));
    t = v.closed();
    EXPECT_EQ(t.cast, 1'500'000);
    EXPECT_TRUE(t.quorum_met);
}

TEST(VoteTally, AffectedHaveFullSayOthersTheirsOrNone) {
    Votes v(Method::approval, {"x", "y"});
    v.with_members(3);
    v.proposal.affected = {"a", "zz"};  // zz is no member: it adds no say
    v.proposal.unaffected_say = 250'000;
    v.cast("a", approve({"x"}));
    v.cast("b", approve({"y"}));
    v.cast("c", approve({"y"}));
    auto t = v.closed();
    EXPECT_EQ(t.eligible, 1'500'000);
    EXPECT_EQ(t.support.at("x"), full_say);
    EXPECT_EQ(t.support.at("y"), 500'000);
    EXPECT_EQ(t.outcome.winner, "x");

    v.proposal.unaffected_say = 0;
    t = v.closed();
    EXPECT_EQ(t.eligible, full_say);
    ASSERT_EQ(t.ignored.size(), 2u);
    EXPECT_EQ(t.ignored[0].voter, "b");
    EXPECT_EQ(t.ignored[0].reason, "no say: not affected, and the unaffected have none");
    EXPECT_EQ(t.support.at("y"), 0);

    v.proposal.affected.clear();  // everyone affected
    EXPECT_EQ(v.closed().eligible, 3 * full_say);
}

TEST(VoteTally, InvalidBallotsAreIgnoredWithAReason) {
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(3);
    v.cast("a", pick("perhaps"));
    v.cast("b", approve({"yes"}));
    v.cast("c", pick("yes"));
    v.cast("mallory", pick("no"));
    const auto t = v.closed();
    ASSERT_EQ(t.ignored.size(), 3u);  // by event id
    EXPECT_EQ(t.ignored[0].reason, "no option \"perhaps\" in the proposal");
    EXPECT_EQ(t.ignored[1].reason, "an approval ballot for a majority proposal");
    EXPECT_EQ(t.ignored[2].voter, "mallory");
    EXPECT_EQ(t.ignored[2].reason, "not a member");
    EXPECT_EQ(t.cast, full_say);
    EXPECT_EQ(t.outcome.winner, "yes");
    const auto j = to_json(v.proposal, t);
    EXPECT_EQ(j["ignored"][2]["reason"], "not a member");
}

TEST(VoteTally, TheSameEventHeldTwiceCountsOnce) {
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(2);
    v.cast("a", pick("yes"));
    v.ballots.push_back(v.ballots.back());
    const auto t = v.closed();
    EXPECT_EQ(t.cast, full_say);
    EXPECT_TRUE(t.superseded.empty());
}

TEST(VoteTally, AProposalThatCannotBeCountedIsInvalid) {
    Votes v(Method::ranked, {"only"});
    v.with_members(1);
    v.cast("a", rank({"only"}));
    const auto t = v.closed();
    EXPECT_EQ(t.outcome.status, Status::invalid);
    EXPECT_EQ(t.problem, "a ranked proposal needs at least 2 options");
    const auto j = to_json(v.proposal, t);
    EXPECT_EQ(j["status"], "invalid");
    EXPECT_EQ(j["problem"], "a ranked proposal needs at least 2 options");
}

// Any order of arrival gives the same bytes, for every method.
TEST(VoteTally, BallotsInAnyOrderGiveIdenticalJson) {
    std::mt19937 rng(7);
    const std::vector<std::string> options{"A", "B", "C", "D"};
    for (const Method method : {Method::majority, Method::approval, Method::consent, Method::ranked, Method::score}) {
        Votes v(method, method == Method::consent ? std::vector<std::string>{} : options);
        v.with_members(12);
        v.proposal.affected = {"a", "b", "c", "d", "e", "f"};
        v.proposal.unaffected_say = 333'333;
        v.proposal.quorum = 400'000;
        for (int i = 0; i < 40; ++i) {
            const std::string voter(1, static_cast<char>('a' + rng() % 14));  // m, n are no members
            auto order = options;
            std::shuffle(order.begin(), order.end(), rng);
            const std::int64_t before = static_cast<std::int64_t>(rng() % 3000) - 500;  // some late
            switch (method) {
                case Method::majority: v.cast(voter, pick(order[0]), before); break;
                case Method::approval: v.cast(voter, approve({order[0], order[1]}), before); break;
                case Method::consent:
                    v.cast(voter, rng() % 5 ? coop::testing::consent() : coop::testing::object(rng() % 2 ? "no" : ""),
                           before);
                    break;
                case Method::ranked: order.resize(1 + rng() % 4); v.cast(voter, rank(order), before); break;
                case Method::score:
                    v.cast(voter,
                           score({{"A", static_cast<int>(rng() % 7)},
                                  {"B", static_cast<int>(rng() % 6)},
                                  {"C", static_cast<int>(rng() % 6)},
                                  {"D", static_cast<int>(rng() % 6)}}),
                           before);
                    break;
            }
        }
        const std::string expected = to_json(v.proposal, v.closed()).dump();
        for (int round = 0; round < 20; ++round) {
            std::shuffle(v.ballots.begin(), v.ballots.end(), rng);
            EXPECT_EQ(to_json(v.proposal, v.closed()).dump(), expected) << coop::vote::method_name(method);
        }
        const auto t = v.closed();
        EXPECT_FALSE(t.counted.empty()) << coop::vote::method_name(method);
        EXPECT_FALSE(t.ignored.empty()) << coop::vote::method_name(method);
        EXPECT_FALSE(t.late.empty()) << coop::vote::method_name(method);
    }
}

}  // namespace
