// Hostile peers against SyncEngine (core/group/sync_engine.hpp): every
// misbehaviour is counted by reason, and the peer dropped after a few
// faults, or at once for a forgery or silence. Frames go straight into
// frame(); what the engine answers is read back from the host.
#include <gtest/gtest.h>

#include <random>

#include "tests/unit/group_sync_network.hpp"

namespace {

using namespace sync_test;
using coop::group::SyncFault;

// An agent holding an open and a closed group, and one raw peer that says
// whatever the test makes it say.
struct Rig {
    Network net;
    Agent& agent;
    Identity raw = Identity::generate();
    const PeerId peer = 77;
    Id open{}, closed{};

    explicit Rig(SyncOptions options = {}) : net(options), agent(net.add(options)) {
        open = agent.found_group(true);
        closed = agent.found_group(false);
        for (int i = 0; i < 5; ++i) agent.post(open, "o" + std::to_string(i));
        for (int i = 0; i < 5; ++i) agent.post(closed, "c" + std::to_string(i));
        agent.engine->peer_opened(peer, raw.public_key());
    }

    const coop::group::SyncCounters& counters() const { return agent.engine->counters(); }
    std::uint64_t count(SyncFault f) const { return counters()[f]; }
    bool dropped() const { return !agent.drops.empty(); }
    GroupLog& log(const Id& g) { return *agent.logs.at(g); }

    void feed(std::string_view frame) { agent.engine->frame(peer, frame); }
    void feed(const msg::Message& m) { feed(msg::encode(m)); }
    std::vector<msg::Message> answers() { return agent.take_sent(peer); }

    // Subscribes the raw peer, claiming to hold what the agent holds (so
    // the answer is a STATE and nothing else).
    void subscribe(const Id& g) {
        feed(msg::Subscribe{g, std::nullopt});
        feed(msg::State{g, log(g).frontier(), log(g).heads()});
        ASSERT_TRUE(agent.engine->subscribed(peer, g));
        answers();
    }
    // A new event by the raw peer on the agent's heads.
    Event next(const Id& g, std::uint64_t seq, std::vector<Id> parents = {}) {
        if (parents.empty()) parents = log(g).heads();
        return coop::group::make_event(raw, g, seq, 90'000 + static_cast<std::int64_t>(seq), Kind::post, parents,
                                       R"({"text":"raw"})");
    }
    std::vector<Event> held_events(const Id& g) {
        std::vector<Event> out;
        for (const auto& id : log(g).arrival_order()) out.push_back(*log(g).get(id));
        return out;
    }
};

template <typename T>
std::size_t count_of(const std::vector<msg::Message>& ms) {
    return static_cast<std::size_t>(
        std::count_if(ms.begin(), ms.end(), [](const auto& m) { return std::holds_alternative<T>(m); }));
}

TEST(GroupSyncHostile, GarbageIsCountedAndThePeerDroppedAfterMaxFaults) {
    Rig rig;
    const std::string state = msg::encode(msg::State{rig.open, {}, {}});
    for (int i = 0; i < 7; ++i) rig.feed(std::string_view(state).substr(0, 10 + i));
    EXPECT_EQ(rig.count(SyncFault::malformed), 7u);
    EXPECT_EQ(rig.agent.engine->faults(rig.peer), 7u);
    EXPECT_FALSE(rig.dropped());
    rig.feed("\x03garbage");
    ASSERT_EQ(rig.agent.drops.size(), 1u);
    EXPECT_EQ(rig.agent.drops[0].first, rig.peer);
    EXPECT_NE(rig.agent.drops[0].second.find("malformed"), std::string::npos);
    EXPECT_EQ(rig.counters().drops, 1u);
    // Dropped: nothing it says counts any more, and it hears nothing.
    const auto frames = rig.counters().frames_in;
    rig.feed(msg::Subscribe{rig.open, std::nullopt});
    EXPECT_EQ(rig.counters().frames_in, frames);
    EXPECT_TRUE(rig.answers().empty());
    EXPECT_EQ(rig.counters().errors, 0u);
}

TEST(GroupSyncHostile, UnknownTypesAndOversizeListsAreCounted) {
    Rig rig;
    rig.feed(
        "\x09"
        "hello");
    rig.feed("\xff");
    EXPECT_EQ(rig.count(SyncFault::unknown_type), 2u);
    const std::string group(32, '\x01');
    rig.feed("\x03" + group + "\xff\xff");                      // a frontier of 65535
    rig.feed("\x04" + group + std::string("\x00\x02\x01", 3));  // 513 events
    rig.feed(std::string(msg::max_frame_bytes + 1, '\x04'));    // past the frame bound
    EXPECT_EQ(rig.count(SyncFault::oversize), 3u);
    EXPECT_FALSE(rig.dropped());
    EXPECT_TRUE(rig.answers().empty());
}

TEST(GroupSyncHostile, ABadSignatureDropsThePeerAtOnceKeepingWhatCameBefore) {
    Rig rig;
    rig.subscribe(rig.open);
    const Event good = rig.next(rig.open, 1);
    Event forged = rig.next(rig.open, 2, {good.id()});
    forged.signature[0] ^= 1;
    const Event after = rig.next(rig.open, 3, {forged.id()});
    rig.feed(msg::Events{rig.open, {good, forged, after}, true, false});
    EXPECT_EQ(rig.count(SyncFault::bad_signature), 1u);
    ASSERT_EQ(rig.agent.drops.size(), 1u);
    EXPECT_NE(rig.agent.drops[0].second.find("bad_signature"), std::string::npos);
    EXPECT_TRUE(rig.log(rig.open).has(good.id()));
    EXPECT_EQ(rig.agent.stored[rig.open].back(), good.id());  // stored, as every event the log took
    EXPECT_FALSE(rig.log(rig.open).has(forged.id()));
    EXPECT_FALSE(rig.log(rig.open).has(after.id()));
}

TEST(GroupSyncHostile, AForgedJoinDropsThePeerAtOnce) {
    Rig rig;
    Event join = coop::group::make_event(rig.raw, rig.closed, 1, 90'000, Kind::join, {rig.closed},
                                         coop::group::to_body(coop::group::JoinBody{rig.agent.invite(rig.closed)}));
    join.signature[3] ^= 1;
    rig.feed(msg::Subscribe{rig.closed, join});
    EXPECT_EQ(rig.count(SyncFault::bad_signature), 1u);
    EXPECT_TRUE(rig.dropped());
    EXPECT_FALSE(rig.log(rig.closed).has(join.id()));
    EXPECT_EQ(count_of<msg::State>(rig.answers()), 0u);
}

TEST(GroupSyncHostile, AnEventBreakingARuleIsAFaultNotADrop) {
    Rig rig;
    rig.subscribe(rig.open);
    const Event skips = rig.next(rig.open, 5);  // its author's first event says seq 5
    rig.feed(msg::Events{rig.open, {skips}, true, false});
    EXPECT_EQ(rig.count(SyncFault::bad_event), 1u);
    EXPECT_FALSE(rig.dropped());
    EXPECT_FALSE(rig.log(rig.open).has(skips.id()));
    // An event of another group, inside this group's EVENTS.
    const Event stray = coop::group::make_event(rig.raw, rig.closed, 1, 90'000, Kind::post, {rig.closed}, "{}");
    rig.feed(msg::Events{rig.open, {stray}, true, false});
    EXPECT_EQ(rig.count(SyncFault::bad_event), 2u);
    EXPECT_FALSE(rig.log(rig.closed).has(stray.id()));
}

TEST(GroupSyncHostile, EventsOfAGroupThePeerDidNotSubscribeToAreRefused) {
    Rig rig;
    const auto before = rig.log(rig.open).size();
    rig.feed(msg::Events{rig.open, {rig.next(rig.open, 1)}, true, false});
    rig.feed(msg::Events{Id{7}, {}, true, false});  // a group we do not hold
    rig.feed(msg::Want{rig.open, {rig.open}});
    rig.feed(msg::State{rig.closed, {}, {}});
    EXPECT_EQ(rig.count(SyncFault::not_subscribed), 4u);
    EXPECT_EQ(rig.log(rig.open).size(), before);
    EXPECT_TRUE(rig.answers().empty());
}

TEST(GroupSyncHostile, ANonMemberGetsNothingOfAClosedGroup) {
    Rig rig;
    rig.feed(msg::Subscribe{rig.closed, std::nullopt});
    auto sent = rig.answers();
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<msg::Refuse>(sent[0]));
    EXPECT_EQ(std::get<msg::Refuse>(sent[0]).reason, msg::RefuseReason::not_member);
    // Asking anyway, as if subscribed.
    rig.feed(msg::State{rig.closed, {}, {}});
    rig.feed(msg::Want{rig.closed, {rig.closed}});
    EXPECT_EQ(count_of<msg::Events>(rig.answers()), 0u);
    EXPECT_EQ(rig.count(SyncFault::not_subscribed), 2u);
}

TEST(GroupSyncHostile, AStrangersEventsRelayedIntoAClosedGroupAreRefused) {
    Rig rig;
    const Event join = coop::group::make_event(rig.raw, rig.closed, 1, 90'000, Kind::join, rig.log(rig.closed).heads(),
                                               coop::group::to_body(coop::group::JoinBody{rig.agent.invite(rig.closed)}));
    rig.feed(msg::Subscribe{rig.closed, join});
    ASSERT_TRUE(rig.agent.engine->subscribed(rig.peer, rig.closed));
    ASSERT_TRUE(rig.log(rig.closed).has(join.id()));
    // A member passes on a post by someone who never joined.
    const Identity stranger = Identity::generate();
    const Event post = coop::group::make_event(stranger, rig.closed, 1, 90'001, Kind::post, {join.id()},
                                               R"({"text":"let me in"})");
    rig.feed(msg::Events{rig.closed, {post}, true, false});
    EXPECT_FALSE(rig.log(rig.closed).has(post.id())) << "a non-member's event is not stored, so never relayed";
    EXPECT_EQ(rig.counters()[coop::group::AddResult::Reason::not_member], 1u);
    EXPECT_EQ(rig.count(SyncFault::bad_event), 1u);
    EXPECT_FALSE(rig.dropped());
}

TEST(GroupSyncHostile, ReplaysInBulkAreCountedThenDropped) {
    SyncOptions options;
    options.replays_per_window = 20;
    options.max_faults = 3;
    Rig rig(options);
    rig.subscribe(rig.open);  // our STATE told the peer what we hold
    const auto held = rig.held_events(rig.open);
    std::vector<Event> five(held.begin(), held.begin() + 5);
    // Twenty events it knew we held are within the budget; past it each
    // frame is a fault, asked for or not.
    for (int i = 0; i < 4; ++i) rig.feed(msg::Events{rig.open, five, true, false});
    EXPECT_EQ(rig.count(SyncFault::replay), 0u);
    for (int i = 0; i < 3; ++i) rig.feed(msg::Events{rig.open, five, false, false});
    EXPECT_EQ(rig.count(SyncFault::replay), 3u);
    EXPECT_TRUE(rig.dropped());
    EXPECT_EQ(rig.counters().duplicates, 7u * 5);
}

TEST(GroupSyncHostile, EventsThatCrossedOurNewsAreNotReplays) {
    SyncOptions options;
    options.replays_per_window = 2;
    options.max_faults = 1;
    Rig rig(options);
    rig.subscribe(rig.open);
    // Events we took from elsewhere after our STATE: the peer cannot know
    // we hold them, so sending them is honest, however many.
    std::vector<Event> chain;
    for (std::uint64_t s = 1; s <= 10; ++s)
        chain.push_back(rig.next(rig.open, s, s == 1 ? std::vector<Id>{} : std::vector<Id>{chain.back().id()}));
    for (const auto& e : chain) ASSERT_TRUE(rig.log(rig.open).add(e).accepted());
    rig.feed(msg::Events{rig.open, chain, true, false});
    rig.feed(msg::Events{rig.open, chain, true, false});  // now it knows: ten replays
    EXPECT_EQ(rig.counters().duplicates, 20u);
    EXPECT_EQ(rig.count(SyncFault::replay), 1u);
    EXPECT_TRUE(rig.dropped());
}

TEST(GroupSyncHostile, FloodsPastTheWindowBudgetAreCountedAndRefused) {
    SyncOptions options;
    options.batch_events = 1;
    options.pushes_per_window = 10;
    options.requests_per_window = 4;
    Rig rig(options);
    rig.subscribe(rig.open);  // two requests
    std::vector<Event> chain;
    for (std::uint64_t s = 1; s <= 16; ++s)
        chain.push_back(rig.next(rig.open, s, s == 1 ? std::vector<Id>{} : std::vector<Id>{chain.back().id()}));
    // One asked for (credit) and ten pushed are within budget.
    rig.feed(msg::Events{rig.open, {chain.begin(), chain.begin() + 11}, true, false});
    EXPECT_EQ(rig.count(SyncFault::flood), 0u);
    rig.feed(msg::Events{rig.open, {chain.begin() + 11, chain.end()}, true, false});
    EXPECT_EQ(rig.count(SyncFault::flood), 1u);
    EXPECT_TRUE(rig.log(rig.open).has(chain[10].id()));
    EXPECT_FALSE(rig.log(rig.open).has(chain[11].id()));  // a flooding frame is not taken

    rig.feed(msg::State{rig.open, rig.log(rig.open).frontier(), {}});
    rig.feed(msg::State{rig.open, rig.log(rig.open).frontier(), {}});
    EXPECT_EQ(rig.count(SyncFault::flood), 1u);
    rig.feed(msg::State{rig.open, rig.log(rig.open).frontier(), {}});
    EXPECT_EQ(rig.count(SyncFault::flood), 2u);
    // A new window, a new budget.
    rig.net.advance(options.window);
    rig.feed(msg::Events{rig.open, {chain.begin() + 11, chain.end()}, true, false});
    EXPECT_TRUE(rig.log(rig.open).has(chain.back().id()));
    EXPECT_EQ(rig.count(SyncFault::flood), 2u);
    EXPECT_FALSE(rig.dropped());
}

TEST(GroupSyncHostile, APeerThatNeverAnswersIsDropped) {
    {
        Rig rig;
        ASSERT_TRUE(rig.agent.engine->subscribe(rig.peer, rig.open));
        rig.net.advance(std::chrono::seconds(29));
        EXPECT_FALSE(rig.dropped());
        rig.net.advance(std::chrono::seconds(1));
        EXPECT_EQ(rig.count(SyncFault::unanswered), 1u);
        ASSERT_TRUE(rig.dropped());
        EXPECT_NE(rig.agent.drops[0].second.find("SUBSCRIBE not answered"), std::string::npos);
    }
    {
        Rig rig;
        ASSERT_TRUE(rig.agent.engine->find(rig.peer, "film"));
        rig.net.advance(std::chrono::seconds(31));
        EXPECT_EQ(rig.count(SyncFault::unanswered), 1u);
        EXPECT_TRUE(rig.dropped());
    }
    {
        // An orphan makes us WANT its parent from the sender, who is silent.
        Rig rig;
        rig.subscribe(rig.open);
        const Event first = rig.next(rig.open, 1);
        const Event second = rig.next(rig.open, 2, {first.id()});
        rig.feed(msg::Events{rig.open, {second}, true, false});
        const auto sent = rig.answers();
        ASSERT_EQ(count_of<msg::Want>(sent), 1u);
        EXPECT_EQ(std::get<msg::Want>(sent.back()).ids, std::vector<Id>{first.id()});
        EXPECT_EQ(rig.agent.engine->waiting(rig.open), 1u);
        rig.net.advance(std::chrono::seconds(31));
        EXPECT_EQ(rig.count(SyncFault::unanswered), 1u);
        EXPECT_TRUE(rig.dropped());
    }
}

TEST(GroupSyncHostile, AWantAnsweredReleasesTheOrphan) {
    Rig rig;
    rig.subscribe(rig.open);
    const Event first = rig.next(rig.open, 1);
    const Event second = rig.next(rig.open, 2, {first.id()});
    rig.feed(msg::Events{rig.open, {second}, true, false});
    rig.answers();
    rig.feed(msg::Events{rig.open, {first}, false, false});
    EXPECT_TRUE(rig.log(rig.open).has(second.id()));
    EXPECT_EQ(rig.agent.engine->waiting(rig.open), 0u);
    rig.net.advance(std::chrono::seconds(31));
    EXPECT_FALSE(rig.dropped());
    EXPECT_EQ(rig.counters().held, 1u);
}

TEST(GroupSyncHostile, AnswersToNothingAreCounted) {
    Rig rig;
    rig.feed(msg::Found{"film", {}});
    rig.feed(msg::Refuse{rig.open, msg::RefuseReason::not_member});
    EXPECT_EQ(rig.count(SyncFault::unsolicited), 2u);
    EXPECT_TRUE(rig.agent.founds.empty());
    EXPECT_TRUE(rig.agent.refusals.empty());
}

TEST(GroupSyncHostile, ALinkToOurselvesIsDropped) {
    Rig rig;
    rig.agent.engine->peer_opened(78, rig.agent.identity.public_key());
    ASSERT_EQ(rig.agent.drops.size(), 1u);
    EXPECT_EQ(rig.agent.drops[0].first, 78u);
}

TEST(GroupSyncHostile, ThrowingHostCallbacksNeverEscape) {
    struct Throwing : Agent {
        using Agent::Agent;
        void send(PeerId, std::string) override { throw std::runtime_error("link gone"); }
    };
    Network net;
    Throwing host(net, {});
    const Id g = host.found_group(true);
    host.engine->peer_opened(1, Identity::generate().public_key());
    EXPECT_NO_THROW(host.engine->frame(1, msg::encode(msg::Subscribe{g, std::nullopt})));
    EXPECT_NO_THROW(host.engine->tick(net.now + std::chrono::minutes(1)));
    EXPECT_EQ(host.engine->counters().errors, 1u);
}

TEST(GroupSyncHostile, AnEventFromTheFutureIsCountedNotHeldAgainstThePeer) {
    struct Clocked : Agent {
        using Agent::Agent;
        std::int64_t wall = 1'700'000'000'000;
        std::int64_t now_ms() override { return wall; }
    };
    Network net;
    Clocked host(net, {});
    const Id g = host.found_group(true);
    const Identity raw = Identity::generate();
    host.engine->peer_opened(1, raw.public_key());
    host.engine->frame(1, msg::encode(msg::Subscribe{g, std::nullopt}));
    host.engine->frame(1, msg::encode(msg::State{g, host.logs.at(g)->frontier(), host.logs.at(g)->heads()}));
    ASSERT_TRUE(host.engine->subscribed(1, g));
    const Event ahead = coop::group::make_event(raw, g, 1, host.wall + coop::group::max_future_ms + 1000, Kind::post,
                                                host.logs.at(g)->heads(), R"({"text":"later"})");
    host.engine->frame(1, msg::encode(msg::Events{g, {ahead}, true, false}));
    const auto& counters = host.engine->counters();
    EXPECT_EQ(counters[SyncFault::from_future], 1u);
    EXPECT_EQ(counters[coop::group::AddResult::Reason::from_the_future], 1u);
    EXPECT_EQ(counters.to_json()["faults"]["from_future"], 1);
    EXPECT_EQ(counters.to_json()["rejections"]["from_the_future"], 1);
    EXPECT_EQ(host.engine->faults(1), 0u);
    EXPECT_TRUE(host.drops.empty());
    EXPECT_FALSE(host.logs.at(g)->has(ahead.id()));
    EXPECT_EQ(host.engine->waiting(g), 0u);
    // Once our clock is there, the same event gets in.
    host.wall += 1000;
    host.engine->frame(1, msg::encode(msg::Events{g, {ahead}, true, false}));
    EXPECT_TRUE(host.logs.at(g)->has(ahead.id()));
    EXPECT_EQ(counters[SyncFault::from_future], 1u);
}

TEST(GroupSyncHostile, AFloodOfOrphansStaysBoundedAndPushesOutOnlyTheFloodersOwn) {
    SyncOptions options;
    options.pool_events = 64;
    options.pool_events_per_author = 8;
    Rig rig(options);
    rig.subscribe(rig.open);
    // A member's event that waits for its parent, as gossip delivers them.
    const Identity carol = Identity::generate();
    const Event c1 = coop::group::make_event(carol, rig.open, 1, 90'000, Kind::post, rig.log(rig.open).heads(), "{}");
    const Event c2 = coop::group::make_event(carol, rig.open, 2, 90'001, Kind::post, {c1.id()}, "{}");
    rig.feed(msg::Events{rig.open, {c2}, true, false});
    EXPECT_EQ(rig.agent.engine->waiting(rig.open), 1u);

    int n = 0;
    for (int frame = 0; frame < 50; ++frame) {
        std::vector<Event> orphans;
        for (int i = 0; i < 20; ++i, ++n) {
            Id absent{};
            absent[0] = static_cast<std::uint8_t>(n);
            absent[1] = static_cast<std::uint8_t>(n >> 8);
            absent[31] = 0xee;
            orphans.push_back(rig.next(rig.open, 2, {absent}));
        }
        rig.feed(msg::Events{rig.open, orphans, true, false});
        ASSERT_LE(rig.agent.engine->waiting(rig.open), 9u);
    }
    EXPECT_EQ(rig.agent.engine->waiting(rig.open), 9u);
    EXPECT_EQ(rig.counters().pool_evicted, 1000u - 8u);
    EXPECT_EQ(rig.counters().held, 1001u);
    EXPECT_FALSE(rig.dropped());
    // The member's event was kept: its parent releases it.
    rig.answers();
    rig.feed(msg::Events{rig.open, {c1}, false, false});
    EXPECT_TRUE(rig.log(rig.open).has(c2.id()));
    EXPECT_EQ(rig.agent.engine->waiting(rig.open), 8u);
    // The flood's parents never come: its orphans go in time.
    rig.net.advance(options.pool_wait - std::chrono::seconds(1));
    EXPECT_EQ(rig.agent.engine->waiting(rig.open), 8u);
    rig.net.advance(std::chrono::seconds(1));
    EXPECT_EQ(rig.agent.engine->waiting(rig.open), 0u);
    EXPECT_EQ(rig.counters().pool_expired, 8u);
}

// Random and mangled frames from a subscribed peer, and random but well
// formed messages: nothing crashes, nothing throws, and what the log took
// is only ever valid.
TEST(GroupSyncHostile, FuzzedFramesNeverCrash) {
    SyncOptions options;
    options.max_faults = 1'000'000;
    options.requests_per_window = 1'000'000;
    options.pushes_per_window = 1'000'000;
    options.replays_per_window = 1'000'000;
    Rig rig(options);
    rig.subscribe(rig.open);
    std::mt19937 rng(5);
    auto random_id = [&] {
        Id id{};
        for (auto& b : id) b = static_cast<std::uint8_t>(rng() % 4);  // collide with each other often
        return id;
    };
    std::vector<Id> known = rig.log(rig.open).arrival_order();
    auto some_id = [&] { return rng() % 2 ? known[rng() % known.size()] : random_id(); };
    // A forgery drops the peer whatever the options: it comes back.
    auto reopen = [&] {
        rig.agent.drops.clear();
        rig.agent.engine->peer_closed(rig.peer);
        rig.agent.engine->peer_opened(rig.peer, rig.raw.public_key());
        rig.subscribe(rig.open);
    };
    std::vector<std::string> valid;
    std::uint64_t seq = 1;
    for (int i = 0; i < 3'000; ++i) {
        msg::Message m;
        switch (rng() % 7) {
            case 0: m = msg::Subscribe{rng() % 2 ? rig.open : random_id(), std::nullopt}; break;
            case 1: m = msg::Refuse{random_id(), static_cast<msg::RefuseReason>(rng() % 9)}; break;
            case 2:
                m = msg::State{
                    rng() % 2 ? rig.open : random_id(), {{random_id(), 1 + rng() % 5}}, {some_id(), some_id()}};
                break;
            case 3: {
                std::vector<Event> events;
                if (rng() % 4 == 0)
                    events.push_back(rig.next(rig.open, seq++, {some_id()}));
                else if (rng() % 2)
                    events.push_back(rig.held_events(rig.open)[rng() % rig.log(rig.open).size()]);
                m = msg::Events{rng() % 4 ? rig.open : random_id(), events, rng() % 2 == 0, rng() % 2 == 0};
                break;
            }
            case 4: m = msg::Want{rig.open, {some_id()}}; break;
            case 5: m = msg::Find{"film"}; break;
            default: m = msg::Found{"film", {}}; break;
        }
        std::string frame = msg::encode(m);
        valid.push_back(frame);
        if (rng() % 3 == 0 && !frame.empty()) frame[rng() % frame.size()] ^= static_cast<char>(1 << (rng() % 8));
        rig.feed(frame);
        rig.answers();
        if (rig.dropped()) reopen();
    }
    for (int i = 0; i < 5'000; ++i) {
        std::string frame = valid[rng() % valid.size()];
        frame.resize(rng() % (frame.size() + 1));
        if (rng() % 2) {
            frame.resize(rng() % 64);
            for (auto& c : frame) c = static_cast<char>(rng());
        }
        rig.feed(frame);
        rig.answers();
        if (rig.dropped()) reopen();
    }
    EXPECT_EQ(rig.counters().errors, 0u);
    EXPECT_GT(rig.count(SyncFault::malformed), 0u);
    // Rebuilding the log from what it holds accepts every event.
    GroupLog again(rig.open);
    for (const auto& e : rig.held_events(rig.open)) EXPECT_TRUE(again.add(e).accepted());
}

}  // namespace
