#pragma once
// The bodies of the decision kinds (proposal, ballot), their bounds and how
// they are written: the fold reads them (fold_vote.hpp) and the agent
// writes them, by one definition. Same conventions as body.hpp: a JSON
// object, unknown fields ignored, parse_* never throws.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/group/event.hpp"
#include "core/group/state.hpp"
#include "core/vote/proposal.hpp"

namespace coop::group {

inline constexpr std::size_t max_options = 20;
inline constexpr std::size_t max_option_bytes = 100;
inline constexpr std::size_t max_affected = 1000;
inline constexpr std::size_t max_proposal_text_bytes = 8000;
inline constexpr std::size_t max_reason_bytes = 1000;
// A proposal closes at most a year after it is made.
inline constexpr std::int64_t max_open_ms = 366LL * 24 * 3600 * 1000;

// {"title", "text", "method", "options": [...], "closes_ms", "quorum",
//  "affects": [keys] (absent or empty: everyone), "unaffected_say",
//  "action": {"admit": key} | {"remove": key} | {"pin": entry id} |
//            {"settings": {"window_days", "floor_capacity", "bandwidth",
//             "availability", "duties", "cap_share", "admission"}}}
// title, method and closes_ms are required; quorum and unaffected_say are
// millionths (0 .. 1,000,000); consent has no options, the others 2 or
// more. A proposal with an action and no options is majority yes / no.
struct ProposalBody {
    std::string title;
    std::string text;
    coop::vote::Method method = coop::vote::Method::majority;
    std::vector<std::string> options;
    std::int64_t closes_ms = 0;
    coop::vote::Say quorum = 0;
    std::vector<PublicKey> affects;  // sorted, unique
    coop::vote::Say unaffected_say = 0;
    Action action;
};

// {"proposal": id, "choice": one of {"pick": option} | {"approve": [options]}
//  | {"consent": true} | {"object": reason} | {"rank": [options]} |
//  {"scores": {option: 0..5}}}
struct BallotBody {
    Id proposal{};
    coop::vote::Choice choice;
};

std::optional<ProposalBody> parse_proposal(std::string_view body, std::string* why = nullptr);
std::optional<BallotBody> parse_ballot(std::string_view body, std::string* why = nullptr);

// The "action" field's value into `out`: "" if it is valid, else why not.
std::string parse_action(const nlohmann::json& action, Action& out);

// Throw nlohmann::json::type_error on strings that are not UTF-8.
std::string to_body(const ProposalBody& body);
std::string to_body(const BallotBody& body);

// The action as JSON, as the body and the state write it; null for none.
nlohmann::json action_json(const Action& action);

// What the proposal's options are once written: consent none; an action
// without options "yes" and "no".
std::vector<std::string> effective_options(const ProposalBody& body);

}  // namespace coop::group
