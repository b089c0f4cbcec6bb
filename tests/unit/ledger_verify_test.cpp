// The check of all the ledger an agent holds (core/ledger/verify.hpp), on
// real signed chains: clean ones, and ones with a fork, a gap, a bad
// signature or a forged proof in them.
#include "core/ledger/verify.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "core/group/hex.hpp"
#include "core/store/store.hpp"
#include "tests/unit/ledger_peers.hpp"
#include "tests/unit/temp_dir.hpp"

namespace {

using coop::group::hex;
using coop::ledger::make_fork_proof;
using coop::ledger::make_proposal;
using coop::ledger::Proof;
using coop::ledger::ProofKind;
using coop::ledger::PublicKey;
using coop::ledger::Record;
using coop::ledger::verify_ledger;
using coop::testing::LedgerPeer;
using coop::testing::proposals;
using coop::testing::resigned;

using Foreign = std::map<PublicKey, std::vector<Record>>;

class LedgerVerify : public ::testing::Test {
protected:
    LedgerPeer us, bob, carol;
};

TEST_F(LedgerVerify, CleanChainsVerify) {
    std::vector<Record> own = proposals(us, bob, 3);
    const auto theirs = bob.propose(us, 50, 3000, 4000);
    own.push_back(us.agree(theirs, 4000));
    const Foreign foreign{{bob.key(), {theirs}}};  // bob's seq 1, all of his we hold

    const auto report = verify_ledger(us.key(), own, foreign, {});
    EXPECT_TRUE(report.ok);
    EXPECT_EQ(report.own.author, us.key());
    EXPECT_EQ(report.own.records, 4u);
    EXPECT_EQ(report.own.highest_seq, 4u);
    EXPECT_TRUE(report.own.links);
    EXPECT_TRUE(report.own.missing.empty());
    EXPECT_EQ(report.own.problem, "");
    ASSERT_EQ(report.foreign.size(), 1u);
    EXPECT_EQ(report.foreign[0].author, bob.key());
    EXPECT_TRUE(report.foreign[0].links);
    EXPECT_TRUE(report.proofs.empty());
    EXPECT_EQ(report.fraud(), 0u);

    const auto empty = verify_ledger(us.key(), {}, {}, {});
    EXPECT_TRUE(empty.ok) << "an agent that never traded has nothing wrong";
    EXPECT_EQ(empty.own.records, 0u);
}

TEST_F(LedgerVerify, ForeignChainsHeldInPartListTheirMissingSeqsYetLink) {
    const auto records = proposals(bob, us, 9);
    const Foreign foreign{{bob.key(), {records[3], records[4], records[6], records[8]}}};
    const auto report = verify_ledger(us.key(), {}, foreign, {});
    EXPECT_TRUE(report.ok);
    ASSERT_EQ(report.foreign.size(), 1u);
    const auto& c = report.foreign[0];
    EXPECT_TRUE(c.links);
    EXPECT_EQ(c.records, 4u);
    EXPECT_EQ(c.highest_seq, 9u);
    EXPECT_EQ(c.missing, (std::vector<std::uint64_t>{1, 2, 3, 6, 8}));
    EXPECT_EQ(c.missing_count, 5u);
}

TEST_F(LedgerVerify, OurChainMustBeWhole) {
    auto own = proposals(us, bob, 5);
    own.erase(own.begin() + 1, own.begin() + 3);  // seqs 2 and 3
    const auto report = verify_ledger(us.key(), own, {}, {});
    EXPECT_FALSE(report.ok);
    EXPECT_FALSE(report.own.links);
    EXPECT_EQ(report.own.missing, (std::vector<std::uint64_t>{2, 3}));
    EXPECT_EQ(report.own.missing_count, 2u);
    EXPECT_EQ(report.own.problem, "seq 2: missing from our chain, and 1 more seq");
    EXPECT_TRUE(report.proofs.empty()) << "a hole is no fraud";

    auto first_gone = proposals(carol, bob, 2);
    first_gone.erase(first_gone.begin());
    EXPECT_EQ(verify_ledger(carol.key(), first_gone, {}, {}).own.problem, "seq 1: missing from our chain");
}

TEST_F(LedgerVerify, AForkIsFoundAndProven) {
    const auto records = proposals(bob, us, 3);
    // Bob signs another seq 2: to carol, on the same seq 1.
    const Record other = make_proposal(bob.identity, coop::ledger::ChainTip::of(records[0]), carol.key(), 7, 7, 2000);
    const Foreign foreign{{bob.key(), {records[0], records[1], other, records[2]}}};
    const auto report = verify_ledger(us.key(), {}, foreign, {});
    EXPECT_FALSE(report.ok);
    ASSERT_EQ(report.foreign.size(), 1u);
    EXPECT_FALSE(report.foreign[0].links);
    EXPECT_EQ(report.foreign[0].problem, "seq 2: the author signed another record with this seq");
    EXPECT_TRUE(report.foreign[0].missing.empty()) << "the first record held keeps its seq";
    ASSERT_EQ(report.proofs.size(), 1u);
    const auto& p = report.proofs[0];
    EXPECT_EQ(p.kind, ProofKind::fork);
    EXPECT_EQ(p.offender, bob.key());
    EXPECT_TRUE(p.valid);
    EXPECT_FALSE(p.stored);
    EXPECT_EQ(p.id, make_fork_proof(records[1], other).id());
    EXPECT_EQ(report.fraud(), 1u);

    // Stored already: listed once, as stored.
    const auto again = verify_ledger(us.key(), {}, foreign, {make_fork_proof(records[1], other)});
    ASSERT_EQ(again.proofs.size(), 1u);
    EXPECT_TRUE(again.proofs[0].stored);
}

TEST_F(LedgerVerify, AGapIsFoundAndProven) {
    const auto records = proposals(bob, us, 3);
    // Seq 3 rewritten by bob so that it no longer follows seq 2.
    const Record rewritten = resigned(bob, records[2], [](Record& r) { r.previous[0] ^= 1; });
    const auto report = verify_ledger(us.key(), {}, Foreign{{bob.key(), {records[0], records[1], rewritten}}}, {});
    EXPECT_FALSE(report.ok);
    EXPECT_FALSE(report.foreign[0].links);
    EXPECT_EQ(report.foreign[0].problem, "seq 3: the record does not chain with the author's record beside it");
    ASSERT_EQ(report.proofs.size(), 1u);
    EXPECT_EQ(report.proofs[0].kind, ProofKind::gap);
    EXPECT_TRUE(report.proofs[0].valid);
    EXPECT_EQ(report.proofs[0].offender, bob.key());

    // A time before the previous record's breaks the chain too.
    const Record early = resigned(bob, records[2], [&](Record& r) { r.time_ms = records[1].time_ms - 1; });
    EXPECT_EQ(verify_ledger(us.key(), {}, Foreign{{bob.key(), {records[0], records[1], early}}}, {}).foreign[0].problem,
              "seq 3: the record does not chain with the author's record beside it");

    // In our own chain as well.
    auto own = proposals(us, bob, 3);
    own[1] = resigned(us, own[1], [](Record& r) { r.previous[5] ^= 1; });
    const auto ours = verify_ledger(us.key(), own, {}, {});
    EXPECT_FALSE(ours.own.links);
    EXPECT_EQ(ours.own.problem, "seq 2: the record does not chain with the author's record beside it");
}

TEST_F(LedgerVerify, ABadSignatureBreaksTheChain) {
    auto own = proposals(us, bob, 3);
    own[1].gave += 1;  // changed after we signed it
    const auto report = verify_ledger(us.key(), own, {}, {});
    EXPECT_FALSE(report.ok);
    EXPECT_FALSE(report.own.links);
    EXPECT_EQ(report.own.problem, "seq 2: the record's signature is not its author's");
    EXPECT_EQ(report.own.missing, (std::vector<std::uint64_t>{2})) << "no good record holds seq 2";
    EXPECT_TRUE(report.proofs.empty()) << "nobody signed it: no proof of anything";

    // A record of bob's among carol's own is not hers.
    auto mixed = proposals(carol, bob, 1);
    mixed.push_back(proposals(bob, carol, 2)[1]);
    EXPECT_EQ(verify_ledger(carol.key(), mixed, {}, {}).own.problem,
              "seq 2: the record belongs to another author's chain");
}

TEST_F(LedgerVerify, AForgedProofIsRejected) {
    const Record one = bob.propose(us, 1, 0, 1);
    const Record other = make_proposal(bob.identity, coop::ledger::ChainTip{}, carol.key(), 2, 0, 1);
    const Proof real = make_fork_proof(one, other);
    // Dave framed: bob's records with dave's key put in, never signed by him.
    LedgerPeer dave;
    Proof framed = real;
    framed.first.author = dave.key();
    framed.second.author = dave.key();
    framed = make_fork_proof(framed.first, framed.second);

    const auto report = verify_ledger(us.key(), {}, {}, {framed, real});
    EXPECT_FALSE(report.ok);
    ASSERT_EQ(report.proofs.size(), 2u);
    EXPECT_EQ(report.proofs[0].id, framed.id());
    EXPECT_EQ(report.proofs[0].offender, dave.key());
    EXPECT_FALSE(report.proofs[0].valid);
    EXPECT_EQ(report.proofs[0].problem, "a record's signature is not valid");
    EXPECT_TRUE(report.proofs[1].valid);
    EXPECT_EQ(report.proofs[1].problem, "");
    EXPECT_EQ(report.fraud(), 1u);
}

TEST_F(LedgerVerify, JsonHasEveryField) {
    const auto records = proposals(bob, us, 3);
    const Record other = make_proposal(bob.identity, coop::ledger::ChainTip::of(records[0]), carol.key(), 7, 7, 2000);
    const auto report =
        verify_ledger(us.key(), proposals(us, bob, 2), Foreign{{bob.key(), {records[1], other}}}, {});
    const auto j = coop::ledger::to_json(report);
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["fraud"], 1);
    EXPECT_EQ(j["own"], (nlohmann::json{{"author", hex(us.key())},
                                        {"records", 2},
                                        {"highest_seq", 2},
                                        {"links", true},
                                        {"missing", nlohmann::json::array()},
                                        {"missing_count", 0},
                                        {"problem", nullptr}}));
    ASSERT_EQ(j["foreign"].size(), 1u);
    EXPECT_EQ(j["foreign"][0]["author"], hex(bob.key()));
    EXPECT_EQ(j["foreign"][0]["links"], false);
    EXPECT_EQ(j["foreign"][0]["missing"], nlohmann::json::array({1}));
    EXPECT_EQ(j["foreign"][0]["problem"], "seq 2: the author signed another record with this seq");
    ASSERT_EQ(j["proofs"].size(), 1u);
    EXPECT_EQ(j["proofs"][0], (nlohmann::json{{"id", hex(make_fork_proof(records[1], other).id())},
                                             {"kind", "fork"},
                                             {"offender", hex(bob.key())},
                                             {"valid", true},
                                             {"stored", false},
                                             {"problem", nullptr}}));
}

TEST_F(LedgerVerify, TheStoreIsReadWhole) {
    coop::testing::TempDir dir;
    coop::Store store(dir.path() / "coop.db");
    coop::ledger::LedgerStore ledger(store.database());
    for (const auto& r : proposals(us, bob, 2)) ledger.save_own(r);
    const auto bobs = proposals(bob, us, 2);
    const auto carols = proposals(carol, us, 1);
    ledger.save_foreign_all({bobs[0], bobs[1], carols[0]});
    const Record other = make_proposal(carol.identity, coop::ledger::ChainTip{}, bob.key(), 5, 5, 5);
    ledger.save_proof(make_fork_proof(carols[0], other));

    std::vector<PublicKey> authors{bob.key(), carol.key()};
    std::sort(authors.begin(), authors.end());
    EXPECT_EQ(ledger.foreign_authors(), authors);

    const auto report = coop::ledger::verify_store(us.key(), ledger);
    EXPECT_EQ(report.own.records, 2u);
    ASSERT_EQ(report.foreign.size(), 2u);
    EXPECT_EQ(report.foreign[0].author, authors[0]);
    EXPECT_EQ(report.foreign[1].author, authors[1]);
    ASSERT_EQ(report.proofs.size(), 1u);
    EXPECT_TRUE(report.proofs[0].valid);
    EXPECT_EQ(report.proofs[0].offender, carol.key());
    EXPECT_FALSE(report.ok) << "a proof of fraud held is something wrong";
}

}  // namespace
