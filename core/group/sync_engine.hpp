#pragma once
// The group sync protocol (messages in sync_messages.hpp), one engine per
// agent: frames in, frames out through the host (sync_host.hpp). It takes
// peers' events through a pending pool per group into the host's logs,
// answers what peers lack in bounded batches, spreads new events to its
// subscribers, and re-sends its state now and then so every member
// converges. Hostile peers are counted by fault and dropped.
//
// A subscription, both ways:
//   A -> B  SUBSCRIBE g [join]      B checks A may have g (member, open, or
//   B -> A  STATE g                 a valid join, which B adds to its log),
//   A -> B  STATE g                 or answers REFUSE.
//   each    EVENTS g (what the other's STATE lacks, one batch, perhaps
//           none; "more" if there   the receiver of "more" answers STATE,
//           is more)                and so on, batch by batch
//   each    WANT g ids              parents of events it holds waiting,
//                                   or heads it lacks though its frontier
//                                   covers the sender's (a fork)
// Later, news:
//   author  EVENTS g push           its own new events, to every subscriber
//   each    HAVE g                  every announce_interval after events came
//                                   from others, to subscribers not known to
//                                   hold them; a receiver that lacks some
//                                   asks one sender at a time with STATE
//   each    STATE g                 every anti_entropy_interval
// Events travel once to each member that lacks them: the author's push
// reaches its subscribers, HAVE the rest, and nobody forwards events a
// peer may already hold (flooding sent each event over every link).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/group/pending_pool.hpp"
#include "core/group/sync_counters.hpp"
#include "core/group/sync_host.hpp"
#include "core/group/sync_messages.hpp"
#include "core/group/sync_peer.hpp"

namespace coop::group {

struct SyncOptions {
    // Subscribers each of our own new events is pushed to: every one
    // lacking it, up to this. Others hear of it through HAVE.
    std::size_t fanout = 64;
    std::size_t batch_events = sync::max_batch_events;  // at most that
    // News goes out at the first tick this long after the last; tick at
    // least as often.
    std::chrono::milliseconds announce_interval = std::chrono::milliseconds(200);
    std::chrono::milliseconds anti_entropy_interval = std::chrono::seconds(30);
    std::chrono::milliseconds window = std::chrono::seconds(10);  // of the budgets below
    std::chrono::milliseconds answer_timeout = std::chrono::seconds(30);
    // Per peer and window.
    std::size_t requests_per_window = 256;  // SUBSCRIBE, STATE, WANT, FIND
    std::size_t haves_per_window = 1024;
    std::size_t pushes_per_window = 4096;   // events beyond what we asked for
    std::size_t replays_per_window = 1024;  // events the peer knew we held
    std::size_t max_faults = 8;             // then the peer is dropped
    std::size_t max_groups_per_peer = 64;
    std::size_t max_finds_per_peer = 8;  // outstanding
    // Each group's events waiting for their parents, in all and per author.
    // When full, the oldest are evicted (and counted).
    std::size_t pool_events = 4096;
    std::size_t pool_bytes = 16u << 20;
    std::size_t pool_events_per_author = 1024;
    // How long an event waits for its parents before it is dropped: the
    // parents of a flood's made-up events are not asked for forever.
    std::chrono::milliseconds pool_wait = std::chrono::minutes(2);
    std::uint64_t seed = 0;  // of the order pushes go out in, mixed with our key
};

class SyncEngine {
public:
    // `self` is our identity key: a link to ourselves is refused. The host
    // outlives the engine.
    SyncEngine(const PublicKey& self, SyncHost& host, SyncOptions options = {});
    SyncEngine(const SyncEngine&) = delete;
    SyncEngine& operator=(const SyncEngine&) = delete;

    // A link opened; `key` is the peer's authenticated identity.
    void peer_opened(PeerId peer, const PublicKey& key);
    // The link closed: everything about the peer is forgotten.
    void peer_closed(PeerId peer);
    // A frame from the peer. Never throws.
    void frame(PeerId peer, std::string_view frame);
    // Starts syncing the group with the peer: SUBSCRIBE, with our join if
    // we are new to a closed group (its parent is the genesis, the only
    // event we know). False if the peer is unknown or holds too many.
    bool subscribe(PeerId peer, const Id& group, std::optional<Event> join = std::nullopt);
    // Events we made, already in log(group) and stored: pushed to the
    // subscribers.
    void published(const Id& group, const std::vector<Id>& ids);
    // We no longer hold the group (left it, or removed it): its peers are
    // told (REFUSE unknown group) and its pending events forgotten.
    void forget(const Id& group);
    // Asks the peer for its open groups with the tag; host.found answers.
    bool find(PeerId peer, const std::string& tag);
    // Call every second or so: anti-entropy, budget windows, timeouts. The
    // engine's only clock.
    void tick(SyncClock::time_point now);

    const SyncCounters& counters() const { return counters_; }
    bool subscribed(PeerId peer, const Id& group) const;  // established both ways
    std::vector<PeerId> subscribers(const Id& group) const;
    std::size_t faults(PeerId peer) const;
    std::size_t waiting(const Id& group) const;  // events in the group's pending pool

private:
    enum class Access { allowed, refused, unknown };
    struct Received {
        std::vector<Id> accepted;  // into the log, parents first
        std::size_t held = 0;
        std::size_t duplicates = 0;
        std::string bad_reason;  // of the last event the log refused, "" if none
    };

    // Dispatch: one handler per message type.
    void on(PeerId id, SyncPeer& peer, sync::Subscribe& m);
    void on(PeerId id, SyncPeer& peer, sync::Refuse& m);
    void on(PeerId id, SyncPeer& peer, sync::State& m);
    void on(PeerId id, SyncPeer& peer, sync::Events& m);
    void on(PeerId id, SyncPeer& peer, sync::Want& m);
    void on(PeerId id, SyncPeer& peer, sync::Find& m);
    void on(PeerId id, SyncPeer& peer, sync::Found& m);
    void on(PeerId id, SyncPeer& peer, sync::Have& m);

    // SUBSCRIBE with a join: nullopt if it checks out and is in the log.
    std::optional<sync::RefuseReason> admit(PeerId id, SyncPeer& peer, GroupLog& log, const GroupState& state,
                                            const Event& join);
    // Offers events to the group's pool, in order. False at the first
    // forgery: `out` then holds what got in before it.
    bool receive(GroupLog& log, const std::vector<Event>& events, Received& out);

    Access access(const SyncPeer& peer, const SyncSubscription& sub, const Id& group);
    void send(PeerId id, SyncPeer& peer, const sync::Message& m);
    void send_state(PeerId id, SyncPeer& peer, SyncSubscription& sub, const GroupLog& log);
    void send_want(PeerId id, SyncPeer& peer, SyncSubscription& sub, const Id& group, std::vector<Id> ids);
    // Sends `events` (trimmed to one batch) as one EVENTS frame; raises the
    // peer's known frontier.
    void send_events(PeerId id, SyncPeer& peer, SyncSubscription& sub, const Id& group, std::vector<Event> events,
                     bool push, bool more);
    void refuse(PeerId id, SyncPeer& peer, const Id& group, sync::RefuseReason reason);
    // Pushes our own new events to up to `fanout` subscribers lacking any.
    void push(const Id& group, const std::vector<Id>& ids);
    // HAVE of every group with news to the subscribers not known to hold
    // all of it.
    void announce();
    // Asks one subscriber that holds what we lack (`hint` first) with our
    // STATE, unless a pull of the group is under way.
    void pull(const Id& group, std::optional<PeerId> hint = std::nullopt);
    // The pull from `id` ended; another peer ahead of us is asked next.
    void pull_done(const Id& group, PeerId id, SyncSubscription& sub, bool progress);

    // Counts the fault; drops the peer past max_faults, or at once. True
    // if the peer is dropped: the caller must stop handling it.
    bool fault(PeerId id, SyncPeer& peer, SyncFault what, const std::string& why, bool at_once = false);
    void drop(PeerId id, SyncPeer& peer, const std::string& reason);
    // Counts a request; false (and a flood fault) past the window's budget.
    bool request(PeerId id, SyncPeer& peer);
    PendingPool& pool(const Id& group);
    void anti_entropy();
    void expire(PeerId id, SyncPeer& peer);

    // Runs an entry point's body, so that nothing the host throws escapes.
    template <typename Body>
    void guarded(Body body);

    PublicKey self_;
    SyncHost& host_;
    SyncOptions options_;
    SyncClock::time_point now_{};
    std::optional<SyncClock::time_point> next_anti_entropy_;
    std::optional<SyncClock::time_point> next_announce_;
    struct Pull {
        PeerId peer = 0;
        SyncClock::time_point due{};
    };
    std::map<Id, Pull> pulls_;  // one at a time per group
    std::set<Id> news_;         // groups that took events from peers since the last HAVE
    std::map<PeerId, SyncPeer> peers_;
    std::map<Id, PendingPool> pools_;
    std::mt19937_64 rng_;
    SyncCounters counters_;
};

}  // namespace coop::group
