// The ledger's tables in the agent's SQLite file (core/ledger/ledger_store.hpp),
// on a real file, reopened as the agent would after a restart or a crash.
#include "core/ledger/ledger_store.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "core/ledger/agreement.hpp"
#include "core/ledger/chain.hpp"
#include "core/store/store.hpp"
#include "tests/unit/ledger_peers.hpp"
#include "tests/unit/temp_dir.hpp"

namespace {

using coop::ledger::Chain;
using coop::ledger::ChainTip;
using coop::ledger::ChainVerdict;
using coop::ledger::LedgerStore;
using coop::ledger::Record;
using coop::testing::LedgerPeer;

class LedgerStoreTest : public ::testing::Test {
protected:
    coop::testing::TempDir dir;
    std::filesystem::path file = dir.path() / "coop.db";
    LedgerPeer us, them;
};

TEST_F(LedgerStoreTest, OwnChainSurvivesAReopen) {
    std::vector<Record> ours;
    {
        coop::Store store(file);
        LedgerStore s(store.database());
        EXPECT_EQ(s.own_tip(), ChainTip{});
        ours.push_back(us.propose(them, 10, 0, 1));
        EXPECT_TRUE(s.save_own(ours.back()));
        const Record theirs = them.propose(us, 5, 10, 2);
        ours.push_back(us.agree(theirs, 3));
        EXPECT_TRUE(s.save_agreement(ours.back(), theirs));
        ours.push_back(us.propose(them, 20, 5, 4));
        EXPECT_TRUE(s.save_own(ours.back()));
        EXPECT_FALSE(s.save_own(ours.back())) << "stored already";
    }
    coop::Store store(file);
    LedgerStore s(store.database());
    EXPECT_EQ(s.own_tip(), us.tip);
    EXPECT_EQ(s.own_records(), ours);
    Chain chain(us.key());
    for (const auto& r : s.own_records()) EXPECT_EQ(chain.append(r), ChainVerdict::accepted);
    EXPECT_EQ(s.foreign_records(them.key()).size(), 1u) << "the proposal we countersigned";
}

TEST_F(LedgerStoreTest, ARecordThatDoesNotExtendTheTipIsNotStored) {
    coop::Store store(file);
    LedgerStore s(store.database());
    const Record first = us.propose(them, 10, 0, 1);
    const Record second = us.propose(them, 20, 0, 2);
    EXPECT_THROW(s.save_own(second), std::logic_error) << "seq 1 is not stored";
    ASSERT_TRUE(s.save_own(first));
    const Record other_first = coop::ledger::make_proposal(us.identity, ChainTip{}, them.key(), 11, 0, 1);
    EXPECT_THROW(s.save_own(other_first), std::logic_error) << "another record at a stored seq";
    const Record wrong_previous =
        coop::ledger::make_proposal(us.identity, ChainTip::of(other_first), them.key(), 1, 0, 2);
    EXPECT_THROW(s.save_own(wrong_previous), std::logic_error);
    EXPECT_EQ(s.own_records(), std::vector<Record>{first});

    // An agreement refused leaves out the proposal it answers as well.
    const Record theirs = them.propose(us, 1, 1, 3);
    const Record stale_agreement = coop::ledger::make_agreement(us.identity, ChainTip{}, theirs, 3);
    EXPECT_THROW(s.save_agreement(stale_agreement, theirs), std::logic_error);
    EXPECT_EQ(s.foreign_count(them.key()), 0u);
    EXPECT_EQ(s.own_tip(), ChainTip::of(first));
}

// The agent saves its proposal before sending it, then dies (no destructors,
// no clean close) before the counterparty's agreement arrives.
TEST_F(LedgerStoreTest, ACrashAfterProposingLeavesAChainThatLinks) {
    const Record first = us.propose(them, 100, 0, 1);
    {
        coop::Store store(file);
        LedgerStore s(store.database());
        ASSERT_TRUE(s.save_own(first));
    }
    const Record proposal = us.propose(them, 300, 50, 2);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        int code = 1;
        try {
            coop::Store store(file);
            LedgerStore s(store.database());
            code = s.save_own(proposal) ? 0 : 3;
            ::_exit(code);  // the crash: the connection is never closed
        } catch (...) {
            ::_exit(2);
        }
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);

    coop::Store store(file);
    LedgerStore s(store.database());
    EXPECT_EQ(s.own_tip(), ChainTip::of(proposal)) << "the tip is the highest seq stored";
    Chain chain(us.key());
    for (const auto& r : s.own_records()) EXPECT_EQ(chain.append(r), ChainVerdict::accepted);
    EXPECT_EQ(chain.tip(), ChainTip::of(proposal));
    EXPECT_TRUE(coop::ledger::paired_transfers(s.own_records()).empty()) << "nobody countersigned it";

    // Life goes on from the stored tip: their proposal, our agreement.
    const Record theirs = them.propose(us, 50, 300, 5);
    const Record agreement = coop::ledger::make_agreement(us.identity, s.own_tip(), theirs, 6);
    EXPECT_EQ(agreement.seq, 3u);
    EXPECT_TRUE(s.save_agreement(agreement, theirs));
    EXPECT_EQ(chain.append(agreement), ChainVerdict::accepted);
    std::vector<Record> everything = s.own_records();
    for (const auto& r : s.foreign_records(them.key())) everything.push_back(r);
    EXPECT_EQ(coop::ledger::paired_transfers(everything).size(), 1u);
}

TEST_F(LedgerStoreTest, ForeignRecordsAreKeptByAuthorAndSeq) {
    LedgerPeer other;
    std::vector<Record> theirs;
    for (int i = 1; i <= 4; ++i) theirs.push_back(them.propose(us, 10u * i, 0, i));
    const Record others = other.propose(us, 1, 1, 1);
    {
        coop::Store store(file);
        LedgerStore s(store.database());
        EXPECT_EQ(s.save_foreign_all({theirs[3], theirs[1], others}), 3u);
        EXPECT_TRUE(s.save_foreign(theirs[0]));
        EXPECT_FALSE(s.save_foreign(theirs[0]));
        // A fork's second record is evidence, not chain: the first stays.
        const Record fork = coop::ledger::make_proposal(them.identity, ChainTip{}, us.key(), 99, 0, 1);
        EXPECT_FALSE(s.save_foreign(fork));
        EXPECT_EQ(s.save_foreign_all({theirs[2], theirs[3]}), 1u);
    }
    coop::Store store(file);
    LedgerStore s(store.database());
    EXPECT_EQ(s.foreign_records(them.key()), theirs) << "ascending seq";
    EXPECT_EQ(s.foreign_count(them.key()), 4u);
    EXPECT_EQ(s.foreign_records(other.key()), std::vector<Record>{others});
    EXPECT_TRUE(s.foreign_records(us.key()).empty());
}

TEST_F(LedgerStoreTest, ProofsSurviveAReopenOnce) {
    LedgerPeer third;
    const Record one = them.propose(us, 1, 0, 1);
    const Record other = coop::ledger::make_proposal(them.identity, ChainTip{}, third.key(), 2, 0, 1);
    const auto proof = coop::ledger::make_fork_proof(one, other);
    ASSERT_TRUE(coop::ledger::verify(proof));
    {
        coop::Store store(file);
        LedgerStore s(store.database());
        EXPECT_TRUE(s.save_proof(proof));
        EXPECT_FALSE(s.save_proof(coop::ledger::make_fork_proof(other, one))) << "the same proof";
    }
    coop::Store store(file);
    LedgerStore s(store.database());
    const auto loaded = s.proofs();
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(loaded[0], proof);
    EXPECT_TRUE(coop::ledger::verify(loaded[0]));
    EXPECT_EQ(loaded[0].offender(), them.key());
}

TEST_F(LedgerStoreTest, SavingOurOwnLeavesTheConnectionsSyncSettingAsItWas) {
    coop::Store store(file);
    LedgerStore s(store.database());
    const int before = store.database().execAndGet("PRAGMA synchronous").getInt();
    s.save_own(us.propose(them, 1, 0, 1));
    EXPECT_EQ(store.database().execAndGet("PRAGMA synchronous").getInt(), before);
}

TEST_F(LedgerStoreTest, ADamagedRowIsAnErrorNotACrash) {
    coop::Store store(file);
    LedgerStore s(store.database());
    s.save_foreign(them.propose(us, 1, 0, 1));
    store.database().exec("UPDATE ledger_foreign SET raw = x'0102'");
    EXPECT_THROW(s.foreign_records(them.key()), std::runtime_error);
}

}  // namespace
