#pragma once
// An invite: the capability to join a closed group, signed by a member.
// Whoever holds it may join (it is a bearer token); the fold accepts it
// while its inviter is a member and it has not expired, and a single-use
// invite only once.
//
// Encoding, version 1: u8 version | group[32] | inviter[32] | nonce[16] |
// i64 expires_ms | u8 flags (1 = single use). The inviter signs a context
// string followed by that encoding; the invite's id is its BLAKE2b-256.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/group/event.hpp"

namespace coop::group {

struct Invite {
    using Nonce = std::array<std::uint8_t, 16>;

    Id group{};
    PublicKey inviter{};
    Nonce nonce{};
    std::int64_t expires_ms = 0;  // 0: never
    bool single_use = true;
    Signature signature{};

    std::string encode_unsigned() const;
    std::string encode() const;  // with the signature
    static std::optional<Invite> decode(std::string_view bytes, std::string* why = nullptr);
    Id id() const;  // what the fold counts uses by
    bool signature_valid() const;
    bool expired_at(std::int64_t time_ms) const { return expires_ms != 0 && time_ms > expires_ms; }

    // Hex fields, for the join event's body.
    nlohmann::json to_json() const;
    static std::optional<Invite> from_json(const nlohmann::json& j, std::string* why = nullptr);

    bool operator==(const Invite&) const = default;
};

inline constexpr std::size_t invite_encoded_size = 1 + 32 + 32 + 16 + 8 + 1 + 64;

void sign_invite(Invite& invite, const coop::Identity& inviter);
// A signed invite with a fresh random nonce.
Invite make_invite(const coop::Identity& inviter, const Id& group, std::int64_t expires_ms, bool single_use);

// What a user passes on: "coop-invite:" + base64url (no padding) of
//   u8 version | invite (encoded, signed) | u8 address count |
//   per address: u8 length | "IP:PORT"
// The addresses are members to connect to first.
struct InviteToken {
    Invite invite;
    std::vector<std::string> addresses;  // "IP:PORT", at most max_token_addresses
};

inline constexpr std::string_view token_prefix = "coop-invite:";
inline constexpr std::size_t max_token_addresses = 8;

// Throws std::invalid_argument on more than 8 addresses or one that is not
// IP:PORT.
std::string encode_token(const InviteToken& token);
// For text users paste: surrounding and embedded whitespace is ignored. On
// failure sets `why` to one line for the user, e.g. "the invite is damaged
// (bad base64); copy it again in full".
std::optional<InviteToken> decode_token(std::string_view text, std::string* why = nullptr);

}  // namespace coop::group
