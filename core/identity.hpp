#pragma once
// A user's identity: an ed25519 key pair (libsodium), made on the agent's
// first start and kept in its store.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace coop {

class Identity {
public:
    using PublicKey = std::array<std::uint8_t, 32>;
    using SecretKey = std::array<std::uint8_t, 64>;
    using Signature = std::array<std::uint8_t, 64>;

    static Identity generate();
    // Rebuilds from a stored secret key (which embeds the public key).
    static Identity from_secret(const SecretKey& secret);

    const PublicKey& public_key() const { return public_; }
    const SecretKey& secret_key() const { return secret_; }
    // The public key in lower-case hex: the peer id users see.
    std::string peer_id() const;

    Signature sign(std::string_view message) const;
    static bool verify(const PublicKey& key, std::string_view message, const Signature& signature);

private:
    PublicKey public_{};
    SecretKey secret_{};
};

std::string to_hex(const std::uint8_t* data, std::size_t size);

}  // namespace coop
