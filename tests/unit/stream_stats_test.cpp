// Stream statistics (core/agent/stream_stats.hpp): the virtual player that
// turns late chunks into stalls, and what a stream reports of itself.
#include "core/agent/stream_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

using coop::agent::StreamStats;
using coop::agent::VirtualPlayer;

// Plays 1000 bytes per second: a chunk of 1000 bytes lasts one second.
constexpr double rate = 1000;

VirtualPlayer::Stall stall(double start, double length) {
    VirtualPlayer::Stall s;
    s.start = start;
    s.length = length;
    return s;
}

TEST(VirtualPlayer, TheChunkThatStartsAReadNeverStalls) {
    VirtualPlayer p(rate);
    // Asked at 0, came ten seconds later: that is the wait for the first byte.
    const auto s = p.chunk(0, 1000, 0.0, 10.0);
    EXPECT_EQ(s.length, 0);
}

TEST(VirtualPlayer, ChunksThatComeBeforeThePlayheadNeedsThemDoNotStall) {
    VirtualPlayer p(rate);
    EXPECT_EQ(p.chunk(0, 1000, 0.0, 0.5).length, 0);     // playing from 0.5
    EXPECT_EQ(p.chunk(1000, 1000, 0.5, 1.2).length, 0);  // needed at 1.5
    EXPECT_EQ(p.chunk(2000, 1000, 1.2, 2.5).length, 0);  // needed at 2.5: just in time
}

TEST(VirtualPlayer, ALateChunkStallsFromWhenItWasNeeded) {
    VirtualPlayer p(rate);
    p.chunk(0, 1000, 0.0, 1.0);                  // playing from 1.0
    const auto s = p.chunk(1000, 1000, 1.0, 3.0);  // needed at 2.0
    EXPECT_DOUBLE_EQ(s.start, 2.0);
    EXPECT_DOUBLE_EQ(s.length, 1.0);
}

TEST(VirtualPlayer, ALateChunkAskedForAfterItWasNeededStallsFromTheAsking) {
    // The player asked late (its own pace, not the network's): the stall
    // counts only from the asking.
    VirtualPlayer p(rate);
    p.chunk(0, 1000, 0.0, 1.0);                     // needed at 2.0
    const auto s = p.chunk(1000, 1000, 2.5, 4.0);  // asked at 2.5
    EXPECT_DOUBLE_EQ(s.start, 2.5);
    EXPECT_DOUBLE_EQ(s.length, 1.5);
}

TEST(VirtualPlayer, AStallPushesThePlayheadBack) {
    VirtualPlayer p(rate);
    p.chunk(0, 1000, 0.0, 1.0);
    const auto late = p.chunk(1000, 1000, 1.0, 3.0);  // stalls 2.0 .. 3.0
    ASSERT_DOUBLE_EQ(late.length, 1.0);
    // Without the stall the third chunk would be needed at 3.0; the player
    // lost a second waiting, so it needs it at 4.0 and 3.9 is in time.
    EXPECT_EQ(p.chunk(2000, 1000, 3.0, 3.9).length, 0);
    // The push is kept: the fourth is needed at 5.0, and 5.5 is half a second late.
    const auto s = p.chunk(3000, 1000, 3.9, 5.5);
    EXPECT_DOUBLE_EQ(s.start, 5.0);
    EXPECT_DOUBLE_EQ(s.length, 0.5);
}

TEST(VirtualPlayer, AChunkNotFollowingTheLastStartsANewRun) {
    VirtualPlayer p(rate);
    p.chunk(0, 1000, 0.0, 1.0);
    // A seek far ahead, answered late: its wait is not a stall.
    EXPECT_EQ(p.chunk(500000, 1000, 5.0, 20.0).length, 0);
    // The new run plays from 20.0: its next chunk is needed at 21.0.
    EXPECT_EQ(p.chunk(501000, 1000, 20.0, 20.9).length, 0);
    const auto s = p.chunk(502000, 1000, 20.9, 22.5);  // needed at 22.0
    EXPECT_DOUBLE_EQ(s.start, 22.0);
    EXPECT_DOUBLE_EQ(s.length, 0.5);
}

TEST(VirtualPlayer, ASeekBackwardsAlsoStartsANewRun) {
    VirtualPlayer p(rate);
    p.chunk(0, 1000, 0.0, 1.0);
    p.chunk(1000, 1000, 1.0, 1.5);
    EXPECT_EQ(p.chunk(0, 1000, 10.0, 30.0).length, 0);
}

TEST(VirtualPlayer, ANewRunForgetsTheOldStalls) {
    VirtualPlayer p(rate);
    p.chunk(0, 1000, 0.0, 1.0);
    ASSERT_DOUBLE_EQ(p.chunk(1000, 1000, 1.0, 11.0).length, 9.0);
    p.chunk(100000, 1000, 11.0, 12.0);  // a seek: plays from 12.0
    // Needed at 13.0: the nine seconds lost before the seek do not carry over.
    const auto s = p.chunk(101000, 1000, 12.0, 14.0);
    EXPECT_DOUBLE_EQ(s.start, 13.0);
    EXPECT_DOUBLE_EQ(s.length, 1.0);
}

TEST(VirtualPlayer, WithoutAByteRateItNeverStalls) {
    VirtualPlayer p(0);
    EXPECT_EQ(p.chunk(0, 1000, 0.0, 1.0).length, 0);
    EXPECT_EQ(p.chunk(1000, 1000, 1.0, 100.0).length, 0);
    EXPECT_EQ(p.chunk(2000, 1000, 100.0, 1000.0).length, 0);
}

TEST(VirtualPlayer, StallsFromIsWhenAChunkWouldBeLate) {
    VirtualPlayer p(rate);
    EXPECT_TRUE(std::isinf(p.stalls_from(0, 0.0)));  // nothing playing yet
    p.chunk(0, 1000, 0.0, 1.0);                        // playing from 1.0
    EXPECT_DOUBLE_EQ(p.stalls_from(1000, 1.0), 2.0);
    EXPECT_DOUBLE_EQ(p.stalls_from(1000, 2.5), 2.5);   // not before it was asked for
    EXPECT_TRUE(std::isinf(p.stalls_from(5000, 1.0)));  // a seek: its wait is no stall
    EXPECT_TRUE(std::isinf(p.stalls_from(0, 1.0)));
}

TEST(VirtualPlayer, StallsFromAgreesWithChunk) {
    VirtualPlayer p(rate);
    p.chunk(0, 1000, 0.0, 1.0);
    p.chunk(1000, 1000, 1.0, 3.0);  // a second lost: the playhead is pushed back
    const double from = p.stalls_from(2000, 3.0);
    EXPECT_DOUBLE_EQ(from, 4.0);
    const auto s = p.chunk(2000, 1000, 3.0, 4.5);
    EXPECT_DOUBLE_EQ(s.start, from);
    EXPECT_DOUBLE_EQ(s.length, 0.5);
}

TEST(VirtualPlayer, StallsFromWithoutAByteRateIsNever) {
    VirtualPlayer p(0);
    p.chunk(0, 1000, 0.0, 1.0);
    EXPECT_TRUE(std::isinf(p.stalls_from(1000, 1.0)));
}

TEST(StreamStats, StalledNowWhileAConnectionWaitsPastItsPlayhead) {
    StreamStats st;
    int a = 0, b = 0;  // two connections
    EXPECT_FALSE(st.stalled_at(5.0));
    st.waiting(&a, 2.0);
    EXPECT_FALSE(st.stalled_at(1.0));
    EXPECT_FALSE(st.stalled_at(2.05));  // under a tenth late: jitter
    EXPECT_TRUE(st.stalled_at(2.2));
    EXPECT_EQ(st.to_json(2.2)["stalled_now"], true);
    EXPECT_EQ(st.to_json(1.0)["stalled_now"], false);

    st.waiting(&b, std::numeric_limits<double>::infinity());  // cannot stall
    st.arrived(&a);
    EXPECT_FALSE(st.stalled_at(100.0));
    st.waiting(&b, 3.0);  // waits again, for a later chunk: replaces the old wait
    EXPECT_TRUE(st.stalled_at(3.5));
    st.arrived(&b);
    EXPECT_FALSE(st.stalled_at(3.5));
    st.arrived(&b);  // twice is harmless
    EXPECT_FALSE(st.stalled_at(3.5));
}

TEST(StreamStats, NothingKnownAtFirst) {
    const StreamStats st;
    EXPECT_FALSE(st.first_byte_at());
    EXPECT_FALSE(st.first_frame_at());
    EXPECT_EQ(st.stalls(), 0);
    EXPECT_EQ(st.stalled_seconds(), 0);
    EXPECT_EQ(st.longest_stall(), 0);
    const auto j = st.to_json(0);
    EXPECT_TRUE(j["ttfb_ms"].is_null());
    EXPECT_TRUE(j["first_frame_ms"].is_null());
    EXPECT_EQ(j["stalls"], 0);
    EXPECT_EQ(j["stall_ms"], 0);
    EXPECT_EQ(j["longest_stall_ms"], 0);
    EXPECT_EQ(j["bytes_served"], 0);
    EXPECT_EQ(j["requests"], 0);
    EXPECT_EQ(j["seeks"], 0);
    EXPECT_EQ(j["stalled_now"], false);
}

TEST(StreamStats, FirstByteAndFrameKeepTheFirstTime) {
    StreamStats st;
    st.bytes_sent(0, 0.1);  // nothing sent yet: not a first byte
    EXPECT_FALSE(st.first_byte_at());
    st.bytes_sent(100, 0.25);
    st.bytes_sent(200, 0.5);
    ASSERT_TRUE(st.first_byte_at());
    EXPECT_DOUBLE_EQ(*st.first_byte_at(), 0.25);

    st.first_frame(0.75);
    st.first_frame(2.0);
    ASSERT_TRUE(st.first_frame_at());
    EXPECT_DOUBLE_EQ(*st.first_frame_at(), 0.75);
}

TEST(StreamStats, CountsBytesRequestsAndSeeks) {
    StreamStats st;
    st.bytes_sent(100, 0.1);
    st.bytes_sent(262144, 0.2);
    st.request(false);
    st.request(true);
    st.request(true);
    const auto j = st.to_json(0);
    EXPECT_EQ(j["bytes_served"], 262244);
    EXPECT_EQ(j["requests"], 3);
    EXPECT_EQ(j["seeks"], 2);
}

TEST(StreamStats, SeparateStallsAddUp) {
    StreamStats st;
    st.stall(stall(1.0, 0.5));
    st.stall(stall(3.0, 1.0));
    EXPECT_EQ(st.stalls(), 2);
    EXPECT_DOUBLE_EQ(st.stalled_seconds(), 1.5);
    EXPECT_DOUBLE_EQ(st.longest_stall(), 1.0);
}

TEST(StreamStats, OverlappingStallsOfTwoConnectionsAreOne) {
    StreamStats st;
    st.stall(stall(1.0, 1.0));  // 1.0 .. 2.0 on one connection
    st.stall(stall(1.5, 1.0));  // 1.5 .. 2.5 on another
    EXPECT_EQ(st.stalls(), 1);
    EXPECT_DOUBLE_EQ(st.stalled_seconds(), 1.5);
    EXPECT_DOUBLE_EQ(st.longest_stall(), 1.5);

    // One that began earlier and lies around it.
    st.stall(stall(0.5, 3.0));  // 0.5 .. 3.5
    EXPECT_EQ(st.stalls(), 1);
    EXPECT_DOUBLE_EQ(st.stalled_seconds(), 3.0);
}

// A stall of a third connection that spans the gap between two others
// joins all three into one.
TEST(StreamStats, AStallBridgingTwoOthersJoinsThem) {
    StreamStats st;
    st.stall(stall(1.0, 1.0));  // 1.0 .. 2.0
    st.stall(stall(3.0, 1.0));  // 3.0 .. 4.0
    ASSERT_EQ(st.stalls(), 2);
    st.stall(stall(1.5, 2.0));  // 1.5 .. 3.5
    EXPECT_EQ(st.stalls(), 1);
    EXPECT_DOUBLE_EQ(st.stalled_seconds(), 3.0);  // 1.0 .. 4.0
    EXPECT_DOUBLE_EQ(st.longest_stall(), 3.0);
}

TEST(StreamStats, TouchingStallsAreOne) {
    StreamStats st;
    st.stall(stall(1.0, 1.0));
    st.stall(stall(2.0, 0.5));  // begins where the first ends
    EXPECT_EQ(st.stalls(), 1);
    EXPECT_DOUBLE_EQ(st.stalled_seconds(), 1.5);
}

TEST(StreamStats, AStallInsideAnotherAddsNothing) {
    StreamStats st;
    st.stall(stall(1.0, 2.0));
    st.stall(stall(1.5, 0.5));
    EXPECT_EQ(st.stalls(), 1);
    EXPECT_DOUBLE_EQ(st.stalled_seconds(), 2.0);
}

TEST(StreamStats, ChunksInTimeAreNoStall) {
    StreamStats st;
    st.stall(VirtualPlayer::Stall{});
    EXPECT_EQ(st.stalls(), 0);
    EXPECT_EQ(st.to_json(0)["stall_ms"], 0);
}

TEST(StreamStats, StallsUnderATenthOfASecondAreJitter) {
    StreamStats st;
    st.stall(stall(1.0, 0.05));
    st.stall(stall(2.0, 0.099));
    EXPECT_EQ(st.stalls(), 0);
    EXPECT_EQ(st.stalled_seconds(), 0);
    EXPECT_EQ(st.longest_stall(), 0);
    EXPECT_EQ(st.to_json(0)["stall_ms"], 0);
    EXPECT_EQ(st.to_json(0)["longest_stall_ms"], 0);

    st.stall(stall(3.0, 0.1));  // a tenth exactly counts
    st.stall(stall(5.0, 0.25));
    EXPECT_EQ(st.stalls(), 2);
    EXPECT_NEAR(st.stalled_seconds(), 0.35, 1e-9);
    EXPECT_DOUBLE_EQ(st.longest_stall(), 0.25);
    const auto j = st.to_json(0);
    EXPECT_EQ(j["stalls"], 2);
    EXPECT_EQ(j["stall_ms"], 350);
    EXPECT_EQ(j["longest_stall_ms"], 250);
}

TEST(StreamStats, ShortStallsThatMergeCanAddUpToAStall) {
    StreamStats st;
    st.stall(stall(1.0, 0.06));
    st.stall(stall(1.05, 0.06));  // 1.0 .. 1.11 together
    EXPECT_EQ(st.stalls(), 1);
    EXPECT_NEAR(st.stalled_seconds(), 0.11, 1e-9);
}

TEST(StreamStats, JsonTimesAreRoundedMilliseconds) {
    StreamStats st;
    st.bytes_sent(1, 0.1234);
    st.first_frame(0.4567);
    st.stall(stall(2.0, 1.2346));
    const auto j = st.to_json(0);
    EXPECT_EQ(j["ttfb_ms"], 123);
    EXPECT_EQ(j["first_frame_ms"], 457);
    EXPECT_EQ(j["stalls"], 1);
    EXPECT_EQ(j["stall_ms"], 1235);
    EXPECT_EQ(j["longest_stall_ms"], 1235);
    EXPECT_EQ(j["stalled_now"], false);
    EXPECT_EQ(j.size(), 9u);  // ttfb, first frame, stalls, stall, longest, bytes, requests, seeks, stalled now
}

TEST(StreamStats, VirtualPlayersOfTwoConnectionsFeedOneCount) {
    // Two connections reading two parts of the file at once; the network
    // holds both up over the same time.
    VirtualPlayer a(rate), b(rate);
    StreamStats st;
    st.stall(a.chunk(0, 1000, 0.0, 0.5));
    st.stall(b.chunk(1000000, 1000, 0.0, 0.5));
    st.stall(a.chunk(1000, 1000, 0.5, 3.0));        // needed at 1.5
    st.stall(b.chunk(1001000, 1000, 0.5, 3.5));     // needed at 1.5
    EXPECT_EQ(st.stalls(), 1);
    EXPECT_DOUBLE_EQ(st.stalled_seconds(), 2.0);  // 1.5 .. 3.5
    EXPECT_DOUBLE_EQ(st.longest_stall(), 2.0);
}

}  // namespace

TEST(StreamStats, ManyStallsKeepCountingWithBoundedMemory) {
    coop::agent::StreamStats stats;
    for (int i = 0; i < 1000; ++i) stats.stall({i * 1.0, 0.5});
    EXPECT_EQ(stats.stalls(), 1000);
    EXPECT_NEAR(stats.stalled_seconds(), 500.0, 1e-6);
    EXPECT_NEAR(stats.longest_stall(), 0.5, 1e-9);
}
