#include "core/vote/check.hpp"

#include <algorithm>
#include <set>

namespace coop::vote {

namespace {

bool is_option(const Proposal& proposal, const std::string& option) {
    return std::find(proposal.options.begin(), proposal.options.end(), option) != proposal.options.end();
}

// Every name an option of the proposal, none twice.
std::optional<std::string> options_problem(const Proposal& proposal, const std::vector<std::string>& names) {
    std::set<std::string> seen;
    for (const auto& name : names) {
        if (!is_option(proposal, name)) return "no option \"" + name + "\" in the proposal";
        if (!seen.insert(name).second) return "option \"" + name + "\" named twice";
    }
    return std::nullopt;
}

// "a majority", "an approval", ...
std::string a_method(Method method) {
    const std::string name(method_name(method));
    return (method == Method::approval ? "an " : "a ") + name;
}

bool blank(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

std::optional<std::string> proposal_problem(const Proposal& proposal) {
    if (proposal.method == Method::consent) {
        if (!proposal.options.empty()) return "a consent proposal has no options";
    } else if (proposal.options.size() < 2) {
        return a_method(proposal.method) + " proposal needs at least 2 options";
    }
    std::set<std::string> seen;
    for (const auto& option : proposal.options) {
        if (option.empty()) return "an option is empty";
        if (!seen.insert(option).second) return "option \"" + option + "\" given twice";
    }
    if (proposal.quorum < 0 || proposal.quorum > full_say) return "quorum is not between 0 and 100%";
    if (proposal.unaffected_say < 0 || proposal.unaffected_say > full_say)
        return "the say of unaffected members is not between none and full";
    return std::nullopt;
}

std::optional<std::string> choice_problem(const Proposal& proposal, const Choice& choice) {
    if (method_of(choice) != proposal.method)
        return a_method(method_of(choice)) + " ballot for " + a_method(proposal.method) + " proposal";
    if (const auto* pick = std::get_if<Pick>(&choice)) return options_problem(proposal, {pick->option});
    if (const auto* approve = std::get_if<Approve>(&choice)) return options_problem(proposal, approve->options);
    if (const auto* consent = std::get_if<Consent>(&choice)) {
        if (consent->objects && blank(consent->reason)) return "an objection without a reason";
        return std::nullopt;
    }
    if (const auto* rank = std::get_if<Rank>(&choice)) {
        if (rank->order.empty()) return "a ranking names no option";
        return options_problem(proposal, rank->order);
    }
    const auto& score = std::get<Score>(choice);
    std::vector<std::string> named;
    for (const auto& [option, value] : score.scores) {
        if (value < min_score || value > max_score)
            return "score " + std::to_string(value) + " for \"" + option + "\" is not " + std::to_string(min_score) +
                   ".." + std::to_string(max_score);
        named.push_back(option);
    }
    if (auto problem = options_problem(proposal, named)) return problem;
    if (named.size() != proposal.options.size()) return "a score ballot must score every option";
    return std::nullopt;
}

}  // namespace coop::vote
