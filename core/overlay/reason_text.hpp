#pragma once
// How the overlay's reasons print what they name: endpoints
// ("127.0.0.1:4444", "[::1]:4444", an IPv4 peer on a dual-stack socket as
// plain IPv4), durations ("10 s", "150 ms") and keys ("3fa9c2d1…").
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <string>

#include "core/identity.hpp"

namespace coop::overlay {

std::string address_text(const boost::asio::ip::tcp::endpoint& endpoint);
std::string duration_text(std::chrono::milliseconds duration);
std::string short_key(const Identity::PublicKey& key);

}  // namespace coop::overlay
