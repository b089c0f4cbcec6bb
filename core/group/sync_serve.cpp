// The requests a peer makes of us: SUBSCRIBE, STATE, WANT and FIND. Each
// counts against the peer's request budget, and a closed group's events go
// only to its members.
#include <algorithm>

#include "core/group/body.hpp"
#include "core/group/sync_engine.hpp"

namespace coop::group {

void SyncEngine::on(PeerId id, SyncPeer& peer, sync::Subscribe& m) {
    if (!request(id, peer)) return;
    GroupLog* log = host_.log(m.group);
    if (!log) return refuse(id, peer, m.group, sync::RefuseReason::unknown_group);
    auto existing = peer.groups.find(m.group);
    const GroupState* state = log->has(m.group) ? host_.state(m.group) : nullptr;
    if (!state) {
        // We wait for the group's events ourselves and asked this peer:
        // its SUBSCRIBE crossed ours. We have nothing to give yet; access()
        // decides once we do.
        if (existing == peer.groups.end() || !existing->second.asked)
            return refuse(id, peer, m.group, sync::RefuseReason::unknown_group);
        existing->second.established = true;
        return send_state(id, peer, existing->second, *log);
    }
    if (existing == peer.groups.end() && peer.groups.size() >= options_.max_groups_per_peer)
        return refuse(id, peer, m.group, sync::RefuseReason::too_many_groups);

    bool by_join = false;
    if (state->removed.count(hex(peer.key))) return refuse(id, peer, m.group, sync::RefuseReason::not_member);
    if (m.join) {
        if (auto problem = admit(id, peer, *log, *state, *m.join)) {
            if (!peer.dropped) refuse(id, peer, m.group, *problem);
            return;
        }
        if (peer.dropped) return;
        by_join = true;
    } else if (!state->open && !state->is_member(peer.key)) {
        return refuse(id, peer, m.group, sync::RefuseReason::not_member);
    }

    SyncSubscription& sub = peer.groups[m.group];
    if (!sub.established) ++counters_.subscribers;
    sub.established = true;
    sub.admitted_by_join = sub.admitted_by_join || by_join;
    send_state(id, peer, sub, *log);
}

std::optional<sync::RefuseReason> SyncEngine::admit(PeerId id, SyncPeer& peer, GroupLog& log, const GroupState& state,
                                                    const Event& join) {
    using sync::RefuseReason;
    // Only the joiner's own join: a copy of someone else's proves nothing.
    if (join.kind != Kind::join || join.group != log.group() || join.author != peer.key) return RefuseReason::bad_join;
    auto body = parse_join(join.body);
    if (!body) return RefuseReason::bad_join;
    if (!state.open) {
        // The fold's own rules (fold.cpp), judged now rather than after the
        // join is folded: the answer decides who gets the log.
        if (!body->invite) return RefuseReason::not_member;
        const Invite& invite = *body->invite;
        if (invite.group != log.group() || !state.is_member(invite.inviter) || !invite.signature_valid())
            return RefuseReason::invite_invalid;
        if (invite.expired_at(join.time_ms)) return RefuseReason::invite_expired;
        auto use = state.invites_used.find(hex(invite.id()));
        if (use != state.invites_used.end() && use->second.single_use &&
            std::find(use->second.joiners.begin(), use->second.joiners.end(), hex(peer.key)) ==
                use->second.joiners.end())
            return RefuseReason::invite_used;
    }

    const auto offer = pool(log.group()).offer(log, join, host_.now_ms());
    counters_[SyncFault::bad_event] += offer.refused.size();
    for (const auto& r : offer.refused) ++counters_[r.cause];
    counters_.pool_evicted += offer.evicted.size();
    switch (offer.result.status) {
        case AddResult::Status::accepted:
            counters_.events_in += offer.accepted.size();
            host_.accepted(log.group(), offer.accepted);
            news_.insert(log.group());
            return std::nullopt;
        case AddResult::Status::duplicate:
            if (offer.held) return RefuseReason::bad_join;  // waiting in the pool, not in the log
            return std::nullopt;                            // it subscribes again
        case AddResult::Status::missing_parents:
            return RefuseReason::bad_join;  // a newcomer's join names the genesis only
        case AddResult::Status::rejected: break;
    }
    ++counters_[offer.result.cause];
    if (offer.result.cause == AddResult::Reason::from_the_future) {
        ++counters_[SyncFault::from_future];
        return RefuseReason::bad_join;
    }
    const bool forged = offer.result.cause == AddResult::Reason::bad_signature;
    fault(id, peer, forged ? SyncFault::bad_signature : SyncFault::bad_event, "join: " + offer.result.reason, forged);
    return RefuseReason::bad_join;
}

void SyncEngine::on(PeerId id, SyncPeer& peer, sync::State& m) {
    if (!request(id, peer)) return;
    auto it = peer.groups.find(m.group);
    if (it == peer.groups.end()) {
        fault(id, peer, SyncFault::not_subscribed, "STATE of a group without a subscription");
        return;
    }
    SyncSubscription& sub = it->second;
    GroupLog* log = host_.log(m.group);
    if (!log) return refuse(id, peer, m.group, sync::RefuseReason::unknown_group);
    // The answer to our SUBSCRIBE: from now on it goes both ways.
    sub.asked = false;
    sub.established = true;
    const Access can = access(peer, sub, m.group);
    if (can == Access::refused) return refuse(id, peer, m.group, sync::RefuseReason::not_member);

    sub.known = m.frontier;
    sub.pull_spent = false;
    if (!sub.state_sent) send_state(id, peer, sub, *log);
    if (can == Access::allowed) {
        auto batch = log->after(m.frontier, options_.batch_events + 1);
        const bool more = batch.size() > options_.batch_events;
        if (more) batch.resize(options_.batch_events);
        // Answered even when empty: a peer pulling from us then asks
        // elsewhere at once.
        send_events(id, peer, sub, m.group, std::move(batch), false, more);
    }

    // Their frontier is within ours, yet they name heads we lack: the other
    // side of a fork, which frontiers cannot tell apart. While they are
    // ahead, their answer to our STATE brings what we lack.
    if (!covers(log->frontier(), m.frontier)) return;
    PendingPool& waiting = pool(m.group);
    std::vector<Id> want = waiting.wanted(*log);
    for (const auto& h : m.heads)
        if (!log->has(h) && !waiting.holds(h)) want.push_back(h);
    send_want(id, peer, sub, m.group, std::move(want));
}

void SyncEngine::on(PeerId id, SyncPeer& peer, sync::Want& m) {
    if (!request(id, peer)) return;
    auto it = peer.groups.find(m.group);
    if (it == peer.groups.end() || !it->second.established) {
        fault(id, peer, SyncFault::not_subscribed, "WANT of a group without a subscription");
        return;
    }
    SyncSubscription& sub = it->second;
    GroupLog* log = host_.log(m.group);
    if (!log) return refuse(id, peer, m.group, sync::RefuseReason::unknown_group);
    const Access can = access(peer, sub, m.group);
    if (can == Access::refused) return refuse(id, peer, m.group, sync::RefuseReason::not_member);
    std::vector<Event> events;
    if (can == Access::allowed)
        for (const auto& want : m.ids)
            if (const Event* e = log->get(want)) events.push_back(*e);
    // Answered even when empty, so the peer knows and asks elsewhere.
    send_events(id, peer, sub, m.group, std::move(events), false, false);
}

void SyncEngine::on(PeerId id, SyncPeer& peer, sync::Find& m) {
    if (!request(id, peer)) return;
    sync::Found answer{m.tag, {}};
    for (auto& summary : host_.open_groups_with_tag(m.tag)) {
        if (answer.groups.size() >= sync::max_found_groups) break;
        // Closed groups are never listed, whatever the host hands us.
        const GroupState* state = host_.state(summary.id);
        if (!state || !state->open || !sync::valid_summary(summary)) continue;
        answer.groups.push_back(std::move(summary));
    }
    send(id, peer, answer);
}

}  // namespace coop::group
