// The seeder's first-copy policy (core/agent/engine/first_copy_policy.hpp):
// which block requests it refuses while a share is new to the swarm, what
// it suggests instead, and when it serves whatever is asked.
#include "core/agent/engine/first_copy_policy.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace {

using coop::agent::FirstCopyPolicy;
using Clock = FirstCopyPolicy::Clock;
using PeerId = FirstCopyPolicy::PeerId;
using namespace std::chrono_literals;

// What each peer has, and who is connected, as the policy sees it.
struct FakeSwarm {
    std::map<PeerId, std::set<int>> has;
    std::set<PeerId> gone;

    class View : public FirstCopyPolicy::Swarm {
    public:
        View(const FakeSwarm& s, PeerId requester) : s_(s), requester_(requester) {}
        bool requester_has(int piece) const override {
            auto it = s_.has.find(requester_);
            return it != s_.has.end() && it->second.count(piece) != 0;
        }
        bool another_peer_has(int piece) const override {
            for (const auto& [peer, pieces] : s_.has)
                if (peer != requester_ && !s_.gone.count(peer) && pieces.count(piece)) return true;
            return false;
        }
        bool connected(PeerId peer) const override { return !s_.gone.count(peer); }

    private:
        const FakeSwarm& s_;
        PeerId requester_;
    };
};

struct FirstCopyPolicyTest : ::testing::Test {
    FirstCopyPolicy policy{64};
    FakeSwarm swarm;
    Clock::time_point t0 = Clock::now();

    FirstCopyPolicy::Answer ask(PeerId peer, int piece, Clock::duration at, int offset = 0) {
        return policy.request(peer, piece, offset, t0 + at, FakeSwarm::View(swarm, peer));
    }
};

TEST_F(FirstCopyPolicyTest, APieceNobodyHadIsServed) {
    const auto a = policy.connected(true);
    EXPECT_FALSE(ask(a, 10, 0s).reject);
    EXPECT_EQ(policy.never_sent(), 63);
    EXPECT_EQ(policy.counts().served_first, 1u);
}

TEST_F(FirstCopyPolicyTest, APieceOnItsWayToAnotherPeerIsRefusedWithAnUnsentSuggestion) {
    const auto a = policy.connected(true), b = policy.connected(true);
    EXPECT_FALSE(ask(a, 10, 0s).reject);
    const auto answer = ask(b, 10, 500ms);
    EXPECT_TRUE(answer.reject);
    ASSERT_GE(answer.suggest, 0);
    EXPECT_NE(answer.suggest, 10);
    // The longest unsent run is 11..63: its middle.
    EXPECT_EQ(answer.suggest, 37);
    // The suggestion is served to whoever asks: it has never gone out.
    EXPECT_FALSE(ask(b, answer.suggest, 600ms).reject);
}

TEST_F(FirstCopyPolicyTest, TheHolderIsServedTheRestOfItsPiece) {
    const auto a = policy.connected(true);
    policy.connected(true);
    EXPECT_FALSE(ask(a, 10, 0s).reject);
    EXPECT_FALSE(ask(a, 10, 100ms, 16384).reject);
    EXPECT_EQ(policy.counts().served_own, 1u);
}

TEST_F(FirstCopyPolicyTest, APieceAnotherPeerAlreadyHasIsRefused) {
    const auto a = policy.connected(true), b = policy.connected(true);
    EXPECT_FALSE(ask(a, 10, 0s).reject);
    swarm.has[a] = {10};
    // Long after it went out: a has announced it, b can get it there.
    EXPECT_TRUE(ask(b, 10, 60s).reject);
}

TEST_F(FirstCopyPolicyTest, WeAreTheOnlySourceOnceItsHolderIsGoneOrLate) {
    const auto a = policy.connected(true), b = policy.connected(true), c = policy.connected(true);
    EXPECT_FALSE(ask(a, 10, 0s).reject);
    EXPECT_FALSE(ask(a, 11, 0s).reject);
    // a left before it had piece 10: nobody else has it.
    swarm.gone.insert(a);
    policy.disconnected(a);
    EXPECT_FALSE(ask(b, 10, 1s).reject);
    // b still connected but silent past the in-flight time: served again.
    EXPECT_FALSE(ask(c, 10, 1s + FirstCopyPolicy::default_grace).reject);
    EXPECT_EQ(policy.counts().served_only_source, 2u);
}

TEST_F(FirstCopyPolicyTest, APieceWaitingInOurSendBufferIsOnItsWayHoweverLong) {
    const auto a = policy.connected(true), b = policy.connected(true);
    EXPECT_FALSE(ask(a, 10, 0s).reject);
    policy.block_written(a, 10, 16384);
    // A deep buffer at a slow peer: long past the grace, still not sent.
    EXPECT_TRUE(ask(b, 10, 10s).reject);
    policy.payload_sent(a, 16384, t0 + 11s);
    EXPECT_TRUE(ask(b, 10, 12s, 16384).reject);
    // The grace after it left: a never said HAVE, so it is not waited for.
    EXPECT_FALSE(ask(b, 10, 11s + FirstCopyPolicy::default_grace).reject);
}

TEST_F(FirstCopyPolicyTest, AHolderSittingOnAPieceIsNotWaitedForEver) {
    const auto a = policy.connected(true), b = policy.connected(true);
    EXPECT_FALSE(ask(a, 10, 0s).reject);
    policy.block_written(a, 10, 16384);
    EXPECT_FALSE(ask(b, 10, FirstCopyPolicy::stall_limit).reject);
}

TEST_F(FirstCopyPolicyTest, SendBufferAccountingToleratesNonsense) {
    const auto a = policy.connected(true);
    policy.block_written(a, -1, 16384);
    policy.block_written(a, 64, 16384);
    policy.block_written(a, 3, -5);
    policy.block_written(12345, 3, 16384);
    policy.payload_sent(a, -7, t0);
    policy.payload_sent(12345, 100, t0);
    for (std::size_t i = 0; i < FirstCopyPolicy::max_blocks_in_send_buffer + 10; ++i) policy.block_written(a, 3, 1);
    policy.payload_sent(a, 1 << 30, t0);
    EXPECT_EQ(policy.never_sent(), 64);
}

TEST_F(FirstCopyPolicyTest, APeerWithoutTheFastExtensionIsNeverRefused) {
    const auto a = policy.connected(true), b = policy.connected(false);
    EXPECT_FALSE(ask(a, 10, 0s).reject);
    EXPECT_FALSE(ask(b, 10, 100ms).reject);
    EXPECT_EQ(policy.counts().served_no_fast, 1u);
    // The handshake decides: once it says fast, b can be refused.
    policy.set_fast_extension(b, true);
    EXPECT_FALSE(ask(b, 11, 150ms).reject);  // new: b holds it now
    EXPECT_TRUE(ask(a, 11, 200ms).reject);
}

TEST_F(FirstCopyPolicyTest, ABlockAskedForAgainRightAwayIsServed) {
    // A reader with a deadline takes no suggestion: it asks again.
    const auto a = policy.connected(true), b = policy.connected(true);
    EXPECT_FALSE(ask(a, 10, 0s).reject);
    EXPECT_TRUE(ask(b, 10, 100ms).reject);
    EXPECT_FALSE(ask(b, 10, 120ms).reject);
    EXPECT_EQ(policy.counts().served_insisting, 1u);
    // Another block of the same piece is b's own now.
    EXPECT_FALSE(ask(b, 10, 130ms, 16384).reject);
}

TEST_F(FirstCopyPolicyTest, NoUnsentPieceTheRequesterLacksMeansServe) {
    FirstCopyPolicy small{3};
    const auto a = small.connected(true), b = small.connected(true);
    auto at = [&](PeerId p, int piece, Clock::duration d) {
        return small.request(p, piece, 0, t0 + d, FakeSwarm::View(swarm, p));
    };
    EXPECT_FALSE(at(a, 0, 0s).reject);
    swarm.has[b] = {1, 2};  // b lacks only piece 0, which a is getting
    EXPECT_FALSE(at(b, 0, 100ms).reject);
    EXPECT_EQ(small.counts().served_nothing_else, 1u);
}

TEST_F(FirstCopyPolicyTest, SuggestionsGoToDifferentPiecesAndAreBounded) {
    const auto a = policy.connected(true), b = policy.connected(true);
    for (int piece = 0; piece < 20; ++piece) EXPECT_FALSE(ask(a, piece, 0s).reject);
    std::set<int> offered;
    for (int piece = 0; piece < 20; ++piece) {
        const auto answer = ask(b, piece, 100ms);
        EXPECT_TRUE(answer.reject);
        if (answer.suggest >= 0) {
            EXPECT_GE(answer.suggest, 20);
            EXPECT_TRUE(offered.insert(answer.suggest).second) << "offered twice: " << answer.suggest;
        }
    }
    // b has not asked for any of them yet: only so many are held for it.
    EXPECT_EQ(offered.size(), FirstCopyPolicy::max_open_suggestions);
}

TEST_F(FirstCopyPolicyTest, WhenEveryUnsentPieceIsOfferedOneOfThemIsOfferedAgain) {
    FirstCopyPolicy small{3};
    const auto a = small.connected(true), b = small.connected(true), c = small.connected(true),
               d = small.connected(true);
    auto at = [&](PeerId p, int piece, Clock::duration t) {
        return small.request(p, piece, 0, t0 + t, FakeSwarm::View(swarm, p));
    };
    EXPECT_FALSE(at(a, 0, 0s).reject);
    EXPECT_EQ(at(b, 0, 100ms).suggest, 2);  // the middle of 1..2
    EXPECT_EQ(at(c, 0, 100ms).suggest, 1);
    const auto again = at(d, 0, 100ms);
    EXPECT_TRUE(again.reject);
    EXPECT_TRUE(again.suggest == 1 || again.suggest == 2) << again.suggest;
    EXPECT_EQ(small.counts().served_nothing_else, 0u);
}

TEST_F(FirstCopyPolicyTest, AfterTheFirstCopyEverythingIsServed) {
    FirstCopyPolicy small{2};
    const auto a = small.connected(true), b = small.connected(true);
    auto at = [&](PeerId p, int piece, Clock::duration d) {
        return small.request(p, piece, 0, t0 + d, FakeSwarm::View(swarm, p));
    };
    EXPECT_FALSE(at(a, 0, 0s).reject);
    EXPECT_FALSE(at(a, 1, 0s).reject);
    EXPECT_TRUE(small.every_piece_handed_out());
    // Nothing waits in a send buffer: the first copy is out.
    EXPECT_FALSE(at(b, 0, 100ms).reject);
    EXPECT_TRUE(small.first_copy_done());
    EXPECT_EQ(small.counts().served_after_first_copy, 1u);
}

TEST_F(FirstCopyPolicyTest, RepeatsWaitUntilTheFirstCopyHasLeftOurBuffers) {
    FirstCopyPolicy small{2};
    const auto a = small.connected(true), b = small.connected(true);
    auto at = [&](PeerId p, int piece, Clock::duration t) {
        return small.request(p, piece, 0, t0 + t, FakeSwarm::View(swarm, p));
    };
    EXPECT_FALSE(at(a, 0, 0s).reject);
    EXPECT_FALSE(at(b, 1, 0s).reject);
    small.block_written(a, 0, 16384);
    small.block_written(b, 1, 16384);
    // Both handed out, a's still waiting: b is refused it, with nothing to suggest.
    const auto draining = at(b, 0, 100ms);
    EXPECT_TRUE(draining.reject);
    EXPECT_EQ(draining.suggest, -1);
    EXPECT_EQ(small.counts().rejected_while_draining, 1u);
    small.payload_sent(a, 16384, t0 + 200ms);
    EXPECT_FALSE(small.first_copy_done());
    small.payload_sent(b, 16384, t0 + 300ms);
    EXPECT_TRUE(small.first_copy_done());
    EXPECT_FALSE(at(b, 0, 400ms).reject);
}

TEST_F(FirstCopyPolicyTest, AStalledBufferDoesNotKeepThePolicyOnForEver) {
    FirstCopyPolicy small{1};
    const auto a = small.connected(true), b = small.connected(true);
    EXPECT_FALSE(small.request(a, 0, 0, t0, FakeSwarm::View(swarm, a)).reject);
    small.block_written(a, 0, 16384);
    EXPECT_FALSE(small.request(b, 0, 0, t0 + FirstCopyPolicy::stall_limit, FakeSwarm::View(swarm, b)).reject);
    EXPECT_TRUE(small.first_copy_done());
}

TEST_F(FirstCopyPolicyTest, ADisconnectedPeersBufferIsNotWaitedFor) {
    FirstCopyPolicy small{1};
    const auto a = small.connected(true), b = small.connected(true);
    EXPECT_FALSE(small.request(a, 0, 0, t0, FakeSwarm::View(swarm, a)).reject);
    small.block_written(a, 0, 16384);
    swarm.gone.insert(a);
    small.disconnected(a);
    EXPECT_FALSE(small.request(b, 0, 0, t0 + 1s, FakeSwarm::View(swarm, b)).reject);
    EXPECT_TRUE(small.first_copy_done());
}

TEST_F(FirstCopyPolicyTest, HostileIndicesAreLeftAlone) {
    const auto a = policy.connected(true);
    EXPECT_FALSE(ask(a, -1, 0s).reject);
    EXPECT_FALSE(ask(a, 64, 0s).reject);
    EXPECT_FALSE(ask(a, 1 << 30, 0s).reject);
    EXPECT_EQ(policy.never_sent(), 64);
    // An unknown peer id is served, never refused.
    EXPECT_FALSE(ask(9999, 3, 0s).reject);
}

TEST_F(FirstCopyPolicyTest, AnEmptyTorrentHasNothingToRefuse) {
    FirstCopyPolicy none{0};
    EXPECT_TRUE(none.first_copy_done());
    FirstCopyPolicy negative{-5};
    EXPECT_TRUE(negative.first_copy_done());
}

}  // namespace
