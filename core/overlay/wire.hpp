#pragma once
// The coop-link wire format, version 1: what two agents say on one TCP
// connection. Pure functions only (no sockets), so they can be tested and
// fuzzed on their own. Everything below is in this order on the wire:
//
//   hello    "coop-link" | version (1 byte, 1) | ephemeral X25519 public
//            key (32) | random nonce (32): 74 bytes in the clear. Both
//            sides send theirs at once, without waiting for the other's.
//   keys     the dialer takes crypto_kx_client_session_keys, the listener
//            crypto_kx_server_session_keys, from the two ephemeral keys.
//   header   the 24-byte crypto_secretstream_xchacha20poly1305 header of
//            the sender's stream (pushed with its tx key), in the clear,
//            sent once the peer's hello is in.
//   message  length (4 bytes, big-endian, of the ciphertext) | ciphertext:
//            one secretstream message, always TAG_MESSAGE, whose plaintext
//            is type (1 byte) | body. TAG_FINAL is never sent: the stream
//            ends with the connection (after a bye, if it ends cleanly).
//
//   type 0  data  body: one frame of the Link's user, 0 .. max_frame_bytes
//   type 1  auth  body: ed25519 identity public key (32) | signature (64)
//                 of BLAKE2b-256("coop-link/1 handshake transcript" |
//                 dialer hello | listener hello | "D" or "L", the signer)
//   type 2  ping  empty: sent after ping_interval without sending anything
//   type 3  bye   body: why the sender closes, text, at most 200 bytes
//
// The first message each way is auth, and no other message is. A peer's
// signature covers both fresh hellos, so it proves its key holder is in
// this very session and cannot be replayed into another one.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coop::overlay {

enum class Role : std::uint8_t { dialer, listener };

inline constexpr std::string_view link_magic = "coop-link";
inline constexpr std::uint8_t link_version = 1;
inline constexpr std::size_t hello_bytes = 9 + 1 + 32 + 32;
inline constexpr std::size_t stream_header_bytes = 24;  // crypto_secretstream_..._HEADERBYTES
inline constexpr std::size_t length_bytes = 4;
// What a message adds to its body on the wire: the secretstream tag and
// MAC (17 bytes) and the type byte.
inline constexpr std::size_t message_overhead = 17 + 1;
inline constexpr std::size_t auth_body_bytes = 32 + 64;
inline constexpr std::size_t max_bye_reason_bytes = 200;

enum class MessageType : std::uint8_t { data = 0, auth = 1, ping = 2, bye = 3 };

struct Hello {
    std::array<std::uint8_t, 32> ephemeral{};  // X25519 public key, fresh per connection
    std::array<std::uint8_t, 32> nonce{};

    std::string encode() const;
};

struct HelloRead {
    enum Result { incomplete, ok, not_coop, wrong_version } result = incomplete;
    std::uint8_t version = 0;  // what the peer said, when wrong_version
    Hello hello;
};

// Reads the hello at the start of `bytes`, deciding as soon as the bytes
// allow: a stranger talking something else is told apart by its first byte.
HelloRead read_hello(std::string_view bytes);

void append_length(std::string& out, std::uint32_t length);
std::uint32_t read_length(std::string_view four_bytes);

// The bye's reason as we may print it: at most max_bye_reason_bytes, and
// control characters (a peer could send terminal escapes) become '?'.
std::string printable_reason(std::string_view reason);

}  // namespace coop::overlay
