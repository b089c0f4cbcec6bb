// coop vote plan: participatory planning of a group's shared resources.
// Start a planning, offer capacity and request resources at indicative
// prices, close a round, and show the plan; the agent does the work
// (plan.* in protocol.hpp) and every member's fold computes the same plan.
#include "tools/vote_plan.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cli/duration.hpp"
#include "core/cli/output.hpp"
#include "core/cli/plan_text.hpp"
#include "core/rpc/client.hpp"

namespace coop::tools {
namespace {

using nlohmann::json;

const std::string program = "coop vote plan";

// A command line problem: exit 2 with its one line.
struct Usage : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Options {
    std::string group, plan, title, resources = "storage,transcode,upload", round_time = "24h", resource;
    int rounds = 5, days = 7;
    std::string capacity, qty, up_to;
    std::vector<std::string> at;
    bool as_json = false;
};

coop::rpc::Client connect() { return coop::rpc::Client::connect(coop::Home::resolve()); }

json with_plan(const Options& o, json params) {
    params["group"] = o.group;
    if (!o.plan.empty()) params["plan"] = o.plan;
    return params;
}

json points(const std::vector<std::string>& at) {
    json out = json::array();
    for (const auto& text : at) {
        auto p = coop::cli::parse_point(text);
        if (!p) throw Usage("--at '" + text + "' is not PRICE:QTY, like 1.5:200 (credits per unit : whole units)");
        out.push_back(*p);
    }
    return out;
}

std::int64_t quantity(const std::string& text, const char* option) {
    auto q = coop::cli::parse_quantity(text);
    if (!q) throw Usage(std::string(option) + " '" + text + "' is not a whole number of units (0 to 2^40)");
    return *q;
}

std::string confirm(const json& r, const std::string& what) {
    return what + " in planning " + coop::cli::short_id(r.value("plan", "")) + ", round " +
           std::to_string(r.value("round", 0)) + "\n";
}

int start(const Options& o) {
    json params = {{"group", o.group}, {"rounds", o.rounds}, {"days", o.days}};
    if (!o.title.empty()) params["title"] = o.title;
    std::vector<std::string> names;
    for (std::size_t at = 0; at <= o.resources.size();) {
        const auto comma = std::min(o.resources.find(',', at), o.resources.size());
        if (comma > at) names.push_back(o.resources.substr(at, comma - at));
        at = comma + 1;
    }
    if (names.empty()) throw Usage("--resources names no resource; give some of relay,storage,transcode,upload");
    params["resources"] = names;
    auto seconds = coop::cli::parse_duration(o.round_time);
    if (!seconds || *seconds < 60 || *seconds > 30 * 86400)
        throw Usage("--round-time '" + o.round_time + "' is not a length of time from 1m to 30d, like 30m or 24h");
    params["round_minutes"] = *seconds / 60;
    auto client = connect();
    const json r = client.call("plan.start", params);
    if (o.as_json) coop::cli::print_json(r);
    else
        std::cout << "started planning " << coop::cli::short_id(r.value("plan", "")) << " of "
                  << coop::cli::printable(o.group) << ": round 1 of " << o.rounds << "\n";
    return coop::cli::ok;
}

int offer(const Options& o) {
    const std::int64_t capacity = quantity(o.capacity, "--capacity");
    json schedule = o.at.empty() ? json::array({json::array({0, capacity})}) : points(o.at);
    auto client = connect();
    const json r = client.call("plan.offer", with_plan(o, {{"offers", {{o.resource, {{"capacity", capacity}, {"schedule", schedule}}}}}}));
    if (o.as_json) coop::cli::print_json(r);
    else std::cout << confirm(r, "offered " + std::to_string(capacity) + " of " + coop::cli::printable(o.resource));
    return coop::cli::ok;
}

int request(const Options& o) {
    json schedule;
    if (!o.at.empty()) {
        if (!o.qty.empty() || !o.up_to.empty()) throw Usage("--at goes without --qty and --up-to");
        schedule = points(o.at);
    } else {
        if (o.qty.empty()) throw Usage("say what you request: --qty Q [--up-to PRICE], or --at PRICE:QTY...");
        const std::int64_t q = quantity(o.qty, "--qty");
        if (o.up_to.empty()) {
            schedule = json::array({json::array({0, q})});
        } else {
            auto price = coop::cli::parse_price(o.up_to);
            if (!price || *price >= (std::int64_t{1} << 40))
                throw Usage("--up-to '" + o.up_to + "' is not a price in credits per unit, like 2 or 0.5");
            // Q up to the price, nothing a millionth of a credit above it.
            schedule = json::array({json::array({*price, q}), json::array({*price + 1, 0})});
        }
    }
    auto client = connect();
    const json r = client.call("plan.request", with_plan(o, {{"requests", {{o.resource, schedule}}}}));
    if (o.as_json) coop::cli::print_json(r);
    else std::cout << confirm(r, "requested " + coop::cli::printable(o.resource));
    return coop::cli::ok;
}

int close(const Options& o) {
    auto client = connect();
    const json r = client.call("plan.close", with_plan(o, json::object()));
    if (o.as_json) {
        coop::cli::print_json(r);
        return coop::cli::ok;
    }
    std::cout << "closed round " << r.value("round", 0) << " of planning " << coop::cli::short_id(r.value("plan", ""))
              << (r.value("status", "") == "adopted" ? ": a plan is adopted\n"
                                                      : ": round " + std::to_string(r.value("open_round", 0)) + " is open\n");
    return coop::cli::ok;
}

int show(const Options& o) {
    auto client = connect();
    const json r = client.call("plan.show", with_plan(o, json::object()));
    if (o.as_json) coop::cli::print_json(r);
    else std::cout << coop::cli::plan_show_text(r, {client.call("agent.status").value("peer_id", ""), coop::cli::now_ms()});
    return coop::cli::ok;
}

void group_and_plan(CLI::App* cmd, Options& o) {
    cmd->add_option("group", o.group, "the group: its name or an id prefix")->required()->type_name("G");
    cmd->add_option("--plan", o.plan, "the planning (an id prefix; default: the newest open one)")->type_name("ID");
}

}  // namespace

std::function<int()> add_plan_commands(CLI::App& vote) {
    auto o = std::make_shared<Options>();
    auto* plan = vote.add_subcommand("plan", "participatory planning of the group's shared resources");
    plan->require_subcommand(1);

    auto* start_cmd = plan->add_subcommand("start", "open a planning of the group's resources");
    start_cmd->add_option("group", o->group, "the group: its name or an id prefix")->required()->type_name("G");
    start_cmd->add_option("--title", o->title, "what the planning is for")->type_name("TEXT");
    start_cmd->add_option("--resources", o->resources, "the resources to plan (default storage,transcode,upload; relay too)")
        ->type_name("LIST");
    start_cmd->add_option("--rounds", o->rounds, "at most N rounds before the fallback (default 5)")
        ->type_name("N")
        ->check(CLI::Range(1, 20));
    start_cmd->add_option("--round-time", o->round_time, "how long a round stays open (default 24h)")->type_name("DURATION");
    start_cmd->add_option("--days", o->days, "the span the plan covers, in days (default 7)")
        ->type_name("D")
        ->check(CLI::Range(1, 365));
    start_cmd->add_flag("--json", o->as_json, "print the result as JSON");

    auto* offer_cmd = plan->add_subcommand("offer", "offer capacity of a resource, at any price or along price points");
    group_and_plan(offer_cmd, *o);
    offer_cmd->add_option("--resource", o->resource, "storage, upload, transcode or relay")->required()->type_name("R");
    offer_cmd->add_option("--capacity", o->capacity, "how much of it you have to give, in its units")
        ->required()
        ->type_name("Q");
    offer_cmd->add_option("--at", o->at, "offer QTY at PRICE and above (repeatable; default: all of it at any price)")
        ->type_name("PRICE:QTY");
    offer_cmd->add_flag("--json", o->as_json, "print the result as JSON");

    auto* request_cmd = plan->add_subcommand("request", "request a resource, at any price or up to one");
    group_and_plan(request_cmd, *o);
    request_cmd->add_option("--resource", o->resource, "storage, upload, transcode or relay")->required()->type_name("R");
    request_cmd->add_option("--qty", o->qty, "how much you want, in its units")->type_name("Q");
    request_cmd->add_option("--up-to", o->up_to, "only at this price or below (credits per unit)")->type_name("PRICE");
    request_cmd->add_option("--at", o->at, "want QTY at PRICE (repeatable, instead of --qty)")->type_name("PRICE:QTY");
    request_cmd->add_flag("--json", o->as_json, "print the result as JSON");

    auto* close_cmd = plan->add_subcommand("close", "close the open round (the starter any time, others after its deadline)");
    group_and_plan(close_cmd, *o);
    close_cmd->add_flag("--json", o->as_json, "print the result as JSON");

    auto* show_cmd = plan->add_subcommand("show", "the planning: prices, offers, requests, and the plan once adopted");
    group_and_plan(show_cmd, *o);
    show_cmd->add_flag("--json", o->as_json, "print the planning as JSON (the same on every member)");

    return [=]() -> int {
        if (!*plan) return -1;
        return coop::cli::guarded(program, [&] {
            try {
                if (*start_cmd) return start(*o);
                if (*offer_cmd) return offer(*o);
                if (*request_cmd) return request(*o);
                if (*close_cmd) return close(*o);
                return show(*o);
            } catch (const Usage& e) {
                coop::cli::error(program, e.what());
                return coop::cli::usage;
            }
        });
    };
}

}  // namespace coop::tools
