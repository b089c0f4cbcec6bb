// The canonical topological order (core/group/order.hpp).
#include "core/group/order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "core/group/log.hpp"
#include "core/group/pending_pool.hpp"

namespace {

using coop::Identity;
using coop::group::Event;
using coop::group::GroupLog;
using coop::group::Id;
using coop::group::Kind;

// Checks `order` is Kahn's with the smallest ready id first.
void expect_canonical(const std::map<Id, Event>& events, const std::vector<Id>& order) {
    ASSERT_EQ(order.size(), events.size());
    std::set<Id> placed;
    for (const auto& id : order) {
        std::set<Id> ready;
        for (const auto& [candidate, e] : events) {
            if (placed.count(candidate)) continue;
            if (std::all_of(e.parents.begin(), e.parents.end(), [&](const Id& p) { return placed.count(p) != 0; }))
                ready.insert(candidate);
        }
        ASSERT_FALSE(ready.empty());
        EXPECT_EQ(id, *ready.begin());
        placed.insert(id);
    }
}

TEST(GroupOrder, EmptyAndSingle) {
    EXPECT_TRUE(coop::group::canonical_order({}).empty());
    const Identity a = Identity::generate();
    const Event g = coop::group::make_genesis(a, 0, "{}");
    EXPECT_EQ(coop::group::canonical_order({{g.id(), g}}), std::vector<Id>{g.id()});
}

TEST(GroupOrder, ParentsFirstSmallestReadyIdNext) {
    const Identity founder = Identity::generate();
    const Event g = coop::group::make_genesis(founder, 0, "{}");
    std::map<Id, Event> events{{g.id(), g}};
    std::mt19937 rng(7);
    std::vector<Id> ids{g.id()};
    for (int i = 0; i < 60; ++i) {
        const Identity who = Identity::generate();
        std::vector<Id> parents{ids[rng() % ids.size()], ids[rng() % ids.size()]};
        const Event e = coop::group::make_event(who, g.id(), 1, i, Kind::post, parents, "{}");
        events.emplace(e.id(), e);
        ids.push_back(e.id());
    }
    expect_canonical(events, coop::group::canonical_order(events));
}

TEST(GroupOrder, ParentsOutsideTheSetCountAsPlaced) {
    const Identity who = Identity::generate();
    Id outside;
    outside.fill(0xee);
    const Event e = coop::group::make_event(who, outside, 1, 0, Kind::post, {outside}, "{}");
    EXPECT_EQ(coop::group::canonical_order({{e.id(), e}}), std::vector<Id>{e.id()});
}

TEST(GroupOrder, SameEventsSameOrderWhateverTheArrival) {
    const Identity founder = Identity::generate();
    const Event g = coop::group::make_genesis(founder, 0, "{}");
    GroupLog source(g.id());
    source.add(g);
    std::vector<Identity> people;
    for (int i = 0; i < 4; ++i) people.push_back(Identity::generate());
    std::mt19937 rng(99);
    for (int i = 0; i < 40; ++i) {
        const Identity& who = people[rng() % people.size()];
        const auto next = source.next_for(who.public_key(), i);
        source.add(coop::group::make_event(who, g.id(), next.seq, next.time_ms, Kind::post, next.parents, "{}"));
    }
    const auto expected = source.canonical_order();
    // Replaying in canonical order, and in reverse arrival order (through a
    // pending pool), gives logs that order identically.
    GroupLog replay(g.id());
    for (const auto& id : expected) replay.add(*source.get(id));
    EXPECT_EQ(replay.canonical_order(), expected);

    GroupLog backwards(g.id());
    coop::group::PendingPool pool;
    for (auto it = source.arrival_order().rbegin(); it != source.arrival_order().rend(); ++it)
        pool.offer(backwards, *source.get(*it));
    EXPECT_EQ(backwards.size(), source.size());
    EXPECT_EQ(backwards.canonical_order(), expected);
}

}  // namespace
