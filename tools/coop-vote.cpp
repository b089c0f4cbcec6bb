// coop vote: participatory decision making and planning. This main only
// carries the planning subcommands (tools/vote_plan.cpp); the decisions'
// subcommands join it here.
#include <CLI/CLI.hpp>

#include "core/cli/output.hpp"
#include "tools/vote_plan.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Participatory decision making and planning in a group", "coop vote"};
    app.require_subcommand(1);
    auto plan = coop::tools::add_plan_commands(app);
    if (int code = coop::cli::parse(app, "coop vote", argc, argv); code >= 0) return code;
    const int code = plan();
    return code >= 0 ? code : coop::cli::usage;
}
