#pragma once
// ADDR:PORT as users type it on the command line ("127.0.0.2:6881",
// "[::1]:0"). The address must be a literal IP: the agent binds and
// connects to exactly what the user named.
#include <cstdint>
#include <optional>
#include <string>

namespace coop {

struct Endpoint {
    std::string address;  // without brackets
    std::uint16_t port = 0;

    bool is_v6() const { return address.find(':') != std::string::npos; }
    // "1.2.3.4:5" or "[::1]:5"
    std::string to_string() const;
    // Loopback or a private (RFC 1918 / ULA / link-local) range.
    bool is_local_network() const;
    bool is_unspecified() const;
};

// Parses ADDR:PORT; on failure returns nullopt and sets `error` to a one-line
// reason.
std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& error);

}  // namespace coop
