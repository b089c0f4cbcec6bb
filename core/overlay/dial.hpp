#pragma once
// Opening links: a TCP connect that gives up in time, and the same
// followed by the handshake, handing over a link that is open.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/identity.hpp"
#include "core/overlay/link.hpp"

namespace coop::overlay {

// `done` gets the connected socket and an empty error, or a one-line
// reason ("cannot reach 127.0.0.1:4444: Connection refused").
using Dialed = std::function<void(const std::string& error, boost::asio::ip::tcp::socket socket)>;
// `from`, unless unspecified, is the local address to dial from.
void dial(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
          std::chrono::milliseconds timeout, Dialed done, const boost::asio::ip::address& from = {});

// Dials, then shakes hands as the dialer, each within
// options.handshake_timeout. `done` runs once: with the open link (set its
// on_frame and on_closed there), or with null and the reason.
using LinkOpened = std::function<void(std::shared_ptr<Link> link, const std::string& error)>;
void dial_link(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, const Identity& identity,
               std::optional<Identity::PublicKey> expected, LinkOptions options, LinkOpened done);

}  // namespace coop::overlay
