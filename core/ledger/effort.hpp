#pragma once
// Effort of a group's members over a window: sacrifice, not output. What a
// member gave counts against the capacity it has, so a slow member that
// gives all it can ranks above a fast one that gives a little.
//
// For each pair of members, their transfers (agreement time inside
// [start, end)) are taken in time order. What one gave the other in the
// window is the sum of the rises of the cumulative total it signed, each
// measured from the highest total of that pair signed before it (before the
// window too): the first record of a pair counts its totals whole, and an
// old record replayed counts nothing (gifts.hpp).
//
//   W            = window seconds
//   capacity_m   = max(declared_m, observed_m, floor)                 bytes/s
//   total_m      = sum over members c of given_m_to_c
//   credited_m   = sum over c of min(given_m_to_c, cap_share * total_m,
//                                    cap_share * capacity_m * W)
//   bandwidth_m  = min(1, credited_m / (capacity_m * W))
//   available_m  = min(1, available_seconds_m / W)
//   score_m      = w_bandwidth * bandwidth_m + w_availability * available_m
//                  + w_duties * duties_m                  (0 for offenders)
//   share_m      = score_m / sum of scores   (equal among non-offenders when
//                                             every score is 0)
//
// The caps: two colluding keys can sign transfers that never happened, so
// no single counterparty supplies more than cap_share of what a member
// gave (cap_share * total_m) nor of its bandwidth effort (cap_share *
// capacity_m * W; the first cap alone lets a large enough fake total reach
// an effort of 1). With cap_share 0.25 full effort takes four counterparties.
//
// An offender (a key named by a verified proof) scores 0, and its
// transfers count for nobody: a key that forks can sign anything.
//
// Worked example (a unit test): W = 1000 s, floor 1000 B/s, weights
// 0.6 / 0.4 / 0, cap_share 0.5. Capacities: A declares 10000 and is seen at
// 8000, so 10000; B declares nothing and is seen at 2000, so 2000; C
// declares 500, is seen at 0, so the floor, 1000.
//   A-B: before the window A gave 1 MB; inside, the totals reach A 4 MB,
//        B 0.5 MB: A gave B 3 MB, B gave A 0.5 MB.
//   A-C: first record inside: A gave 1 MB, C gave 0.6 MB.
//   B-C: B gave 1.5 MB.
//   A: total 4 MB, caps min(2 MB, 5 MB) : 2 MB + 1 MB = 3 MB, / 10 MB = 0.3
//   B: total 2 MB, caps min(1 MB, 1 MB) : 0.5 MB + 1 MB = 1.5 MB, / 2 MB = 0.75
//   C: total 0.6 MB, caps min(0.3 MB, 0.5 MB): 0.3 MB, / 1 MB = 0.3
//   Available 500 s, 1000 s, 250 s: 0.5, 1, 0.25.
//   Scores 0.38, 0.85, 0.28 (sum 1.51): shares 0.2517, 0.5629, 0.1854.
//   Received: A 1.1 MB, B 3 MB, C 2.5 MB.
//
// Deterministic: members in key order, sums in key order, transfers of a
// pair by time then proposal id. (MB here is 10^6 bytes.)
#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "core/ledger/agreement.hpp"
#include "core/ledger/gifts.hpp"
#include "core/ledger/record.hpp"

namespace coop::ledger {

// Group settings, each 0..1 (clamped; NaN counts as 0).
struct EffortWeights {
    double bandwidth = 0.6;
    double availability = 0.4;
    double duties = 0.0;
};

struct MemberInput {
    std::uint64_t declared_capacity = 0;  // bytes/s the member offered
    std::uint64_t observed_capacity = 0;  // bytes/s, the most seen in the window
    std::uint64_t available_seconds = 0;  // seeding, within the window
    double duties = 0;                    // share of its assigned duties done, 0..1 (clamped)
};

struct EffortInput {
    std::int64_t window_start_ms = 0;
    std::int64_t window_end_ms = 0;  // exclusive
    std::map<PublicKey, MemberInput> members;
    // Any transfers: those before the window set each pair's starting
    // totals, those with a non-member are ignored.
    std::vector<Transfer> transfers;
    std::uint64_t floor_capacity = 0;  // bytes/s: the least capacity anyone is judged against
    EffortWeights weights;
    double cap_share = 0.25;        // 0..1 (clamped)
    std::set<PublicKey> offenders;  // keys named by verified proofs (proven_offenders)
};

struct MemberEffort {
    PublicKey member{};
    std::uint64_t given = 0;     // bytes given to other members in the window
    std::uint64_t received = 0;  // bytes received from other members in the window
    double credited = 0;         // given, after the per-counterparty caps
    std::uint64_t capacity = 0;  // bytes/s
    double bandwidth_effort = 0;
    double availability = 0;
    double duties = 0;
    double score = 0;
    double share = 0;
    bool offender = false;
};

// One entry per member, ascending by key. An empty or reversed window gives
// every member zero effort and equal shares.
std::vector<MemberEffort> compute_effort(const EffortInput& input);
// The same, given gifts_in_window of the input's transfers, members,
// offenders and window (for a caller that needs them anyway).
std::vector<MemberEffort> compute_effort(const EffortInput& input, const std::vector<Gift>& gifts);

}  // namespace coop::ledger
