// The tally as JSON (core/vote/tally_json.hpp), byte for byte.
#include <gtest/gtest.h>

#include "core/vote/tally_json.hpp"
#include "tests/unit/vote_ballots.hpp"

namespace {

using coop::testing::consent;
using coop::testing::half_say;
using coop::testing::object;
using coop::testing::pick;
using coop::testing::Votes;
using coop::vote::Method;

TEST(VoteTallyJson, AClosedMajority) {
    // a yes, then no (the first superseded); b yes, then no too late; c is
    // unaffected at 0.5 and votes yes; d is no member. Cast 2.5 of 2.5:
    // yes 1.5 > 1.25.
    Votes v(Method::majority, {"yes", "no"});
    v.with_members(3);
    v.proposal.affected = {"a", "b"};
    v.proposal.unaffected_say = half_say;
    v.proposal.quorum = half_say;
    v.cast("a", pick("yes"));
    v.cast("a", pick("no"));
    v.cast("b", pick("yes"));
    v.cast("c", pick("yes"));
    v.cast("d", pick("no"));
    v.cast("b", pick("no"), 0);
    EXPECT_EQ(to_json(v.proposal, v.closed()).dump(),
              R"({"cast":2.5,"closed":true,"closes_ms":1000000,)"
              R"("counted":[{"ballot":"e11","say":1.0,"voter":"a"},{"ballot":"e12","say":1.0,"voter":"b"},)"
              R"({"ballot":"e13","say":0.5,"voter":"c"}],"eligible":2.5,)"
              R"("ignored":[{"ballot":"e14","reason":"not a member","voter":"d"}],)"
              R"("late":[{"ballot":"e15","signed_ms":1000000,"voter":"b"}],"method":"majority",)"
              R"("outcome":{"status":"won","tied":[],"winner":"yes"},"proposal":"p1","quorum":0.5,"quorum_met":true,)"
              R"("status":"won","superseded":["e10"],"support":{"no":1.0,"yes":1.5},"tie_order":["no","yes"],)"
              R"("turnout":1.0})");
}

TEST(VoteTallyJson, AnOpenConsent) {
    Votes v(Method::consent, {});
    v.with_members(2);
    v.cast("a", consent());
    v.cast("b", object("not before the move"));
    const auto j = to_json(v.proposal, v.open());
    EXPECT_EQ(j["status"], "open");
    EXPECT_EQ(j["standing"]["status"], "blocked");
    EXPECT_EQ(j["consents"], 1.0);
    EXPECT_EQ(j["objections"].dump(), R"([{"reason":"not before the move","voter":"b"}])");
}

}  // namespace
