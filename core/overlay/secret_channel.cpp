#include "core/overlay/secret_channel.hpp"

namespace coop::overlay {

namespace {
const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
}  // namespace

SecretChannel::~SecretChannel() {
    sodium_memzero(&push_, sizeof push_);
    sodium_memzero(&pull_, sizeof pull_);
}

std::string SecretChannel::start_push(const SessionKey& tx) {
    std::string header(stream_header_bytes, '\0');
    crypto_secretstream_xchacha20poly1305_init_push(&push_, bytes(header), tx.data());
    return header;
}

bool SecretChannel::start_pull(const SessionKey& rx, std::string_view header) {
    return header.size() == stream_header_bytes &&
           crypto_secretstream_xchacha20poly1305_init_pull(&pull_, bytes(header), rx.data()) == 0;
}

std::string SecretChannel::seal(MessageType type, std::string_view body) {
    std::string plain;
    plain.reserve(1 + body.size());
    plain += static_cast<char>(type);
    plain += body;
    const std::size_t cipher_size = plain.size() + crypto_secretstream_xchacha20poly1305_ABYTES;
    std::string out;
    out.reserve(length_bytes + cipher_size);
    append_length(out, static_cast<std::uint32_t>(cipher_size));
    out.resize(length_bytes + cipher_size);
    crypto_secretstream_xchacha20poly1305_push(&push_, bytes(out) + length_bytes, nullptr, bytes(plain), plain.size(),
                                               nullptr, 0, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    return out;
}

SecretChannel::Opened SecretChannel::open(std::string_view ciphertext, std::string& plaintext) {
    // Less than the MAC, or no type byte: garbage, never a message of ours.
    if (ciphertext.size() < crypto_secretstream_xchacha20poly1305_ABYTES + 1) return Opened::forged;
    plaintext.resize(ciphertext.size() - crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&pull_, bytes(plaintext), nullptr, &tag, bytes(ciphertext),
                                                   ciphertext.size(), nullptr, 0) != 0)
        return Opened::forged;
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) return Opened::message;
    return tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL ? Opened::final : Opened::other_tag;
}

}  // namespace coop::overlay
