#pragma once
// What the sync engine remembers of one peer: its subscriptions, what it
// asked of us and we of it, and its budgets for this window. Every part is
// bounded (by the options, or by the authors of our own logs).
#include <chrono>
#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "core/group/log.hpp"

namespace coop::group {

using SyncClock = std::chrono::steady_clock;

// One group synced with one peer, both ways once established.
struct SyncSubscription {
    bool asked = false;                             // we sent SUBSCRIBE and wait for STATE or REFUSE
    bool established = false;                       // STATEs flow both ways
    bool state_sent = false;                        // we sent our STATE at least once
    bool admitted_by_join = false;                  // a closed group's newcomer, before the fold shows it
    SyncClock::time_point answer_due{};             // of SUBSCRIBE, while asked
    std::optional<SyncClock::time_point> want_due;  // of our WANT, until EVENTS answer it
    // What we believe the peer holds: its last STATE or HAVE, raised by
    // every event that went either way since. Pushes skip what it has.
    GroupLog::Frontier known;
    // What the peer knows we hold, the same way from our side: events it
    // sends within it are replays.
    GroupLog::Frontier told;
    // Our last pull from it brought nothing: not asked again until its next
    // HAVE or STATE.
    bool pull_spent = false;
    // Events we asked for and have not yet had: answers within it are not
    // counted against the push and replay budgets.
    std::size_t credit = 0;
};

struct SyncWindow {
    SyncClock::time_point start{};
    std::size_t requests = 0;  // SUBSCRIBE, STATE, WANT, FIND
    std::size_t haves = 0;
    std::size_t pushes = 0;    // events beyond credit
    std::size_t replays = 0;   // events it knew we held
};

// True if `ours` holds every author's chain at least as far as `theirs`.
inline bool covers(const GroupLog::Frontier& ours, const GroupLog::Frontier& theirs) {
    for (const auto& [author, seq] : theirs) {
        auto it = ours.find(author);
        if (it == ours.end() || it->second < seq) return false;
    }
    return true;
}

// Raises `f` to hold `e`. A frontier past `max` authors starts afresh:
// it is a belief, and forgetting only costs a resend.
inline void raise(GroupLog::Frontier& f, const Event& e, std::size_t max) {
    auto [it, added] = f.try_emplace(e.author, e.seq);
    if (!added) {
        it->second = std::max(it->second, e.seq);
    } else if (f.size() > max) {
        f.clear();
        f.emplace(e.author, e.seq);
    }
}

struct SyncPeer {
    PublicKey key{};
    std::map<Id, SyncSubscription> groups;
    std::map<std::string, SyncClock::time_point> finds;  // our FINDs: tag -> answer due
    SyncWindow window;
    std::size_t faults = 0;
    bool dropped = false;  // asked the host to close it: ignored until peer_closed
};

}  // namespace coop::group
