#include "core/identity.hpp"

#include <sodium.h>
#include <stdexcept>

namespace coop {
namespace {
void init_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

Identity Identity::generate() {
    init_sodium();
    Identity id;
    crypto_sign_keypair(id.public_.data(), id.secret_.data());
    return id;
}

Identity Identity::from_secret(const SecretKey& secret) {
    init_sodium();
    Identity id;
    id.secret_ = secret;
    crypto_sign_ed25519_sk_to_pk(id.public_.data(), secret.data());
    return id;
}

std::string Identity::peer_id() const { return to_hex(public_.data(), public_.size()); }

Identity::Signature Identity::sign(std::string_view message) const {
    Signature sig{};
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size(), secret_.data());
    return sig;
}

bool Identity::verify(const PublicKey& key, std::string_view message, const Signature& signature) {
    init_sodium();
    return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size(), key.data()) == 0;
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 15];
    }
    return out;
}

}  // namespace coop
