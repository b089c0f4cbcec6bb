#pragma once
// Events that arrived before their parents, held (within bounds on count,
// bytes and per author) until the parents come, then given to the log.
// Offer every event through the pool: then events delivered in any order
// all end up in the log.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/group/log.hpp"

namespace coop::group {

class PendingPool {
public:
    struct Offer {
        AddResult result;                // of the offered event
        bool held = false;               // missing parents, and kept here until they come
        std::vector<Id> accepted;        // every event this offer got into the log, parents first
        std::vector<AddResult> refused;  // released events the log then rejected
        std::vector<Id> evicted;         // held events pushed out to make room for this one
    };

    // At most `max_events` and `max_bytes` held, and `max_per_author` of
    // any one author (0: a quarter of max_events), so that an author
    // flooding orphans pushes out only its own.
    explicit PendingPool(std::size_t max_events = 10'000, std::size_t max_bytes = 64u << 20,
                         std::size_t max_per_author = 0);

    // `now_ms` as for GroupLog::add: the receiver's clock, for events from
    // peers.
    Offer offer(GroupLog& log, const Event& event, std::optional<std::int64_t> now_ms = std::nullopt);

    // Drops what waited longer than `max_wait_ms` by the clock of offer()
    // (events offered without one never expire): parents that never came
    // are not asked for forever. The ids dropped.
    std::vector<Id> expire(std::int64_t now_ms, std::int64_t max_wait_ms);

    // Parents to pull: named by held events, neither held nor in the log.
    std::vector<Id> wanted(const GroupLog& log) const;
    bool holds(const Id& id) const { return held_.count(id) != 0; }
    std::size_t size() const { return held_.size(); }
    std::size_t bytes() const { return bytes_; }
    std::size_t held_by(const PublicKey& author) const;
    std::size_t max_per_author() const { return max_per_author_; }
    // Held events pushed out since the pool was made.
    std::uint64_t evictions() const { return evictions_; }
    void clear();

private:
    struct Held {
        Event event;
        std::size_t bytes = 0;
        std::uint64_t order = 0;  // of arrival: lower is older
        std::optional<std::int64_t> arrived_ms;
    };
    using HeldMap = std::map<Id, Held>;

    void hold(const Event& event, const AddResult& result, std::optional<std::int64_t> now_ms, Offer& out);
    void release(GroupLog& log, const Id& arrived, Offer& out);
    void evict(std::uint64_t order, Offer& out);
    // Removes a held event from every index; its event.
    Event take(HeldMap::iterator it);

    std::size_t max_events_;
    std::size_t max_bytes_;
    std::size_t max_per_author_;
    std::size_t bytes_ = 0;
    std::uint64_t next_order_ = 0;
    std::uint64_t evictions_ = 0;
    HeldMap held_;                                            // the signatures of these have been checked
    std::map<std::uint64_t, Id> by_age_;                      // order -> held id, oldest first
    std::map<PublicKey, std::set<std::uint64_t>> by_author_;  // author -> orders of their held events
    std::map<Id, std::set<Id>> waiting_on_;                   // missing parent -> held events naming it
};

}  // namespace coop::group
