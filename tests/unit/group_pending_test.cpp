// Events waiting for their parents (core/group/pending_pool.hpp).
#include "core/group/pending_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/group/body.hpp"

namespace {

using coop::Identity;
using coop::group::AddResult;
using coop::group::Event;
using coop::group::GroupLog;
using coop::group::Id;
using coop::group::Kind;
using coop::group::PendingPool;
using Status = AddResult::Status;

// A genesis and a chain of posts: alice, bob, alice, bob, ...
struct Chain {
    Identity founder = Identity::generate();
    Identity alice = Identity::generate();
    Identity bob = Identity::generate();
    std::vector<Event> events;

    explicit Chain(int length) {
        // Open: in a closed group the log would refuse posts without joins.
        events.push_back(coop::group::make_genesis(
            founder, 100, coop::group::to_body(coop::group::GenesisBody{"club", "", {}, true})));
        GroupLog log(events.back().id());
        log.add(events.back());
        for (int i = 0; i < length; ++i) {
            const Identity& who = i % 2 ? bob : alice;
            const auto next = log.next_for(who.public_key(), 0);
            events.push_back(coop::group::make_event(who, log.group(), next.seq, next.time_ms, Kind::post, next.parents,
                                                     R"({"text":"x"})"));
            EXPECT_TRUE(log.add(events.back()).accepted());
        }
    }
    Id group() const { return events.front().id(); }
};

TEST(GroupPending, ReverseOrderEndsAllAccepted) {
    Chain chain(8);
    GroupLog log(chain.group());
    PendingPool pool;
    for (auto it = chain.events.rbegin(); it + 1 != chain.events.rend(); ++it) {
        const auto offer = pool.offer(log, *it);
        EXPECT_EQ(offer.result.status, Status::missing_parents);
        EXPECT_TRUE(offer.held);
        EXPECT_TRUE(offer.accepted.empty());
    }
    EXPECT_EQ(pool.size(), 8u);
    EXPECT_EQ(pool.wanted(log), std::vector<Id>{chain.group()});
    const auto last = pool.offer(log, chain.events.front());
    EXPECT_TRUE(last.result.accepted());
    ASSERT_EQ(last.accepted.size(), chain.events.size());
    for (std::size_t i = 0; i < chain.events.size(); ++i) EXPECT_EQ(last.accepted[i], chain.events[i].id()) << i;
    EXPECT_EQ(log.size(), chain.events.size());
    EXPECT_EQ(pool.size(), 0u);
    EXPECT_EQ(pool.bytes(), 0u);
    EXPECT_TRUE(pool.wanted(log).empty());
}

TEST(GroupPending, InOrderPassesStraightThrough) {
    Chain chain(3);
    GroupLog log(chain.group());
    PendingPool pool;
    for (const auto& e : chain.events) {
        const auto offer = pool.offer(log, e);
        EXPECT_TRUE(offer.result.accepted());
        EXPECT_EQ(offer.accepted, std::vector<Id>{e.id()});
        EXPECT_FALSE(offer.held);
    }
    EXPECT_EQ(pool.size(), 0u);
}

TEST(GroupPending, HeldTwiceIsADuplicate) {
    Chain chain(2);
    GroupLog log(chain.group());
    PendingPool pool;
    EXPECT_TRUE(pool.offer(log, chain.events[2]).held);
    const auto bytes = pool.bytes();
    const auto again = pool.offer(log, chain.events[2]);
    EXPECT_EQ(again.result.status, Status::duplicate);
    EXPECT_TRUE(again.held);
    EXPECT_EQ(pool.size(), 1u);
    EXPECT_EQ(pool.bytes(), bytes);
    EXPECT_TRUE(pool.holds(chain.events[2].id()));
}

TEST(GroupPending, WantedNamesOnlyWhatIsNeitherHeldNorInTheLog) {
    Chain chain(4);
    GroupLog log(chain.group());
    ASSERT_TRUE(log.add(chain.events[0]).accepted());
    PendingPool pool;
    pool.offer(log, chain.events[4]);
    pool.offer(log, chain.events[3]);
    // events[4] names events[2] and [3]; [3] names [1] and [2]; [3] is held.
    std::vector<Id> expected{chain.events[1].id(), chain.events[2].id()};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(pool.wanted(log), expected);
}

TEST(GroupPending, WhatWaitsTooLongExpiresAndIsNoLongerWanted) {
    Chain chain(4);
    GroupLog log(chain.group());
    ASSERT_TRUE(log.add(chain.events[0]).accepted());
    PendingPool pool;
    const std::int64_t t0 = 1'000'000;
    EXPECT_TRUE(pool.offer(log, chain.events[2], t0).held);
    EXPECT_TRUE(pool.offer(log, chain.events[4], t0 + 60'000).held);
    EXPECT_TRUE(pool.offer(log, chain.events[3]).held);  // from our own store: never expires
    EXPECT_TRUE(pool.expire(t0 + 59'999, 60'000).empty());
    EXPECT_EQ(pool.expire(t0 + 100'000, 60'000), std::vector<Id>{chain.events[2].id()});
    EXPECT_EQ(pool.size(), 2u);
    EXPECT_FALSE(pool.holds(chain.events[2].id()));
    // Nothing names events[1] any more but events[3], which still waits.
    std::vector<Id> expected{chain.events[1].id(), chain.events[2].id()};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(pool.wanted(log), expected);
    EXPECT_EQ(pool.expire(t0 + 120'000, 60'000), std::vector<Id>{chain.events[4].id()});
    EXPECT_EQ(pool.size(), 1u);
    EXPECT_TRUE(pool.holds(chain.events[3].id()));
}

TEST(GroupPending, CountAndBytesAreBounded) {
    Chain chain(6);
    GroupLog log(chain.group());
    // Full, the pool makes room by evicting its oldest.
    PendingPool by_count(2, 1u << 20, 2);
    EXPECT_TRUE(by_count.offer(log, chain.events[6]).held);
    EXPECT_TRUE(by_count.offer(log, chain.events[5]).held);
    const auto full = by_count.offer(log, chain.events[4]);
    EXPECT_EQ(full.result.status, Status::missing_parents);
    EXPECT_TRUE(full.held);
    EXPECT_EQ(full.evicted, std::vector<Id>{chain.events[6].id()});
    EXPECT_EQ(by_count.size(), 2u);

    const std::size_t one = chain.events[6].encode().size();
    PendingPool by_bytes(100, one + one / 2);
    EXPECT_TRUE(by_bytes.offer(log, chain.events[6]).held);
    const auto second = by_bytes.offer(log, chain.events[5]);
    EXPECT_TRUE(second.held);
    EXPECT_EQ(second.evicted, std::vector<Id>{chain.events[6].id()});
    EXPECT_EQ(by_bytes.bytes(), one);
    EXPECT_EQ(by_bytes.evictions(), 1u);
    by_bytes.clear();
    EXPECT_EQ(by_bytes.size(), 0u);
    EXPECT_EQ(by_bytes.bytes(), 0u);
}

TEST(GroupPending, ForgeriesAreNotHeld) {
    Chain chain(2);
    GroupLog log(chain.group());
    PendingPool pool;
    Event forged = chain.events[2];
    forged.signature[5] ^= 1;
    const auto offer = pool.offer(log, forged);
    EXPECT_EQ(offer.result.reason, "bad signature");
    EXPECT_FALSE(offer.held);
    EXPECT_EQ(pool.size(), 0u);
}

TEST(GroupPending, ReleasedEventsThatBreakARuleAreRefused) {
    Chain chain(1);
    GroupLog log(chain.group());
    PendingPool pool;
    const Identity carol = Identity::generate();
    // Stamped before its parent: only judged once the parent is there.
    const Event early = coop::group::make_event(carol, chain.group(), 1, 50, Kind::post, {chain.events[1].id()}, "{}");
    EXPECT_TRUE(pool.offer(log, early).held);
    pool.offer(log, chain.events[0]);
    const auto offer = pool.offer(log, chain.events[1]);
    EXPECT_EQ(offer.accepted, std::vector<Id>{chain.events[1].id()});
    ASSERT_EQ(offer.refused.size(), 1u);
    EXPECT_EQ(offer.refused[0].reason, "time before a parent's");
    EXPECT_EQ(offer.refused[0].id, early.id());
    EXPECT_EQ(pool.size(), 0u);
}

TEST(GroupPending, AnEventWaitingForTwoParentsIsReleasedByTheLast) {
    Chain chain(1);
    GroupLog log(chain.group());
    ASSERT_TRUE(log.add(chain.events[0]).accepted());
    const Identity carol = Identity::generate();
    const Identity dave = Identity::generate();
    const Event c1 = coop::group::make_event(carol, chain.group(), 1, 200, Kind::post, {chain.group()}, "{}");
    const Event d1 = coop::group::make_event(dave, chain.group(), 1, 200, Kind::post, {chain.group()}, "{}");
    const Event merge = coop::group::make_event(carol, chain.group(), 2, 300, Kind::post, {c1.id(), d1.id()}, "{}");
    PendingPool pool;
    const auto held = pool.offer(log, merge);
    EXPECT_EQ(held.result.missing.size(), 2u);
    EXPECT_TRUE(pool.offer(log, d1).accepted == std::vector<Id>{d1.id()});
    EXPECT_TRUE(pool.holds(merge.id()));
    EXPECT_EQ(pool.wanted(log), std::vector<Id>{c1.id()});
    EXPECT_EQ(pool.offer(log, c1).accepted, (std::vector<Id>{c1.id(), merge.id()}));
    EXPECT_EQ(pool.size(), 0u);
}

// An event by `who` naming a parent nobody has: it can only wait.
Event orphan(const Identity& who, const Id& group, int n, std::size_t body = 8) {
    Id parent{};
    parent[0] = static_cast<std::uint8_t>(n);
    parent[1] = static_cast<std::uint8_t>(n >> 8);
    parent[2] = static_cast<std::uint8_t>(n >> 16);
    parent[31] = 0xee;
    return coop::group::make_event(who, group, 2, 5000, Kind::post, {parent},
                                   R"({"text":")" + std::string(body, 'o') + R"("})");
}

TEST(GroupPending, AFullPoolEvictsTheOldestAndCountsIt) {
    Chain chain(0);
    GroupLog log(chain.group());
    PendingPool pool(3, 1u << 20, 3);
    std::vector<Event> orphans;
    for (int i = 0; i < 5; ++i) orphans.push_back(orphan(Identity::generate(), chain.group(), i));
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.offer(log, orphans[i]).evicted.empty());
    const auto fourth = pool.offer(log, orphans[3]);
    EXPECT_TRUE(fourth.held);
    EXPECT_EQ(fourth.evicted, std::vector<Id>{orphans[0].id()});
    EXPECT_EQ(pool.offer(log, orphans[4]).evicted, std::vector<Id>{orphans[1].id()});
    EXPECT_EQ(pool.size(), 3u);
    EXPECT_EQ(pool.evictions(), 2u);
    EXPECT_FALSE(pool.holds(orphans[0].id()));
    EXPECT_TRUE(pool.holds(orphans[4].id()));
    // The evicted no longer ask for their parents.
    EXPECT_EQ(pool.wanted(log).size(), 3u);
    for (const auto& id : pool.wanted(log)) EXPECT_NE(id, orphans[0].parents[0]);
}

TEST(GroupPending, AFullPoolByBytesEvictsAsManyAsItTakes) {
    Chain chain(0);
    GroupLog log(chain.group());
    const std::size_t small = orphan(Identity::generate(), chain.group(), 0).encode().size();
    PendingPool pool(100, 4 * small);
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(pool.offer(log, orphan(Identity::generate(), chain.group(), i)).held);
    const Event big = orphan(Identity::generate(), chain.group(), 9, 2 * small);
    const auto offer = pool.offer(log, big);
    EXPECT_TRUE(offer.held);
    EXPECT_EQ(offer.evicted.size(), 3u);
    EXPECT_LE(pool.bytes(), 4 * small);
    EXPECT_EQ(pool.size(), 2u);
    // One that could never fit is refused, and pushes nothing out.
    const auto huge = pool.offer(log, orphan(Identity::generate(), chain.group(), 10, 5 * small));
    EXPECT_FALSE(huge.held);
    EXPECT_TRUE(huge.evicted.empty());
    EXPECT_EQ(pool.size(), 2u);
}

TEST(GroupPending, AFloodingAuthorPushesOutOnlyItsOwn) {
    Chain chain(0);
    GroupLog log(chain.group());
    PendingPool pool(64, 1u << 20, 8);
    std::vector<Event> others;
    for (int i = 0; i < 20; ++i) {
        others.push_back(orphan(Identity::generate(), chain.group(), i));
        EXPECT_TRUE(pool.offer(log, others.back()).held);
    }
    const Identity flooder = Identity::generate();
    std::vector<Event> flood;
    for (int i = 0; i < 1000; ++i) {
        flood.push_back(orphan(flooder, chain.group(), 100 + i));
        const auto offer = pool.offer(log, flood.back());
        EXPECT_TRUE(offer.held);
        for (const auto& id : offer.evicted) EXPECT_EQ(pool.holds(id), false);
    }
    EXPECT_EQ(pool.held_by(flooder.public_key()), 8u);
    EXPECT_EQ(pool.size(), 28u);
    EXPECT_EQ(pool.evictions(), 992u);
    for (const auto& e : others) EXPECT_TRUE(pool.holds(e.id()));
    for (std::size_t i = flood.size() - 8; i < flood.size(); ++i) EXPECT_TRUE(pool.holds(flood[i].id())) << i;
    EXPECT_EQ(pool.wanted(log).size(), 28u);
    // The default quota is a quarter of the pool.
    EXPECT_EQ(PendingPool(4096).max_per_author(), 1024u);
    EXPECT_EQ(PendingPool(2).max_per_author(), 1u);
}

TEST(GroupPending, AManyAuthorFloodStaysWithinTheBounds) {
    Chain chain(0);
    GroupLog log(chain.group());
    PendingPool pool(50, 8'000, 5);
    for (int i = 0; i < 400; ++i) {
        pool.offer(log, orphan(Identity::generate(), chain.group(), i, i % 300));
        ASSERT_LE(pool.size(), 50u);
        ASSERT_LE(pool.bytes(), 8'000u);
    }
    EXPECT_GT(pool.evictions(), 0u);
    EXPECT_EQ(pool.wanted(log).size(), pool.size());
}

TEST(GroupPending, AnEvictedEventGotAgainStillGetsIn) {
    Chain chain(6);
    GroupLog log(chain.group());
    ASSERT_TRUE(log.add(chain.events[0]).accepted());
    PendingPool pool(2, 1u << 20, 2);
    // Newest first: [6] is pushed out by [4], then [5] by [3].
    for (int i = 6; i >= 3; --i) pool.offer(log, chain.events[i]);
    EXPECT_EQ(pool.evictions(), 2u);
    EXPECT_TRUE(pool.holds(chain.events[4].id()));
    EXPECT_TRUE(pool.holds(chain.events[3].id()));
    // [3] and [4] wait for [1] and [2]; each event names the two before it.
    std::vector<Id> wanted{chain.events[1].id(), chain.events[2].id()};
    std::sort(wanted.begin(), wanted.end());
    EXPECT_EQ(pool.wanted(log), wanted);
    const auto first = pool.offer(log, chain.events[1]);
    const auto second = pool.offer(log, chain.events[2]);
    EXPECT_EQ(second.accepted, (std::vector<Id>{chain.events[2].id(), chain.events[3].id(), chain.events[4].id()}));
    EXPECT_EQ(pool.size(), 0u);
    // What a peer resends completes the log.
    EXPECT_TRUE(pool.offer(log, chain.events[5]).result.accepted());
    EXPECT_TRUE(pool.offer(log, chain.events[6]).result.accepted());
    EXPECT_EQ(log.size(), chain.events.size());
    EXPECT_TRUE(first.result.accepted());
}

TEST(GroupPending, EventsFromTheFutureAreNotHeld) {
    Chain chain(0);
    GroupLog log(chain.group());
    const std::int64_t now = 1'700'000'000'000;
    Id absent{};
    absent.fill(3);
    const Identity carol = Identity::generate();
    const Event ahead = coop::group::make_event(carol, chain.group(), 2, now + coop::group::max_future_ms + 1,
                                                Kind::post, {absent}, "{}");
    PendingPool pool;
    const auto offer = pool.offer(log, ahead, now);
    EXPECT_EQ(offer.result.cause, AddResult::Reason::from_the_future);
    EXPECT_FALSE(offer.held);
    EXPECT_EQ(pool.size(), 0u);
    EXPECT_TRUE(pool.offer(log, ahead).held) << "without a clock it only waits";
}

}  // namespace
