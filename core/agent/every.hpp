#pragma once
// A clock of the agent's loop: runs `work` every `interval` until the timer
// is cancelled or `stopped()` says so. What `work` throws is logged under
// `what` and the clock goes on: one bad turn must not stop it for good.
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <string>

namespace coop::agent {

template <typename Stopped, typename Work>
void every(boost::asio::steady_timer& timer, std::chrono::milliseconds interval, Stopped stopped, Work work,
           std::string what) {
    timer.expires_after(interval);
    timer.async_wait([&timer, interval, stopped, work, what = std::move(what)](const boost::system::error_code& ec) mutable {
        if (ec || stopped()) return;
        try {
            work();
        } catch (const std::exception& e) {
            spdlog::error("{}: {}", what, e.what());
        }
        every(timer, interval, std::move(stopped), std::move(work), std::move(what));
    });
}

}  // namespace coop::agent
