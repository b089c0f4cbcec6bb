#pragma once
// Events that arrived before their parents, held (within a bound on count
// and bytes) until the parents come, then given to the log. Offer every
// event through the pool: then events delivered in any order all end up in
// the log.
#include <cstddef>
#include <map>
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
    };

    explicit PendingPool(std::size_t max_events = 10'000, std::size_t max_bytes = 64u << 20);

    Offer offer(GroupLog& log, const Event& event);

    // Parents to pull: named by held events, neither held nor in the log.
    std::vector<Id> wanted(const GroupLog& log) const;
    bool holds(const Id& id) const { return held_.count(id) != 0; }
    std::size_t size() const { return held_.size(); }
    std::size_t bytes() const { return bytes_; }
    void clear();

private:
    struct Held {
        Event event;
        std::size_t bytes = 0;
    };
    void hold(const Event& event, const AddResult& result, Offer& out);
    void release(GroupLog& log, const Id& arrived, Offer& out);

    std::size_t max_events_;
    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    std::map<Id, Held> held_;                   // the signatures of these have been checked
    std::map<Id, std::vector<Id>> waiting_on_;  // missing parent -> held events naming it
};

}  // namespace coop::group
