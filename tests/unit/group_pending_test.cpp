// Events waiting for their parents (core/group/pending_pool.hpp).
#include "core/group/pending_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

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
        events.push_back(coop::group::make_genesis(founder, 100, "{}"));
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

TEST(GroupPending, CountAndBytesAreBounded) {
    Chain chain(6);
    GroupLog log(chain.group());
    PendingPool by_count(2);
    EXPECT_TRUE(by_count.offer(log, chain.events[6]).held);
    EXPECT_TRUE(by_count.offer(log, chain.events[5]).held);
    const auto full = by_count.offer(log, chain.events[4]);
    EXPECT_EQ(full.result.status, Status::missing_parents);
    EXPECT_FALSE(full.held);
    EXPECT_EQ(by_count.size(), 2u);

    const std::size_t one = chain.events[6].encode().size();
    PendingPool by_bytes(100, one + one / 2);
    EXPECT_TRUE(by_bytes.offer(log, chain.events[6]).held);
    EXPECT_FALSE(by_bytes.offer(log, chain.events[5]).held);
    EXPECT_EQ(by_bytes.bytes(), one);
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

}  // namespace
