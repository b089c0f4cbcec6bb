#pragma once
// Seeded random economies for the tests and the benchmark: the same seed
// gives the same economy on every machine (a splitmix64 generator and
// integer arithmetic only; no std distributions, whose results differ
// between standard libraries).
//
// Each member, for each resource, with probability 7/10 offers: a capacity
// of 10..1000 units, supplied along a ramp from nothing at a price of
// 0.2..1 credits to all of it at 2..5 times that; and with probability 7/10
// requests: 10..1000 units at a price of 0.2..1 credits and below, falling
// linearly to nothing at 3..8 times that. Every resource has at least one
// offer and one request. Share weights are 1..100 (as if from the ledger),
// or all 0 (equal shares) when `equal_shares`.
#include <cstddef>
#include <cstdint>

#include "core/plan/economy.hpp"

namespace coop::plan {

struct RandomEconomySpec {
    std::size_t members = 10;
    std::size_t resources = 3;
    std::uint64_t seed = 1;
    bool equal_shares = false;
};

Economy random_economy(const RandomEconomySpec& spec);

}  // namespace coop::plan
