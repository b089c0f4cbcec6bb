#pragma once
// The agent's answers about decisions (vote.list, vote.show) as text for
// people. Titles, options and reasons come from other members, so each is
// made printable first; a field of the wrong type reads as empty.
#include <string>

#include <nlohmann/json.hpp>

#include "core/cli/group_text.hpp"
#include "core/cli/table.hpp"

namespace coop::cli {

// One line for a proposal's state: "open, closes in 2h", "closed: pizza
// won", "closed: passed, admitted".
std::string decision_state_text(const nlohmann::json& summary, std::int64_t now_ms);

// vote.list: id, group, title, method, state, voters, whether we voted.
Table decisions_table(const nlohmann::json& proposals, const Viewer& viewer);

// vote.show: the proposal, its options, who voted with what say, the
// running tally or the outcome, late and ignored ballots.
std::string decision_text(const nlohmann::json& decision, const Viewer& viewer);

}  // namespace coop::cli
