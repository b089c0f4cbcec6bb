#include "core/group/body_plan.hpp"

#include <algorithm>

#include "core/group/body.hpp"

namespace coop::group {
namespace {

using coop::plan::Point;
using coop::plan::Price;
using coop::plan::Quantity;
using coop::plan::Schedule;
using nlohmann::json;

std::optional<json> parse_object(std::string_view body) {
    json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

template <typename T>
std::optional<T> fail(std::string* why, std::string reason) {
    if (why) *why = std::move(reason);
    return std::nullopt;
}

// A whole number in lo..hi, or nullopt.
std::optional<std::int64_t> whole(const json& j, std::int64_t lo, std::int64_t hi) {
    if (!j.is_number_integer()) return std::nullopt;
    if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) return std::nullopt;
    const auto v = j.get<std::int64_t>();
    if (v < lo || v > hi) return std::nullopt;
    return v;
}

// An optional whole-number field into `out`; false if present and not in lo..hi.
template <typename T>
bool whole_field(const json& j, const char* name, std::int64_t lo, std::int64_t hi, T& out) {
    auto it = j.find(name);
    if (it == j.end()) return true;
    auto v = whole(*it, lo, hi);
    if (!v) return false;
    out = static_cast<T>(*v);
    return true;
}

bool plan_id(const json& j, Id& out) {
    auto it = j.find("plan");
    return it != j.end() && it->is_string() && it->get_ref<const std::string&>().size() == 64 &&
           hex_to_bytes(it->get_ref<const std::string&>(), out.data(), out.size());
}

bool one_line(const std::string& s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

// The resources of an offer or a request: a non-empty object of known names.
std::string resource_map_problem(const json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_object()) return std::string(name) + " must be an object by resource";
    if (it->empty()) return std::string(name) + " names no resource";
    if (it->size() > plan_resources().size()) return std::string(name) + " names more resources than there are";
    for (const auto& [key, value] : it->items())
        if (!plan_resource(key)) return std::string(name) + " names an unknown resource";
    return "";
}

}  // namespace

const std::vector<coop::plan::Resource>& plan_resources() {
    static const std::vector<coop::plan::Resource> known = {
        {"relay", "GB"}, {"storage", "GB·day"}, {"transcode", "minutes"}, {"upload", "GB"}};
    return known;
}

const coop::plan::Resource* plan_resource(std::string_view name) {
    for (const auto& r : plan_resources())
        if (r.name == name) return &r;
    return nullptr;
}

std::string schedule_problem(const Schedule& s, bool offer, Quantity capacity) {
    if (s.points.size() > coop::plan::max_points)
        return "a schedule has at most " + std::to_string(coop::plan::max_points) + " price points";
    for (std::size_t i = 0; i < s.points.size(); ++i) {
        const Point& p = s.points[i];
        if (p.price < 0 || p.price > coop::plan::max_price) return "a price is out of range";
        if (p.quantity < 0 || p.quantity > coop::plan::max_quantity) return "a quantity is out of range";
        if (offer && p.quantity > capacity) return "an offer is more than its capacity";
        if (i == 0) continue;
        const Point& prev = s.points[i - 1];
        if (p.price <= prev.price) return "the price points are not in ascending order";
        if (offer && p.quantity < prev.quantity) return "an offer falls as the price rises";
        if (!offer && p.quantity > prev.quantity) return "a request rises with the price";
    }
    return "";
}

json schedule_json(const Schedule& s) {
    json out = json::array();
    for (const auto& p : s.points) out.push_back({p.price, p.quantity});
    return out;
}

std::optional<Schedule> schedule_from_json(const json& j) {
    if (!j.is_array() || j.size() > coop::plan::max_points) return std::nullopt;
    Schedule s;
    for (const auto& point : j) {
        if (!point.is_array() || point.size() != 2) return std::nullopt;
        auto price = whole(point[0], 0, coop::plan::max_price);
        auto quantity = whole(point[1], 0, coop::plan::max_quantity);
        if (!price || !quantity) return std::nullopt;
        s.points.push_back({*price, *quantity});
    }
    return s;
}

std::optional<PlanStartBody> parse_plan_start(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<PlanStartBody>(why, "not a JSON object");
    PlanStartBody b;
    auto title = j->find("title");
    if (title != j->end()) {
        if (!title->is_string() || title->get_ref<const std::string&>().size() > max_title_bytes ||
            !one_line(title->get_ref<const std::string&>()))
            return fail<PlanStartBody>(why, "the title must be one line of at most 300 bytes");
        b.title = title->get<std::string>();
    }
    auto resources = j->find("resources");
    if (resources == j->end() || !resources->is_array() || resources->empty() ||
        resources->size() > plan_resources().size())
        return fail<PlanStartBody>(why, "resources must list 1 to 4 of relay, storage, transcode, upload");
    for (const auto& r : *resources) {
        if (!r.is_string() || !plan_resource(r.get_ref<const std::string&>()))
            return fail<PlanStartBody>(why, "resources must list 1 to 4 of relay, storage, transcode, upload");
        b.resources.push_back(r.get<std::string>());
    }
    std::sort(b.resources.begin(), b.resources.end());
    if (std::adjacent_find(b.resources.begin(), b.resources.end()) != b.resources.end())
        return fail<PlanStartBody>(why, "resources names one twice");
    if (!whole_field(*j, "rounds", 1, max_plan_rounds, b.rounds))
        return fail<PlanStartBody>(why, "rounds must be a whole number from 1 to 20");
    if (!whole_field(*j, "round_minutes", 1, max_round_minutes, b.round_minutes))
        return fail<PlanStartBody>(why, "round_minutes must be a whole number from 1 to 43200 (30 days)");
    if (!whole_field(*j, "days", 1, max_plan_days, b.days))
        return fail<PlanStartBody>(why, "days must be a whole number from 1 to 365");
    return b;
}

std::optional<PlanOfferBody> parse_plan_offer(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<PlanOfferBody>(why, "not a JSON object");
    PlanOfferBody b;
    if (!plan_id(*j, b.plan)) return fail<PlanOfferBody>(why, "plan must be a planning's id in hex");
    if (auto problem = resource_map_problem(*j, "offers"); !problem.empty()) return fail<PlanOfferBody>(why, problem);
    for (const auto& [name, value] : (*j)["offers"].items()) {
        if (!value.is_object()) return fail<PlanOfferBody>(why, "an offer must be an object with capacity and schedule");
        PlanOffer offer;
        auto capacity = value.find("capacity");
        auto c = capacity == value.end() ? std::nullopt : whole(*capacity, 0, coop::plan::max_quantity);
        if (!c) return fail<PlanOfferBody>(why, "the capacity of " + name + " must be a whole number of units");
        offer.capacity = *c;
        auto points = value.find("schedule");
        auto s = points == value.end() ? std::nullopt : schedule_from_json(*points);
        if (!s) return fail<PlanOfferBody>(why, "the schedule of " + name + " must be at most 8 [price, quantity] pairs");
        offer.schedule = std::move(*s);
        if (auto problem = schedule_problem(offer.schedule, true, offer.capacity); !problem.empty())
            return fail<PlanOfferBody>(why, "the offer of " + name + ": " + problem);
        b.offers[name] = std::move(offer);
    }
    return b;
}

std::optional<PlanRequestBody> parse_plan_request(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<PlanRequestBody>(why, "not a JSON object");
    PlanRequestBody b;
    if (!plan_id(*j, b.plan)) return fail<PlanRequestBody>(why, "plan must be a planning's id in hex");
    if (auto problem = resource_map_problem(*j, "requests"); !problem.empty())
        return fail<PlanRequestBody>(why, problem);
    for (const auto& [name, value] : (*j)["requests"].items()) {
        auto s = schedule_from_json(value);
        if (!s)
            return fail<PlanRequestBody>(why, "the request of " + name + " must be at most 8 [price, quantity] pairs");
        if (auto problem = schedule_problem(*s, false, 0); !problem.empty())
            return fail<PlanRequestBody>(why, "the request of " + name + ": " + problem);
        b.requests[name] = std::move(*s);
    }
    return b;
}

std::string to_body(const PlanStartBody& b) {
    return json{{"title", b.title},
                {"resources", b.resources},
                {"rounds", b.rounds},
                {"round_minutes", b.round_minutes},
                {"days", b.days}}
        .dump();
}

std::string to_body(const PlanOfferBody& b) {
    json offers = json::object();
    for (const auto& [name, o] : b.offers) offers[name] = {{"capacity", o.capacity}, {"schedule", schedule_json(o.schedule)}};
    return json{{"plan", hex(b.plan)}, {"offers", offers}}.dump();
}

std::string to_body(const PlanRequestBody& b) {
    json requests = json::object();
    for (const auto& [name, s] : b.requests) requests[name] = schedule_json(s);
    return json{{"plan", hex(b.plan)}, {"requests", requests}}.dump();
}

}  // namespace coop::group
