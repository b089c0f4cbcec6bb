#pragma once
// The group's rules: a pure, deterministic fold of the events in canonical
// order (order.hpp) into a GroupState. No clock, no randomness, no I/O:
// every member holding the same events computes the same state. Events the
// rules do not allow are ignored and counted by reason, never thrown.
#include "core/group/log.hpp"
#include "core/group/state.hpp"

namespace coop::group {

GroupState fold(const GroupLog& log);

}  // namespace coop::group
