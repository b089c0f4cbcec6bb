// Two agents' ledger books (core/ledger/ledger_book.hpp) trading messages
// as the wire would carry them, each on its own SQLite file.
#include "core/ledger/ledger_book.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>

#include "core/store/store.hpp"
#include "tests/unit/temp_dir.hpp"

namespace {

using coop::Identity;
using coop::ledger::BookOptions;
using coop::ledger::LedgerBook;
using coop::ledger::LedgerStore;
using coop::ledger::Record;

constexpr std::uint64_t MiB = 1 << 20;

// One agent: its key, its file, its book (reopened like a restart).
struct Side {
    Identity identity = Identity::generate();
    std::filesystem::path file;
    BookOptions options;
    std::unique_ptr<coop::Store> store;
    std::unique_ptr<LedgerStore> ledger;
    std::unique_ptr<LedgerBook> book;

    Side(const std::filesystem::path& f, BookOptions o = {}) : file(f), options(o) { open(); }
    void open() {
        book.reset();
        ledger.reset();
        store = std::make_unique<coop::Store>(file);
        ledger = std::make_unique<LedgerStore>(store->database());
        book = std::make_unique<LedgerBook>(identity, *ledger, options);
    }
    const coop::ledger::PublicKey& key() const { return identity.public_key(); }
};

class LedgerBookTest : public ::testing::Test {
protected:
    coop::testing::TempDir dir;
    Side alice{dir.path() / "alice.db"};
    Side bob{dir.path() / "bob.db"};

    // Bytes moved from alice to bob, as each counted them.
    void moved(std::uint64_t alice_gave, std::uint64_t bob_got, std::int64_t now) {
        alice.book->counted(bob.key(), alice_gave, 0, now);
        bob.book->counted(alice.key(), 0, bob_got, now);
    }
    // Alice's due proposal to bob; exactly one.
    std::string propose(std::int64_t now) {
        auto out = alice.book->due(now);
        EXPECT_EQ(out.size(), 1u);
        if (out.empty()) return {};
        EXPECT_EQ(out[0].peer, bob.key());
        return out[0].message;
    }
};

TEST_F(LedgerBookTest, AProposalCountersignedCompletesOnBothSides) {
    moved(10 * MiB, 10 * MiB, 1000);
    const std::string proposal = propose(1000);
    auto answer = bob.book->on_message(alice.key(), proposal, 1100);
    ASSERT_TRUE(answer.reply) << answer.problem;
    ASSERT_TRUE(answer.completed);
    auto back = alice.book->on_message(bob.key(), *answer.reply, 1200);
    ASSERT_TRUE(back.completed) << back.problem;
    EXPECT_EQ(back.completed->proposal(), answer.completed->proposal());
    EXPECT_EQ(back.completed->gave(alice.key(), bob.key()), 10 * MiB);
    EXPECT_EQ(back.completed->gave(bob.key(), alice.key()), 0u);
    EXPECT_EQ(alice.book->tip().seq, 1u);
    EXPECT_EQ(bob.book->tip().seq, 1u);
    EXPECT_EQ(alice.book->counters().agreed, 1u);
    EXPECT_EQ(bob.book->counters().countersigned, 1u);
    // Nothing moved since: nothing more to propose.
    EXPECT_TRUE(alice.book->due(500'000).empty());
}

TEST_F(LedgerBookTest, NothingIsProposedUntilEnoughMovedOrTimePassed) {
    moved(1 * MiB, 1 * MiB, 100'000);  // a minute and more since anything was proposed
    auto answer = bob.book->on_message(alice.key(), propose(100'000), 100'100);
    ASSERT_TRUE(alice.book->on_message(bob.key(), *answer.reply, 100'200).completed);
    moved(1 * MiB, 1 * MiB, 110'000);
    EXPECT_TRUE(alice.book->due(110'000).empty()) << "1 MiB moved, 10 s after the last proposal";
    moved(8 * MiB, 8 * MiB, 111'000);
    EXPECT_EQ(alice.book->due(111'000).size(), 1u) << "9 MiB moved";
}

TEST_F(LedgerBookTest, AClaimOfMoreThanWeGotIsRefusedAndTheProposerHearsWhy) {
    moved(20 * MiB, 10 * MiB, 1000);  // alice counts twice what bob got
    auto answer = bob.book->on_message(alice.key(), propose(1000), 1100);
    ASSERT_TRUE(answer.reply);
    EXPECT_FALSE(answer.completed);
    EXPECT_EQ(bob.book->counters().refusals.at("inflated"), 1u);
    EXPECT_EQ(bob.book->tip().seq, 0u) << "bob signed nothing";
    auto back = alice.book->on_message(bob.key(), *answer.reply, 1200);
    EXPECT_FALSE(back.completed);
    EXPECT_EQ(alice.book->counters().refused_by_them, 1u);
    EXPECT_NE(back.problem.find("refused"), std::string::npos) << back.problem;
}

TEST_F(LedgerBookTest, ACountThatLagsOursIsNotADeflation) {
    // Bob proposes what he got; alice gave 40 MiB more since, in the last
    // seconds: his count lags, it does not cheat her.
    alice.book->counted(bob.key(), 100 * MiB, 0, 1000);
    bob.book->counted(alice.key(), 0, 100 * MiB, 1000);
    alice.book->counted(bob.key(), 40 * MiB, 0, 5000);
    auto out = bob.book->due(5000);
    ASSERT_EQ(out.size(), 1u);
    auto answer = alice.book->on_message(bob.key(), out[0].message, 5100);
    ASSERT_TRUE(answer.completed) << answer.problem;
    EXPECT_EQ(answer.completed->gave(alice.key(), bob.key()), 100 * MiB);
}

TEST_F(LedgerBookTest, ACountThatLagsABurstReportedAtOnceIsNotADeflation) {
    // Alice's 100 MiB reach her book in one report; bob proposed while he
    // had counted 30 MiB of them. Her count stood at 0 a moment before.
    alice.book->counted(bob.key(), 100 * MiB, 0, 1000);
    bob.book->counted(alice.key(), 0, 30 * MiB, 900);
    bob.book->settle(alice.key());
    auto out = bob.book->due(1000);
    ASSERT_EQ(out.size(), 1u);
    auto answer = alice.book->on_message(bob.key(), out[0].message, 1100);
    ASSERT_TRUE(answer.completed) << answer.problem;
    EXPECT_EQ(answer.completed->gave(alice.key(), bob.key()), 30 * MiB);
}

TEST_F(LedgerBookTest, AnOldProposalReplayedIsRefusedAsStale) {
    moved(10 * MiB, 10 * MiB, 1000);
    const std::string first = propose(1000);
    auto answer = bob.book->on_message(alice.key(), first, 1100);
    ASSERT_TRUE(answer.completed);
    alice.book->on_message(bob.key(), *answer.reply, 1200);
    auto again = bob.book->on_message(alice.key(), first, 1300);
    EXPECT_FALSE(again.completed);
    EXPECT_EQ(bob.book->counters().refusals.at("stale"), 1u);
    EXPECT_EQ(bob.book->transfers().size(), 1u);
}

TEST_F(LedgerBookTest, ARecordFromAnotherKeyThanTheConnectionsIsBad) {
    moved(10 * MiB, 10 * MiB, 1000);
    const std::string proposal = propose(1000);
    Side mallory(dir.path() / "mallory.db");
    auto answer = bob.book->on_message(mallory.key(), proposal, 1100);
    EXPECT_FALSE(answer.reply);
    EXPECT_EQ(bob.book->counters().bad_messages, 1u);
    EXPECT_EQ(answer.problem, "a record signed by another key than the connection's");
    for (std::string junk : {std::string(), std::string("\x07"), std::string("\x01garbage"), std::string("\x03short")}) {
        bob.book->on_message(alice.key(), junk, 1200);
    }
    EXPECT_EQ(bob.book->counters().bad_messages, 5u);
    EXPECT_EQ(bob.book->tip().seq, 0u);
}

TEST_F(LedgerBookTest, AnAgreementToNothingPendingIsBad) {
    moved(10 * MiB, 10 * MiB, 1000);
    auto answer = bob.book->on_message(alice.key(), propose(1000), 1100);
    ASSERT_TRUE(answer.reply);
    alice.book->on_message(bob.key(), *answer.reply, 1200);
    auto twice = alice.book->on_message(bob.key(), *answer.reply, 1300);
    EXPECT_FALSE(twice.completed);
    EXPECT_EQ(alice.book->counters().bad_messages, 1u);
    EXPECT_EQ(alice.book->transfers().size(), 1u);
}

TEST_F(LedgerBookTest, AProposalNeverAnsweredIsGivenUpAndANewOneFollows) {
    moved(10 * MiB, 10 * MiB, 1000);
    propose(1000);
    EXPECT_TRUE(alice.book->due(2000).empty());
    moved(10 * MiB, 10 * MiB, 2000);
    auto later = alice.book->due(1000 + alice.options.answer_wait_ms);
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(alice.book->counters().unanswered, 1u);
    EXPECT_EQ(alice.book->tip().seq, 2u) << "the unanswered one stays on the chain";
    auto answer = bob.book->on_message(alice.key(), later[0].message, 40'000);
    ASSERT_TRUE(answer.completed) << answer.problem;
    EXPECT_EQ(answer.completed->gave(alice.key(), bob.key()), 20 * MiB);
}

TEST_F(LedgerBookTest, ARestartKeepsTheChainAndWhatWasAgreed) {
    moved(10 * MiB, 10 * MiB, 1000);
    auto answer = bob.book->on_message(alice.key(), propose(1000), 1100);
    alice.book->on_message(bob.key(), *answer.reply, 1200);
    alice.open();
    bob.open();
    EXPECT_EQ(alice.book->tip().seq, 1u);
    ASSERT_EQ(alice.book->transfers().size(), 1u);
    ASSERT_EQ(bob.book->transfers().size(), 1u);
    EXPECT_EQ(alice.book->transfers()[0].proposal(), bob.book->transfers()[0].proposal());
    const auto peers = alice.book->peers();
    ASSERT_EQ(peers.size(), 1u);
    EXPECT_EQ(peers[0].counted.gave, 10 * MiB) << "what both signed is where counting resumes";
    // The next record goes on from there.
    moved(10 * MiB, 10 * MiB, 100'000);
    auto next = bob.book->on_message(alice.key(), propose(100'000), 100'100);
    ASSERT_TRUE(next.completed) << next.problem;
    EXPECT_EQ(next.completed->gave(alice.key(), bob.key()), 20 * MiB);
    EXPECT_EQ(next.completed->proposal().seq, 2u);
}

TEST_F(LedgerBookTest, ACrashBeforeTheAnswerLeavesAChainThatStillLinks) {
    moved(10 * MiB, 10 * MiB, 1000);
    const std::string proposal = propose(1000);  // stored on alice's chain, then alice dies
    alice.open();
    EXPECT_EQ(alice.book->tip().seq, 1u);
    EXPECT_TRUE(alice.book->transfers().empty());
    // Bob's agreement to it arrives after the restart: alice no longer
    // waits for it, so it completes nothing on her side, and her next
    // proposal links after the first.
    auto answer = bob.book->on_message(alice.key(), proposal, 1100);
    ASSERT_TRUE(answer.completed);
    alice.book->counted(bob.key(), 10 * MiB, 0, 2000);
    auto out = alice.book->due(2000);
    ASSERT_EQ(out.size(), 1u);
    auto r = Record::decode(std::string_view(out[0].message).substr(1));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 2u);
}

}  // namespace
