#pragma once
// What a member's gifts in a window (gifts.hpp) show of it, each attested
// by the counterparty's signature on the transfer, counted in clock hours
// (hour = floor(time_ms / 3,600,000) of the transfer):
//
//   observed capacity = the most it gave in any one hour, / 3600   bytes/s
//   available seconds = 3600 for each hour in which it gave anything
//
// Both undercount a member nobody fetched from; the declared capacity and
// the floor (effort.hpp) cover the first, and being online with nothing
// asked of it is not yet attested by anyone.
#include <cstdint>
#include <map>
#include <vector>

#include "core/ledger/gifts.hpp"

namespace coop::ledger {

inline constexpr std::int64_t hour_ms = 3'600'000;

struct Activity {
    std::uint64_t observed_capacity = 0;  // bytes/s
    std::uint64_t available_seconds = 0;
};

// The hour a time falls in; hours before 1970 are negative.
std::int64_t hour_of(std::int64_t time_ms);

// One entry per member that gave anything.
std::map<PublicKey, Activity> hourly_activity(const std::vector<Gift>& gifts);

}  // namespace coop::ledger
