// Consent (core/vote/tally.hpp): passes unless a member objects with a
// reason.
#include <gtest/gtest.h>

#include "tests/unit/vote_ballots.hpp"

namespace {

using coop::testing::consent;
using coop::testing::half_say;
using coop::testing::object;
using coop::testing::Votes;
using coop::vote::full_say;
using coop::vote::Method;
using coop::vote::Status;

TEST(VoteConsent, PassesWithoutObjections) {
    Votes v(Method::consent, {});
    v.with_members(3);
    v.cast("a", consent());
    v.cast("b", consent());
    const auto t = v.closed();
    EXPECT_EQ(t.outcome.status, Status::passed);
    EXPECT_EQ(t.consents, 2 * full_say);
    EXPECT_TRUE(t.objections.empty());
}

TEST(VoteConsent, OneObjectionWithAReasonBlocks) {
    // Two consents against one objection: a headcount would pass it.
    Votes v(Method::consent, {});
    v.with_members(3);
    v.cast("a", consent());
    v.cast("b", consent());
    v.cast("c", object("it doubles our storage bill"));
    const auto t = v.closed();
    EXPECT_EQ(t.outcome.status, Status::blocked);
    ASSERT_EQ(t.objections.size(), 1u);
    EXPECT_EQ(t.objections[0].voter, "c");
    EXPECT_EQ(t.objections[0].reason, "it doubles our storage bill");
}

TEST(VoteConsent, AnObjectionWithoutAReasonIsIgnored) {
    Votes v(Method::consent, {});
    v.with_members(3);
    v.cast("a", consent());
    v.cast("b", object(" \t"));
    v.cast("c", object(""));
    const auto t = v.closed();
    EXPECT_EQ(t.outcome.status, Status::passed);
    ASSERT_EQ(t.ignored.size(), 2u);
    EXPECT_EQ(t.ignored[0].reason, "an objection without a reason");
    EXPECT_EQ(t.counted.size(), 1u);
}

TEST(VoteConsent, AnUnaffectedMemberWithSomeSayCanBlock) {
    Votes v(Method::consent, {});
    v.with_members(3);
    v.proposal.affected = {"a", "b"};
    v.proposal.unaffected_say = half_say / 5;  // 0.1
    v.cast("a", consent());
    v.cast("b", consent());
    v.cast("c", object("the relay would run on my line"));
    EXPECT_EQ(v.closed().outcome.status, Status::blocked);
}

TEST(VoteConsent, SilenceIsConsentWithoutAQuorum) {
    Votes v(Method::consent, {});
    v.with_members(3);
    EXPECT_EQ(v.closed().outcome.status, Status::passed);
    v.proposal.quorum = 1;  // any quorum at all needs a ballot
    EXPECT_EQ(v.closed().outcome.status, Status::no_quorum);
}

}  // namespace
