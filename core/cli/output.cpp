#include "core/cli/output.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "core/home.hpp"
#include "core/rpc/client.hpp"

namespace coop::cli {

void error(const std::string& program, const std::string& message) {
    std::fflush(stdout);
    std::cerr << program << ": " << message << std::endl;
}

int parse(CLI::App& app, const std::string& program, int argc, char** argv) {
    const auto commands = app.get_subcommands([](CLI::App*) { return true; });
    if (!commands.empty() && argc > 1 && argv[1][0] != '-' &&
        std::none_of(commands.begin(), commands.end(), [&](const CLI::App* c) { return c->get_name() == argv[1]; })) {
        error(program, std::string("'") + argv[1] + "' is not a " + program + " command; see " + program + " --help");
        return usage;
    }
    try {
        app.parse(argc, argv);
        return -1;
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // Name the subcommand whose --help tells what it takes.
        const auto parsed = app.get_subcommands();
        const std::string command = parsed.empty() ? program : program + " " + parsed.back()->get_name();
        error(program, std::string(e.what()) + " (see " + command + " --help)");
        return usage;
    }
}

int guarded(const std::string& program, const std::function<int()>& body) {
    try {
        return body();
    } catch (const rpc::AgentLost& e) {
        error(program, std::string(e.what()) + ": the agent stopped or crashed; see " + Home::resolve().log().string() +
                           " and run the command again");
    } catch (const std::exception& e) {
        error(program, e.what());
    }
    return failure;
}

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool stdout_is_tty() { return ::isatty(1) == 1; }
bool stderr_is_tty() { return ::isatty(2) == 1; }

void print_json(const nlohmann::json& value) {
    std::cout << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace coop::cli
