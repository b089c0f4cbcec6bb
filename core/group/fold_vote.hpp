#pragma once
// The decisions' part of the fold (fold.hpp): proposals, ballots, their
// close and what a passed proposal does. The fold calls it only with
// members' events, in canonical order, so every member that holds the same
// events records the same decisions with the same tallies.
//
// Rules (coop(7), DECISIONS):
// - A proposal counts if its body parses (body_vote.hpp) and it closes
//   after it was made, within max_open_ms.
// - A ballot belongs to the proposal it names; one for an unknown proposal
//   is ignored. Until the close every ballot is kept; the tally decides
//   which count (core/vote/tally.hpp: the last per voter, none signed at
//   or after the closing time, none from a non-member).
// - The first close event in canonical order that names a proposal and is
//   signed at or after its closing time closes it: the tally is taken then,
//   over the ballots before it in canonical order and the members of that
//   moment, and is final. Ballots after it are kept as after_close and
//   never counted; a close signed too early, or a second close, is
//   ignored.
// - The outcome acts at the close when the proposal passed: consent
//   passed, or the first option (yes) won outright. A win only by the tie
//   lot does not act: a lot may pick a plain decision's option, but it
//   admits, removes or changes nobody. A proposal without an action is a
//   plain decision: its effect is "decided", whatever the outcome.
#include <string>

#include "core/group/event.hpp"
#include "core/group/state.hpp"

namespace coop::group {

class VoteFold {
public:
    // Each returns "" when the event counted, else why the fold ignores it.
    std::string proposal(const Id& id, const Event& e, GroupState& state);
    std::string ballot(const Id& id, const Event& e, GroupState& state);
    // A close naming `of`; holds() says whether `of` is a proposal.
    bool holds(const Id& of, const GroupState& state) const;
    std::string close(const Id& of, const Id& id, const Event& e, GroupState& state);
};

// Whether a closed decision's outcome is one that acts (see above).
bool passed(const Decision& decision);

}  // namespace coop::group
