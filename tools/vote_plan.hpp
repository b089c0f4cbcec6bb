#pragma once
// `coop vote plan ...`: the planning subcommands of coop vote, kept apart
// from the decisions' (coop-vote.cpp) so each file has one concern.
#include <functional>

namespace CLI {
class App;
}

namespace coop::tools {

// Adds `plan` and its subcommands (start, offer, request, close, show) to
// `vote`. Returns what runs the chosen one once the command line is parsed
// and returns its exit code, or -1 when `plan` was not chosen.
std::function<int()> add_plan_commands(CLI::App& vote);

}  // namespace coop::tools
