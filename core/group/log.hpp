#pragma once
// One group's history as this member holds it: a DAG of events, each
// checked before it is accepted. Networking stays outside: the sync asks
// for heads, frontiers and what a peer lacks, and offers what it receives.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/group/event.hpp"

namespace coop::group {

struct AddResult {
    enum class Status { accepted, duplicate, missing_parents, rejected };
    // Which rule refused an event (or kept it waiting): for callers and
    // counters, which must not parse `reason`. Numbers are only in-process.
    enum class Reason : std::uint8_t {
        none,             // accepted or duplicate
        malformed,        // parents unsorted or absent, a malformed genesis
        oversize,         // a body or parent list past its bound
        unknown_group,    // another group's event, or another group's genesis
        bad_signature,    // forged: the author did not sign this
        missing_parent,   // missing_parents: it waits for them
        bad_sequence,     // not the next of its author's chain
        time_before_parent,
        from_the_future,  // stamped past the receiver's clock + max_future_ms
        cycle,            // names itself; cannot be written (ids hash parents), checked anyway
        not_member,       // a closed group's non-member, by the event and its author's chain (admission.hpp)
    };
    Status status = Status::rejected;
    Id id{};                  // the event's id; zero if refused before hashing
    std::vector<Id> missing;  // missing_parents: the parents to pull, ascending
    std::string reason;       // rejected: one line, e.g. "bad signature"
    Reason cause = Reason::none;

    bool accepted() const { return status == Status::accepted; }
};
inline constexpr std::size_t add_reason_count = 11;

const char* to_string(AddResult::Status status);
// "bad_signature": a key for counters.
const char* to_string(AddResult::Reason reason);

// How far past the receiver's clock an event may be stamped (clocks differ,
// but not by this much). Later ones are refused until that time comes.
inline constexpr std::int64_t max_future_ms = 10 * 60 * 1000;

// For hash maps keyed by event id. Ids are hashes, but anyone can grind
// them, so the buckets come from SipHash under a key drawn once per process:
// nobody outside can aim events at one bucket.
struct IdHash {
    std::size_t operator()(const Id& id) const;
};

class GroupLog {
public:
    // Per author: the highest sequence number held. An author's events form
    // a chain through their parents, so holding seq n means holding 1..n.
    using Frontier = std::map<PublicKey, std::uint64_t>;

    // What an author's next event needs: see next_for.
    struct Next {
        std::uint64_t seq = 1;
        std::vector<Id> parents;
        std::int64_t time_ms = 0;
    };

    // A log for the group whose genesis event has this id. The genesis must
    // be the first event accepted: every other event descends from it.
    explicit GroupLog(const Id& group);

    const Id& group() const { return group_; }

    // Checks, in order: shape and bounds, duplicate, group, signature,
    // time (only given `now_ms`, the receiver's clock in ms since the
    // epoch: events from peers get it, events from our own store do not),
    // parents present, the author's chain, time after the parents. Cost
    // besides the one hash and one ed25519 verify: a hash lookup per parent
    // and a copy of the event.
    AddResult add(const Event& event, std::optional<std::int64_t> now_ms = std::nullopt);
    // add() for each, in order; one result each.
    std::vector<AddResult> add_all(const std::vector<Event>& events,
                                   std::optional<std::int64_t> now_ms = std::nullopt);
    // Our own next event (next_for at now_ms), signed here with `author`
    // and added without verifying the signature just made. Everything else
    // goes through add().
    struct Appended {
        AddResult result;
        Event event;
    };
    Appended append(const coop::Identity& author, Kind kind, std::string body, std::int64_t now_ms);
    // The checks that need no other event: shape and bounds, id, signature.
    // "accepted" here means it passed them. For benchmarks and early
    // refusal of hostile frames.
    static AddResult verify_only(const Event& event);

    bool has(const Id& id) const { return position_.count(id) != 0; }
    const Event* get(const Id& id) const;  // nullptr if not held
    std::size_t size() const { return events_.size(); }
    // The event at this position of arrival_order(), which must be below size().
    const Event& at(std::size_t position) const { return events_[position]; }

    // Events no other event names as a parent, ascending.
    std::vector<Id> heads() const;
    Frontier frontier() const;
    // Events the holder of `theirs` lacks, parents first, at most `limit`.
    // Any prefix of the answer can be added in order without waiting. (Of
    // a fork, a peer whose frontier passed the fork's seq gets neither side:
    // heads exchange finds it.) Costs O(authors + limit) log, not the log's
    // size: a sync batch by batch stays linear.
    std::vector<Event> after(const Frontier& theirs, std::size_t limit) const;
    // The canonical topological order (order.hpp) the state is folded in.
    std::vector<Id> canonical_order() const;
    // The same order as positions in arrival_order(), for at(): the fold
    // walks it without looking ids up.
    std::vector<std::size_t> canonical_positions() const;
    // Ids in the order this log accepted them: parents always first.
    const std::vector<Id>& arrival_order() const { return arrival_; }
    // Authors who signed two different events with one sequence number.
    const std::set<PublicKey>& equivocators() const { return equivocators_; }

    // The sequence number, parents and time for the author's next event:
    // their latest event plus the other heads (at most max_parents), stamped
    // max(now, newest parent + 1).
    Next next_for(const PublicKey& author, std::int64_t now_ms) const;

private:
    friend class PendingPool;
    // One author's event, in the order the log accepted them.
    struct Authored {
        std::size_t position = 0;   // in arrival_ (not a pointer: a copied log must not share it)
        std::uint64_t seq = 0;
        std::uint64_t highest = 0;  // the highest seq of this and earlier entries: sorted, so searchable
    };
    struct Author {
        std::vector<Authored> events;  // never empty; events.back().highest is their frontier
        Id latest{};                   // their event at the highest seq (smallest id on a fork)
    };
    // The checks that need the other events, then the insertion. The
    // signature has been checked already.
    AddResult attach(const Event& event, const Id& id);
    // attach() once the id is known not to be held.
    AddResult attach_new(const Event& event, const Id& id);

    Id group_;
    // By arrival position: events_[i] has the id arrival_[i], and the
    // positions of its parents are parent_positions_ from parents_begin_[i]
    // to parents_begin_[i + 1]. A deque, so get() pointers stay valid as the
    // log grows.
    std::deque<Event> events_;
    std::vector<Id> arrival_;
    std::vector<std::size_t> parents_begin_{0};
    std::vector<std::size_t> parent_positions_;
    std::unordered_map<Id, std::size_t, IdHash> position_;  // id -> arrival position
    std::map<PublicKey, Author> authors_;
    std::set<Id> heads_;
    std::set<PublicKey> equivocators_;
    bool closed_ = false;         // the genesis says so: admission.hpp's rules apply
    std::vector<bool> in_group_;  // by arrival position: its author is in the group after it, by its own chain
};

}  // namespace coop::group
