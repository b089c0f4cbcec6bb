#include "core/group/body_vote.hpp"

#include <algorithm>
#include <cmath>

#include "core/group/body.hpp"
#include "core/group/body_text.hpp"
#include "core/vote/check.hpp"

namespace coop::group {
namespace {

using nlohmann::json;
using coop::vote::Say;

const TextRule title_rule{"the title", "a title", max_title_bytes, Lines::one, true};
const TextRule text_rule{"the text", "a proposal's text", max_proposal_text_bytes, Lines::many, false};

std::string option_problem(const json& o, std::size_t i) {
    const std::string subject = "option " + std::to_string(i + 1);
    if (!o.is_string()) return subject + " must be a string";
    return text_problem(o.get_ref<const std::string&>(), {subject, "an option", max_option_bytes, Lines::one, true});
}

// A whole number of millionths, 0 .. full_say.
std::optional<Say> say_field(const json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end()) return Say{0};
    if (!it->is_number_integer()) return std::nullopt;
    if (it->is_number_unsigned() ? it->get<std::uint64_t>() > static_cast<std::uint64_t>(coop::vote::full_say)
                                 : (it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > coop::vote::full_say))
        return std::nullopt;
    return it->get<Say>();
}

std::optional<PublicKey> key_of(const json& j) {
    if (!j.is_string()) return std::nullopt;
    return from_hex<32>(j.get_ref<const std::string&>());
}

// A fraction 0..1 given as a number.
std::optional<double> unit_field(const json& j) {
    if (!j.is_number()) return std::nullopt;
    const double v = j.get<double>();
    if (!std::isfinite(v) || v < 0 || v > 1) return std::nullopt;
    return v;
}

std::string settings_problem(const json& j, Action& a) {
    if (!j.is_object() || j.empty()) return "settings must name at least one setting";
    for (const auto& [name, value] : j.items()) {
        if (name == "window_days") {
            if (!value.is_number_unsigned() || value.get<std::uint64_t>() < 1 ||
                value.get<std::uint64_t>() > max_window_days)
                return "window_days must be a whole number of days, 1 to " + std::to_string(max_window_days);
            a.window_days = value.get<std::uint32_t>();
        } else if (name == "floor_capacity") {
            if (!value.is_number_unsigned() || value.get<std::uint64_t>() > max_capacity_up)
                return "floor_capacity must be a whole number of bytes per second, 0 to 10^12";
            a.floor_capacity = value.get<std::uint64_t>();
        } else if (name == "bandwidth" || name == "availability" || name == "duties" || name == "cap_share") {
            auto v = unit_field(value);
            if (!v) return name + " must be a number from 0 to 1";
            (name == "bandwidth"      ? a.bandwidth
             : name == "availability" ? a.availability
             : name == "duties"       ? a.duties
                                      : a.cap_share) = *v;
        } else if (name == "admission") {
            auto v = value.is_string() ? admission_from_name(value.get_ref<const std::string&>()) : std::nullopt;
            if (!v) return "admission must be \"invite\" or \"vote\"";
            a.admission = *v;
        } else {
            return "unknown setting '" + std::string(name.substr(0, 40)) +
                   "'; settings are window_days, floor_capacity, bandwidth, availability, duties, cap_share, admission";
        }
    }
    return "";
}

}  // namespace

std::string parse_action(const json& j, Action& a) {
    if (!j.is_object() || j.size() != 1) return "action must be an object with one of admit, remove, pin, settings";
    const std::string name = j.begin().key();
    const json& value = j.begin().value();
    if (name == "admit" || name == "remove") {
        auto key = key_of(value);
        if (!key) return name + " must be a member's key in hex (64 digits)";
        a.kind = name == "admit" ? ActionKind::admit : ActionKind::remove;
        a.member = *key;
        return "";
    }
    if (name == "pin") {
        auto entry = value.is_string() ? parse_id(value.get_ref<const std::string&>()) : std::nullopt;
        if (!entry) return "pin must be a catalog entry's id in hex";
        a.kind = ActionKind::pin;
        a.entry = *entry;
        return "";
    }
    if (name == "settings") {
        a.kind = ActionKind::settings;
        return settings_problem(value, a);
    }
    return "unknown action '" + std::string(name.substr(0, 40)) + "'; actions are admit, remove, pin, settings";
}

namespace {

std::string string_list(const json& j, const char* name, std::vector<std::string>& out) {
    if (!j.is_array()) return std::string(name) + " must be a list of options";
    if (j.size() > max_options)
        return "there are " + std::to_string(j.size()) + " options; a proposal has at most " + std::to_string(max_options);
    for (std::size_t i = 0; i < j.size(); ++i) {
        if (auto problem = option_problem(j[i], i); !problem.empty()) return problem;
        out.push_back(j[i].get<std::string>());
    }
    return "";
}

std::optional<coop::vote::Choice> choice_of(const json& j, std::string& why) {
    using namespace coop::vote;
    if (!j.is_object() || j.size() != 1) {
        why = "choice must be an object with one of pick, approve, consent, object, rank, scores";
        return std::nullopt;
    }
    const std::string name = j.begin().key();
    const json& value = j.begin().value();
    if (name == "pick") {
        if (!value.is_string() || value.get_ref<const std::string&>().size() > max_option_bytes) {
            why = "pick must be an option";
            return std::nullopt;
        }
        return Pick{value.get<std::string>()};
    }
    if (name == "approve" || name == "rank") {
        std::vector<std::string> options;
        if (auto problem = string_list(value, name.c_str(), options); !problem.empty()) {
            why = problem;
            return std::nullopt;
        }
        if (name == "approve") return Approve{std::move(options)};
        return Rank{std::move(options)};
    }
    if (name == "consent") {
        if (!value.is_boolean() || !value.get<bool>()) {
            why = "consent must be true";
            return std::nullopt;
        }
        return Consent{false, ""};
    }
    if (name == "object") {
        std::string reason;
        if (!value.is_string()) {
            why = "object must be the reason, a string";
            return std::nullopt;
        }
        if (auto problem = text_problem(value.get_ref<const std::string&>(),
                                        {"the reason", "a reason", max_reason_bytes, Lines::many, false});
            !problem.empty()) {
            why = problem;
            return std::nullopt;
        }
        return Consent{true, value.get<std::string>()};
    }
    if (name == "scores") {
        if (!value.is_object() || value.size() > max_options) {
            why = "scores must map at most " + std::to_string(max_options) + " options to whole numbers";
            return std::nullopt;
        }
        Score score;
        for (const auto& [option, points] : value.items()) {
            if (option.size() > max_option_bytes || !points.is_number_integer() ||
                points.get<std::int64_t>() < min_score || points.get<std::int64_t>() > max_score) {
                why = "each score must be a whole number from " + std::to_string(min_score) + " to " +
                      std::to_string(max_score);
                return std::nullopt;
            }
            score.scores.emplace_back(option, points.get<int>());
        }
        return score;
    }
    why = "unknown choice '" + std::string(name.substr(0, 40)) + "'";
    return std::nullopt;
}

json choice_json(const coop::vote::Choice& choice) {
    using namespace coop::vote;
    struct Write {
        json operator()(const Pick& c) const { return {{"pick", c.option}}; }
        json operator()(const Approve& c) const { return {{"approve", c.options}}; }
        json operator()(const Consent& c) const {
            return c.objects ? json{{"object", c.reason}} : json{{"consent", true}};
        }
        json operator()(const Rank& c) const { return {{"rank", c.order}}; }
        json operator()(const Score& c) const {
            json s = json::object();
            for (const auto& [option, points] : c.scores) s[option] = points;
            return {{"scores", s}};
        }
    };
    return std::visit(Write{}, choice);
}

}  // namespace

std::vector<std::string> effective_options(const ProposalBody& body) {
    if (body.method == coop::vote::Method::consent) return {};
    if (body.options.empty() && body.action.kind != ActionKind::none) return {"yes", "no"};
    return body.options;
}

std::optional<ProposalBody> parse_proposal(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<ProposalBody>(why, "not a JSON object");
    ProposalBody p;
    if (auto problem = text_field(*j, "title", title_rule, true, p.title); !problem.empty())
        return fail<ProposalBody>(why, problem);
    if (auto problem = text_field(*j, "text", text_rule, false, p.text); !problem.empty())
        return fail<ProposalBody>(why, problem);
    auto method = j->find("method");
    auto m = method != j->end() && method->is_string()
                 ? coop::vote::method_from_name(method->get_ref<const std::string&>())
                 : std::nullopt;
    if (!m) return fail<ProposalBody>(why, "method must be majority, approval, consent, ranked or score");
    p.method = *m;
    if (auto options = j->find("options"); options != j->end())
        if (auto problem = string_list(*options, "options", p.options); !problem.empty())
            return fail<ProposalBody>(why, problem);
    auto closes = j->find("closes_ms");
    if (closes == j->end() || !closes->is_number_integer() ||
        (closes->is_number_unsigned() && closes->get<std::uint64_t>() > INT64_MAX))
        return fail<ProposalBody>(why, "closes_ms must be a time in unix milliseconds");
    p.closes_ms = closes->get<std::int64_t>();
    auto quorum = say_field(*j, "quorum");
    if (!quorum) return fail<ProposalBody>(why, "quorum must be whole millionths, 0 to 1000000");
    p.quorum = *quorum;
    auto unaffected = say_field(*j, "unaffected_say");
    if (!unaffected) return fail<ProposalBody>(why, "unaffected_say must be whole millionths, 0 to 1000000");
    p.unaffected_say = *unaffected;
    if (auto affects = j->find("affects"); affects != j->end()) {
        if (!affects->is_array() || affects->size() > max_affected)
            return fail<ProposalBody>(why, "affects must be a list of at most " + std::to_string(max_affected) +
                                               " member keys");
        for (const auto& k : *affects) {
            auto key = key_of(k);
            if (!key) return fail<ProposalBody>(why, "affects must list member keys in hex (64 digits)");
            p.affects.push_back(*key);
        }
        std::sort(p.affects.begin(), p.affects.end());
        p.affects.erase(std::unique(p.affects.begin(), p.affects.end()), p.affects.end());
    }
    if (auto action = j->find("action"); action != j->end() && !action->is_null())
        if (auto problem = parse_action(*action, p.action); !problem.empty())
            return fail<ProposalBody>(why, problem);
    // The tally's own rules on options, quorum and say.
    coop::vote::Proposal counted;
    counted.options = effective_options(p);
    counted.method = p.method;
    counted.quorum = p.quorum;
    counted.unaffected_say = p.unaffected_say;
    if (p.method == coop::vote::Method::consent && !p.options.empty())
        return fail<ProposalBody>(why, "a consent proposal has no options: members consent or object");
    if (auto problem = coop::vote::proposal_problem(counted)) return fail<ProposalBody>(why, *problem);
    return p;
}

std::optional<BallotBody> parse_ballot(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<BallotBody>(why, "not a JSON object");
    auto proposal = j->find("proposal");
    auto id = proposal != j->end() && proposal->is_string() ? parse_id(proposal->get_ref<const std::string&>())
                                                             : std::nullopt;
    if (!id) return fail<BallotBody>(why, "proposal must be a proposal's id in hex");
    auto choice = j->find("choice");
    if (choice == j->end()) return fail<BallotBody>(why, "the choice is missing");
    std::string choice_why;
    auto c = choice_of(*choice, choice_why);
    if (!c) return fail<BallotBody>(why, choice_why);
    return BallotBody{*id, std::move(*c)};
}

json action_json(const Action& a) {
    switch (a.kind) {
        case ActionKind::none: return nullptr;
        case ActionKind::admit: return {{"admit", hex(a.member)}};
        case ActionKind::remove: return {{"remove", hex(a.member)}};
        case ActionKind::pin: return {{"pin", hex(a.entry)}};
        case ActionKind::settings: {
            json s = json::object();
            if (a.window_days) s["window_days"] = *a.window_days;
            if (a.floor_capacity) s["floor_capacity"] = *a.floor_capacity;
            if (a.bandwidth) s["bandwidth"] = *a.bandwidth;
            if (a.availability) s["availability"] = *a.availability;
            if (a.duties) s["duties"] = *a.duties;
            if (a.cap_share) s["cap_share"] = *a.cap_share;
            if (a.admission) s["admission"] = to_string(*a.admission);
            return {{"settings", s}};
        }
    }
    return nullptr;
}

std::string to_body(const ProposalBody& b) {
    json affects = json::array();
    for (const auto& k : b.affects) affects.push_back(hex(k));
    json j{{"title", b.title},
           {"text", b.text},
           {"method", std::string(coop::vote::method_name(b.method))},
           {"options", b.options},
           {"closes_ms", b.closes_ms},
           {"quorum", b.quorum},
           {"affects", affects},
           {"unaffected_say", b.unaffected_say}};
    if (b.action.kind != ActionKind::none) j["action"] = action_json(b.action);
    return j.dump();
}

std::string to_body(const BallotBody& b) {
    return json{{"proposal", hex(b.proposal)}, {"choice", choice_json(b.choice)}}.dump();
}

}  // namespace coop::group
