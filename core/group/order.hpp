#pragma once
// The canonical topological order of a set of events: Kahn's algorithm,
// taking among the events whose parents are all placed the one with the
// smallest id. The same set gives the same order, whatever order it arrived
// in, so every member folds the same state.
#include <map>
#include <vector>

#include "core/group/event.hpp"

namespace coop::group {

// Parents outside the set count as placed (a log holds only whole
// histories, so it has none).
std::vector<Id> canonical_order(const std::map<Id, Event>& events);

}  // namespace coop::group
