#include "core/group/plan_state.hpp"

#include "core/group/body_plan.hpp"

namespace coop::group {

using nlohmann::json;

bool Planning::covers(const std::string& resource) const { return index_of(resource) < resources.size(); }

std::size_t Planning::index_of(const std::string& resource) const {
    for (std::size_t j = 0; j < resources.size(); ++j)
        if (resources[j].name == resource) return j;
    return resources.size();
}

namespace {

// Per resource name, from a vector in the plan's resource order.
template <typename T>
json by_resource(const std::vector<coop::plan::Resource>& resources, const std::vector<T>& values) {
    json out = json::object();
    for (std::size_t j = 0; j < resources.size() && j < values.size(); ++j) out[resources[j].name] = values[j];
    return out;
}

}  // namespace

json plan_json(const coop::plan::Plan& p) {
    json j;
    j["outcome"] = coop::plan::outcome_name(p.outcome);
    j["iterations"] = p.rounds;
    j["prices"] = by_resource(p.resources, p.prices);
    j["next_prices"] = by_resource(p.resources, p.next_prices);
    j["tallies"] = json::object();
    for (std::size_t k = 0; k < p.resources.size() && k < p.tallies.size(); ++k) {
        const auto& t = p.tallies[k];
        j["tallies"][p.resources[k].name] = {
            {"supply", t.supply}, {"demand", t.demand}, {"excess", t.excess}, {"balanced", t.balanced}};
    }
    j["members"] = json::object();
    for (const auto& m : p.members) {
        bool any = m.clipped;
        for (auto q : m.provides) any = any || q != 0;
        for (auto q : m.receives) any = any || q != 0;
        if (!any) continue;  // members with no part in the plan
        j["members"][m.id] = {{"provides", by_resource(p.resources, m.provides)},
                              {"receives", by_resource(p.resources, m.receives)},
                              {"clipped", m.clipped}};
    }
    return j;
}

json planning_json(const Planning& p) {
    json j;
    j["plan"] = hex(p.id);
    j["title"] = p.title;
    j["starter"] = p.starter;
    j["started_ms"] = p.started_ms;
    j["resources"] = json::array();
    for (const auto& r : p.resources) j["resources"].push_back({{"name", r.name}, {"unit", r.unit}});
    j["rounds"] = p.rounds;
    j["round_minutes"] = p.round_minutes;
    j["days"] = p.days;
    j["round"] = p.round;
    j["status"] = p.ended ? "adopted" : "open";
    j["opened_ms"] = p.opened_ms;
    j["deadline_ms"] = p.deadline_ms();
    j["prices"] = by_resource(p.resources, p.prices);
    j["offers"] = json::object();
    for (const auto& [member, offers] : p.offers)
        for (const auto& [resource, o] : offers)
            j["offers"][member][resource] = {{"capacity", o.capacity}, {"schedule", schedule_json(o.schedule)}};
    j["requests"] = json::object();
    for (const auto& [member, requests] : p.requests)
        for (const auto& [resource, s] : requests) j["requests"][member][resource] = schedule_json(s);
    j["closed"] = json::array();
    for (const auto& r : p.closed)
        j["closed"].push_back({{"round", r.round},
                               {"closed_by", r.closed_by},
                               {"closed_ms", r.closed_ms},
                               {"opening", by_resource(p.resources, r.opening)},
                               {"result", plan_json(r.result)}});
    j["adopted"] = p.adopted ? plan_json(*p.adopted) : json(nullptr);
    return j;
}

json plans_json(const std::map<std::string, Planning>& plans) {
    json out = json::object();
    for (const auto& [id, p] : plans) out[id] = planning_json(p);
    return out;
}

}  // namespace coop::group
