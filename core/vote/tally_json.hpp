#pragma once
// A tally as JSON, for `coop vote show --json` and the agent's answers:
// deterministic (keys sorted, lists in the tally's order, say and means as
// decimals of at most 6 places computed in whole millionths), so members
// holding the same ballots print the same bytes.
//
// {"proposal", "method", "closes_ms", "closed",
//  "status": "open" before the close, else the outcome's status,
//  "outcome" once closed, or "standing" before: {"status", "winner" (null
//      unless won), "tied"},
//  "eligible", "cast", "quorum", "turnout" (cast / eligible), "quorum_met",
//  "counted": [{"voter", "ballot", "say"}], "superseded": [ids],
//  "late": [{"ballot", "voter", "signed_ms"}],
//  "ignored": [{"ballot", "voter", "reason"}],
//  "tie_order": [options],
//  majority, approval: "support": {option: say},
//  score:   "scores": {option: {"sum": say x points, "mean": sum / cast}},
//  consent: "consents": say, "objections": [{"voter", "reason"}],
//  ranked:  "pairwise": {i: {j: d[i][j]}}, "strongest": {i: {j: p[i][j]}},
//           "ranking": [[tier], ...]}
// and "problem" instead of the counts when the proposal cannot be counted.
#include <nlohmann/json.hpp>

#include "core/vote/proposal.hpp"
#include "core/vote/tally.hpp"

namespace coop::vote {

nlohmann::json to_json(const Proposal& proposal, const Tally& tally);

}  // namespace coop::vote
