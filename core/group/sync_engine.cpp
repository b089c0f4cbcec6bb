// The engine's entry points, its bookkeeping (faults, budgets, timeouts,
// anti-entropy) and the frames it sends. The handlers of each message are
// in sync_serve.cpp (requests) and sync_receive.cpp (answers and events).
#include "core/group/sync_engine.hpp"

#include <algorithm>
#include <exception>
#include <variant>

namespace coop::group {
namespace {

std::size_t encoded_size(const Event& e) {
    return header_size + e.parents.size() * 32 + 4 + e.body.size() + signature_size;
}

}  // namespace

SyncEngine::SyncEngine(const PublicKey& self, SyncHost& host, SyncOptions options)
    : self_(self), host_(host), options_(options) {
    options_.batch_events = std::clamp<std::size_t>(options_.batch_events, 1, sync::max_batch_events);
    // Agents push to their peers in different orders, and a test replays.
    std::vector<std::uint32_t> material(self.begin(), self.end());
    material.push_back(static_cast<std::uint32_t>(options.seed));
    material.push_back(static_cast<std::uint32_t>(options.seed >> 32));
    std::seed_seq seq(material.begin(), material.end());
    rng_.seed(seq);
}

template <typename Body>
void SyncEngine::guarded(Body body) {
    try {
        body();
    } catch (...) {
        ++counters_.errors;
    }
}

void SyncEngine::peer_opened(PeerId id, const PublicKey& key) {
    guarded([&] {
        SyncPeer& peer = peers_[id];
        peer = SyncPeer{};
        peer.key = key;
        peer.window.start = now_;
        if (key == self_) drop(id, peer, "a link to ourselves");
    });
}

void SyncEngine::peer_closed(PeerId id) {
    peers_.erase(id);
    // Its pulls are given up: the next HAVE, or the next tick's news, asks
    // someone else.
    for (auto it = pulls_.begin(); it != pulls_.end();)
        it = it->second.peer == id ? pulls_.erase(it) : std::next(it);
}

void SyncEngine::frame(PeerId id, std::string_view bytes) {
    guarded([&] {
        auto it = peers_.find(id);
        if (it == peers_.end() || it->second.dropped) return;
        SyncPeer& peer = it->second;
        ++counters_.frames_in;
        sync::DecodeError error;
        auto message = sync::decode(bytes, &error);
        if (!message) {
            fault(id, peer, error.fault, error.why);
            return;
        }
        std::visit([&](auto& m) { on(id, peer, m); }, *message);
    });
}

bool SyncEngine::subscribe(PeerId id, const Id& group, std::optional<Event> join) {
    bool ok = false;
    guarded([&] {
        auto it = peers_.find(id);
        if (it == peers_.end() || it->second.dropped) return;
        SyncPeer& peer = it->second;
        auto sub = peer.groups.find(group);
        if (sub != peer.groups.end()) {
            ok = true;
            return;  // asked already, or syncing
        }
        if (peer.groups.size() >= options_.max_groups_per_peer) return;
        SyncSubscription& s = peer.groups[group];
        s.asked = true;
        s.answer_due = now_ + options_.answer_timeout;
        send(id, peer, sync::Subscribe{group, std::move(join)});
        ok = true;
    });
    return ok;
}

void SyncEngine::published(const Id& group, const std::vector<Id>& ids) {
    guarded([&] { push(group, ids); });
}

void SyncEngine::forget(const Id& group) {
    guarded([&] {
        pools_.erase(group);
        pulls_.erase(group);
        news_.erase(group);
        for (auto& [id, peer] : peers_)
            if (peer.groups.count(group)) refuse(id, peer, group, sync::RefuseReason::unknown_group);
    });
}

bool SyncEngine::find(PeerId id, const std::string& tag) {
    bool ok = false;
    guarded([&] {
        auto it = peers_.find(id);
        if (it == peers_.end() || it->second.dropped || !sync::valid_label(tag, max_tag_bytes)) return;
        SyncPeer& peer = it->second;
        if (!peer.finds.count(tag) && peer.finds.size() >= options_.max_finds_per_peer) return;
        peer.finds[tag] = now_ + options_.answer_timeout;
        send(id, peer, sync::Find{tag});
        ok = true;
    });
    return ok;
}

void SyncEngine::tick(SyncClock::time_point now) {
    guarded([&] {
        now_ = now;
        for (auto& [id, peer] : peers_) {
            if (peer.dropped) continue;
            if (now - peer.window.start >= options_.window) peer.window = SyncWindow{now};
            expire(id, peer);
        }
        std::vector<Id> late;
        for (const auto& [group, p] : pulls_)
            if (p.due <= now) late.push_back(group);
        for (const auto& group : late) {
            // Slow, not hostile perhaps: someone else is asked.
            const PeerId id = pulls_.at(group).peer;
            pulls_.erase(group);
            if (auto it = peers_.find(id); it != peers_.end())
                if (auto sub = it->second.groups.find(group); sub != it->second.groups.end())
                    sub->second.pull_spent = true;
            pull(group);
        }
        const std::int64_t now_ms = host_.now_ms();
        for (auto& [group, waiting] : pools_)
            counters_.pool_expired += waiting.expire(now_ms, options_.pool_wait.count()).size();
        if (!next_announce_ || now >= *next_announce_) {
            next_announce_ = now + options_.announce_interval;
            announce();
        }
        if (!next_anti_entropy_) {
            next_anti_entropy_ = now + options_.anti_entropy_interval;
        } else if (now >= *next_anti_entropy_) {
            next_anti_entropy_ = now + options_.anti_entropy_interval;
            anti_entropy();
        }
    });
}

bool SyncEngine::subscribed(PeerId id, const Id& group) const {
    auto it = peers_.find(id);
    if (it == peers_.end()) return false;
    auto sub = it->second.groups.find(group);
    return sub != it->second.groups.end() && sub->second.established;
}

std::vector<PeerId> SyncEngine::subscribers(const Id& group) const {
    std::vector<PeerId> out;
    for (const auto& [id, peer] : peers_)
        if (!peer.dropped && subscribed(id, group)) out.push_back(id);
    return out;
}

std::size_t SyncEngine::faults(PeerId id) const {
    auto it = peers_.find(id);
    return it == peers_.end() ? 0 : it->second.faults;
}

std::size_t SyncEngine::waiting(const Id& group) const {
    auto it = pools_.find(group);
    return it == pools_.end() ? 0 : it->second.size();
}

// --- bookkeeping -----------------------------------------------------------

bool SyncEngine::fault(PeerId id, SyncPeer& peer, SyncFault what, const std::string& why, bool at_once) {
    ++counters_[what];
    ++peer.faults;
    if (!at_once && peer.faults < options_.max_faults) return false;
    drop(id, peer,
         std::string(to_string(what)) + ": " + why + (at_once ? "" : " (fault " + std::to_string(peer.faults) + ")"));
    return true;
}

void SyncEngine::drop(PeerId id, SyncPeer& peer, const std::string& reason) {
    if (peer.dropped) return;
    peer.dropped = true;
    ++counters_.drops;
    host_.drop(id, reason);
}

bool SyncEngine::request(PeerId id, SyncPeer& peer) {
    if (++peer.window.requests <= options_.requests_per_window) return true;
    fault(id, peer, SyncFault::flood,
          "more than " + std::to_string(options_.requests_per_window) + " requests in a window");
    return false;
}

PendingPool& SyncEngine::pool(const Id& group) {
    return pools_.try_emplace(group, options_.pool_events, options_.pool_bytes, options_.pool_events_per_author)
        .first->second;
}

SyncEngine::Access SyncEngine::access(const SyncPeer& peer, const SyncSubscription& sub, const Id& group) {
    GroupLog* log = host_.log(group);
    // Without the genesis we cannot judge, and we hold nothing to give.
    if (!log || !log->has(group)) return Access::unknown;
    const GroupState* state = host_.state(group);
    if (!state) return Access::unknown;
    if (state->removed.count(hex(peer.key))) return Access::refused;
    if (state->open || state->is_member(peer.key) || sub.admitted_by_join) return Access::allowed;
    return Access::refused;
}

void SyncEngine::expire(PeerId id, SyncPeer& peer) {
    std::string late;
    for (auto& [group, sub] : peer.groups) {
        if (sub.asked && sub.answer_due <= now_) late = "SUBSCRIBE";
        if (sub.want_due && *sub.want_due <= now_) late = "WANT";
    }
    for (const auto& [tag, due] : peer.finds)
        if (due <= now_) late = "FIND";
    // A peer that keeps its link up but does not answer holds our requests
    // hostage: another member can serve them.
    if (!late.empty()) fault(id, peer, SyncFault::unanswered, late + " not answered in time", true);
}

void SyncEngine::anti_entropy() {
    for (auto& [id, peer] : peers_) {
        if (peer.dropped) continue;
        std::vector<Id> revoked;
        for (auto& [group, sub] : peer.groups) {
            if (!sub.established) continue;
            GroupLog* log = host_.log(group);
            if (!log) continue;
            if (access(peer, sub, group) == Access::refused)
                revoked.push_back(group);
            else
                send_state(id, peer, sub, *log);
        }
        for (const auto& group : revoked) refuse(id, peer, group, sync::RefuseReason::not_member);
    }
}

// --- sending ---------------------------------------------------------------

void SyncEngine::send(PeerId id, SyncPeer& peer, const sync::Message& m) {
    if (peer.dropped) return;
    std::string bytes = sync::encode(m);
    ++counters_.frames_out;
    host_.send(id, std::move(bytes));
}

void SyncEngine::send_state(PeerId id, SyncPeer& peer, SyncSubscription& sub, const GroupLog& log) {
    sync::State s;
    s.group = log.group();
    s.frontier = log.frontier();
    // Past the bounds the peer sends some events we hold (authors left out)
    // or finds fewer forks: wasteful, never wrong.
    while (s.frontier.size() > sync::max_frontier_authors) s.frontier.erase(std::prev(s.frontier.end()));
    s.heads = log.heads();
    if (s.heads.size() > sync::max_state_heads) s.heads.resize(sync::max_state_heads);
    const std::size_t cap = 2 * options_.batch_events + sync::max_want_ids;
    sub.credit = std::min(cap, sub.credit + options_.batch_events);
    sub.state_sent = true;
    sub.told = s.frontier;
    send(id, peer, s);
}

void SyncEngine::send_want(PeerId id, SyncPeer& peer, SyncSubscription& sub, const Id& group, std::vector<Id> ids) {
    if (ids.empty() || sub.want_due) return;  // one WANT in flight per group and peer
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids.size() > sync::max_want_ids) ids.resize(sync::max_want_ids);
    const std::size_t cap = 2 * options_.batch_events + sync::max_want_ids;
    sub.credit = std::min(cap, sub.credit + ids.size());
    sub.want_due = now_ + options_.answer_timeout;
    send(id, peer, sync::Want{group, std::move(ids)});
}

void SyncEngine::send_events(PeerId id, SyncPeer& peer, SyncSubscription& sub, const Id& group,
                             std::vector<Event> events, bool push, bool more) {
    std::size_t count = 0;
    std::size_t bytes = 0;
    while (count < events.size() && count < options_.batch_events) {
        bytes += encoded_size(events[count]);
        if (bytes > sync::max_batch_bytes) break;
        ++count;
    }
    if (count < events.size()) {
        events.resize(count);
        more = true;
    }
    for (const auto& e : events) {
        raise(sub.known, e, sync::max_frontier_authors);
        raise(sub.told, e, sync::max_frontier_authors);
    }
    counters_.events_out += events.size();
    send(id, peer, sync::Events{group, std::move(events), push, more});
}

void SyncEngine::refuse(PeerId id, SyncPeer& peer, const Id& group, sync::RefuseReason reason) {
    ++counters_.refused;
    peer.groups.erase(group);
    send(id, peer, sync::Refuse{group, reason});
}

}  // namespace coop::group
