#pragma once
// An in-memory network of sync engines for the group_sync tests: each
// agent is a SyncHost holding logs in memory; send() queues a frame that
// the test delivers with drain(), and time moves only when the test says.
// No sockets, no sleeps, and a seeded run replays exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/group/body.hpp"
#include "core/group/fold.hpp"
#include "core/group/invite.hpp"
#include "core/group/sync_engine.hpp"

namespace sync_test {

using coop::Identity;
using coop::group::Event;
using coop::group::GroupLog;
using coop::group::GroupState;
using coop::group::GroupSummary;
using coop::group::Id;
using coop::group::Kind;
using coop::group::PeerId;
using coop::group::SyncClock;
using coop::group::SyncEngine;
using coop::group::SyncOptions;
namespace msg = coop::group::sync;

inline std::string genesis_body(bool open, std::vector<std::string> topics = {"film"}, std::string name = "club") {
    return coop::group::to_body(coop::group::GenesisBody{std::move(name), "we watch films", std::move(topics), open});
}

class Network;

class Agent : public coop::group::SyncHost {
public:
    struct Sent {
        PeerId peer;
        std::string frame;
    };

    Agent(Network& net, SyncOptions options) : net_(net) {
        engine = std::make_unique<SyncEngine>(identity.public_key(), *this, options);
    }

    Identity identity = Identity::generate();
    std::unique_ptr<SyncEngine> engine;
    std::map<Id, std::unique_ptr<GroupLog>> logs;
    std::map<Id, std::vector<Id>> stored;  // what accepted() was told, in order
    std::deque<Sent> outbox;
    std::vector<std::tuple<std::string, PeerId, std::vector<GroupSummary>>> founds;
    std::vector<std::tuple<PeerId, Id, msg::RefuseReason>> refusals;
    std::vector<std::pair<PeerId, std::string>> drops;
    std::int64_t clock_ms = 10'000;  // event times, one step per event made

    // --- SyncHost ---
    GroupLog* log(const Id& group) override {
        auto it = logs.find(group);
        return it == logs.end() ? nullptr : it->second.get();
    }
    // The engine reads only openness and membership from the fold, so this
    // host refolds only when an event that can change them came in.
    const GroupState* state(const Id& group) override {
        GroupLog* l = log(group);
        if (!l) return nullptr;
        if (stale_.erase(group) || !folds_.count(group)) folds_[group] = coop::group::fold(*l);
        return &folds_[group];
    }
    // Careless on purpose: closed groups too. The engine must leave them out.
    std::vector<GroupSummary> open_groups_with_tag(const std::string& tag) override {
        std::vector<GroupSummary> out;
        for (auto& [id, l] : logs) {
            const GroupState* s = state(id);
            if (std::find(s->topics.begin(), s->topics.end(), tag) == s->topics.end()) continue;
            out.push_back(
                GroupSummary{id, s->name, s->about, s->topics, static_cast<std::uint32_t>(s->members.size())});
        }
        return out;
    }
    void accepted(const Id& group, const std::vector<Id>& ids) override {
        auto& s = stored[group];
        for (const auto& id : ids) {
            EXPECT_TRUE(log(group)->has(id));
            s.push_back(id);
            if (log(group)->get(id)->kind != Kind::post && log(group)->get(id)->kind != Kind::share)
                stale_.insert(group);
        }
    }
    void send(PeerId peer, std::string frame) override {
        EXPECT_LE(frame.size(), msg::max_frame_bytes);
        outbox.push_back({peer, std::move(frame)});
    }
    void drop(PeerId peer, const std::string& reason) override;
    std::int64_t now_ms() override;  // the network's clock, as wall time
    void found(const std::string& tag, PeerId peer, std::vector<GroupSummary> groups) override {
        founds.emplace_back(tag, peer, std::move(groups));
    }
    void refused(PeerId peer, const Id& group, msg::RefuseReason reason) override {
        refusals.emplace_back(peer, group, reason);
    }

    // --- making history ---
    // Founds a group; its id.
    Id found_group(bool open, std::vector<std::string> topics = {"film"}, std::string name = "club") {
        const Event genesis =
            coop::group::make_genesis(identity, clock_ms++, genesis_body(open, std::move(topics), std::move(name)));
        auto l = std::make_unique<GroupLog>(genesis.id());
        EXPECT_TRUE(l->add(genesis).accepted());
        logs[genesis.id()] = std::move(l);
        stored[genesis.id()].push_back(genesis.id());
        return genesis.id();
    }
    // An empty log, as a newcomer holds before the events come.
    void expect_group(const Id& group) { logs[group] = std::make_unique<GroupLog>(group); }
    // A copy of another agent's log, as if synced before the test.
    void copy_group(const Agent& other, const Id& group) {
        logs[group] = std::make_unique<GroupLog>(*other.logs.at(group));
        stale_.insert(group);
    }

    Event draft(const Id& group, Kind kind, std::string body) {
        const auto next = log(group)->next_for(identity.public_key(), clock_ms++);
        return coop::group::make_event(identity, group, next.seq, next.time_ms, kind, next.parents, std::move(body));
    }
    // Makes, adds and stores an event; gossips it unless told not to.
    Event make(const Id& group, Kind kind, std::string body, bool publish = true) {
        Event e = draft(group, kind, std::move(body));
        const auto r = log(group)->add(e);
        EXPECT_TRUE(r.accepted()) << r.reason;
        stored[group].push_back(e.id());
        stale_.insert(group);
        if (publish) engine->published(group, {e.id()});
        return e;
    }
    Event post(const Id& group, const std::string& text, bool publish = true) {
        return make(group, Kind::post, coop::group::to_body(coop::group::PostBody{text}), publish);
    }
    Event join(const Id& group, std::optional<coop::group::Invite> invite = std::nullopt, bool publish = true) {
        return make(group, Kind::join, coop::group::to_body(coop::group::JoinBody{std::move(invite)}), publish);
    }
    // A newcomer's join: it knows only the group id, the genesis's.
    Event newcomer_join(const Id& group, const coop::group::Invite& invite) {
        return coop::group::make_event(identity, group, 1, clock_ms++, Kind::join, {group},
                                       coop::group::to_body(coop::group::JoinBody{invite}));
    }
    coop::group::Invite invite(const Id& group, std::int64_t expires_ms = 0, bool single_use = true) const {
        return coop::group::make_invite(identity, group, expires_ms, single_use);
    }

    std::string dump(const Id& group) const { return coop::group::fold(*logs.at(group)).to_json().dump(); }
    std::size_t size(const Id& group) const {
        auto it = logs.find(group);
        return it == logs.end() ? 0 : it->second->size();
    }

    // Frames sent to `peer` so far, decoded, and forgotten.
    std::vector<msg::Message> take_sent(PeerId peer) {
        std::vector<msg::Message> out;
        std::deque<Sent> rest;
        for (auto& s : outbox) {
            if (s.peer != peer) {
                rest.push_back(std::move(s));
                continue;
            }
            auto m = msg::decode(s.frame);
            EXPECT_TRUE(m.has_value());
            if (m) out.push_back(std::move(*m));
        }
        outbox = std::move(rest);
        return out;
    }

private:
    Network& net_;
    std::map<Id, GroupState> folds_;
    std::set<Id> stale_;
};

class Network {
public:
    explicit Network(SyncOptions options = {}) : options_(options) {}

    Agent& add() { return add(options_); }
    Agent& add(SyncOptions options) {
        agents_.push_back(std::make_unique<Agent>(*this, options));
        agents_.back()->engine->tick(now);
        return *agents_.back();
    }

    struct Link {
        PeerId at_a;  // the peer id of b, as a knows it
        PeerId at_b;
    };
    Link connect(Agent& a, Agent& b) {
        const Link l{next_id_++, next_id_++};
        ends_[{&a, l.at_a}] = {&b, l.at_b};
        ends_[{&b, l.at_b}] = {&a, l.at_a};
        a.engine->peer_opened(l.at_a, b.identity.public_key());
        b.engine->peer_opened(l.at_b, a.identity.public_key());
        return l;
    }
    // Connects and subscribes both ways.
    Link link(Agent& a, Agent& b, const Id& group) {
        const Link l = connect(a, b);
        EXPECT_TRUE(a.engine->subscribe(l.at_a, group));
        EXPECT_TRUE(b.engine->subscribe(l.at_b, group));
        return l;
    }
    // Frames in flight are lost, as on a real link.
    void disconnect(Agent& a, PeerId at_a) {
        auto it = ends_.find({&a, at_a});
        if (it == ends_.end()) return;
        const auto [b, at_b] = it->second;
        ends_.erase(it);
        ends_.erase({b, at_b});
        a.engine->peer_closed(at_a);
        b->engine->peer_closed(at_b);
    }
    void request_close(Agent& a, PeerId peer) { closing_.emplace_back(&a, peer); }
    bool connected(Agent& a, PeerId peer) const { return ends_.count({&a, peer}) != 0; }

    // Delivers until nothing is in flight; the number of frames delivered.
    // `on_step` sees the number of frames in flight after each delivery.
    template <typename Step>
    std::size_t drain(Step on_step, std::size_t limit = 1'000'000) {
        std::size_t delivered = 0;
        while (delivered < limit && deliver_one()) {
            ++delivered;
            on_step(in_flight());
        }
        EXPECT_LT(delivered, limit) << "the network never went quiet";
        return delivered;
    }
    std::size_t drain() {
        return drain([](std::size_t) {});
    }
    // Delivers at most `count` frames, leaving the rest in flight.
    void deliver(std::size_t count) {
        for (std::size_t i = 0; i < count && deliver_one(); ++i) {
        }
    }

    // Moves the clock on and ticks every engine.
    void advance(std::chrono::milliseconds by) {
        now += by;
        for (auto& a : agents_) a->engine->tick(now);
    }
    // Anti-entropy rounds until nothing is in flight after one.
    void settle(int rounds = 3) {
        drain();
        for (int i = 0; i < rounds; ++i) {
            advance(options_.anti_entropy_interval);
            drain();
        }
    }

    std::size_t in_flight() const {
        std::size_t n = 0;
        for (const auto& a : agents_) n += a->outbox.size();
        return n;
    }

    SyncClock::time_point now = SyncClock::time_point{} + std::chrono::hours(1);
    std::size_t bytes_delivered = 0;

private:
    // One frame, round robin over the agents so none waits for another's
    // burst; false when nothing is in flight.
    bool deliver_one() {
        Agent* from = nullptr;
        for (std::size_t k = 0; k < agents_.size() && !from; ++k) {
            Agent* a = agents_[(turn_ + k) % agents_.size()].get();
            if (!a->outbox.empty()) {
                from = a;
                turn_ = (turn_ + k + 1) % agents_.size();
            }
        }
        if (!from) return false;
        Agent::Sent s = std::move(from->outbox.front());
        from->outbox.pop_front();
        if (auto end = ends_.find({from, s.peer}); end != ends_.end()) {
            bytes_delivered += s.frame.size();
            end->second.first->engine->frame(end->second.second, s.frame);
        }
        for (auto [agent, peer] : std::exchange(closing_, {})) disconnect(*agent, peer);
        return true;
    }

    SyncOptions options_;
    std::vector<std::unique_ptr<Agent>> agents_;
    std::map<std::pair<Agent*, PeerId>, std::pair<Agent*, PeerId>> ends_;
    std::vector<std::pair<Agent*, PeerId>> closing_;
    PeerId next_id_ = 1;
    std::size_t turn_ = 0;
};

inline std::int64_t Agent::now_ms() {
    using namespace std::chrono;
    return 1'700'000'000'000 + duration_cast<milliseconds>(net_.now.time_since_epoch()).count();
}

inline void Agent::drop(PeerId peer, const std::string& reason) {
    drops.emplace_back(peer, reason);
    net_.request_close(*this, peer);
}

// Every agent holds the same events and folds them to the same bytes.
inline void expect_converged(const std::vector<Agent*>& agents, const Id& group) {
    ASSERT_FALSE(agents.empty());
    const Agent& first = *agents.front();
    const std::string state = first.dump(group);
    for (const Agent* a : agents) {
        ASSERT_EQ(a->size(group), first.size(group));
        EXPECT_EQ(a->logs.at(group)->heads(), first.logs.at(group)->heads());
        EXPECT_TRUE(a->dump(group) == state) << "the folds differ";
    }
}

}  // namespace sync_test
