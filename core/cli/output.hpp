#pragma once
// What every coop command shares on the way out: exit codes, one-line
// errors on stderr, argument parsing errors, and JSON for scripts.
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace CLI {
class App;
}

namespace coop::cli {

// Exit codes (coop(1), EXIT STATUS).
inline constexpr int ok = 0;
inline constexpr int failure = 1;
inline constexpr int usage = 2;
inline constexpr int interrupted = 130;

// Prints "PROGRAM: MESSAGE" to stderr.
void error(const std::string& program, const std::string& message);

// Parses the command line. Returns -1 to go on, or the exit code to return
// at once (0 after --help, 2 after a usage error, printed in one line).
int parse(CLI::App& app, const std::string& program, int argc, char** argv);

// Runs a command's body and turns whatever it throws into a one-line error
// and exit code 1: no stack traces, ever.
int guarded(const std::string& program, const std::function<int()>& body);

// The wall clock, unix milliseconds: what the agent's times are compared with.
std::int64_t now_ms();

bool stdout_is_tty();
bool stderr_is_tty();

void print_json(const nlohmann::json& value);

}  // namespace coop::cli
