#pragma once
// A group decision as the tally reads it: the proposal (its options, how
// they are counted, who has how much say, when it closes) and the members'
// ballots. Plain values: the group fold decodes them from signed events and
// the tally (tally.hpp) is a pure function of them.
//
// Say is whole millionths of a full say, so every sum of weights is exact
// and the same in any order on every member: an affected member has
// full_say, any other member `unaffected_say` (0 .. full_say; 0 = none).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace coop::vote {

enum class Method { majority, approval, consent, ranked, score };

// "majority", "approval", "consent", "ranked", "score".
std::string_view method_name(Method method);
std::optional<Method> method_from_name(std::string_view name);

using Say = std::int64_t;
inline constexpr Say full_say = 1'000'000;

// A score ballot gives each option a whole number in this range.
inline constexpr int min_score = 0;
inline constexpr int max_score = 5;

struct Proposal {
    std::string id;                    // the proposal event's id (hex): the tie seed
    std::vector<std::string> options;  // none for consent; distinct, at least 2 otherwise
    Method method = Method::majority;
    Say quorum = 0;                    // share of the eligible say that must vote, 0 .. full_say
    std::int64_t closes_ms = 0;        // by the author's clock
    std::set<std::string> affected;    // member keys (hex); empty = every member is affected
    Say unaffected_say = 0;            // the say of members not in `affected`
};

// The choice a ballot makes, one kind per method (a ballot of another kind
// than its proposal's method is invalid).
struct Pick {  // majority: one option
    std::string option;
};
struct Approve {  // approval: any options, none included
    std::vector<std::string> options;
};
struct Consent {  // consent: consent, or an objection that must give a reason
    bool objects = false;
    std::string reason;
};
struct Rank {  // ranked: best first; options left out tie below every ranked one
    std::vector<std::string> order;
};
struct Score {  // score: every option exactly once, min_score .. max_score
    std::vector<std::pair<std::string, int>> scores;
};
using Choice = std::variant<Pick, Approve, Consent, Rank, Score>;

// The method whose ballots make this kind of choice.
Method method_of(const Choice& choice);

struct Ballot {
    std::string event_id;    // the ballot event's id (hex)
    std::string voter;       // author key (hex)
    std::int64_t signed_ms;  // the time the voter signed into the event
    // The author sequence number of the event: of one voter's ballots the
    // highest counts (then the greatest event id, for a forked author).
    std::uint64_t sequence = 0;
    Choice choice;
};

}  // namespace coop::vote
