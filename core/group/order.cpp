#include "core/group/order.hpp"

#include <algorithm>
#include <queue>

namespace coop::group {

std::vector<std::size_t> canonical_order(const NumberedEvents& events) {
    const std::size_t n = events.ids.size();
    // Children by parent, laid out flat: children[children_begin[p]] up to
    // children[children_begin[p + 1]] name p as a parent, in number order.
    std::vector<std::size_t> waiting_on(n, 0);
    std::vector<std::size_t> children_begin(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        waiting_on[i] = events.parents_begin[i + 1] - events.parents_begin[i];
        for (std::size_t k = events.parents_begin[i]; k < events.parents_begin[i + 1]; ++k)
            ++children_begin[events.parents[k] + 1];
    }
    for (std::size_t p = 0; p < n; ++p) children_begin[p + 1] += children_begin[p];
    std::vector<std::size_t> children(children_begin[n]);
    std::vector<std::size_t> filled(children_begin.begin(), children_begin.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = events.parents_begin[i]; k < events.parents_begin[i + 1]; ++k)
            children[filled[events.parents[k]]++] = i;

    // A min-heap by id of the events whose parents are all placed; it holds
    // the heads being merged, so it stays small.
    const auto later = [&ids = events.ids](std::size_t a, std::size_t b) { return ids[b] < ids[a]; };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> ready(later);
    for (std::size_t i = 0; i < n; ++i)
        if (waiting_on[i] == 0) ready.push(i);
    std::vector<std::size_t> out;
    out.reserve(n);
    while (!ready.empty()) {
        const std::size_t i = ready.top();
        ready.pop();
        out.push_back(i);
        for (std::size_t k = children_begin[i]; k < children_begin[i + 1]; ++k)
            if (--waiting_on[children[k]] == 0) ready.push(children[k]);
    }
    return out;
}

std::vector<Id> canonical_order(const std::map<Id, Event>& events) {
    // Numbered in id order, so a parent's number is found by binary search.
    std::vector<Id> ids;
    ids.reserve(events.size());
    for (const auto& [id, e] : events) ids.push_back(id);
    std::vector<std::size_t> parents_begin{0};
    parents_begin.reserve(events.size() + 1);
    std::vector<std::size_t> parents;
    for (const auto& [id, e] : events) {
        for (const auto& p : e.parents) {
            auto at = std::lower_bound(ids.begin(), ids.end(), p);
            if (at != ids.end() && *at == p) parents.push_back(static_cast<std::size_t>(at - ids.begin()));
        }
        parents_begin.push_back(parents.size());
    }
    std::vector<Id> out;
    out.reserve(ids.size());
    for (std::size_t i : canonical_order(NumberedEvents{ids, parents_begin, parents})) out.push_back(ids[i]);
    return out;
}

}  // namespace coop::group
