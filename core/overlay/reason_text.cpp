#include "core/overlay/reason_text.hpp"

#include "core/endpoint.hpp"

namespace coop::overlay {

std::string address_text(const boost::asio::ip::tcp::endpoint& endpoint) {
    auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    return Endpoint{address.to_string(), endpoint.port()}.to_string();
}

std::string duration_text(std::chrono::milliseconds duration) {
    if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
    return std::to_string(duration.count()) + " ms";
}

std::string short_key(const Identity::PublicKey& key) { return to_hex(key.data(), 4) + "…"; }

}  // namespace coop::overlay
