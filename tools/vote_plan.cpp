#include "tools/vote_plan.hpp"

#include <CLI/CLI.hpp>

namespace coop::tools {

std::function<int()> add_plan_commands(CLI::App& vote) {
    auto* plan = vote.add_subcommand("plan", "participatory planning of the group's shared resources");
    return [plan]() -> int { return *plan ? 2 : -1; };
}

}  // namespace coop::tools
