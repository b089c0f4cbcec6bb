#pragma once
// A group's state as the fold (fold.hpp) computes it from the event DAG:
// the same events give the same state, byte for byte in to_json().dump().
// Maps are keyed by lower-case hex (public keys, event and invite ids), so
// their order is the order of the bytes.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/group/decision.hpp"
#include "core/group/event.hpp"
#include "core/group/plan_state.hpp"
#include "core/ledger/effort.hpp"
#include "core/ledger/proof.hpp"

namespace coop::group {

struct Member {
    Id since{};  // the join (or genesis) event that made them a member
    std::int64_t joined_ms = 0;
};

struct Departure {
    Id event{};  // their leave event
    std::int64_t time_ms = 0;
};

struct CatalogEntry {
    std::string magnet;
    std::string title;
    std::vector<std::string> tags;
    std::int64_t size = 0;
    std::string info_hash;
    PublicKey uploader{};
    std::int64_t time_ms = 0;
    nlohmann::json media = nlohmann::json::object();
    bool retracted = false;  // kept in the history, left out of listings
    std::string pinned_by;   // the id of the passed proposal that pinned it, or ""
};

struct ChatPost {
    Id id{};
    PublicKey author{};
    std::int64_t time_ms = 0;
    std::string text;
};

struct InviteUse {
    PublicKey inviter{};
    bool single_use = true;
    std::vector<std::string> joiners;  // public keys in hex, in canonical order
};

// The ledger's group settings (core/ledger/effort.hpp), changed only by a
// vote (set_ledger_settings).
struct LedgerSettings {
    std::uint32_t window_days = 30;
    // 32 KiB/s (256 kbit/s) is below the upload of almost any link, so no
    // honest member is held to more than it has; yet it keeps a member who
    // declares a trickle from turning a few bytes into full effort.
    std::uint64_t floor_capacity = 32 * 1024;  // bytes/s
    coop::ledger::EffortWeights weights;       // 0.6 / 0.4 / 0
    double cap_share = 0.25;
};

inline constexpr std::uint32_t max_window_days = 3650;

// One member's effort and what it was computed from.
struct MemberLedger {
    coop::ledger::MemberInput input;
    coop::ledger::MemberEffort effort;
};

// Effort per member, from the ledger_record, capacity and ledger_proof
// events (body.hpp):
// - A transfer counts once, by proposal id, however many members or groups
//   post it; only if both parties were members when it was posted.
// - Offenders: the keys a posted proof names, and the authors of two
//   records with one seq among all records posted here (the fork proof is
//   the two records with the smallest ids). They score 0, and their
//   transfers count for nobody.
// - Declared capacity: a member's latest capacity event in canonical order.
// - The window is window_days long and ends at the time of the newest
//   ledger_record event that carries a counted transfer (recorded or
//   already recorded), plus 1 ms so that instant is in it: the events'
//   clocks, never the reader's, so every member computes the same. Those
//   times are bounded by the log (max_future_ms). With no transfer the
//   window is empty: everyone scores 0 with equal shares.
// - Observed capacity: the most a member gave (the rises of its signed
//   totals, core/ledger/gifts.hpp) in any one clock hour (floor(time_ms /
//   3,600,000) of the transfer) of the window, divided by 3600.
// - Available seconds: 3600 for each clock hour of the window in which it
//   gave anything in some transfer, so each is attested by the
//   counterparty's signature (core/ledger/activity.hpp).
// - compute_effort (core/ledger/effort.hpp) for the current members, in key
//   order; its fractions are written rounded to 6 decimals (and credited to
//   whole bytes) so the JSON is the same wherever it is computed.
struct LedgerState {
    LedgerSettings settings;
    std::map<std::string, std::uint64_t> capacities;         // member -> declared bytes/s
    std::map<std::string, std::set<std::string>> offenders;  // key -> ids of the proofs naming it
    // Those proofs by id, so the agent can keep them and pass them on to
    // groups that have not seen them (not in to_json: the ids are).
    std::map<std::string, coop::ledger::Proof> proofs;
    std::uint64_t transfers = 0;                             // counted, each once
    std::int64_t window_start_ms = 0;
    std::int64_t window_end_ms = 0;  // exclusive
    std::map<std::string, MemberLedger> effort;  // by member
};

struct GroupState {
    Id group{};
    std::string name;
    std::string about;
    std::vector<std::string> topics;  // sorted
    bool open = false;
    PublicKey founder{};
    std::map<std::string, Member> members;
    std::map<std::string, Departure> left;        // left and not back
    std::map<std::string, std::string> removed;   // member -> reason of the vote that removed them
    std::map<std::string, CatalogEntry> catalog;  // by share event id
    std::vector<ChatPost> chat;                   // canonical order
    std::set<std::string> equivocators;           // signed two events with one sequence number
    std::map<std::string, std::uint64_t> ignored;  // reason -> events the fold ignored for it
    std::map<std::string, InviteUse> invites_used;  // by invite id
    Admission admission = Admission::invite;        // closed groups
    // Closed groups admitting by vote: who applied with an invite (key ->
    // their join's id) and is not admitted yet, and who a passed vote
    // admitted (key -> the proposal's id), joined or not.
    std::map<std::string, std::string> applicants;
    std::map<std::string, std::string> admitted;
    std::map<std::string, Decision> decisions;  // by proposal id
    std::uint64_t events = 0;                       // events folded
    LedgerState ledger;
    std::map<std::string, Planning> plans;  // by plan_start id (core/group/fold_plan.hpp)

    bool is_member(const PublicKey& key) const { return members.count(hex(key)) != 0; }
    nlohmann::json to_json() const;
};

// Where a passed removal vote takes effect (issue 7): the member stops being
// one, their later events are ignored, and they cannot join again.
void remove_member(GroupState& state, const PublicKey& member, const std::string& reason);

// Where a passed vote on the ledger's settings takes effect (issue 7). It
// clamps window_days to 1..max_window_days, the floor to max_capacity_up,
// and weights and cap_share to 0..1 (NaN to 0), and rounds those to 6
// decimals, as the JSON writes them. Effort is computed after the last
// event, so it follows the settings the log ends with.
void set_ledger_settings(GroupState& state, const LedgerSettings& settings);

}  // namespace coop::group
