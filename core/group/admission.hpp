#pragma once
// Who may write into a closed group, as far as one event and its author's
// own chain show it. These rules need no other member's events, so every
// member applies them at intake (log.cpp) and refuses the same events: a
// non-member's events are not stored, not counted as held, not relayed.
// What needs the group's state (is the inviter a member? was a single-use
// invite used already?) stays the fold's.
//
// A closed group's newcomer comes in with a join carrying an invite; an
// author whose chain holds no join since its last leave is a non-member.
// (Admission by vote must still enter as the newcomer's join, naming the
// vote, or members would refuse its events.)
#include <string>

#include "core/group/event.hpp"

namespace coop::group {

// Why `join` lets nobody into the closed group `group`, as the fold says
// it: "malformed join body", "join without an invite", "invite for another
// group", "invite expired", "bad invite signature"; "" when the invite may
// let its author in.
std::string closed_join_problem(const Id& group, const Event& join);

// Whether an event of this kind leaves its author in the group (by the
// author's own chain) when it was in before it or not.
bool in_group_after(Kind kind, bool was_in);

}  // namespace coop::group
