#pragma once
// The group sync protocol's messages and their canonical binary encoding:
// one overlay frame each. Integers are big-endian; lists are ascending and
// unique where they are sets, so every message has exactly one encoding.
//
//   frame = u8 type | body
//   1 SUBSCRIBE  group[32] | u8 has_join (0 or 1) | if 1: u32 length | join event
//   2 REFUSE     group[32] | u8 reason
//   3 STATE      group[32] | u16 n | n x (author[32] | u64 seq >= 1), authors ascending |
//                u16 m | m x head[32], ascending
//   4 EVENTS     group[32] | u8 flags (1 push, 2 more; others zero) | u16 n |
//                n x (u32 length | event), the events' bytes summing to at most max_batch_bytes
//   5 WANT       group[32] | u16 n (at least 1) | n x id[32], ascending
//   6 FIND       u8 length | tag
//   7 FOUND      u8 length | tag | u8 n | n x summary, where summary =
//                id[32] | u8 length | name | u16 length | about | u8 k |
//                k x (u8 length | topic), ascending | u32 members
//   8 HAVE       group[32] | u16 n | n x (author[32] | u64 seq >= 1), authors ascending
// Events are in event.hpp's encoding. Tags, names, about and topics are
// UTF-8 within body.hpp's bounds (they reach terminals and JSON).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/group/body.hpp"
#include "core/group/event.hpp"
#include "core/group/log.hpp"
#include "core/group/sync_counters.hpp"

namespace coop::group {

// An open group as FIND answers it: what `coop group find` lists.
struct GroupSummary {
    Id id{};
    std::string name;
    std::string about;
    std::vector<std::string> topics;  // ascending, unique
    std::uint32_t members = 0;

    bool operator==(const GroupSummary&) const = default;
};

namespace sync {

// The overlay link's frame bound (LinkOptions::max_frame_bytes): every
// message below fits in it, as the static_asserts in the .cpp check.
inline constexpr std::size_t max_frame_bytes = 1 << 20;
inline constexpr std::size_t max_frontier_authors = 16384;
inline constexpr std::size_t max_state_heads = 1024;
inline constexpr std::size_t max_batch_events = 512;
inline constexpr std::size_t max_batch_bytes = 960 * 1024;
inline constexpr std::size_t max_want_ids = 1024;
inline constexpr std::size_t max_found_groups = 32;

enum class Type : std::uint8_t {
    subscribe = 1,
    refuse = 2,
    state = 3,
    events = 4,
    want = 5,
    find = 6,
    found = 7,
    have = 8,
};

// Numbers are part of the encoding; a code this version does not know is
// still a refusal.
enum class RefuseReason : std::uint8_t {
    unknown_group = 1,
    not_member = 2,      // closed group, and no join came with the request
    bad_join = 3,        // the join is not a join of this peer to this group
    invite_invalid = 4,  // forged, for another group, or by a non-member
    invite_expired = 5,
    invite_used = 6,      // single use, and someone else used it
    too_many_groups = 7,  // this peer holds as many subscriptions as we allow
};
std::string to_string(RefuseReason reason);

// "send me this group"; a newcomer to a closed group carries its join.
struct Subscribe {
    Id group{};
    std::optional<Event> join;
    bool operator==(const Subscribe&) const = default;
};

struct Refuse {
    Id group{};
    RefuseReason reason = RefuseReason::not_member;
    bool operator==(const Refuse&) const = default;
};

// What the sender holds: answered with the events it lacks.
struct State {
    Id group{};
    GroupLog::Frontier frontier;
    std::vector<Id> heads;
    bool operator==(const State&) const = default;
};

// What the sender holds, as news: nothing is sent back unless the
// receiver lacks some of it, and then it asks with its own STATE.
struct Have {
    Id group{};
    GroupLog::Frontier frontier;
    bool operator==(const Have&) const = default;
};

struct Events {
    Id group{};
    std::vector<Event> events;
    bool push = false;  // the author's new events, not an answer to STATE or WANT
    bool more = false;  // the sender has more for us: answer with a fresh STATE
    bool operator==(const Events&) const = default;
};

struct Want {
    Id group{};
    std::vector<Id> ids;
    bool operator==(const Want&) const = default;
};

struct Find {
    std::string tag;
    bool operator==(const Find&) const = default;
};

struct Found {
    std::string tag;  // the FIND this answers
    std::vector<GroupSummary> groups;
    bool operator==(const Found&) const = default;
};

using Message = std::variant<Subscribe, Refuse, State, Events, Want, Find, Found, Have>;

// Throws std::length_error on a message past its bounds (the engine never
// builds one) and std::invalid_argument on text decode would refuse.
std::string encode(const Message& message);

struct DecodeError {
    SyncFault fault = SyncFault::malformed;  // malformed, oversize or unknown_type
    std::string why;                         // one line
};

// For bytes from anyone: never throws, never reads past the frame, bounds
// every length before it allocates, refuses trailing bytes and any
// encoding but the canonical one.
std::optional<Message> decode(std::string_view frame, DecodeError* error = nullptr);

// A tag, topic or name as a summary carries it: 1..max bytes of UTF-8 on
// one line. FIND refuses any other tag.
bool valid_label(std::string_view text, std::size_t max_bytes);
// A summary that decode would take back.
bool valid_summary(const GroupSummary& summary);

}  // namespace sync
}  // namespace coop::group
