#pragma once
// The tie rule, the same for every method and computed identically by
// every member: options that tie are ordered by lot, and the lot is
// BLAKE2b-256("coop-vote-tie" 0x00 proposal-id 0x00 option), the smallest
// digest (compared as bytes) first. The seed is the proposal's event id, so
// the order is fixed once the proposal is signed and cannot be read from
// the order its author wrote the options in. Equal digests (never seen)
// fall back to the options' positions in the proposal.
#include <string>
#include <vector>

#include "core/vote/proposal.hpp"

namespace coop::vote {

// The lot of an option: its digest as lower-case hex (shown in the tally).
std::string tie_lot(const Proposal& proposal, const std::string& option);

// The proposal's options, each once, in tie order: the first of tied
// options is the one that wins.
std::vector<std::string> tie_order(const Proposal& proposal);

// `options` sorted into tie order (each must be an option of the proposal).
std::vector<std::string> in_tie_order(const Proposal& proposal, std::vector<std::string> options);

}  // namespace coop::vote
