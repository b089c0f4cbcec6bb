#pragma once
// Whether a proposal, and a ballot's choice for it, can be counted: each
// answer is nullopt or one line saying what is wrong, for a local error
// before anything is signed and for the tally's list of ignored ballots.
#include <optional>
#include <string>

#include "core/vote/proposal.hpp"

namespace coop::vote {

// A proposal is countable when: consent has no options and every other
// method has at least 2; options are non-empty and distinct; quorum and
// unaffected_say are within 0 .. full_say.
std::optional<std::string> proposal_problem(const Proposal& proposal);

// A choice is countable when it is the kind of the proposal's method and:
//   majority  names an option;
//   approval  names options, each at most once (none is a valid ballot);
//   consent   an objection has a reason that is not only blanks;
//   ranked    names at least one option, each at most once;
//   score     scores every option exactly once, each min_score .. max_score.
std::optional<std::string> choice_problem(const Proposal& proposal, const Choice& choice);

}  // namespace coop::vote
