#pragma once
// The canonical topological order of a set of events: Kahn's algorithm,
// taking among the events whose parents are all placed the one with the
// smallest id. The same set gives the same order, whatever order it arrived
// in, so every member folds the same state.
#include <cstddef>
#include <map>
#include <vector>

#include "core/group/event.hpp"

namespace coop::group {

// Parents outside the set count as placed (a log holds only whole
// histories, so it has none).
std::vector<Id> canonical_order(const std::map<Id, Event>& events);

// A set of events numbered 0..n-1: event i has the id ids[i], and the
// numbers of its parents in the set are parents[parents_begin[i]] up to,
// not including, parents[parents_begin[i + 1]] (so parents_begin has n + 1
// entries). Parents outside the set are simply not listed.
struct NumberedEvents {
    const std::vector<Id>& ids;
    const std::vector<std::size_t>& parents_begin;
    const std::vector<std::size_t>& parents;
};

// The canonical order as event numbers: what a log whose events are
// numbered already uses, without a lookup per parent.
std::vector<std::size_t> canonical_order(const NumberedEvents& events);

}  // namespace coop::group
