// The countersigning check and the pairing rule (core/ledger/agreement.hpp).
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/ledger/agreement.hpp"
#include "tests/unit/ledger_peers.hpp"

namespace {

using coop::ledger::check_proposal;
using coop::ledger::Counts;
using coop::ledger::LastAgreed;
using coop::ledger::ProposalVerdict;
using coop::ledger::Record;
using coop::ledger::Tolerance;
using coop::ledger::Transfer;
using coop::testing::LedgerPeer;

constexpr std::uint64_t MiB = 1024 * 1024;

// a proposes to b: a gave b 100 MiB and got 40 MiB; b counted the same.
struct LedgerAgreementCheck : ::testing::Test {
    LedgerPeer a, b;
    Counts b_counts{40 * MiB, 100 * MiB};  // b gave 40, got 100

    ProposalVerdict b_checks(const Record& proposal, std::optional<LastAgreed> last = std::nullopt) {
        return check_proposal(proposal, b.key(), last, b_counts);
    }
};

TEST_F(LedgerAgreementCheck, AProposalMatchingOurCountsIsAcceptable) {
    EXPECT_EQ(b_checks(a.propose(b, 100 * MiB, 40 * MiB, 1000)), ProposalVerdict::acceptable);
}

TEST_F(LedgerAgreementCheck, ItMustBeMadeOutToUs) {
    LedgerPeer c;
    EXPECT_EQ(b_checks(a.propose(c, 100 * MiB, 40 * MiB, 1000)), ProposalVerdict::wrong_counterparty);
}

TEST_F(LedgerAgreementCheck, ItMustCarryTheProposersSignature) {
    Record p = a.propose(b, 100 * MiB, 40 * MiB, 1000);
    p.gave += 1;  // edited after a signed it
    EXPECT_EQ(b_checks(p), ProposalVerdict::bad_signature);
    LedgerPeer mallory;
    Record claimed = a.propose(b, 100 * MiB, 40 * MiB, 1000);
    coop::ledger::sign_record(claimed, mallory.identity);
    EXPECT_EQ(b_checks(claimed), ProposalVerdict::bad_signature);
}

TEST_F(LedgerAgreementCheck, AnAgreementIsNoProposal) {
    LedgerPeer c;
    const Record theirs = c.propose(a, 1, 1, 10);
    Record agreement = a.agree(theirs, 20);
    agreement.counterparty = b.key();
    coop::ledger::sign_record(agreement, a.identity);
    EXPECT_EQ(b_checks(agreement), ProposalVerdict::not_a_proposal);
}

TEST_F(LedgerAgreementCheck, AMalformedRecordIsRefusedFirst) {
    Record p = a.propose(b, 100 * MiB, 40 * MiB, 1000);
    p.seq = 0;
    coop::ledger::sign_record(p, a.identity);
    EXPECT_EQ(b_checks(p), ProposalVerdict::malformed);
}

TEST_F(LedgerAgreementCheck, AReplayOfAnOldProposalIsStale) {
    const Record old = a.propose(b, 50 * MiB, 20 * MiB, 1000);
    ASSERT_EQ(check_proposal(old, b.key(), std::nullopt, Counts{20 * MiB, 50 * MiB}), ProposalVerdict::acceptable);
    const Record agreement = b.agree(old, 1100);
    const auto pair = Transfer::pair(old, agreement);
    ASSERT_TRUE(pair);
    const LastAgreed last = pair->last_agreed(b.key());
    EXPECT_EQ(last.their_seq, old.seq);
    // Later, a sends the same proposal again: b must not countersign it twice.
    EXPECT_EQ(b_checks(old, last), ProposalVerdict::stale);
    // A newer one is fine.
    EXPECT_EQ(b_checks(a.propose(b, 100 * MiB, 40 * MiB, 2000), last), ProposalVerdict::acceptable);
}

TEST_F(LedgerAgreementCheck, TotalsBelowWhatWeSignedAreNotNewer) {
    const LastAgreed last{3, 40 * MiB, 100 * MiB};       // b last signed: gave 40, got 100
    for (int i = 0; i < 3; ++i) a.propose(b, 1, 1, 10);  // a's chain reaches seq 3
    // A new seq, but a claims it got less from b than b already signed for.
    EXPECT_EQ(b_checks(a.propose(b, 100 * MiB, 40 * MiB - 1, 1000), last), ProposalVerdict::not_newer);
    EXPECT_EQ(b_checks(a.propose(b, 100 * MiB - 1, 40 * MiB, 1000), last), ProposalVerdict::not_newer);
    EXPECT_EQ(b_checks(a.propose(b, 100 * MiB, 40 * MiB, 1000), last), ProposalVerdict::acceptable)
        << "equal totals: nothing new, nothing false";
}

TEST_F(LedgerAgreementCheck, ClaimingToHaveGivenMoreThanWeGotIsInflated) {
    // Tolerance at 100 MiB: max(1 MiB, 2%) = 2 MiB.
    EXPECT_EQ(b_checks(a.propose(b, 102 * MiB, 40 * MiB, 1000)), ProposalVerdict::acceptable);
    EXPECT_EQ(b_checks(a.propose(b, 102 * MiB + 1, 40 * MiB, 1000)), ProposalVerdict::inflated);
    // Claiming to have got more from b than b gave would inflate b's credit: refused too.
    EXPECT_EQ(b_checks(a.propose(b, 100 * MiB, 41 * MiB + 1, 1000)), ProposalVerdict::inflated);
}

TEST_F(LedgerAgreementCheck, ClaimingToHaveGotLessThanWeGaveIsDeflated) {
    // Tolerance at 40 MiB: max(1 MiB, 0.8 MiB) = 1 MiB.
    EXPECT_EQ(b_checks(a.propose(b, 100 * MiB, 39 * MiB, 1000)), ProposalVerdict::acceptable);
    EXPECT_EQ(b_checks(a.propose(b, 100 * MiB, 39 * MiB - 1, 1000)), ProposalVerdict::deflated);
    // Under-reporting what a gave costs only a: accepted.
    EXPECT_EQ(b_checks(a.propose(b, 10 * MiB, 40 * MiB, 1000)), ProposalVerdict::acceptable);
}

TEST(LedgerAgreementTolerance, IsTheLargerOfBytesAndFraction) {
    const Tolerance t;
    EXPECT_EQ(t.absolute_bytes, 1024u * 1024u);
    EXPECT_DOUBLE_EQ(t.fraction, 0.02);
    EXPECT_EQ(t.allowed(0), 1024u * 1024u);
    EXPECT_EQ(t.allowed(1000 * MiB), 20 * MiB);
    const Tolerance everything{0, 1e30};
    EXPECT_EQ(everything.allowed(5), std::numeric_limits<std::uint64_t>::max()) << "saturates";
    const Tolerance negative{7, -1.0};
    EXPECT_EQ(negative.allowed(1000), 7u);
    // Near the top of the range nothing overflows into acceptance.
    LedgerPeer a, b;
    const Record huge = a.propose(b, std::numeric_limits<std::uint64_t>::max(), 0, 1);
    EXPECT_EQ(check_proposal(huge, b.key(), std::nullopt, Counts{0, 5}), ProposalVerdict::inflated);
}

TEST(LedgerAgreementVerdicts, HaveKeysAndOneLineReasons) {
    for (int v = 0; v <= static_cast<int>(ProposalVerdict::deflated); ++v) {
        const auto verdict = static_cast<ProposalVerdict>(v);
        EXPECT_STRNE(coop::ledger::to_string(verdict), "unknown");
        const std::string line = coop::ledger::describe(verdict);
        EXPECT_FALSE(line.empty());
        EXPECT_EQ(line.find('\n'), std::string::npos);
    }
    EXPECT_STREQ(coop::ledger::to_string(ProposalVerdict::stale), "stale");
}

TEST(LedgerPairing, AProposalAndItsAgreementPair) {
    LedgerPeer a, b;
    const Record p = a.propose(b, 300, 100, 10);
    const Record q = b.agree(p, 20);
    std::string why;
    const auto t = Transfer::pair(p, q, &why);
    ASSERT_TRUE(t) << why;
    EXPECT_EQ(t->proposer(), a.key());
    EXPECT_EQ(t->countersigner(), b.key());
    EXPECT_EQ(t->gave(a.key(), b.key()), 300u);
    EXPECT_EQ(t->gave(b.key(), a.key()), 100u);
    EXPECT_EQ(t->gave(a.key(), a.key()), 0u);
    EXPECT_EQ(t->time_ms(), 20);
    const LastAgreed for_a = t->last_agreed(a.key());
    EXPECT_EQ(for_a.their_seq, q.seq);
    EXPECT_EQ(for_a.we_gave, 300u);
    EXPECT_EQ(for_a.we_got, 100u);
}

TEST(LedgerPairing, EveryBrokenPairIsRefusedWithItsReason) {
    LedgerPeer a, b, c;
    const Record p = a.propose(b, 300, 100, 10);
    const Record q = b.agree(p, 20);
    auto refused = [](const Record& proposal, const Record& agreement) {
        std::string why;
        EXPECT_FALSE(Transfer::pair(proposal, agreement, &why));
        return why;
    };
    EXPECT_EQ(refused(q, p), "the first record is not a proposal");
    EXPECT_EQ(refused(p, b.propose(a, 100, 300, 30)), "the second record is not an agreement");
    const Record other = a.propose(b, 301, 100, 40);
    EXPECT_EQ(refused(other, q), "the agreement does not link the proposal");
    // c countersigns a proposal made to b.
    EXPECT_EQ(refused(p, c.agree(p, 20)), "the agreement is not by the proposal's counterparty");
    Record inflating = q;
    inflating.got += 1;
    coop::ledger::sign_record(inflating, b.identity);
    EXPECT_EQ(refused(p, inflating), "the agreement does not mirror the proposal's amounts");
    Record forged_agreement = q;
    coop::ledger::sign_record(forged_agreement, c.identity);
    EXPECT_EQ(refused(p, forged_agreement), "the agreement's signature is not valid");
    // A proposal a never signed, countersigned by b: the pair counts nothing.
    Record forged_proposal = p;
    coop::ledger::sign_record(forged_proposal, c.identity);
    const Record answered = b.agree(forged_proposal, 50);
    EXPECT_EQ(refused(forged_proposal, answered), "the proposal's signature is not valid");
}

TEST(LedgerPairing, OnlyCountersignedProposalsCount) {
    LedgerPeer a, b, c;
    const Record answered = a.propose(b, 10, 0, 1);
    const Record unanswered = a.propose(c, 1'000'000, 0, 2);  // c never signed
    const Record agreement = b.agree(answered, 3);
    const Record lonely = c.agree(b.propose(c, 5, 5, 4), 5);  // its proposal is not among the records
    const auto pairs = coop::ledger::paired_transfers({unanswered, agreement, lonely, answered});
    ASSERT_EQ(pairs.size(), 1u);
    EXPECT_EQ(pairs[0].proposal(), answered);
    EXPECT_EQ(pairs[0].agreement(), agreement);
}

TEST(LedgerPairing, ABrokenCopyDoesNotCostAPairAndACountersignedTwiceCountsOnce) {
    LedgerPeer a, b;
    const Record p = a.propose(b, 10, 0, 1);
    Record broken = p;
    broken.signature[0] ^= 1;  // same id, not a's signature
    const Record q1 = b.agree(p, 2);
    const Record q2 = b.agree(p, 3);
    const auto pairs = coop::ledger::paired_transfers({broken, q1, p, q2, q1});
    ASSERT_EQ(pairs.size(), 1u);
    EXPECT_EQ(pairs[0].proposal(), p);
    EXPECT_EQ(pairs[0].agreement(), q1.id() < q2.id() ? q1 : q2);
}

}  // namespace
