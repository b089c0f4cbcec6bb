#pragma once
// One signed event of a group's history, and its canonical encoding.
//
// Encoding, version 1 (integers big-endian):
//   u8 version | group[32] | author[32] | u64 seq | i64 time_ms | u16 kind |
//   u8 parent count | parents[32 each, ascending, unique] |
//   u32 body length | body | signature[64]
// The id is BLAKE2b-256 of everything before the signature; the author signs
// the id. Each event has exactly one valid encoding, so bytes and ids
// correspond one to one.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/group/hex.hpp"
#include "core/identity.hpp"

namespace coop::group {

using Id = std::array<std::uint8_t, 32>;
using PublicKey = coop::Identity::PublicKey;
using Signature = coop::Identity::Signature;

// Numbers are part of the encoding: never reuse one. Kinds this version does
// not know are still valid events (a newer member made them); the fold
// ignores them.
enum class Kind : std::uint16_t {
    genesis = 1,
    join = 2,
    leave = 3,
    post = 4,     // chat
    share = 5,    // catalog entry
    retract = 6,  // the uploader withdraws a catalog entry
    remove = 7,   // reserved: removal is decided by a vote (issue 7)
    // 8-15: more membership and content kinds (8 is kept for "admit").
    // 16-31: governance.
    proposal = 16,  // a decision put to the members (core/vote)
    ballot = 17,    // a member's choice on a proposal; the last one counts
    close = 18,     // records that a proposal or a planning has closed
    // 32-47: planning (core/plan).
    plan_offer = 32,    // what a member offers of the group's resources
    plan_request = 33,  // what a member asks of them
    plan_start = 34,    // opens a planning of the group's resources
    // 48-63: jobs: job_claim = 48, job_done = 49.
    // 64-79: accounting (65 is kept for "rating").
    ledger_record = 64,  // a countersigned transfer of the bandwidth ledger
    capacity = 66,       // the upload capacity a member offers
    ledger_proof = 67,   // a fraud proof against a ledger author
};

std::string to_string(Kind kind);  // "post"; "kind 42" for kinds this version does not know

inline constexpr std::uint8_t encoding_version = 1;
inline constexpr std::size_t max_parents = 32;
inline constexpr std::size_t max_body = 32 * 1024;
inline constexpr std::size_t signature_size = 64;
inline constexpr std::size_t header_size = 1 + 32 + 32 + 8 + 8 + 2 + 1;
inline constexpr std::size_t max_encoded_size = header_size + max_parents * 32 + 4 + max_body + signature_size;

struct Event {
    Id group{};  // all zero in a genesis event: the genesis id is the group id
    PublicKey author{};
    std::uint64_t seq = 0;     // the author's sequence number, from 1
    std::int64_t time_ms = 0;  // the author's clock, never before a parent's
    Kind kind = Kind::post;
    std::vector<Id> parents;   // the heads the author knew
    std::string body;          // a UTF-8 JSON object by convention
    Signature signature{};

    // Parents are written as they are: make_event sorts them, and decode and
    // the log refuse events whose parents are not ascending and unique.
    // Throws std::length_error past 255 parents (they cannot be written).
    std::string encode_unsigned() const;
    std::string encode() const;
    Id id() const;
    bool signature_valid(const Id& id) const;

    // For bytes from anyone: bounds every length, refuses trailing bytes and
    // non-canonical parents. Sets `why` to a one-line reason on failure. The
    // signature and the group's rules are the log's to check.
    static std::optional<Event> decode(std::string_view bytes, std::string* why = nullptr);

    bool operator==(const Event&) const = default;
};

// An id from its hex (hex(id) writes it); nullopt unless exactly 64 hex digits.
inline std::optional<Id> parse_id(std::string_view text) { return from_hex<32>(text); }

// BLAKE2b-256: event and invite ids.
Id hash_id(std::string_view bytes);

// Sets the signature: the author's ed25519 signature of the id.
void sign_event(Event& event, const coop::Identity& author);

// Fills, sorts and dedups the parents, and signs. It makes what it is asked
// to (tests make bad events with it): the log judges.
Event make_event(const coop::Identity& author, const Id& group, std::uint64_t seq, std::int64_t time_ms, Kind kind,
                 std::vector<Id> parents, std::string body);
// The event that founds a group; its id is the new group's id.
Event make_genesis(const coop::Identity& founder, std::int64_t time_ms, std::string body);

}  // namespace coop::group
