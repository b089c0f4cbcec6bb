#pragma once
// Conversions between libtorrent's types and the engine's plain ones.
// Included only by engine/*.cpp.
#include <libtorrent/info_hash.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/torrent_info.hpp>

#include <string>

#include "core/agent/engine/engine.hpp"

namespace coop::agent {

inline std::string hex(const char* data, std::size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < size; ++i) {
        const auto b = static_cast<unsigned char>(data[i]);
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

// A peer's endpoint as we print and match it: IPv4 peers reached over an
// IPv6 socket as plain IPv4.
inline Endpoint endpoint_of(const lt::tcp::endpoint& e) {
    auto address = e.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    return {address.to_string(), e.port()};
}

inline std::string full_hash(const lt::info_hash_t& ih) {
    if (ih.has_v2()) return hex(ih.v2.data(), ih.v2.size());
    return hex(ih.v1.data(), ih.v1.size());
}

// The id users type: the first 16 hex digits of the best info-hash.
inline std::string short_id(const lt::info_hash_t& ih) { return full_hash(ih).substr(0, 16); }

inline TorrentFacts facts_of(const lt::info_hash_t& ih) {
    TorrentFacts f;
    f.info_hash = full_hash(ih);
    f.id = f.info_hash.substr(0, 16);
    if (ih.has_v1()) f.info_hash_v1 = hex(ih.v1.data(), ih.v1.size());
    if (ih.has_v2()) f.info_hash_v2 = hex(ih.v2.data(), ih.v2.size());
    return f;
}

inline TorrentFacts facts_of(const lt::torrent_info& ti, std::string torrent) {
    TorrentFacts f = facts_of(ti.info_hashes());
    f.name = ti.name();
    f.size = ti.total_size();
    f.magnet = lt::make_magnet_uri(ti);
    f.torrent = std::move(torrent);
    return f;
}

}  // namespace coop::agent
