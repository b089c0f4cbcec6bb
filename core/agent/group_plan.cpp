// Participatory planning (core/group/fold_plan.hpp has the rules):
// plan.start, plan.offer, plan.request, plan.close and plan.show, and what
// the agent does on the member's behalf on the clock: an upload offer from
// the capacity it declared (coop ledger capacity --up), and closing a
// round whose deadline has passed.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "core/agent/groups.hpp"
#include "core/group/body_plan.hpp"
#include "core/group/fold_plan.hpp"

namespace coop::agent {

using group::Id;
using group::Kind;
using group::Planning;
using nlohmann::json;

namespace {

constexpr std::int64_t minute_ms = 60'000;

std::string resource_names() {
    std::string out;
    for (const auto& r : group::plan_resources()) out += (out.empty() ? "" : ", ") + r.name;
    return out;
}

std::string covered(const Planning& p) {
    std::string out;
    for (const auto& r : p.resources) out += (out.empty() ? "" : ", ") + r.name;
    return out;
}

// The planning `given` names (an id prefix), or the newest open one, or
// the newest; RpcFailure if there is none or the prefix is ambiguous.
const Planning& pick(const group::GroupState& s, const std::string& given, const std::string& group_name) {
    if (!given.empty()) {
        const Planning* found = nullptr;
        for (const auto& [id, p] : s.plans) {
            if (id.compare(0, given.size(), given) != 0) continue;
            if (found) throw RpcFailure(rpc::ambiguous, "planning id '" + given + "' matches several; type more digits");
            found = &p;
        }
        if (!found)
            throw RpcFailure(rpc::not_found, "no planning of " + group_name + " has id '" + given +
                                                 "'; see coop vote plan show " + group_name + " --json");
        return *found;
    }
    const Planning* best = nullptr;
    for (const auto& [id, p] : s.plans) {
        auto key = [](const Planning& x) { return std::make_tuple(!x.ended, x.started_ms, group::hex(x.id)); };
        if (!best || key(p) > key(*best)) best = &p;
    }
    if (!best)
        throw RpcFailure(rpc::not_found,
                         "there is no planning in " + group_name + "; start one with coop vote plan start " + group_name);
    return *best;
}

void must_be_open(const Planning& p) {
    if (p.ended)
        throw RpcFailure(rpc::bad_input, "the planning " + group::hex(p.id).substr(0, 12) + " has ended (round " +
                                             std::to_string(p.round) + " of " + std::to_string(p.rounds) +
                                             "); start a new one with coop vote plan start");
}

// The names in an offers or requests object, each one the planning covers.
void must_cover(const Planning& p, const json& entries, const char* what) {
    if (!entries.is_object() || entries.empty())
        throw RpcFailure(rpc::invalid_params, std::string("'") + what + "' must be an object by resource");
    for (const auto& [name, value] : entries.items()) {
        if (!group::plan_resource(name))
            throw RpcFailure(rpc::bad_input, "unknown resource '" + name + "'; the resources are " + resource_names());
        if (!p.covers(name))
            throw RpcFailure(rpc::bad_input, "this planning covers " + covered(p) + ", not " + name);
    }
}

std::string share_words(const group::ShareBound& b, std::size_t members) {
    if (b.equal)
        return "an equal share of " + std::to_string(members) + " members, as no effort is recorded yet";
    const double percent = b.total == 0 ? 0.0 : 100.0 * static_cast<double>(b.weight) / static_cast<double>(b.total);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", percent);
    return std::string("your effort share, ") + buf;
}

// The agent's own upload offer, in GB over the plan's days, from a
// declared capacity in bytes per second.
coop::plan::Quantity upload_gb(std::uint64_t up, std::uint32_t days) {
    const __int128 bytes = static_cast<__int128>(up) * 86'400 * days;
    return static_cast<coop::plan::Quantity>(std::min<__int128>(bytes / 1'000'000'000, coop::plan::max_quantity));
}

}  // namespace

void Groups::plan_start(const CallPtr& call) {
    Held& h = resolve_member(call->string_param("group"));
    arrived(h);
    const auto& p = call->params();
    group::PlanStartBody body;
    body.title = p.value("title", std::string());
    body.resources = p.value("resources", std::vector<std::string>{"storage", "transcode", "upload"});
    for (const auto& r : body.resources)
        if (!group::plan_resource(r))
            throw RpcFailure(rpc::bad_input, "unknown resource '" + r + "'; the resources are " + resource_names());
    std::sort(body.resources.begin(), body.resources.end());
    body.resources.erase(std::unique(body.resources.begin(), body.resources.end()), body.resources.end());
    body.rounds = p.value("rounds", group::default_plan_rounds);
    body.round_minutes = p.value("round_minutes", group::default_round_minutes);
    body.days = p.value("days", group::default_plan_days);
    std::string text, why;
    try {
        text = group::to_body(body);
    } catch (const json::exception&) {
        throw RpcFailure(rpc::bad_input, "the title is not valid UTF-8");
    }
    if (!group::parse_plan_start(text, &why)) throw RpcFailure(rpc::bad_input, why);
    const group::Event e = publish(h, Kind::plan_start, text);
    call->reply({{"group", group::hex(h.record.group)}, {"plan", group::hex(e.id())}, {"round", 1}});
}

void Groups::plan_offer(const CallPtr& call) {
    Held& h = resolve_member(call->string_param("group"));
    const Planning& p = pick(arrived(h), call->params().value("plan", std::string()), h.record.name);
    must_be_open(p);
    const json offers = call->params().value("offers", json());
    must_cover(p, offers, "offers");
    std::string why;
    auto body = group::parse_plan_offer(json{{"plan", group::hex(p.id)}, {"offers", offers}}.dump(), &why);
    if (!body) throw RpcFailure(rpc::bad_input, why);
    const Id plan = p.id;
    const std::uint32_t round = p.round;
    const group::Event e = publish(h, Kind::plan_offer, group::to_body(*body));
    call->reply({{"group", group::hex(h.record.group)}, {"plan", group::hex(plan)}, {"round", round},
                 {"event", group::hex(e.id())}});
}

void Groups::plan_request(const CallPtr& call) {
    Held& h = resolve_member(call->string_param("group"));
    const group::GroupState& s = arrived(h);
    const Planning& p = pick(s, call->params().value("plan", std::string()), h.record.name);
    must_be_open(p);
    const json requests = call->params().value("requests", json());
    must_cover(p, requests, "requests");
    std::string why;
    auto body = group::parse_plan_request(json{{"plan", group::hex(p.id)}, {"requests", requests}}.dump(), &why);
    if (!body) throw RpcFailure(rpc::bad_input, why);
    // The fold's own bound (fold_plan.hpp): refused here, before it is signed.
    const std::string us = group::hex(identity_.public_key());
    for (const auto& [resource, schedule] : body->requests) {
        const auto bound = group::share_bound(s, p, us, resource);
        const auto asked = group::largest(schedule);
        if (asked <= bound.most) continue;
        const std::string unit = group::plan_resource(resource)->unit;
        if (bound.declared == 0)
            throw RpcFailure(rpc::bad_input, "nothing of " + resource +
                                                 " is offered yet, so no request of it fits your share; wait for "
                                                 "offers (coop vote plan show " + h.record.name + ")");
        throw RpcFailure(rpc::bad_input, "a request of " + std::to_string(asked) + " " + unit + " of " + resource +
                                             " is over your share: at most " + std::to_string(bound.most) + " of the " +
                                             std::to_string(bound.declared) + " offered so far (" +
                                             share_words(bound, s.members.size()) + "); ask for less");
    }
    const Id plan = p.id;
    const std::uint32_t round = p.round;
    const group::Event e = publish(h, Kind::plan_request, group::to_body(*body));
    call->reply({{"group", group::hex(h.record.group)}, {"plan", group::hex(plan)}, {"round", round},
                 {"event", group::hex(e.id())}});
}

void Groups::plan_close(const CallPtr& call) {
    Held& h = resolve_member(call->string_param("group"));
    const Planning& p = pick(arrived(h), call->params().value("plan", std::string()), h.record.name);
    must_be_open(p);
    const std::int64_t now = now_ms();
    if (p.starter != group::hex(identity_.public_key()) && now < p.deadline_ms()) {
        const std::int64_t left_min = (p.deadline_ms() - now + minute_ms - 1) / minute_ms;
        throw RpcFailure(rpc::bad_input, "only the planning's starter may close round " + std::to_string(p.round) +
                                             " before its deadline, in " + std::to_string(left_min) +
                                             " min; wait, or ask them");
    }
    const Id plan = p.id;
    const std::uint32_t round = p.round;
    const group::Event e = publish(h, Kind::close, group::to_body(group::CloseBody{plan, round}));
    const auto& after = arrived(h).plans.at(group::hex(plan));
    call->reply({{"group", group::hex(h.record.group)}, {"plan", group::hex(plan)}, {"round", round},
                 {"event", group::hex(e.id())}, {"status", after.ended ? "adopted" : "open"}, {"open_round", after.round}});
}

void Groups::plan_show(const CallPtr& call) {
    Held& h = resolve(call->string_param("group"));
    const group::GroupState& s = arrived(h);
    const Planning& p = pick(s, call->params().value("plan", std::string()), h.record.name);
    json out = group::planning_json(p);
    out["group"] = group::hex(h.record.group);
    out["members"] = s.members.size();
    call->reply(out);
}

void Groups::review_plans(Held& h, const group::GroupState& s) {
    const std::string us = group::hex(identity_.public_key());
    const std::int64_t now = now_ms();
    std::vector<std::pair<Kind, std::string>> posts;
    for (const auto& [id, p] : s.plans) {
        if (p.ended) continue;
        // Our upload offer from the capacity we declared, once per planning.
        const auto declared = s.ledger.capacities.find(us);
        const bool offered = p.offers.count(us) && p.offers.at(us).count("upload");
        if (p.covers("upload") && !offered && declared != s.ledger.capacities.end() &&
            plan_offered_.insert(id).second) {
            const auto gb = upload_gb(declared->second, p.days);
            if (gb > 0) {
                group::PlanOfferBody body{p.id, {{"upload", {gb, coop::plan::Schedule::fixed(gb)}}}};
                posts.emplace_back(Kind::plan_offer, group::to_body(body));
            }
        }
        // A round past its deadline: the starter's agent closes it then,
        // the others a while later in case the starter is away.
        const std::int64_t grace = p.starter == us ? 0 : std::max<std::int64_t>(minute_ms, p.round_minutes * minute_ms / 10);
        if (now >= p.deadline_ms() + grace && plan_closed_.insert(id + ":" + std::to_string(p.round)).second)
            posts.emplace_back(Kind::close, group::to_body(group::CloseBody{p.id, p.round}));
    }
    for (auto& [kind, body] : posts) {
        try {
            publish(h, kind, body);
            spdlog::info("group {}: posted a {} for a planning", h.record.name, group::to_string(kind));
        } catch (const std::exception& e) {
            spdlog::warn("group {}: cannot post a {} for a planning: {}", h.record.name, group::to_string(kind), e.what());
        }
    }
}

}  // namespace coop::agent
