#pragma once
// coopd's life: take the COOP_HOME lock, open the store, start the engine
// and the RPC server on one event loop, report readiness to whoever started
// us, and shut down cleanly on SIGTERM, SIGINT or agent.stop.
#include "core/agent/settings.hpp"
#include "core/home.hpp"

namespace coop::agent {

struct RunOptions {
    SettingsOverride overrides;
    int ready_fd = -1;  // write "ok\n" or "error: REASON\n" here, then close it
};

// Runs the agent until it is stopped; returns the process exit code.
int run_agent(const Home& home, const RunOptions& options);

}  // namespace coop::agent
