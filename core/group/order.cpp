#include "core/group/order.hpp"

#include <algorithm>
#include <functional>
#include <queue>

namespace coop::group {

std::vector<Id> canonical_order(const std::map<Id, Event>& events) {
    // Index i is the i-th smallest id, so a min-heap of indexes hands out the
    // smallest ready id.
    std::vector<Id> ids;
    ids.reserve(events.size());
    for (const auto& [id, e] : events) ids.push_back(id);

    std::vector<std::size_t> waiting_on(ids.size(), 0);
    std::vector<std::vector<std::size_t>> children(ids.size());
    std::size_t i = 0;
    for (const auto& [id, e] : events) {
        for (const auto& p : e.parents) {
            auto at = std::lower_bound(ids.begin(), ids.end(), p);
            if (at == ids.end() || *at != p) continue;
            children[static_cast<std::size_t>(at - ids.begin())].push_back(i);
            ++waiting_on[i];
        }
        ++i;
    }

    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
    for (std::size_t k = 0; k < ids.size(); ++k)
        if (waiting_on[k] == 0) ready.push(k);
    std::vector<Id> out;
    out.reserve(ids.size());
    while (!ready.empty()) {
        const std::size_t k = ready.top();
        ready.pop();
        out.push_back(ids[k]);
        for (std::size_t c : children[k])
            if (--waiting_on[c] == 0) ready.push(c);
    }
    return out;
}

}  // namespace coop::group
