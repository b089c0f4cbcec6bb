// Members syncing a group through SyncEngine (core/group/sync_engine.hpp)
// on an in-memory network: convergence, catch-up, partitions, forks,
// newcomers and discovery. Large transfers: group_sync_large_test.cpp.
#include <gtest/gtest.h>

#include <random>

#include "tests/unit/group_sync_network.hpp"

namespace {

using namespace sync_test;
using coop::group::SyncFault;

// A group whose members all hold the same history: genesis and every
// member's join (by invite when closed).
struct Club {
    Network net;
    Id group{};
    std::vector<Agent*> members;

    Club(int size, bool open, SyncOptions options = {}) : net(options) {
        Agent& founder = net.add();
        group = founder.found_group(open);
        members.push_back(&founder);
        for (int i = 1; i < size; ++i) {
            Agent& m = net.add();
            m.copy_group(founder, group);
            const Event join = open ? m.join(group, std::nullopt, false) : m.join(group, founder.invite(group), false);
            EXPECT_TRUE(founder.logs.at(group)->add(join).accepted());
            members.push_back(&m);
        }
        for (int i = 1; i < size; ++i) members[i]->copy_group(founder, group);
    }
    Agent& operator[](std::size_t i) { return *members.at(i); }
};

TEST(GroupSyncEngine, TwoMembersConverge) {
    Club club(2, false);
    Agent& a = club[0];
    Agent& b = club[1];
    for (int i = 0; i < 3; ++i) {
        a.post(club.group, "from a " + std::to_string(i));
        b.post(club.group, "from b " + std::to_string(i));
    }
    const auto l = club.net.link(a, b, club.group);
    club.net.drain();
    EXPECT_TRUE(a.engine->subscribed(l.at_a, club.group));
    EXPECT_TRUE(b.engine->subscribed(l.at_b, club.group));
    expect_converged(club.members, club.group);
    EXPECT_EQ(coop::group::fold(*a.logs.at(club.group)).chat.size(), 6u);
    // Every event the engine took was handed to the host to store.
    EXPECT_EQ(b.stored.at(club.group).size(), 3u + 1 + 3);
    EXPECT_EQ(a.engine->counters()[SyncFault::malformed], 0u);
    EXPECT_TRUE(a.drops.empty());
    EXPECT_TRUE(b.drops.empty());
}

TEST(GroupSyncEngine, FiveMembersActiveAtOnceFoldToTheSameBytes) {
    Club club(5, false);
    for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t j = i + 1; j < 5; ++j) club.net.link(club[i], club[j], club.group);
    club.net.drain();
    std::mt19937 rng(7);
    // Everyone makes events before hearing anyone else's; a few are never
    // pushed, so only anti-entropy carries them.
    for (int round = 0; round < 12; ++round)
        for (std::size_t i = 0; i < 5; ++i) club[i].post(club.group, "r" + std::to_string(round), rng() % 4 != 0);
    club.net.settle(2);
    expect_converged(club.members, club.group);
    const auto state = coop::group::fold(*club[0].logs.at(club.group));
    EXPECT_EQ(state.members.size(), 5u);
    EXPECT_EQ(state.chat.size(), 60u);
    for (Agent* m : club.members) EXPECT_TRUE(m->drops.empty());
}

TEST(GroupSyncEngine, NewsWalksALineHopByHopWithoutDuplicates) {
    Club club(4, true);
    for (std::size_t i = 0; i + 1 < 4; ++i) club.net.link(club[i], club[i + 1], club.group);
    club.net.drain();
    club[0].post(club.group, "down the line");
    club.net.drain();  // the author's push reaches its neighbour only
    EXPECT_EQ(club[1].size(club.group), club[0].size(club.group));
    EXPECT_LT(club[2].size(club.group), club[0].size(club.group));
    // Each hop: a HAVE at the next announce, a pull, the event.
    for (int hop = 0; hop < 2; ++hop) {
        club.net.advance(SyncOptions{}.announce_interval);
        club.net.drain();
    }
    expect_converged(club.members, club.group);
    for (Agent* m : club.members) EXPECT_EQ(m->engine->counters().duplicates, 0u);
}

TEST(GroupSyncEngine, InAFullMeshEachEventCrossesEachLinkAboutOnce) {
    // Sixteen members linked to each other, all posting at once: news that
    // crossed an author's push is not sent again, nobody counts an honest
    // member as replaying, and each event reaches each member about once.
    constexpr std::size_t members = 16;
    constexpr int posts = 20;
    Club club(members, false);
    for (std::size_t i = 0; i < members; ++i)
        for (std::size_t j = i + 1; j < members; ++j) club.net.link(club[i], club[j], club.group);
    club.net.drain();
    std::uint64_t before = 0;
    for (Agent* m : club.members) before += m->engine->counters().events_out;
    for (int round = 0; round < posts; ++round) {
        for (std::size_t i = 0; i < members; ++i) club[i].post(club.group, "r" + std::to_string(round));
        // Some in flight while the clock moves: news crosses pushes.
        club.net.deliver(members * 8);
        club.net.advance(SyncOptions{}.announce_interval);
    }
    club.net.drain();
    for (int i = 0; i < 3; ++i) {
        club.net.advance(SyncOptions{}.announce_interval);
        club.net.drain();
    }
    expect_converged(club.members, club.group);
    std::uint64_t sent = 0, duplicates = 0;
    for (Agent* m : club.members) {
        EXPECT_TRUE(m->drops.empty());
        EXPECT_EQ(m->engine->counters()[SyncFault::replay], 0u);
        sent += m->engine->counters().events_out;
        duplicates += m->engine->counters().duplicates;
    }
    const std::uint64_t needed = members * posts * (members - 1);
    EXPECT_GE(sent - before, needed);
    EXPECT_LE(sent - before, needed + needed / 10);
    EXPECT_LE(duplicates, needed / 10);
}

TEST(GroupSyncEngine, AMemberOfflineDuringActivityCatchesUp) {
    Club club(3, false);
    Agent& a = club[0];
    Agent& b = club[1];
    Agent& c = club[2];
    club.net.link(a, b, club.group);
    const auto ac = club.net.link(a, c, club.group);
    const auto bc = club.net.link(b, c, club.group);
    club.net.drain();
    club.net.disconnect(c, ac.at_b);
    club.net.disconnect(c, bc.at_b);
    for (int i = 0; i < 30; ++i) {
        a.post(club.group, "a" + std::to_string(i));
        b.post(club.group, "b" + std::to_string(i));
    }
    for (int i = 0; i < 5; ++i) c.post(club.group, "c offline " + std::to_string(i));
    club.net.drain();
    EXPECT_EQ(a.size(club.group), b.size(club.group));
    EXPECT_EQ(c.size(club.group), 3u + 5);

    club.net.link(c, b, club.group);
    club.net.drain();
    EXPECT_EQ(c.size(club.group), b.size(club.group));
    club.net.settle(1);  // a hears c's events from b's anti-entropy
    expect_converged(club.members, club.group);
}

TEST(GroupSyncEngine, APartitionConvergesOnceHealed) {
    Club club(4, false);
    club.net.link(club[0], club[1], club.group);
    club.net.link(club[2], club[3], club.group);
    for (int i = 0; i < 20; ++i)
        for (std::size_t m = 0; m < 4; ++m) club[m].post(club.group, "p" + std::to_string(i));
    club.net.drain();
    EXPECT_EQ(club[0].size(club.group), club[1].size(club.group));
    EXPECT_EQ(club[2].size(club.group), club[3].size(club.group));
    EXPECT_NE(club[0].size(club.group), club[2].size(club.group) + 40);

    club.net.link(club[0], club[2], club.group);
    club.net.link(club[1], club[3], club.group);
    club.net.settle(2);
    expect_converged(club.members, club.group);
    EXPECT_EQ(coop::group::fold(*club[0].logs.at(club.group)).chat.size(), 80u);
}

TEST(GroupSyncEngine, ANewcomerWithAnInviteJoinsThroughSubscribeAndGetsTheWholeLog) {
    Club club(2, false);
    Agent& a = club[0];
    Agent& m = club[1];
    club.net.link(a, m, club.group);
    for (int i = 0; i < 40; ++i) a.post(club.group, "before " + std::to_string(i));
    club.net.drain();

    Agent& n = club.net.add();
    n.expect_group(club.group);
    const Event join = n.newcomer_join(club.group, a.invite(club.group, a.clock_ms + 60'000));
    const auto l = club.net.connect(n, a);
    ASSERT_TRUE(n.engine->subscribe(l.at_a, club.group, join));
    club.net.drain();

    EXPECT_TRUE(n.refusals.empty());
    EXPECT_EQ(n.size(club.group), a.size(club.group));
    EXPECT_TRUE(a.logs.at(club.group)->has(join.id()));
    club.net.advance(SyncOptions{}.announce_interval);
    club.net.drain();
    EXPECT_TRUE(m.logs.at(club.group)->has(join.id()));  // the inviter's news
    EXPECT_TRUE(coop::group::fold(*n.logs.at(club.group)).is_member(n.identity.public_key()));

    n.post(club.group, "hello from the newcomer");
    club.net.drain();
    club.net.advance(SyncOptions{}.announce_interval);  // m hears of it from a
    club.net.drain();
    club.members.push_back(&n);
    expect_converged(club.members, club.group);
}

TEST(GroupSyncEngine, ANonMemberWithoutAValidInviteIsRefusedAndGetsNoEvents) {
    Club club(1, false);
    Agent& a = club[0];
    for (int i = 0; i < 5; ++i) a.post(club.group, "private " + std::to_string(i));
    Agent& other_founder = club.net.add();
    const Id elsewhere = other_founder.found_group(false);
    Agent& first = club.net.add();
    const auto single = a.invite(club.group);
    {
        first.expect_group(club.group);
        const auto l = club.net.connect(first, a);
        first.engine->subscribe(l.at_a, club.group, first.newcomer_join(club.group, single));
        club.net.drain();
        ASSERT_EQ(first.size(club.group), a.size(club.group));
    }

    auto attempt = [&](const char* name, msg::RefuseReason expected, auto make_join) {
        SCOPED_TRACE(name);
        Agent& x = club.net.add();
        x.expect_group(club.group);
        const auto l = club.net.connect(x, a);
        x.engine->subscribe(l.at_a, club.group, make_join(x));
        club.net.drain();
        ASSERT_EQ(x.refusals.size(), 1u);
        EXPECT_EQ(std::get<1>(x.refusals[0]), club.group);
        EXPECT_EQ(std::get<2>(x.refusals[0]), expected);
        EXPECT_EQ(x.size(club.group), 0u);
        EXPECT_TRUE(x.stored[club.group].empty());
        EXPECT_FALSE(x.engine->subscribed(l.at_a, club.group));
        EXPECT_TRUE(x.drops.empty());
    };
    using R = msg::RefuseReason;
    attempt("no join", R::not_member, [](Agent&) { return std::optional<Event>(); });
    attempt("expired", R::invite_expired,
            [&](Agent& x) { return std::optional(x.newcomer_join(club.group, a.invite(club.group, 1))); });
    attempt("invite by a non-member", R::invite_invalid,
            [&](Agent& x) { return std::optional(x.newcomer_join(club.group, x.invite(club.group))); });
    attempt("invite for another group", R::invite_invalid,
            [&](Agent& x) { return std::optional(x.newcomer_join(club.group, other_founder.invite(elsewhere))); });
    attempt("single-use invite used by another", R::invite_used,
            [&](Agent& x) { return std::optional(x.newcomer_join(club.group, single)); });
    attempt("someone else's join", R::bad_join, [&](Agent&) {
        Agent& y = club.net.add();
        return std::optional(y.newcomer_join(club.group, a.invite(club.group)));
    });
    attempt("forged invite", R::invite_invalid, [&](Agent& x) {
        auto invite = a.invite(club.group);
        invite.expires_ms = 5;  // no longer what the inviter signed
        return std::optional(x.newcomer_join(club.group, invite));
    });
}

TEST(GroupSyncEngine, AnUnknownGroupIsRefused) {
    Network net;
    Agent& a = net.add();
    Agent& b = net.add();
    const Id group{1, 2, 3};
    b.expect_group(group);
    const auto l = net.connect(b, a);
    b.engine->subscribe(l.at_a, group);
    net.drain();
    ASSERT_EQ(b.refusals.size(), 1u);
    EXPECT_EQ(std::get<2>(b.refusals[0]), msg::RefuseReason::unknown_group);
}

TEST(GroupSyncEngine, AnOpenGroupServesAnyone) {
    Network net;
    Agent& a = net.add();
    const Id g = a.found_group(true);
    for (int i = 0; i < 10; ++i) a.post(g, "open " + std::to_string(i));
    Agent& stranger = net.add();
    stranger.expect_group(g);
    const auto l = net.connect(stranger, a);
    stranger.engine->subscribe(l.at_a, g);
    net.drain();
    EXPECT_EQ(stranger.size(g), a.size(g));
    EXPECT_TRUE(stranger.refusals.empty());
}

TEST(GroupSyncEngine, FindByTagListsOpenGroupsAndNeverClosedOnes) {
    Network net;
    Agent& a = net.add();
    const Id film = a.found_group(true, {"film", "noir"}, "Film club");
    a.found_group(false, {"film"}, "Secret film club");
    a.found_group(true, {"music"}, "Choir");
    Agent& b = net.add();
    const auto l = net.connect(b, a);
    ASSERT_TRUE(b.engine->find(l.at_a, "film"));
    ASSERT_TRUE(b.engine->find(l.at_a, "knitting"));
    EXPECT_FALSE(b.engine->find(l.at_a, "bad\ntag"));
    net.drain();
    ASSERT_EQ(b.founds.size(), 2u);
    const auto& [tag, peer, groups] = b.founds[0];
    EXPECT_EQ(tag, "film");
    EXPECT_EQ(peer, l.at_a);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].id, film);
    EXPECT_EQ(groups[0].name, "Film club");
    EXPECT_EQ(groups[0].about, "we watch films");
    EXPECT_EQ(groups[0].topics, (std::vector<std::string>{"film", "noir"}));
    EXPECT_EQ(groups[0].members, 1u);
    EXPECT_EQ(std::get<0>(b.founds[1]), "knitting");
    EXPECT_TRUE(std::get<2>(b.founds[1]).empty());
    // Answered: the timeout does not fire.
    net.advance(std::chrono::minutes(5));
    EXPECT_TRUE(b.drops.empty());
}

TEST(GroupSyncEngine, APublishLargerThanABatchContinuesBatchByBatch) {
    SyncOptions options;
    options.batch_events = 50;
    Club club(2, true, options);
    club.net.link(club[0], club[1], club.group);
    club.net.drain();
    std::vector<Id> made;
    for (int i = 0; i < 700; ++i) made.push_back(club[0].post(club.group, "bulk", false).id());
    club[0].engine->published(club.group, made);
    club.net.drain();  // no tick
    expect_converged(club.members, club.group);
    EXPECT_TRUE(club[1].drops.empty());
    EXPECT_EQ(club[1].engine->counters()[SyncFault::flood], 0u);
}

TEST(GroupSyncEngine, AForkIsFoundByHeadsAndBothSidesSync) {
    Club club(2, true);
    Agent& a = club[0];
    Agent& b = club[1];
    // One author signs two events with one sequence number, one to each
    // member: both frontiers then say the same and only heads differ.
    const Identity forker = Identity::generate();
    const Event base = coop::group::make_event(forker, club.group, 1, 50'000, Kind::post,
                                               a.logs.at(club.group)->heads(), R"({"text":"base"})");
    ASSERT_TRUE(a.logs.at(club.group)->add(base).accepted());
    ASSERT_TRUE(b.logs.at(club.group)->add(base).accepted());
    const Event left =
        coop::group::make_event(forker, club.group, 2, 50'001, Kind::post, {base.id()}, R"({"text":"l"})");
    const Event right =
        coop::group::make_event(forker, club.group, 2, 50'001, Kind::post, {base.id()}, R"({"text":"r"})");
    ASSERT_TRUE(a.logs.at(club.group)->add(left).accepted());
    ASSERT_TRUE(b.logs.at(club.group)->add(right).accepted());
    club.net.link(a, b, club.group);
    club.net.drain();
    expect_converged(club.members, club.group);
    EXPECT_TRUE(a.logs.at(club.group)->has(right.id()));
    EXPECT_EQ(a.logs.at(club.group)->equivocators().size(), 1u);
}

TEST(GroupSyncEngine, AMemberWhoLeftIsRefusedAtTheNextAntiEntropy) {
    Club club(2, false);
    const auto l = club.net.link(club[0], club[1], club.group);
    club.net.drain();
    club[1].make(club.group, Kind::leave, "{}");
    club.net.drain();
    club.net.advance(std::chrono::seconds(30));
    club.net.drain();
    EXPECT_FALSE(club[0].engine->subscribed(l.at_a, club.group));
    ASSERT_EQ(club[1].refusals.size(), 1u);
    EXPECT_EQ(std::get<2>(club[1].refusals[0]), msg::RefuseReason::not_member);
    // Then nothing more of the group reaches them.
    const auto before = club[1].size(club.group);
    club[0].post(club.group, "after you left");
    club.net.settle(1);
    EXPECT_EQ(club[1].size(club.group), before);
}

TEST(GroupSyncEngine, ForgettingAGroupTellsItsPeers) {
    Club club(2, true);
    const auto l = club.net.link(club[0], club[1], club.group);
    club.net.drain();
    ASSERT_TRUE(club[1].engine->subscribed(l.at_b, club.group));
    club[0].engine->forget(club.group);
    club.net.drain();
    EXPECT_FALSE(club[0].engine->subscribed(l.at_a, club.group));
    EXPECT_FALSE(club[1].engine->subscribed(l.at_b, club.group));
    ASSERT_EQ(club[1].refusals.size(), 1u);
    EXPECT_EQ(std::get<2>(club[1].refusals[0]), msg::RefuseReason::unknown_group);
}

TEST(GroupSyncEngine, RequestsToAPeerAreBounded) {
    SyncOptions options;
    options.max_groups_per_peer = 2;
    options.max_finds_per_peer = 2;
    Network net(options);
    Agent& a = net.add();
    Agent& b = net.add();
    const auto l = net.connect(a, b);
    EXPECT_FALSE(a.engine->subscribe(999, Id{1}));  // no such peer
    EXPECT_TRUE(a.engine->subscribe(l.at_a, Id{1}));
    EXPECT_TRUE(a.engine->subscribe(l.at_a, Id{1}));  // already asked
    EXPECT_TRUE(a.engine->subscribe(l.at_a, Id{2}));
    EXPECT_FALSE(a.engine->subscribe(l.at_a, Id{3}));
    EXPECT_TRUE(a.engine->find(l.at_a, "a"));
    EXPECT_TRUE(a.engine->find(l.at_a, "b"));
    EXPECT_FALSE(a.engine->find(l.at_a, "c"));

    // And the other way: a peer asking for more groups than allowed.
    const Id g1 = b.found_group(true);
    const Id g2 = b.found_group(true);
    const Id g3 = b.found_group(true);
    Agent& c = net.add(SyncOptions{});
    const auto bc = net.connect(c, b);
    for (const Id& g : {g1, g2, g3}) {
        c.expect_group(g);
        c.engine->subscribe(bc.at_a, g);
    }
    net.drain();
    ASSERT_EQ(c.refusals.size(), 1u);
    EXPECT_EQ(std::get<1>(c.refusals[0]), g3);
    EXPECT_EQ(std::get<2>(c.refusals[0]), msg::RefuseReason::too_many_groups);
    EXPECT_EQ(c.size(g1), 1u);
    EXPECT_EQ(c.size(g2), 1u);
}

TEST(GroupSyncEngine, AntiEntropyResendsStateEveryInterval) {
    Club club(2, true);
    const auto l = club.net.link(club[0], club[1], club.group);
    club.net.drain();
    club.net.advance(std::chrono::seconds(29));
    EXPECT_EQ(club.net.in_flight(), 0u);
    club.net.advance(std::chrono::seconds(1));
    const auto sent = club[0].take_sent(l.at_a);
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<msg::State>(sent[0]));
    EXPECT_EQ(std::get<msg::State>(sent[0]).frontier, club[0].logs.at(club.group)->frontier());
    // In step, it asks for nothing and gets nothing back.
    club.net.drain();
    EXPECT_EQ(club.net.in_flight(), 0u);
    EXPECT_EQ(club[1].engine->counters().events_out, 0u);
}

}  // namespace
