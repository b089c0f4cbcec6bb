#pragma once
// What the sync engine counts, for `coop agent status`: traffic, and each
// kind of misbehaviour seen from peers. A peer is dropped after a few
// faults, or at once for clear malice.
#include <array>
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/group/log.hpp"

namespace coop::group {

enum class SyncFault : std::uint8_t {
    malformed,       // truncated or non-canonical bytes
    oversize,        // a list or frame past its bound
    unknown_type,    // a message type this version does not know
    bad_signature,   // an event whose signature fails: dropped at once
    bad_event,       // an event the log refuses for another rule
    not_subscribed,  // about a group the peer has no subscription to
    unsolicited,     // an answer to nothing we asked
    flood,           // more requests or events than a window allows
    replay,          // more events we already hold than a window allows
    unanswered,      // a request left unanswered past the timeout: dropped at once
    from_future,     // an event stamped past our clock + max_future_ms: counted, never held against
                     // the sender (a member relays what its own clock allowed)
};
inline constexpr std::size_t sync_fault_count = 11;

// "bad_signature": the key status shows.
const char* to_string(SyncFault fault);

struct SyncCounters {
    std::uint64_t frames_in = 0;
    std::uint64_t frames_out = 0;
    std::uint64_t events_in = 0;     // new events the logs took from peers
    std::uint64_t events_out = 0;    // events sent, answers and pushes
    std::uint64_t duplicates = 0;    // events received that we held already
    std::uint64_t held = 0;          // events put in a pending pool to wait for parents
    std::uint64_t pool_full = 0;     // events that waited for parents, refused: too big for the pool
    std::uint64_t pool_evicted = 0;  // events waiting for parents, pushed out by newer ones
    std::uint64_t pool_expired = 0;  // events whose parents never came in SyncOptions::pool_wait
    std::uint64_t subscribers = 0;   // subscriptions we accepted
    std::uint64_t refused = 0;       // subscriptions we refused
    std::uint64_t drops = 0;         // peers we asked the host to drop
    std::uint64_t errors = 0;        // exceptions caught at an entry point (a host callback threw)
    std::array<std::uint64_t, sync_fault_count> faults{};
    std::array<std::uint64_t, add_reason_count> rejections{};  // events from peers the logs refused, by rule

    std::uint64_t& operator[](AddResult::Reason r) { return rejections[static_cast<std::size_t>(r)]; }
    std::uint64_t operator[](AddResult::Reason r) const { return rejections[static_cast<std::size_t>(r)]; }

    std::uint64_t& operator[](SyncFault f) { return faults[static_cast<std::size_t>(f)]; }
    std::uint64_t operator[](SyncFault f) const { return faults[static_cast<std::size_t>(f)]; }
    // {"frames_in": .., "faults": {"malformed": .., ...}, "rejections": {"bad_sequence": .., ...}}
    nlohmann::json to_json() const;
};

}  // namespace coop::group
