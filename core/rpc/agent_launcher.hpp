#pragma once
// Starts coopd in the background for a COOP_HOME and waits until it is
// ready (listening and answering) or has failed, with its reason.
#include <chrono>
#include <string>
#include <vector>

#include "core/home.hpp"

namespace coop::rpc {

// `args` are coopd options (e.g. "--listen", "127.0.0.2:0"). Throws
// std::runtime_error with the agent's own one-line reason when it fails.
void start_agent(const Home& home, const std::vector<std::string>& args);

// The coopd to run: the one beside this program, else "coopd" from PATH.
std::string agent_program();

// Waits until no agent holds the COOP_HOME lock (it has exited: the lock
// dies with the process). False at the deadline.
bool wait_for_agent_exit(const Home& home, std::chrono::milliseconds deadline);

}  // namespace coop::rpc
