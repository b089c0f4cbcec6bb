#pragma once
// The tally of one proposal: a pure function of the proposal, the members
// and every ballot event held for it, so every member that holds the same
// ballots computes the same tally, whatever order they arrived in.
//
// Which ballots count:
//   - a ballot from a key that is not a member, or from a member with no say
//     (not affected while the unaffected have none), is ignored;
//   - a ballot signed at or after the close is late: it never counts and is
//     listed as late, whenever it arrives;
//   - a ballot whose choice cannot be counted (check.hpp) is ignored as if
//     never cast, so the voter's previous ballot still stands;
//   - of a voter's remaining ballots the last counts: the highest author
//     sequence number, then the greatest event id; the earlier are
//     superseded.
// Every ignored ballot is listed with a one-line reason; none throws.
//
// Say: full_say for affected members (every member when the proposal
// names none), unaffected_say for the others. The eligible say is that of
// every member; the cast say that of the voters whose ballot counts.
// Quorum is met when cast * full_say >= quorum * eligible, and, for a
// quorum above 0, at least one ballot counts.
//
// Outcomes, once the quorum is met (else no_quorum):
//   majority  the option with more than half of the cast say wins; if none
//             has it (a tie of two halves included) nothing wins:
//             no_majority.
//   approval  the option with the most approving say wins; no_winner when
//             nobody approved anything.
//   score     support is the sum over ballots of say x score; the highest
//             sum wins (every ballot scores every option, so this is also
//             the highest mean: sum / cast); no_winner when every score is 0.
//   ranked    Schulze (schulze.hpp); no_winner when no ballot counts.
//   consent   passed unless a counted ballot objects (with a reason): a
//             single objection of any member with say blocks, whatever its
//             say. Silence is consent: with a quorum of 0 and no ballots it
//             passes.
// Options that tie for the top are ordered by the tie rule (tie_order.hpp)
// and the first wins; `tied` lists them, so a tie broken by lot shows.
// Before the close the same outcome is computed for the ballots so far
// (the standing), and `closed` is false.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/vote/proposal.hpp"
#include "core/vote/schulze.hpp"

namespace coop::vote {

enum class Status { invalid, no_quorum, won, no_majority, no_winner, passed, blocked };

// "invalid", "no_quorum", "won", "no_majority", "no_winner", "passed",
// "blocked".
std::string_view status_name(Status status);

struct Outcome {
    Status status = Status::no_quorum;
    std::optional<std::string> winner;  // for won
    std::vector<std::string> tied;      // the options that tied for the top, in tie order; empty if none did
};

struct CountedBallot {
    std::string voter;
    std::string event_id;
    Say say = 0;
};

struct IgnoredBallot {
    std::string event_id;
    std::string voter;
    std::string reason;
};

struct LateBallot {
    std::string event_id;
    std::string voter;
    std::int64_t signed_ms = 0;
};

struct Objection {
    std::string voter;
    std::string reason;
};

struct Tally {
    bool closed = false;
    std::optional<std::string> problem;  // the proposal cannot be counted (then status invalid, nothing counted)
    Say eligible = 0;
    Say cast = 0;
    bool quorum_met = false;
    std::vector<CountedBallot> counted;     // by voter key
    std::vector<std::string> superseded;    // event ids, ascending
    std::vector<LateBallot> late;           // by voter, sequence, event id
    std::vector<IgnoredBallot> ignored;     // by event id
    // majority: cast say per option; approval: approving say; score: sum of
    // say x score (in millionths of a point). Every option is present for
    // these three methods; empty for the others.
    std::map<std::string, Say> support;
    Say consents = 0;                       // consent: the say that consented
    std::vector<Objection> objections;      // consent: by voter key
    std::optional<Schulze> schulze;         // ranked
    Outcome outcome;
};

// `members`: the keys (hex) of the group's members the fold counts for
// this proposal. `now_ms`: the reader's clock; the proposal is closed when
// now_ms >= closes_ms.
Tally tally(const Proposal& proposal, const std::set<std::string>& members, const std::vector<Ballot>& ballots,
            std::int64_t now_ms);

// A member's say in the proposal (0 for a key that is not a member).
Say say_of(const Proposal& proposal, const std::set<std::string>& members, const std::string& key);

}  // namespace coop::vote
