#pragma once
// One group's history as this member holds it: a DAG of events, each
// checked before it is accepted. Networking stays outside: the sync asks
// for heads, frontiers and what a peer lacks, and offers what it receives.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/group/event.hpp"

namespace coop::group {

struct AddResult {
    enum class Status { accepted, duplicate, missing_parents, rejected };
    Status status = Status::rejected;
    Id id{};                  // the event's id; zero if refused before hashing
    std::vector<Id> missing;  // missing_parents: the parents to pull, ascending
    std::string reason;       // rejected: one line, e.g. "bad signature"

    bool accepted() const { return status == Status::accepted; }
};

const char* to_string(AddResult::Status status);

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
    // parents present, the author's chain, time. Cost besides the one hash
    // and one ed25519 verify: a few map lookups per parent.
    AddResult add(const Event& event);
    // add() for each, in order; one result each.
    std::vector<AddResult> add_all(const std::vector<Event>& events);
    // The checks that need no other event: shape and bounds, id, signature.
    // "accepted" here means it passed them. For benchmarks and early
    // refusal of hostile frames.
    static AddResult verify_only(const Event& event);

    bool has(const Id& id) const { return events_.count(id) != 0; }
    const Event* get(const Id& id) const;  // nullptr if not held
    std::size_t size() const { return events_.size(); }

    // Events no other event names as a parent, ascending.
    std::vector<Id> heads() const;
    Frontier frontier() const { return frontier_; }
    // Events the holder of `theirs` lacks, parents first, at most `limit`.
    // Any prefix of the answer can be added in order without waiting. (Of
    // a fork, a peer whose frontier passed the fork's seq gets neither side:
    // heads exchange finds it.)
    std::vector<Event> after(const Frontier& theirs, std::size_t limit) const;
    // The canonical topological order (order.hpp) the state is folded in.
    std::vector<Id> canonical_order() const;
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
    // The checks that need the other events, then the insertion. The
    // signature has been checked already.
    AddResult attach(const Event& event, const Id& id);

    Id group_;
    std::map<Id, Event> events_;
    std::vector<Id> arrival_;
    std::set<Id> heads_;
    Frontier frontier_;
    std::map<PublicKey, Id> latest_;  // per author: its event at the highest seq (smallest id on a fork)
    std::set<PublicKey> equivocators_;
};

}  // namespace coop::group
