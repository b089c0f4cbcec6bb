#include "core/endpoint.hpp"

#include <arpa/inet.h>
#include <charconv>

namespace coop {

std::string Endpoint::to_string() const {
    return is_v6() ? "[" + address + "]:" + std::to_string(port) : address + ":" + std::to_string(port);
}

bool Endpoint::is_unspecified() const { return address == "0.0.0.0" || address == "::"; }

bool Endpoint::is_local_network() const {
    if (is_v6()) {
        in6_addr a{};
        if (inet_pton(AF_INET6, address.c_str(), &a) != 1) return false;
        if (IN6_IS_ADDR_V4MAPPED(&a)) {
            char v4[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &a.s6_addr[12], v4, sizeof v4);
            return Endpoint{v4, port}.is_local_network();
        }
        if (IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_LINKLOCAL(&a)) return true;
        return (a.s6_addr[0] & 0xfe) == 0xfc;  // fc00::/7
    }
    in_addr a{};
    if (inet_pton(AF_INET, address.c_str(), &a) != 1) return false;
    const std::uint32_t ip = ntohl(a.s_addr);
    auto in = [ip](std::uint32_t net, int bits) { return (ip >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x7f000000, 8) || in(0x0a000000, 8) || in(0xac100000, 12) || in(0xc0a80000, 16) ||
           in(0xa9fe0000, 16);
}

std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& error) {
    Endpoint e;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            error = "'" + text + "' is not ADDR:PORT (IPv6 is written [ADDR]:PORT)";
            return std::nullopt;
        }
        e.address = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon) {
            error = "'" + text + "' is not ADDR:PORT (for example 127.0.0.2:6881)";
            return std::nullopt;
        }
        e.address = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    unsigned char buf[sizeof(in6_addr)];
    if (inet_pton(e.is_v6() ? AF_INET6 : AF_INET, e.address.c_str(), buf) != 1) {
        error = "'" + e.address + "' in '" + text + "' is not an IP address";
        return std::nullopt;
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
        error = "port '" + port + "' in '" + text + "' is not a number from 0 to 65535";
        return std::nullopt;
    }
    e.port = static_cast<std::uint16_t>(value);
    return e;
}

}  // namespace coop
