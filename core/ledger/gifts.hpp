#pragma once
// What each member gave another in each transfer of a window: the one
// definition effort (effort.hpp) and the hourly activity (activity.hpp)
// both count from.
//
// A pair's transfers are taken in time order (then by proposal id). What
// one party gave in a transfer inside [start, end) is how far the
// cumulative total it signed rose above the highest total of that pair
// signed before it, before the window too: the first record of a pair
// counts its totals whole, and an old record replayed counts nothing.
#include <cstdint>
#include <set>
#include <vector>

#include "core/ledger/agreement.hpp"
#include "core/ledger/record.hpp"

namespace coop::ledger {

// Sums of gifts stop at the largest count rather than wrap: totals come
// from peers' records.
inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return b > UINT64_MAX - a ? UINT64_MAX : a + b; }

struct Gift {
    PublicKey from{};
    PublicKey to{};
    std::int64_t time_ms = 0;  // the transfer's (the countersigner's clock)
    std::uint64_t bytes = 0;   // above zero
};

// The gifts of transfers between two of `members`, neither one of
// `offenders` (a key that forks can sign anything), with time in
// [start_ms, end_ms). Ordered by pair (lower key first), then by the order
// above, the lower key's gift before the higher's.
std::vector<Gift> gifts_in_window(const std::vector<Transfer>& transfers, const std::set<PublicKey>& members,
                                  const std::set<PublicKey>& offenders, std::int64_t start_ms, std::int64_t end_ms);

}  // namespace coop::ledger
