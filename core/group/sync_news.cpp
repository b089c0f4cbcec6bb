// News: our own events pushed to the subscribers, HAVE of what came from
// others, and pulls from a peer that holds what we lack, one at a time.
// Each event thus crosses a link only towards a member that lacks it.
#include <algorithm>

#include "core/group/sync_engine.hpp"

namespace coop::group {
namespace {

bool lacking(const SyncSubscription& sub, const Event& e) {
    auto known = sub.known.find(e.author);
    return known == sub.known.end() || known->second < e.seq;
}

}  // namespace

void SyncEngine::push(const Id& group, const std::vector<Id>& ids) {
    const GroupLog* log = host_.log(group);
    if (!log || ids.empty()) return;
    std::vector<const Event*> events;
    for (const auto& id : ids)
        if (const Event* e = log->get(id)) events.push_back(e);

    std::vector<PeerId> targets;
    for (auto& [id, peer] : peers_) {
        if (peer.dropped) continue;
        auto sub = peer.groups.find(group);
        if (sub == peer.groups.end() || !sub->second.established) continue;
        if (std::none_of(events.begin(), events.end(), [&](const Event* e) { return lacking(sub->second, *e); }))
            continue;
        if (access(peer, sub->second, group) == Access::allowed) targets.push_back(id);
    }
    std::shuffle(targets.begin(), targets.end(), rng_);
    if (targets.size() > options_.fanout) targets.resize(options_.fanout);
    for (PeerId id : targets) {
        SyncPeer& peer = peers_.at(id);
        SyncSubscription& sub = peer.groups.at(group);
        std::vector<Event> batch;
        for (const Event* e : events)
            if (lacking(sub, *e)) batch.push_back(*e);
        send_events(id, peer, sub, group, std::move(batch), true, false);
    }
}

void SyncEngine::announce() {
    for (const auto& group : std::exchange(news_, {})) {
        const GroupLog* log = host_.log(group);
        if (!log) continue;
        sync::Have have{group, log->frontier()};
        if (have.frontier.size() > sync::max_frontier_authors) continue;  // STATE's anti-entropy serves
        for (auto& [id, peer] : peers_) {
            if (peer.dropped) continue;
            auto it = peer.groups.find(group);
            if (it == peer.groups.end() || !it->second.established) continue;
            SyncSubscription& sub = it->second;
            if (covers(sub.known, have.frontier) || access(peer, sub, group) != Access::allowed) continue;
            sub.told = have.frontier;
            send(id, peer, have);
        }
    }
}

void SyncEngine::on(PeerId id, SyncPeer& peer, sync::Have& m) {
    if (++peer.window.haves > options_.haves_per_window) {
        fault(id, peer, SyncFault::flood,
              "more than " + std::to_string(options_.haves_per_window) + " HAVEs in a window");
        return;
    }
    auto it = peer.groups.find(m.group);
    if (it == peer.groups.end() || !it->second.established) {
        fault(id, peer, SyncFault::not_subscribed, "HAVE of a group without a subscription");
        return;
    }
    SyncSubscription& sub = it->second;
    GroupLog* log = host_.log(m.group);
    if (!log) return refuse(id, peer, m.group, sync::RefuseReason::unknown_group);
    if (access(peer, sub, m.group) == Access::refused) return refuse(id, peer, m.group, sync::RefuseReason::not_member);
    // A snapshot of what it holds, newer than anything we believed.
    sub.known = std::move(m.frontier);
    sub.pull_spent = false;
    if (!covers(log->frontier(), sub.known)) pull(m.group, id);
}

void SyncEngine::pull(const Id& group, std::optional<PeerId> hint) {
    if (auto p = pulls_.find(group); p != pulls_.end() && p->second.due > now_) return;
    GroupLog* log = host_.log(group);
    if (!log) return;
    const GroupLog::Frontier ours = log->frontier();
    auto ahead = [&](PeerId id) -> SyncSubscription* {
        auto peer = peers_.find(id);
        if (peer == peers_.end() || peer->second.dropped) return nullptr;
        auto sub = peer->second.groups.find(group);
        if (sub == peer->second.groups.end() || !sub->second.established || sub->second.pull_spent) return nullptr;
        if (covers(ours, sub->second.known) || access(peer->second, sub->second, group) == Access::refused)
            return nullptr;
        return &sub->second;
    };
    std::optional<PeerId> from;
    if (hint && ahead(*hint)) from = hint;
    for (auto it = peers_.begin(); !from && it != peers_.end(); ++it)
        if (ahead(it->first)) from = it->first;
    if (!from) {
        pulls_.erase(group);
        return;
    }
    SyncPeer& peer = peers_.at(*from);
    pulls_[group] = Pull{*from, now_ + options_.answer_timeout};
    send_state(*from, peer, peer.groups.at(group), *log);
}

void SyncEngine::pull_done(const Id& group, PeerId id, SyncSubscription& sub, bool progress) {
    auto p = pulls_.find(group);
    if (p == pulls_.end() || p->second.peer != id) return;
    pulls_.erase(p);
    // It claimed more than it gave: an answer that crossed newer events,
    // or a peer that lies. Either way, someone else first.
    if (!progress) sub.pull_spent = true;
    pull(group);
}

}  // namespace coop::group
