#pragma once
// Starts coopd in the background for a COOP_HOME and waits until it is
// ready (listening and answering) or has failed, with its reason.
#include <string>
#include <vector>

#include "core/home.hpp"

namespace coop::rpc {

// `args` are coopd options (e.g. "--listen", "127.0.0.2:0"). Throws
// std::runtime_error with the agent's own one-line reason when it fails.
void start_agent(const Home& home, const std::vector<std::string>& args);

// The coopd to run: the one beside this program, else "coopd" from PATH.
std::string agent_program();

}  // namespace coop::rpc
