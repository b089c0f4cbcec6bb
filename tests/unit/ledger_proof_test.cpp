// Fraud proofs (core/ledger/proof.hpp): built from real records, encoded,
// decoded, and believed only once they verify.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/ledger/proof.hpp"
#include "tests/unit/ledger_peers.hpp"

namespace {

using coop::ledger::ChainTip;
using coop::ledger::make_forged_link_proof;
using coop::ledger::make_fork_proof;
using coop::ledger::make_gap_proof;
using coop::ledger::Proof;
using coop::ledger::ProofKind;
using coop::ledger::Record;
using coop::ledger::verify;
using coop::testing::LedgerPeer;

std::string refusal(const Proof& proof) {
    std::string why;
    EXPECT_FALSE(verify(proof, &why));
    return why;
}

// a signs two records at seq 2: one to b, one to c.
struct LedgerProofFork : ::testing::Test {
    LedgerPeer a, b, c;
    Record first = a.propose(b, 10, 0, 100);
    Record to_b = a.propose(b, 20, 0, 200);
    Record to_c = coop::ledger::make_proposal(a.identity, ChainTip::of(first), c.key(), 5, 0, 200);
};

TEST_F(LedgerProofFork, VerifiesAndNamesTheAuthor) {
    const Proof p = make_fork_proof(to_b, to_c);
    EXPECT_EQ(p.kind, ProofKind::fork);
    std::string why;
    EXPECT_TRUE(verify(p, &why)) << why;
    EXPECT_EQ(p.offender(), a.key());
    EXPECT_EQ(make_fork_proof(to_c, to_b), p) << "one proof whichever record came first";
}

TEST_F(LedgerProofFork, CountersigningTwoProposalsAtOneSeqIsAFork) {
    LedgerPeer d;
    const Record from_c = c.propose(d, 7, 0, 300);
    const Record from_b = b.propose(d, 9, 0, 300);
    const Record agree_c = d.agree(from_c, 400);
    const Record agree_b = coop::ledger::make_agreement(d.identity, ChainTip{}, from_b, 400);  // d's seq 1 again
    ASSERT_EQ(agree_c.seq, agree_b.seq);
    const Proof p = make_fork_proof(agree_c, agree_b);
    EXPECT_TRUE(verify(p));
    EXPECT_EQ(p.offender(), d.key());
}

TEST_F(LedgerProofFork, EncodingRoundTripsWithOneByteForm) {
    const Proof p = make_fork_proof(to_b, to_c);
    const std::string bytes = p.encode();
    ASSERT_EQ(bytes.size(), coop::ledger::proof_size);
    EXPECT_EQ(bytes[0], 1) << "version";
    EXPECT_EQ(bytes[1], 1) << "kind fork";
    std::string why;
    const auto back = Proof::decode(bytes, &why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(*back, p);
    EXPECT_EQ(back->id(), p.id());
    EXPECT_TRUE(verify(*back));
    // The records the other way round are not the proof's encoding.
    Proof swapped = p;
    std::swap(swapped.first, swapped.second);
    EXPECT_FALSE(Proof::decode(swapped.encode(), &why));
    EXPECT_EQ(why, "fork records not in id order");
    EXPECT_EQ(refusal(swapped), "fork records not in id order");
}

TEST_F(LedgerProofFork, EveryDecodeErrorHasItsReason) {
    const std::string bytes = make_fork_proof(to_b, to_c).encode();
    auto why_refused = [](const std::string& b) {
        std::string why;
        EXPECT_FALSE(Proof::decode(b, &why));
        return why;
    };
    for (std::size_t n = 0; n < bytes.size(); n += 7) EXPECT_EQ(why_refused(bytes.substr(0, n)), "proof truncated");
    EXPECT_EQ(why_refused(bytes + 'x'), "trailing bytes after the proof");
    std::string b = bytes;
    b[0] = 9;
    EXPECT_EQ(why_refused(b), "unknown proof encoding version");
    for (char kind : {'\0', '\x04', '\xff'}) {
        b = bytes;
        b[1] = kind;
        EXPECT_EQ(why_refused(b), "unknown proof kind");
    }
    b = bytes;
    b[2] = 7;  // the first record's version
    EXPECT_EQ(why_refused(b), "first record: unknown record encoding version");
    b = bytes;
    b[2 + coop::ledger::record_size] = 7;
    EXPECT_EQ(why_refused(b), "second record: unknown record encoding version");
}

TEST_F(LedgerProofFork, ATamperedProofDoesNotVerify) {
    const Proof p = make_fork_proof(to_b, to_c);
    Proof edited = p;
    edited.second.gave = 1'000'000;  // what a never signed
    if (edited.first.id() < edited.second.id()) {
        EXPECT_EQ(refusal(edited), "a record's signature is not valid");
    } else {
        EXPECT_FALSE(verify(edited));
    }
    // Framing d: records "by d" that d never signed.
    LedgerPeer d;
    Proof framed = p;
    framed.first.author = d.key();
    framed.second.author = d.key();
    framed = make_fork_proof(framed.first, framed.second);
    EXPECT_EQ(refusal(framed), "a record's signature is not valid");
    EXPECT_EQ(refusal(make_fork_proof(to_b, to_b)), "fork records are the same record");
    EXPECT_EQ(refusal(make_fork_proof(first, to_b)), "fork records have different seqs");
    const Record by_b = b.propose(a, 1, 1, 1);
    EXPECT_EQ(refusal(make_fork_proof(first, by_b)), "fork records have different authors");
    // Every single bit flipped in the encoding: refused by decode or by verify.
    const std::string bytes = p.encode();
    for (std::size_t bit = 0; bit < bytes.size() * 8; bit += 3) {
        std::string flipped = bytes;
        flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
        const auto back = Proof::decode(flipped);
        if (back) {
            EXPECT_FALSE(verify(*back)) << "bit " << bit;
        }
    }
}

TEST(LedgerProofGap, ARecordNotFollowingItsPredecessorIsProof) {
    LedgerPeer a, b, c;
    const Record one = a.propose(b, 1, 0, 10);
    const Record two = a.propose(b, 2, 0, 20);
    const Record hidden_two = coop::ledger::make_proposal(a.identity, ChainTip::of(one), c.key(), 3, 0, 20);
    const Record hidden_three = coop::ledger::make_proposal(a.identity, ChainTip::of(hidden_two), c.key(), 4, 0, 30);
    const Proof p = make_gap_proof(two, hidden_three);
    std::string why;
    EXPECT_TRUE(verify(p, &why)) << why;
    EXPECT_EQ(p.offender(), a.key());
    const auto back = Proof::decode(p.encode());
    ASSERT_TRUE(back);
    EXPECT_TRUE(verify(*back));

    EXPECT_EQ(refusal(make_gap_proof(one, two)), "the later record follows the earlier");
    EXPECT_EQ(refusal(make_gap_proof(one, hidden_three)), "gap records are not consecutive");
    EXPECT_EQ(refusal(make_gap_proof(two, b.propose(a, 1, 1, 1))), "gap records have different authors");
    Record unsigned_three = hidden_three;
    unsigned_three.previous[0] ^= 1;
    EXPECT_EQ(refusal(make_gap_proof(two, unsigned_three)), "a record's signature is not valid");
}

TEST(LedgerProofForgedLink, AnAgreementMisstatingTheProposalItLinksIsProof) {
    LedgerPeer a, b;
    const Record p = a.propose(b, 1000, 10, 1);
    Record q = b.agree(p, 2);
    EXPECT_EQ(refusal(make_forged_link_proof(p, q)), "the agreement states the proposal as it is");
    EXPECT_FALSE(coop::ledger::find_forged_link(p, q));

    // b links a's proposal but signs that it gave a 5000 bytes.
    q.gave = 5000;
    coop::ledger::sign_record(q, b.identity);
    const auto proof = coop::ledger::find_forged_link(p, q);
    ASSERT_TRUE(proof);
    EXPECT_EQ(proof->kind, ProofKind::forged_link);
    EXPECT_EQ(proof->offender(), b.key()) << "the countersigner forged it";
    const auto back = Proof::decode(proof->encode());
    ASSERT_TRUE(back);
    EXPECT_TRUE(verify(*back));
    EXPECT_EQ(refusal(make_forged_link_proof(q, p)), "the first record is not a proposal");
    EXPECT_EQ(refusal(make_forged_link_proof(p, p)), "the second record is not an agreement");
}

TEST(LedgerProofForgedLink, ALinkToAnotherIdProvesNothing) {
    // a forks at seq 1: b honestly countersigns one branch. The other branch
    // and b's agreement must not frame b.
    LedgerPeer a, b, c;
    const Record branch_one = a.propose(b, 100, 0, 1);
    const Record branch_two = coop::ledger::make_proposal(a.identity, ChainTip{}, b.key(), 200, 0, 1);
    const Record agreement = b.agree(branch_two, 2);
    EXPECT_EQ(refusal(make_forged_link_proof(branch_one, agreement)), "the agreement does not link the proposal");
    EXPECT_TRUE(verify(make_fork_proof(branch_one, branch_two))) << "the fork names a";
}

TEST(LedgerProofForgedLink, AnUnsignedProposalIsNoEvidence) {
    LedgerPeer a, b, mallory;
    Record p = a.propose(b, 1000, 10, 1);
    coop::ledger::sign_record(p, mallory.identity);
    Record q = b.agree(p, 2);
    q.gave = 5000;
    coop::ledger::sign_record(q, b.identity);
    EXPECT_EQ(refusal(make_forged_link_proof(p, q)), "a record's signature is not valid");
}

TEST(LedgerProofOffenders, OnlyVerifiedProofsNameOffenders) {
    LedgerPeer a, b, c;
    const Record one = a.propose(b, 1, 0, 1);
    const Record other = coop::ledger::make_proposal(a.identity, ChainTip{}, c.key(), 2, 0, 1);
    const Proof real = make_fork_proof(one, other);
    Proof forged = real;
    forged.first.author = c.key();
    forged.second.author = c.key();
    const auto offenders = coop::ledger::proven_offenders({forged, real});
    EXPECT_EQ(offenders, (std::set<coop::ledger::PublicKey>{a.key()}));
}

TEST(LedgerProofDecode, RandomBytesNeverCrash) {
    LedgerPeer a, b, c;
    const Record one = a.propose(b, 1, 0, 1);
    const Record other = coop::ledger::make_proposal(a.identity, ChainTip{}, c.key(), 2, 0, 1);
    const std::string valid = make_fork_proof(one, other).encode();
    std::mt19937 rng(99);
    for (int round = 0; round < 500; ++round) {
        std::string junk = valid;
        if (round % 4 == 0) junk.resize(rng() % (2 * junk.size()));
        for (int k = 0; k < 1 + static_cast<int>(rng() % 5) && !junk.empty(); ++k)
            junk[rng() % junk.size()] = static_cast<char>(rng());
        std::string why;
        const auto p = Proof::decode(junk, &why);
        if (p) {
            if (junk != valid) {
                EXPECT_FALSE(verify(*p));
            }
        } else {
            EXPECT_FALSE(why.empty());
        }
    }
}

}  // namespace
