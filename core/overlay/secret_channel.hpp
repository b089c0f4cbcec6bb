#pragma once
// The two encrypted streams of a link (crypto_secretstream_xchacha20poly1305):
// the one we push to the peer and the one we pull from it. Each message is
// authenticated and numbered by the stream, so a dropped, repeated,
// reordered or changed message fails to open.
#include <sodium.h>

#include <string>
#include <string_view>

#include "core/overlay/handshake.hpp"
#include "core/overlay/wire.hpp"

namespace coop::overlay {

class SecretChannel {
public:
    SecretChannel() = default;
    ~SecretChannel();  // wipes both states
    SecretChannel(const SecretChannel&) = delete;
    SecretChannel& operator=(const SecretChannel&) = delete;

    // Starts our stream; returns its header, for the peer.
    std::string start_push(const SessionKey& tx);
    // Starts the peer's stream from its header.
    bool start_pull(const SessionKey& rx, std::string_view header);

    // One whole wire message: length | ciphertext of type | body.
    std::string seal(MessageType type, std::string_view body);

    enum class Opened { message, forged, final, other_tag };
    // Decrypts one ciphertext (the bytes after its length) into type | body.
    // `forged` covers tampering, garbage and the wrong keys alike; a tag we
    // never send (FINAL, PUSH, REKEY) is told apart, for the reason.
    Opened open(std::string_view ciphertext, std::string& plaintext);

private:
    crypto_secretstream_xchacha20poly1305_state push_{}, pull_{};
};

}  // namespace coop::overlay
