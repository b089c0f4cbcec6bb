#pragma once
// The cryptography of a link's handshake (wire.hpp has the format): fresh
// X25519 keys per connection, the session keys they give, and the signed
// transcript that ties a peer's long-lived identity to this one session.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/identity.hpp"
#include "core/overlay/wire.hpp"

namespace coop::overlay {

using SessionKey = std::array<std::uint8_t, 32>;

struct SessionKeys {
    SessionKey rx{}, tx{};
    ~SessionKeys();  // wipes both
};

// One side's ephemeral key pair and hello, for a single connection.
class Ephemeral {
public:
    Ephemeral();  // fresh keys and nonce
    ~Ephemeral();  // wipes the secret key
    Ephemeral(const Ephemeral&) = delete;
    Ephemeral& operator=(const Ephemeral&) = delete;

    const Hello& hello() const { return hello_; }
    // The keys of our `role` against the peer's hello; nullopt if its key
    // is one no exchange should accept (libsodium refuses weak points).
    std::optional<SessionKeys> session_keys(Role role, const Hello& peer) const;

private:
    Hello hello_;
    std::array<std::uint8_t, 32> secret_{};
};

using Transcript = std::array<std::uint8_t, 32>;

// BLAKE2b-256 of a context string, both encoded hellos (dialer first) and
// the signer's role: what each side signs, different for each side and for
// every session.
Transcript transcript(std::string_view dialer_hello, std::string_view listener_hello, Role signer);

// The body of our auth message: identity public key | signature.
std::string auth_body(const Identity& identity, const Transcript& transcript);
// The key that signed `body` over `transcript`, or nullopt if it did not.
std::optional<Identity::PublicKey> verify_auth(std::string_view body, const Transcript& transcript);

// Makes libsodium ready; throws if it cannot be.
void init_sodium();

}  // namespace coop::overlay
