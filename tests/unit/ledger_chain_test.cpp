// One author's ledger chain as held (core/ledger/chain.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/ledger/chain.hpp"
#include "tests/unit/ledger_peers.hpp"

namespace {

using coop::ledger::Chain;
using coop::ledger::ChainTip;
using coop::ledger::ChainVerdict;
using coop::ledger::Id;
using coop::ledger::ProofKind;
using coop::ledger::Record;
using coop::testing::LedgerPeer;
using coop::testing::proposals;
using coop::testing::resigned;

TEST(LedgerChainAppend, ExtendsTheTipInOrder) {
    LedgerPeer a, b;
    Chain chain(a.key());
    EXPECT_EQ(chain.tip(), ChainTip{});
    const auto records = proposals(a, b, 3);
    for (const auto& r : records) EXPECT_EQ(chain.append(r), ChainVerdict::accepted);
    EXPECT_EQ(chain.tip(), ChainTip::of(records.back()));
    EXPECT_EQ(chain.size(), 3u);
    EXPECT_EQ(chain.records(), records);
    EXPECT_EQ(chain.append(records[1]), ChainVerdict::duplicate);
    EXPECT_EQ(chain.size(), 3u);
}

TEST(LedgerChainAppend, RefusesAWrongSeq) {
    LedgerPeer a, b;
    Chain chain(a.key());
    const auto records = proposals(a, b, 3);
    EXPECT_EQ(chain.append(records[1]), ChainVerdict::wrong_seq);
    EXPECT_EQ(chain.append(records[0]), ChainVerdict::accepted);
    EXPECT_EQ(chain.append(records[2]), ChainVerdict::wrong_seq);
    // Another record at a seq already held is not the tip's seq + 1 either.
    EXPECT_EQ(chain.append(resigned(a, records[0], [](Record& r) { r.gave += 1; })), ChainVerdict::wrong_seq);
    EXPECT_EQ(chain.tip().seq, 1u);
}

TEST(LedgerChainAppend, RefusesAWrongPrevious) {
    LedgerPeer a, b;
    Chain chain(a.key());
    const auto records = proposals(a, b, 2);
    ASSERT_EQ(chain.append(records[0]), ChainVerdict::accepted);
    const Record bad = resigned(a, records[1], [](Record& r) { r.previous[0] ^= 1; });
    EXPECT_EQ(chain.append(bad), ChainVerdict::wrong_previous);
    EXPECT_EQ(chain.append(records[1]), ChainVerdict::accepted);
}

TEST(LedgerChainAppend, RefusesATimeBeforeThePrevious) {
    LedgerPeer a, b;
    Chain chain(a.key());
    const auto records = proposals(a, b, 2);
    ASSERT_EQ(chain.append(records[0]), ChainVerdict::accepted);
    const Record early = resigned(a, records[1], [&](Record& r) { r.time_ms = records[0].time_ms - 1; });
    EXPECT_EQ(chain.append(early), ChainVerdict::time_before_previous);
    const Record same_time = resigned(a, records[1], [&](Record& r) { r.time_ms = records[0].time_ms; });
    EXPECT_EQ(chain.append(same_time), ChainVerdict::accepted) << "the same millisecond is not before";
}

TEST(LedgerChainAppend, RefusesAnotherAuthorsRecord) {
    LedgerPeer a, b;
    Chain chain(a.key());
    const Record theirs = b.propose(a, 1, 1, 1);
    EXPECT_EQ(chain.append(theirs), ChainVerdict::wrong_author);
    EXPECT_EQ(chain.accept_remote(theirs), ChainVerdict::wrong_author);
    EXPECT_EQ(chain.size(), 0u);
}

TEST(LedgerChainAppend, RefusesAForgedSignature) {
    LedgerPeer a, b;
    Chain chain(a.key());
    Record forged = proposals(a, b, 1)[0];
    coop::ledger::sign_record(forged, b.identity);
    EXPECT_EQ(chain.append(forged), ChainVerdict::bad_signature);
    EXPECT_EQ(chain.accept_remote(forged), ChainVerdict::bad_signature);
    EXPECT_EQ(chain.size(), 0u);
}

TEST(LedgerChainAppend, RefusesAMalformedRecord) {
    LedgerPeer a, b;
    Chain chain(a.key());
    const Record zero_seq = resigned(a, proposals(a, b, 1)[0], [](Record& r) { r.seq = 0; });
    EXPECT_EQ(chain.append(zero_seq), ChainVerdict::malformed);
    EXPECT_EQ(chain.accept_remote(zero_seq), ChainVerdict::malformed);
}

TEST(LedgerChainVerdicts, HaveKeysAndOneLineReasons) {
    for (int v = 0; v <= static_cast<int>(ChainVerdict::full); ++v) {
        const auto verdict = static_cast<ChainVerdict>(v);
        EXPECT_STRNE(coop::ledger::to_string(verdict), "unknown");
        const std::string line = coop::ledger::describe(verdict);
        EXPECT_FALSE(line.empty());
        EXPECT_EQ(line.find('\n'), std::string::npos);
    }
    EXPECT_STREQ(coop::ledger::to_string(ChainVerdict::wrong_seq), "wrong_seq");
}

TEST(LedgerChainRemote, HoldsRecordsOutOfOrderAndSaysWhatIsMissing) {
    LedgerPeer a, b;
    const auto records = proposals(a, b, 6);
    Chain chain(a.key());
    EXPECT_EQ(chain.accept_remote(records[4]), ChainVerdict::accepted);
    EXPECT_EQ(chain.accept_remote(records[1]), ChainVerdict::accepted);
    EXPECT_EQ(chain.tip(), ChainTip{}) << "seq 1 is not held";
    EXPECT_EQ(chain.highest_seq(), 5u);
    EXPECT_EQ(chain.missing(100), (std::vector<std::uint64_t>{1, 3, 4}));
    EXPECT_EQ(chain.missing(2), (std::vector<std::uint64_t>{1, 3}));
    EXPECT_EQ(chain.accept_remote(records[0]), ChainVerdict::accepted);
    EXPECT_EQ(chain.tip(), ChainTip::of(records[1]));
    EXPECT_EQ(chain.accept_remote(records[3]), ChainVerdict::accepted);
    EXPECT_EQ(chain.accept_remote(records[2]), ChainVerdict::accepted);
    EXPECT_EQ(chain.tip(), ChainTip::of(records[4]));
    EXPECT_TRUE(chain.missing(100).empty());
    EXPECT_EQ(chain.accept_remote(records[2]), ChainVerdict::duplicate);
    EXPECT_FALSE(chain.evidence());
}

TEST(LedgerChainRemote, AForkIsRefusedAndItsProofVerifies) {
    LedgerPeer a, b, c;
    const auto records = proposals(a, b, 2);
    Chain chain(a.key());
    ASSERT_EQ(chain.accept_remote(records[0]), ChainVerdict::accepted);
    ASSERT_EQ(chain.accept_remote(records[1]), ChainVerdict::accepted);
    // a signs a second record at seq 2, telling c another story.
    const Record other = coop::ledger::make_proposal(a.identity, ChainTip::of(records[0]), c.key(), 5, 5, 2500);
    EXPECT_EQ(chain.accept_remote(other), ChainVerdict::fork);
    EXPECT_EQ(*chain.at(2), records[1]) << "the first record held stays";
    ASSERT_TRUE(chain.evidence());
    const auto& proof = *chain.evidence();
    EXPECT_EQ(proof.kind, ProofKind::fork);
    EXPECT_EQ(proof.offender(), a.key());
    std::string why;
    EXPECT_TRUE(coop::ledger::verify(proof, &why)) << why;

    Record edited = proof.second;
    edited.gave += 1;  // no longer what a signed
    const auto tampered = coop::ledger::make_fork_proof(proof.first, edited);
    EXPECT_FALSE(coop::ledger::verify(tampered, &why));
    EXPECT_EQ(why, "a record's signature is not valid");
}

TEST(LedgerChainRemote, AForgedForkIsNoFork) {
    LedgerPeer a, b;
    const auto records = proposals(a, b, 1);
    Chain chain(a.key());
    ASSERT_EQ(chain.accept_remote(records[0]), ChainVerdict::accepted);
    Record framed = records[0];
    framed.gave = 999;  // someone else's edit: a's signature does not cover it
    EXPECT_EQ(chain.accept_remote(framed), ChainVerdict::bad_signature);
    EXPECT_FALSE(chain.evidence());
}

TEST(LedgerChainRemote, ARecordThatDoesNotFollowItsNeighbourIsAGap) {
    LedgerPeer a, b, c;
    const auto records = proposals(a, b, 3);
    // a's hidden branch: another seq 2, and a seq 3 that follows it.
    const Record hidden_two = coop::ledger::make_proposal(a.identity, ChainTip::of(records[0]), c.key(), 1, 1, 2000);
    const Record hidden_three = coop::ledger::make_proposal(a.identity, ChainTip::of(hidden_two), c.key(), 2, 2, 3000);

    // The later record arrives second.
    Chain chain(a.key());
    ASSERT_EQ(chain.accept_remote(records[1]), ChainVerdict::accepted);
    EXPECT_EQ(chain.accept_remote(hidden_three), ChainVerdict::gap);
    ASSERT_TRUE(chain.evidence());
    EXPECT_EQ(chain.evidence()->kind, ProofKind::gap);
    EXPECT_EQ(chain.evidence()->first, records[1]);
    EXPECT_EQ(chain.evidence()->second, hidden_three);
    std::string why;
    EXPECT_TRUE(coop::ledger::verify(*chain.evidence(), &why)) << why;
    EXPECT_FALSE(chain.at(3));

    // The earlier record arrives second.
    Chain other(a.key());
    ASSERT_EQ(other.accept_remote(hidden_three), ChainVerdict::accepted);
    EXPECT_EQ(other.accept_remote(records[1]), ChainVerdict::gap);
    ASSERT_TRUE(other.evidence());
    EXPECT_EQ(other.evidence()->first, records[1]);
    EXPECT_EQ(other.evidence()->second, hidden_three);
    EXPECT_TRUE(coop::ledger::verify(*other.evidence()));
    EXPECT_EQ(other.evidence()->offender(), a.key());
}

TEST(LedgerChainRemote, ATimeBeforeTheNeighbourIsAGap) {
    LedgerPeer a, b;
    const auto records = proposals(a, b, 2);
    const Record early = resigned(a, records[1], [&](Record& r) { r.time_ms = records[0].time_ms - 1; });
    Chain chain(a.key());
    ASSERT_EQ(chain.accept_remote(records[0]), ChainVerdict::accepted);
    EXPECT_EQ(chain.accept_remote(early), ChainVerdict::gap);
    ASSERT_TRUE(chain.evidence());
    EXPECT_TRUE(coop::ledger::verify(*chain.evidence()));
}

TEST(LedgerChainRemote, RefusesPastItsBoundButTakesDuplicates) {
    LedgerPeer a, b;
    const auto records = proposals(a, b, 4);
    Chain chain(a.key(), 3);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(chain.accept_remote(records[i]), ChainVerdict::accepted);
    EXPECT_EQ(chain.accept_remote(records[3]), ChainVerdict::full);
    EXPECT_EQ(chain.accept_remote(records[0]), ChainVerdict::duplicate);
    EXPECT_EQ(chain.size(), 3u);
    EXPECT_EQ(Chain::max_foreign_records, 100'000u);
}

// A chain of proposals and agreements with several counterparties.
std::vector<Record> random_chain(LedgerPeer& author, std::vector<LedgerPeer>& others, int count, std::mt19937& rng) {
    std::vector<Record> out;
    std::int64_t time = 1000;
    for (int i = 0; i < count; ++i) {
        time += rng() % 3;  // equal times happen
        LedgerPeer& other = others[rng() % others.size()];
        if (rng() % 2) {
            out.push_back(author.propose(other, 100u * i + rng() % 50, 10u * i, time));
        } else {
            const Record theirs = other.propose(author, 7u * i, 3u * i, time);
            out.push_back(author.agree(theirs, time));
        }
    }
    return out;
}

struct ChainState {
    std::vector<Record> records;
    ChainTip tip;
    std::vector<std::uint64_t> missing;
    bool evidence = false;
    bool operator==(const ChainState&) const = default;
};

ChainState state_of(const Chain& chain) {
    return {chain.records(), chain.tip(), chain.missing(1000), chain.evidence().has_value()};
}

// The state a chain reaches depends on which valid records arrived, never
// on the order they came in or how often.
TEST(LedgerChainProperty, ArrivalOrderDoesNotChangeTheState) {
    std::mt19937 rng(2024);
    for (int round = 0; round < 20; ++round) {
        LedgerPeer author;
        std::vector<LedgerPeer> others(3);
        const auto chain_records = random_chain(author, others, 30, rng);

        // Some records never arrive; some arrive twice.
        std::vector<Record> arriving;
        for (const auto& r : chain_records) {
            const auto roll = rng() % 10;
            if (roll == 0) continue;
            arriving.push_back(r);
            if (roll == 1) arriving.push_back(r);
        }
        Chain in_order(author.key());
        for (const auto& r : arriving) {
            const auto v = in_order.accept_remote(r);
            EXPECT_TRUE(v == ChainVerdict::accepted || v == ChainVerdict::duplicate) << coop::ledger::to_string(v);
        }
        const ChainState expected = state_of(in_order);
        EXPECT_FALSE(expected.evidence);

        for (int order = 0; order < 5; ++order) {
            std::shuffle(arriving.begin(), arriving.end(), rng);
            Chain shuffled(author.key());
            for (const auto& r : arriving) {
                const auto v = shuffled.accept_remote(r);
                EXPECT_TRUE(v == ChainVerdict::accepted || v == ChainVerdict::duplicate) << coop::ledger::to_string(v);
            }
            EXPECT_EQ(state_of(shuffled), expected) << "round " << round << " order " << order;
        }

        // All of them, in any order, is the whole chain, as its author built it.
        std::vector<Record> all = chain_records;
        std::shuffle(all.begin(), all.end(), rng);
        Chain whole(author.key());
        for (const auto& r : all) EXPECT_EQ(whole.accept_remote(r), ChainVerdict::accepted);
        Chain built(author.key());
        for (const auto& r : chain_records) EXPECT_EQ(built.append(r), ChainVerdict::accepted);
        EXPECT_EQ(state_of(whole), state_of(built));
        EXPECT_EQ(whole.tip(), author.tip);
    }
}

}  // namespace
