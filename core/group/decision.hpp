#pragma once
// A group's decisions as the fold keeps them: how a closed group admits,
// what a proposal may do when it passes, and the proposal with its ballots
// and final tally (fold_vote.hpp has the rules).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/group/event.hpp"
#include "core/vote/proposal.hpp"
#include "core/vote/tally.hpp"

namespace coop::group {

// How a closed group lets newcomers in: a member's invite is enough, or
// the invite lets the newcomer apply and a passed admission vote admits.
enum class Admission { invite, vote };
const char* to_string(Admission admission);  // "invite", "vote"
std::optional<Admission> admission_from_name(std::string_view name);

// What a passed proposal does (coop(7), DECISIONS). `none` is a plain
// decision: recorded, it changes nothing else.
enum class ActionKind { none, admit, remove, settings, pin };

struct Action {
    ActionKind kind = ActionKind::none;
    PublicKey member{};  // admit, remove
    Id entry{};          // pin: a catalog entry (share event id)
    // settings: only the fields given change.
    std::optional<std::uint32_t> window_days;
    std::optional<std::uint64_t> floor_capacity;
    std::optional<double> bandwidth, availability, duties, cap_share;
    std::optional<Admission> admission;
};

struct Decision {
    std::string title;
    std::string text;
    PublicKey author{};
    std::int64_t time_ms = 0;
    coop::vote::Proposal proposal;
    Action action;
    // The ballots that came before the close in canonical order (all of
    // them while open), and those after it: never counted.
    std::vector<coop::vote::Ballot> ballots;
    std::vector<coop::vote::Ballot> after_close;
    std::string close;                       // the close event's id, "" while open
    std::set<std::string> voters_at_close;   // the members then
    std::optional<coop::vote::Tally> tally;  // once closed
    // What the outcome did, once closed: "admitted", "removed", "settings
    // changed", "pinned", "decided" (a plain decision), or why nothing
    // happened ("not passed", ...).
    std::string effect;
};

}  // namespace coop::group
