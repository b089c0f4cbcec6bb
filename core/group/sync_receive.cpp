// What comes back: EVENTS (answers and pushes) into the logs, and the
// answers REFUSE and FOUND. News out (push, HAVE, pulls): sync_news.cpp.
#include <algorithm>

#include "core/group/sync_engine.hpp"

namespace coop::group {

void SyncEngine::on(PeerId id, SyncPeer& peer, sync::Events& m) {
    auto it = peer.groups.find(m.group);
    if (it == peer.groups.end() || !it->second.established) {
        fault(id, peer, SyncFault::not_subscribed, "EVENTS of a group without a subscription");
        return;
    }
    SyncSubscription& sub = it->second;
    GroupLog* log = host_.log(m.group);
    if (!log) {
        pools_.erase(m.group);
        return refuse(id, peer, m.group, sync::RefuseReason::unknown_group);
    }
    if (!m.push) sub.want_due.reset();

    // What we asked for is free; the rest is news, within a budget.
    const std::size_t asked = std::min(sub.credit, m.events.size());
    sub.credit -= asked;
    const std::size_t unasked = m.events.size() - asked;
    peer.window.pushes += unasked;
    if (peer.window.pushes > options_.pushes_per_window) {
        fault(id, peer, SyncFault::flood,
              "more than " + std::to_string(options_.pushes_per_window) + " unrequested events in a window");
        return;
    }
    // A replay is an event the peer knew we held. One that crossed our own
    // news on the way is not: honest members send those all the time.
    std::size_t replayed = 0;
    for (const auto& e : m.events) {
        auto told = sub.told.find(e.author);
        if (told != sub.told.end() && told->second >= e.seq && log->has(e.id())) ++replayed;
    }

    Received got;
    const bool forged = !receive(*log, m.events, got);
    for (const auto& e : m.events)
        if (log->has(e.id())) {
            raise(sub.known, e, sync::max_frontier_authors);
            raise(sub.told, e, sync::max_frontier_authors);
        }
    // Stored before anything is passed on, even when the frame ends in a
    // forgery: what the log took must reach the store.
    if (!got.accepted.empty()) {
        counters_.events_in += got.accepted.size();
        host_.accepted(m.group, got.accepted);
        news_.insert(m.group);
    }
    if (forged) {
        fault(id, peer, SyncFault::bad_signature, "an event with a bad signature", true);
        return;
    }
    if (!got.bad_reason.empty() && fault(id, peer, SyncFault::bad_event, got.bad_reason)) return;
    peer.window.replays += replayed;
    if (replayed && peer.window.replays > options_.replays_per_window &&
        fault(id, peer, SyncFault::replay,
              "more than " + std::to_string(options_.replays_per_window) + " events it knew we held in a window"))
        return;

    const bool progress = !got.accepted.empty() || got.held > 0;
    // Batch by batch: each of our STATEs buys one batch. A batch that
    // brought nothing new (another peer was faster) ends the transfer.
    if (m.more && progress && access(peer, sub, m.group) != Access::refused) {
        send_state(id, peer, sub, *log);
        if (auto p = pulls_.find(m.group); p != pulls_.end() && p->second.peer == id)
            p->second.due = now_ + options_.answer_timeout;
    } else if (!m.push) {
        pull_done(m.group, id, sub, progress);
    }
    if (got.held > 0 || (!m.push && progress)) send_want(id, peer, sub, m.group, pool(m.group).wanted(*log));
}

bool SyncEngine::receive(GroupLog& log, const std::vector<Event>& events, Received& out) {
    PendingPool& waiting = pool(log.group());
    const std::int64_t now_ms = host_.now_ms();
    for (const auto& e : events) {
        auto offer = waiting.offer(log, e, now_ms);
        // Events released from the pool that the log then refused: whoever
        // sent them, it need not have been this peer.
        counters_[SyncFault::bad_event] += offer.refused.size();
        for (const auto& r : offer.refused) ++counters_[r.cause];
        counters_.pool_evicted += offer.evicted.size();
        out.accepted.insert(out.accepted.end(), offer.accepted.begin(), offer.accepted.end());
        switch (offer.result.status) {
            case AddResult::Status::accepted: break;
            case AddResult::Status::duplicate:
                ++out.duplicates;
                ++counters_.duplicates;
                break;
            case AddResult::Status::missing_parents:
                if (offer.held) {
                    ++out.held;
                    ++counters_.held;
                } else {
                    ++counters_.pool_full;
                }
                break;
            case AddResult::Status::rejected:
                ++counters_[offer.result.cause];
                if (offer.result.cause == AddResult::Reason::bad_signature) return false;
                if (offer.result.cause == AddResult::Reason::from_the_future) {
                    // Not held against the sender: it may be honest with a
                    // clock ahead of ours. Anti-entropy brings it again.
                    ++counters_[SyncFault::from_future];
                    break;
                }
                out.bad_reason = offer.result.reason;
                break;
        }
    }
    return true;
}

void SyncEngine::on(PeerId id, SyncPeer& peer, sync::Refuse& m) {
    auto it = peer.groups.find(m.group);
    if (it == peer.groups.end()) {
        fault(id, peer, SyncFault::unsolicited, "REFUSE of nothing we asked");
        return;
    }
    peer.groups.erase(it);
    host_.refused(id, m.group, m.reason);
}

void SyncEngine::on(PeerId id, SyncPeer& peer, sync::Found& m) {
    auto it = peer.finds.find(m.tag);
    if (it == peer.finds.end()) {
        fault(id, peer, SyncFault::unsolicited, "FOUND for a tag we did not ask about");
        return;
    }
    peer.finds.erase(it);
    host_.found(m.tag, id, std::move(m.groups));
}

}  // namespace coop::group
