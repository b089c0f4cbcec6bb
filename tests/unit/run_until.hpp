#pragma once
// Runs an io_context until a condition holds, with a deadline: how the
// tests wait, never by sleeping.
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>

namespace coop::test {

// False if `limit` passed first. Looks at `done` after every handler, and
// at least every 100 ms (for conditions other threads make true).
template <class Done>
bool run_until(boost::asio::io_context& io, Done done, std::chrono::milliseconds limit) {
    using namespace std::chrono_literals;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return false;
        if (io.stopped()) io.restart();
        io.run_one_for(std::min<std::chrono::steady_clock::duration>(deadline - now, 100ms));
    }
    return true;
}

}  // namespace coop::test
