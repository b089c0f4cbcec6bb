#include "core/cli/vote_text.hpp"

#include <cmath>
#include <sstream>

#include "core/cli/json_fields.hpp"

namespace coop::cli {

using nlohmann::json;
using fields::array_or_empty;
using fields::field;
using fields::flag;
using fields::num;
using fields::str;

namespace {

// A say or a share as people read it: "1", "0.25", "2.5".
std::string amount(const json* value) {
    if (!value || !value->is_number()) return "0";
    std::ostringstream out;
    out << std::round(value->get<double>() * 1e6) / 1e6;
    return out.str();
}

std::string who(const std::string& key, const Viewer& viewer) {
    return key == viewer.self_key ? "you" : short_key(key);
}

std::string list_words(const json& list) {
    std::string out;
    for (const auto& item : array_or_empty(list))
        if (item.is_string()) out += (out.empty() ? "" : ", ") + printable(item.get<std::string>());
    return out;
}

std::string outcome_words(const json& outcome) {
    const std::string status = str(outcome, "status");
    std::string words;
    if (status == "won") words = printable(str(outcome, "winner")) + " won";
    else if (status == "passed") words = "passed";
    else if (status == "blocked") words = "blocked by an objection";
    else if (status == "no_quorum") words = "no quorum";
    else if (status == "no_majority") words = "no option has a majority";
    else if (status == "no_winner") words = "no winner";
    else words = printable(status);
    if (const auto* tied = field(outcome, "tied"); tied && !array_or_empty(*tied).empty())
        words += " (a tie of " + list_words(*tied) + ", broken by lot)";
    return words;
}

}  // namespace

std::string decision_state_text(const json& s, std::int64_t now_ms) {
    const std::string status = str(s, "status");
    const std::int64_t closes = num(s, "closes_ms");
    const json* outcome = field(s, "outcome");
    const std::string so_far = outcome ? outcome_words(*outcome) : "";
    if (status == "open") return "open, closes in " + rough_span(std::max<std::int64_t>(0, (closes - now_ms) / 1000)) +
                                 (so_far.empty() ? "" : "; so far " + so_far);
    if (status == "closing") return "closing (its close is on its way); so far " + so_far;
    std::string out = "closed: " + so_far;
    const std::string effect = str(s, "effect");
    if (!effect.empty() && effect != "decided") out += "; " + printable(effect);
    return out;
}

Table decisions_table(const json& proposals, const Viewer& viewer) {
    Table t({"PROPOSAL", "GROUP", "TITLE", "METHOD", "STATE", "VOTERS>", "YOU"});
    for (const auto& p : array_or_empty(proposals))
        t.add({short_id(str(p, "proposal")), clipped(str(p, "name"), 20), clipped(str(p, "title"), 40),
               str(p, "method"), decision_state_text(p, viewer.now_ms), std::to_string(num(p, "voters")),
               flag(p, "voted") ? "voted" : "-"});
    return t;
}

std::string decision_text(const json& d, const Viewer& viewer) {
    std::ostringstream out;
    out << printable(str(d, "title")) << "\n";
    out << "  proposal " << str(d, "proposal") << " in " << printable(str(d, "name")) << ", by "
        << who(str(d, "author"), viewer) << "\n";
    const std::string text = str(d, "text");
    if (!text.empty()) out << "\n  " << printable(text, true) << "\n\n";
    out << "  method   " << str(d, "method");
    if (num(d, "quorum") > 0) out << ", quorum " << num(d, "quorum") / 10'000 << "% of the say";
    out << "\n";
    const std::string options = list_words(d.value("options", json::array()));
    if (!options.empty()) out << "  options  " << options << "\n";
    if (const auto* action = field(d, "action"); action && action->is_object() && !action->empty()) {
        const auto first = action->begin();
        const json& value = first.value();
        out << "  if yes   " << first.key() << " "
            << (value.is_string() ? short_id(value.get<std::string>()) : printable(value.dump())) << "\n";
    }
    out << "  closes   " << format_time(num(d, "closes_ms"), viewer.now_ms) << "\n";
    out << "  state    " << decision_state_text(d, viewer.now_ms) << "\n";

    const json tally = d.value("tally", json::object());
    out << "\n  say cast " << amount(field(tally, "cast")) << " of " << amount(field(tally, "eligible"));
    if (num(tally, "quorum") > 0) out << (flag(tally, "quorum_met") ? ", quorum met" : ", quorum not met");
    out << "\n";
    if (const auto* support = field(tally, "support"); support && support->is_object())
        for (const auto& [option, say] : support->items())
            out << "    " << printable(option) << ": " << amount(&say) << "\n";
    if (const auto* scores = field(tally, "scores"); scores && scores->is_object())
        for (const auto& [option, score] : scores->items())
            out << "    " << printable(option) << ": mean " << amount(field(score, "mean")) << "\n";
    if (const auto* ranking = field(tally, "ranking"); ranking && ranking->is_array()) {
        out << "    ranking:";
        for (const auto& tier : *ranking) out << " [" << list_words(tier) << "]";
        out << "\n";
    }
    if (field(tally, "consents")) out << "    consents: " << amount(field(tally, "consents")) << "\n";
    for (const auto& o : array_or_empty(tally.value("objections", json::array())))
        out << "    objection by " << who(str(o, "voter"), viewer) << ": " << printable(str(o, "reason")) << "\n";

    Table voters({"VOTER", "SAY>"});
    for (const auto& c : array_or_empty(tally.value("counted", json::array())))
        voters.add({who(str(c, "voter"), viewer), amount(field(c, "say"))});
    if (!voters.empty()) {
        out << "\n";
        voters.print(out);
    }
    for (const auto& l : array_or_empty(tally.value("late", json::array())))
        out << "  late: " << who(str(l, "voter"), viewer) << " signed at "
            << format_time(num(l, "signed_ms"), viewer.now_ms) << ", after the close\n";
    for (const auto& a : array_or_empty(d.value("after_close", json::array())))
        out << "  late: " << who(str(a, "voter"), viewer) << "'s ballot arrived after the close was recorded\n";
    for (const auto& i : array_or_empty(tally.value("ignored", json::array())))
        out << "  ignored: " << who(str(i, "voter"), viewer) << ": " << printable(str(i, "reason")) << "\n";
    return out.str();
}

}  // namespace coop::cli
