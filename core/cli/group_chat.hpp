#pragma once
// `coop group chat G`: the group's chat as it happens, and a line to post
// from. On a terminal the input line is drawn by LineEditor and incoming
// lines appear above it; otherwise (a pipe, a file) each input line is
// posted and each incoming event printed as a line.
//
// Two connections to the agent: one follows the group's log (group.log
// with follow, on its own thread, since a call blocks until it ends), the
// other posts and asks.
#include <string>

#include "core/home.hpp"

namespace coop::cli {

// Runs the chat until /quit, /leave, Ctrl-D or Ctrl-C, the end of the
// input, or the group being left. Returns the exit code: 0, or 1 when a
// post failed in line mode. Throws what the first calls throw (no such
// group, no agent).
int run_group_chat(const Home& home, const std::string& group);

}  // namespace coop::cli
