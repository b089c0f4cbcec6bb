#include "core/overlay/handshake.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace coop::overlay {

namespace {
// Changing the format changes this string, so no signature made for one
// version verifies in another.
constexpr std::string_view transcript_context = "coop-link/1 handshake transcript";
}  // namespace

void init_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

SessionKeys::~SessionKeys() {
    sodium_memzero(rx.data(), rx.size());
    sodium_memzero(tx.data(), tx.size());
}

Ephemeral::Ephemeral() {
    init_sodium();
    crypto_kx_keypair(hello_.ephemeral.data(), secret_.data());
    randombytes_buf(hello_.nonce.data(), hello_.nonce.size());
}

Ephemeral::~Ephemeral() { sodium_memzero(secret_.data(), secret_.size()); }

std::optional<SessionKeys> Ephemeral::session_keys(Role role, const Hello& peer) const {
    SessionKeys keys;
    const int rc = role == Role::dialer
                       ? crypto_kx_client_session_keys(keys.rx.data(), keys.tx.data(), hello_.ephemeral.data(),
                                                       secret_.data(), peer.ephemeral.data())
                       : crypto_kx_server_session_keys(keys.rx.data(), keys.tx.data(), hello_.ephemeral.data(),
                                                       secret_.data(), peer.ephemeral.data());
    if (rc != 0) return std::nullopt;
    return keys;
}

Transcript transcript(std::string_view dialer_hello, std::string_view listener_hello, Role signer) {
    Transcript out{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, out.size());
    auto add = [&state](std::string_view bytes) {
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    };
    add(transcript_context);
    add(dialer_hello);
    add(listener_hello);
    add(signer == Role::dialer ? "D" : "L");
    crypto_generichash_final(&state, out.data(), out.size());
    return out;
}

std::string auth_body(const Identity& identity, const Transcript& transcript) {
    const auto& key = identity.public_key();
    const auto signature =
        identity.sign(std::string_view(reinterpret_cast<const char*>(transcript.data()), transcript.size()));
    std::string body(reinterpret_cast<const char*>(key.data()), key.size());
    body.append(reinterpret_cast<const char*>(signature.data()), signature.size());
    return body;
}

std::optional<Identity::PublicKey> verify_auth(std::string_view body, const Transcript& transcript) {
    if (body.size() != auth_body_bytes) return std::nullopt;
    Identity::PublicKey key{};
    Identity::Signature signature{};
    std::copy_n(body.data(), key.size(), key.begin());
    std::copy_n(body.data() + key.size(), signature.size(), signature.begin());
    const std::string_view message(reinterpret_cast<const char*>(transcript.data()), transcript.size());
    if (!Identity::verify(key, message, signature)) return std::nullopt;
    return key;
}

}  // namespace coop::overlay
