#pragma once
// The bodies of the planning kinds (plan_start, plan_offer, plan_request),
// their bounds, and how they are written; the rules of body.hpp: a JSON
// object, unknown fields ignored, parse_* never throws and sets a one-line
// `why`, to_body writes what parse_* reads.
//
// Units. The resources a group plans are a fixed set with fixed units, so
// every member reads a quantity the same way: storage in GB·day (a GB kept
// replicated for a day), upload in GB, transcode in minutes of video, relay
// in GB of live streams relayed. Quantities are whole units; prices are
// millionths of a credit per unit (core/plan/economy.hpp).
//
//   plan_start   {"title", "resources": [names], "rounds": N,
//                 "round_minutes": M, "days": D}
//                title one line (at most max_title_bytes); resources 1 to
//                plan_resources().size(), known names, each once (sorted
//                once parsed); rounds 1..max_plan_rounds (default 5);
//                round_minutes 1..max_round_minutes (default 1440: a day);
//                days, the span the plan covers, 1..max_plan_days (default 7)
//   plan_offer   {"plan": start id, "offers": {RESOURCE: {"capacity": Q,
//                 "schedule": [[price, quantity], ...]}, ...}}
//   plan_request {"plan": start id, "requests": {RESOURCE:
//                 [[price, quantity], ...], ...}}
// An offer or a request names 1..plan_resources().size() resources. A
// schedule has at most core/plan's max_points points, prices ascending
// and distinct within 0..max_price, quantities within 0..max_quantity; an
// offer's never falls as the price rises and stays within its capacity
// (0..max_quantity), a request's never rises. An empty schedule is
// nothing: it withdraws what the member said of that resource before.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/group/event.hpp"
#include "core/plan/economy.hpp"

namespace coop::group {

inline constexpr std::uint32_t max_plan_rounds = 20;
inline constexpr std::uint32_t default_plan_rounds = 5;
inline constexpr std::int64_t max_round_minutes = 30 * 24 * 60;
inline constexpr std::int64_t default_round_minutes = 24 * 60;
inline constexpr std::uint32_t max_plan_days = 365;
inline constexpr std::uint32_t default_plan_days = 7;

// The resources a planning may cover, by name, with their units.
const std::vector<coop::plan::Resource>& plan_resources();
// The unit of a known resource, or nullptr.
const coop::plan::Resource* plan_resource(std::string_view name);

struct PlanStartBody {
    std::string title;
    std::vector<std::string> resources;  // sorted, unique, known
    std::uint32_t rounds = default_plan_rounds;
    std::int64_t round_minutes = default_round_minutes;
    std::uint32_t days = default_plan_days;
};

struct PlanOffer {
    coop::plan::Quantity capacity = 0;
    coop::plan::Schedule schedule;
};

struct PlanOfferBody {
    Id plan{};
    std::map<std::string, PlanOffer> offers;  // by resource
};

struct PlanRequestBody {
    Id plan{};
    std::map<std::string, coop::plan::Schedule> requests;  // by resource
};

// What is wrong with a schedule, in one line ("its prices are not in
// ascending order"), or "". `offer` for an offer's, with its capacity.
std::string schedule_problem(const coop::plan::Schedule& schedule, bool offer, coop::plan::Quantity capacity);

// The reasons are fixed phrases, never the body's data: the fold counts
// ignored events by them.
std::optional<PlanStartBody> parse_plan_start(std::string_view body, std::string* why = nullptr);
std::optional<PlanOfferBody> parse_plan_offer(std::string_view body, std::string* why = nullptr);
std::optional<PlanRequestBody> parse_plan_request(std::string_view body, std::string* why = nullptr);

std::string to_body(const PlanStartBody& body);
std::string to_body(const PlanOfferBody& body);
std::string to_body(const PlanRequestBody& body);

// A schedule as JSON points [[price, quantity], ...], and back (nullopt
// unless a list of at most max_points pairs of whole numbers in range).
nlohmann::json schedule_json(const coop::plan::Schedule& schedule);
std::optional<coop::plan::Schedule> schedule_from_json(const nlohmann::json& j);

}  // namespace coop::group
