// coop vote: the group's decisions. Propose, cast a ballot (the last one
// counts until the close), list and show proposals with their running
// tally or outcome; `coop vote plan` plans the group's shared resources
// (vote_plan.cpp). The agent does the work (vote.* in protocol.hpp).
#include <CLI/CLI.hpp>

#include <ctime>
#include <iostream>
#include <optional>

#include "core/cli/duration.hpp"
#include "core/cli/output.hpp"
#include "core/cli/vote_text.hpp"
#include "core/rpc/client.hpp"
#include "core/units.hpp"
#include "tools/vote_plan.hpp"

using coop::rpc::json;
namespace cli = coop::cli;

namespace {

const std::string program = "coop vote";
constexpr std::int64_t default_open_s = 3 * 24 * 3600;  // Loomio's default too

coop::rpc::Client connect() { return coop::rpc::Client::connect(coop::Home::resolve()); }

cli::Viewer viewer(coop::rpc::Client& client) {
    return {client.call("agent.status").value("peer_id", ""), cli::now_ms()};
}

// --closes: a span from now ("2d", "90m") or a local time
// ("2026-12-24 18:00", "2026-12-24T18:00"); nullopt if neither.
std::optional<std::int64_t> closing_time(const std::string& text, std::int64_t now_ms) {
    if (auto span = cli::parse_duration(text); span && *span > 0) return now_ms + *span * 1000;
    for (const char* format : {"%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"}) {
        std::tm tm{};
        const char* end = strptime(text.c_str(), format, &tm);
        if (!end || *end != '\0') continue;
        tm.tm_isdst = -1;
        const std::time_t t = std::mktime(&tm);
        if (t == -1) return std::nullopt;
        return static_cast<std::int64_t>(t) * 1000;
    }
    return std::nullopt;
}

// "50" or "50%" as millionths, 0..100 %.
std::optional<std::int64_t> percent(std::string text) {
    if (!text.empty() && text.back() == '%') text.pop_back();
    if (text.empty() || text.size() > 12) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (*end != '\0' || !(v >= 0 && v <= 100)) return std::nullopt;
    return static_cast<std::int64_t>(v * 10'000 + 0.5);
}

// --set NAME=VALUE as the settings an action changes; throws
// std::invalid_argument with the one-line error.
json settings_of(const std::vector<std::string>& sets) {
    json out = json::object();
    for (const auto& s : sets) {
        const auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            throw std::invalid_argument("--set takes NAME=VALUE, like window_days=14 (not '" + s + "')");
        const std::string name = s.substr(0, eq), value = s.substr(eq + 1);
        if (name == "admission") {
            out[name] = value;
        } else if (name == "window_days") {
            char* end = nullptr;
            const long long days = std::strtoll(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || days < 1)
                throw std::invalid_argument("--set window_days takes a whole number of days, not '" + value + "'");
            out[name] = static_cast<std::uint64_t>(days);
        } else if (name == "floor_capacity") {
            auto rate = coop::parse_rate(value);
            if (!rate) throw std::invalid_argument("--set floor_capacity takes a rate like 32KiB/s, not '" + value + "'");
            out[name] = static_cast<std::uint64_t>(*rate);
        } else {
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0')
                throw std::invalid_argument("--set " + name + " takes a number from 0 to 1, not '" + value + "'");
            out[name] = v;  // the agent names unknown settings
        }
    }
    return out;
}

struct ProposeArgs {
    std::string group, title, body, method = "majority", closes, quorum, unaffected_say;
    std::vector<std::string> options, affects, sets;
    std::string admit, remove, pin;
    bool as_json = false;
};

int propose(const ProposeArgs& a) {
    const std::int64_t now = cli::now_ms();
    json params = {{"group", a.group}, {"title", a.title}, {"method", a.method}};
    if (!a.body.empty()) params["text"] = a.body;
    if (!a.options.empty()) params["options"] = a.options;
    if (!a.affects.empty()) params["affects"] = a.affects;
    std::optional<std::int64_t> closes = a.closes.empty() ? now + default_open_s * 1000 : closing_time(a.closes, now);
    if (!closes) {
        cli::error(program, "--closes '" + a.closes + "' is neither a span like 2d or 90m nor a time like 2026-12-24 18:00");
        return cli::usage;
    }
    params["closes_ms"] = *closes;
    for (const auto& [flag, text, key] : {std::tuple{"--quorum", a.quorum, "quorum"},
                                          std::tuple{"--unaffected-say", a.unaffected_say, "unaffected_say"}}) {
        if (text.empty()) continue;
        auto p = percent(text);
        if (!p) {
            cli::error(program, std::string(flag) + " '" + text + "' is not a percentage from 0 to 100");
            return cli::usage;
        }
        params[key] = *p;
    }
    if (!a.admit.empty()) params["action"] = {{"admit", a.admit}};
    if (!a.remove.empty()) params["action"] = {{"remove", a.remove}};
    if (!a.pin.empty()) params["action"] = {{"pin", a.pin}};
    if (!a.sets.empty()) {
        try {
            params["action"] = {{"settings", settings_of(a.sets)}};
        } catch (const std::invalid_argument& e) {
            cli::error(program, e.what());
            return cli::usage;
        }
    }
    auto client = connect();
    const json r = client.call("vote.propose", params);
    if (a.as_json) {
        cli::print_json(r);
        return cli::ok;
    }
    const std::string id = cli::short_id(r.value("proposal", ""));
    std::cout << "proposed " << id << " in " << cli::printable(r.value("name", "")) << ", closes "
              << cli::format_time(r.value("closes_ms", std::int64_t{0}), now) << "; vote with coop vote cast " << id
              << " CHOICE\n";
    return cli::ok;
}

int cast(const std::string& proposal, const std::vector<std::string>& choice, bool as_json) {
    auto client = connect();
    const json r = client.call("vote.cast", {{"proposal", proposal}, {"choice", choice}});
    if (as_json) cli::print_json(r);
    else
        std::cout << (r.value("replaced", false) ? "changed your ballot on " : "voted on ")
                  << cli::short_id(r.value("proposal", "")) << " in " << cli::printable(r.value("name", ""))
                  << "; the last ballot before the close counts\n";
    return cli::ok;
}

int list(const std::string& group, const std::string& state, bool as_json) {
    auto client = connect();
    json params = {{"state", state}};
    if (!group.empty()) params["group"] = group;
    const json r = client.call("vote.list", params).value("proposals", json::array());
    if (as_json) {
        cli::print_json(r);
        return cli::ok;
    }
    const auto table = cli::decisions_table(r, viewer(client));
    if (table.empty()) std::cout << "no proposals" << (state == "all" ? "" : " " + state) << "; make one with coop vote propose G TITLE\n";
    else table.print(std::cout);
    return cli::ok;
}

int show(const std::string& proposal, bool as_json) {
    auto client = connect();
    const json r = client.call("vote.show", {{"proposal", proposal}});
    if (as_json) cli::print_json(r);
    else std::cout << cli::decision_text(r, viewer(client));
    return cli::ok;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Decisions: proposals and ballots in a group, tallied the same by every member", "coop vote"};
    app.require_subcommand(1);

    ProposeArgs pa;
    auto* propose_cmd = app.add_subcommand("propose", "put a proposal to a group's members");
    propose_cmd->add_option("G", pa.group, "the group: its name or an id prefix")->required();
    propose_cmd->add_option("TITLE", pa.title, "what is proposed, in one line")->required();
    propose_cmd->add_option("--body", pa.body, "the proposal in more words")->type_name("TEXT");
    propose_cmd->add_option("--option", pa.options, "an option to choose from (repeat; at least 2, none for consent)")
        ->type_name("X")
        ->allow_extra_args(false);
    propose_cmd->add_option("--method", pa.method, "majority (the default), approval, consent, ranked or score")
        ->type_name("METHOD")
        ->check(CLI::IsMember({"majority", "approval", "consent", "ranked", "score"}));
    propose_cmd->add_option("--closes", pa.closes, "when it closes: a span (2d, 90m) or a local time (default 3d)")
        ->type_name("DURATION|TIME");
    propose_cmd->add_option("--quorum", pa.quorum, "the share of the members' say that must vote (default 0)")
        ->type_name("PCT");
    propose_cmd->add_option("--affects", pa.affects, "a member it affects, who gets full say (repeat; default all)")
        ->type_name("MEMBER|all")
        ->allow_extra_args(false);
    propose_cmd->add_option("--unaffected-say", pa.unaffected_say, "the say of members it does not affect (default 0)")
        ->type_name("PCT");
    auto* admit = propose_cmd->add_option("--admit", pa.admit, "if it passes, admit this applicant (closed groups)")
                      ->type_name("KEY");
    auto* remove = propose_cmd->add_option("--remove", pa.remove, "if it passes, remove this member")->type_name("MEMBER");
    auto* pin = propose_cmd->add_option("--pin", pa.pin, "if it passes, pin this catalog entry")->type_name("ENTRY");
    auto* set = propose_cmd
                    ->add_option("--set", pa.sets,
                                 "if it passes, change a setting: window_days, floor_capacity, bandwidth, "
                                 "availability, duties, cap_share or admission (repeat)")
                    ->type_name("NAME=VALUE")
                    ->allow_extra_args(false);
    admit->excludes(remove)->excludes(pin)->excludes(set);
    remove->excludes(pin)->excludes(set);
    pin->excludes(set);
    propose_cmd->add_flag("--json", pa.as_json, "print the new proposal as JSON");

    auto* cast_cmd = app.add_subcommand("cast", "vote on a proposal; a later ballot replaces yours until the close");
    std::string proposal;
    std::vector<std::string> choice;
    bool as_json = false;
    cast_cmd->add_option("PROPOSAL", proposal, "the proposal: an id prefix (coop vote list shows them)")->required();
    cast_cmd->add_option("CHOICE", choice,
                         "majority: an option; approval: the options you approve (or none); ranked: options best "
                         "first; score: OPTION=0..5 for each; consent: consent, or object REASON...")
        ->required();
    cast_cmd->add_flag("--json", as_json, "print the ballot as JSON");

    auto* list_cmd = app.add_subcommand("list", "list the proposals of a group, or of every group we are in");
    std::string group;
    bool open = false, closed = false;
    list_cmd->add_option("G", group, "the group: its name or an id prefix (default: every group)");
    auto* open_flag = list_cmd->add_flag("--open", open, "only proposals still open");
    list_cmd->add_flag("--closed", closed, "only closed proposals")->excludes(open_flag);
    list_cmd->add_flag("--json", as_json, "print the proposals as JSON");

    auto* show_cmd = app.add_subcommand("show", "a proposal: options, who voted, the tally or the outcome");
    show_cmd->add_option("PROPOSAL", proposal, "the proposal: an id prefix")->required();
    show_cmd->add_flag("--json", as_json, "print the proposal and its tally as JSON");

    auto plan = coop::tools::add_plan_commands(app);

    if (int code = cli::parse(app, program, argc, argv); code >= 0) return code;

    return cli::guarded(program, [&] {
        if (plan) {
            const int code = plan();
            if (code >= 0) return code;
        }
        if (*propose_cmd) return propose(pa);
        if (*cast_cmd) return cast(proposal, choice, as_json);
        if (*list_cmd) return list(group, open ? "open" : closed ? "closed" : "all", as_json);
        return show(proposal, as_json);
    });
}
