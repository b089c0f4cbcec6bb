#pragma once
// The group's plannings as the fold computes them (fold_plan.hpp has the
// rules): each one's terms, what every member stands by, the rounds run
// and the plan adopted. The same events give the same JSON on every member.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/group/event.hpp"
#include "core/plan/economy.hpp"
#include "core/plan/procedure.hpp"

namespace coop::group {

// One closed round: who closed it, when, and the procedure's result over
// what members stood by then.
struct PlanRound {
    std::uint32_t round = 0;
    std::string closed_by;  // member key in hex
    std::int64_t closed_ms = 0;
    std::vector<coop::plan::Price> opening;  // the round's opening prices, per resource
    coop::plan::Plan result;
};

struct StandingOffer {
    coop::plan::Quantity capacity = 0;
    coop::plan::Schedule schedule;
};

struct Planning {
    Id id{};  // the plan_start event
    std::string starter;  // key in hex
    std::int64_t started_ms = 0;
    std::string title;
    std::vector<coop::plan::Resource> resources;  // by name
    std::uint32_t rounds = 0;          // the limit
    std::int64_t round_minutes = 0;
    std::uint32_t days = 0;            // the span the plan covers

    std::uint32_t round = 1;           // the open round, or the last one run
    std::int64_t opened_ms = 0;        // when the open round opened
    std::vector<coop::plan::Price> prices;  // the open round's opening prices
    bool ended = false;                // a plan was adopted
    // What each member stands by: its latest offer and request of each
    // resource (silence keeps them from one round to the next).
    std::map<std::string, std::map<std::string, StandingOffer>> offers;        // member -> resource ->
    std::map<std::string, std::map<std::string, coop::plan::Schedule>> requests;  // member -> resource ->
    std::vector<PlanRound> closed;     // first to last
    std::optional<coop::plan::Plan> adopted;

    // The open round's deadline: from then on any member may close it.
    std::int64_t deadline_ms() const { return opened_ms + round_minutes * 60'000; }
    bool covers(const std::string& resource) const;
    std::size_t index_of(const std::string& resource) const;  // resources.size() if not covered
};

// The plannings by start id (hex), as GroupState::to_json writes them.
nlohmann::json plans_json(const std::map<std::string, Planning>& plans);
nlohmann::json planning_json(const Planning& planning);
// A plan of the procedure in the same words.
nlohmann::json plan_json(const coop::plan::Plan& plan);

}  // namespace coop::group
