#include "core/cli/plan_text.hpp"

#include <charconv>
#include <set>
#include <sstream>

#include "core/cli/json_fields.hpp"

namespace coop::cli {

using nlohmann::json;
using namespace fields;

namespace {

constexpr std::int64_t million = 1'000'000;
constexpr std::int64_t max_price = std::int64_t{1} << 40;      // core/plan/economy.hpp
constexpr std::int64_t max_quantity = std::int64_t{1} << 40;   // core/plan/economy.hpp

std::optional<std::int64_t> digits(std::string_view s) {
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    for (char c : s)
        if (c < '0' || c > '9') return std::nullopt;
    return v;
}

std::string key_of(const std::string& key, const Viewer& viewer) {
    if (key.empty()) return "?";
    const std::string shown = short_key(key);
    return !viewer.self_key.empty() && key == viewer.self_key ? shown + " (you)" : shown;
}

std::string printed(const Table& table) {
    std::ostringstream out;
    table.print(out);
    return out.str();
}

std::string quantity(const json& j) { return j.is_number_integer() ? std::to_string(j.get<std::int64_t>()) : "0"; }

// "storage 100, upload 5" for the nonzero entries of an object by resource.
std::string amounts(const json& by_resource) {
    std::string out;
    if (!by_resource.is_object()) return out;
    for (const auto& [name, q] : by_resource.items()) {
        if (!q.is_number_integer() || q.get<std::int64_t>() == 0) continue;
        out += (out.empty() ? "" : ", ") + printable(name) + " " + quantity(q);
    }
    return out.empty() ? "-" : out;
}

// A schedule as "1.00:100 2.00:200", or "any price" for one point at 0.
std::string points_text(const json& schedule) {
    std::string out;
    for (const auto& p : array_or_empty(schedule)) {
        if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer()) continue;
        out += (out.empty() ? "" : " ") + format_price(p[0].get<std::int64_t>()) + ":" + quantity(p[1]);
    }
    return out;
}

// The quantity of a request's first point (its largest: a request never rises).
std::int64_t first_quantity(const json* schedule) {
    if (!schedule || !schedule->is_array() || schedule->empty()) return 0;
    const json& p = (*schedule)[0];
    return p.is_array() && p.size() == 2 && p[1].is_number_integer() ? p[1].get<std::int64_t>() : 0;
}

std::string price_of(const json& prices, const std::string& name) {
    const json* price = field(prices, name.c_str());
    return price && price->is_number_integer() ? format_price(price->get<std::int64_t>()) : "?";
}

}  // namespace

std::optional<std::int64_t> parse_price(std::string_view text) {
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (frac.size() > 6 || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
    auto w = whole.empty() && !frac.empty() ? std::optional<std::int64_t>(0) : digits(whole);
    if (!w || *w > max_price / million) return std::nullopt;
    std::int64_t f = 0;
    if (!frac.empty()) {
        auto parsed = digits(frac);
        if (!parsed) return std::nullopt;
        f = *parsed;
        for (std::size_t i = frac.size(); i < 6; ++i) f *= 10;
    }
    const std::int64_t price = *w * million + f;
    if (price > max_price) return std::nullopt;
    return price;
}

std::string format_price(std::int64_t m) {
    if (m < 0) return "-" + format_price(-m);
    std::string frac = std::to_string(m % million);
    frac = std::string(6 - frac.size(), '0') + frac;
    while (frac.size() > 2 && frac.back() == '0') frac.pop_back();
    return std::to_string(m / million) + "." + frac;
}

std::optional<std::int64_t> parse_quantity(std::string_view text) {
    auto q = digits(text);
    if (!q || *q > max_quantity) return std::nullopt;
    return q;
}

std::optional<json> parse_point(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto price = parse_price(text.substr(0, colon));
    auto q = parse_quantity(text.substr(colon + 1));
    if (!price || !q) return std::nullopt;
    return json::array({*price, *q});
}

std::string plan_show_text(const json& p, const Viewer& viewer) {
    std::string out;
    const std::string title = str(p, "title");
    const bool adopted = str(p, "status") == "adopted";
    out += "planning " + short_id(str(p, "plan")) + (title.empty() ? "" : " \"" + clipped(title, 60) + "\"") + ": round " +
           std::to_string(num(p, "round")) + " of " + std::to_string(num(p, "rounds")) + ", ";
    const json& plan = object(p, "adopted");
    if (adopted)
        out += "adopted, " + printable(str(plan, "outcome")) + " after " + std::to_string(num(plan, "iterations")) +
               " steps of the board\n";
    else
        out += "open until " + format_time(num(p, "deadline_ms"), viewer.now_ms) + "\n";
    out += "started by " + key_of(str(p, "starter"), viewer) + " " + format_time(num(p, "started_ms"), viewer.now_ms) +
           "; the plan covers " + std::to_string(num(p, "days")) + " days; " + std::to_string(num(p, "members")) +
           " members\n\n";

    // Per resource: price, and what is offered and requested.
    const json& offers = object(p, "offers");
    const json& requests = object(p, "requests");
    if (adopted) {
        Table table({"RESOURCE", "UNIT", "PRICE>", "SUPPLY>", "DEMAND>", "BALANCED"});
        for (const auto& r : list(p, "resources")) {
            const std::string name = str(r, "name");
            const json& t = object(object(plan, "tallies"), name.c_str());
            table.add({printable(name), printable(str(r, "unit")), price_of(object(plan, "prices"), name),
                       std::to_string(num(t, "supply")), std::to_string(num(t, "demand")),
                       flag(t, "balanced") ? "yes" : "no (rationed)"});
        }
        out += printed(table) + "\n";
        Table members({"MEMBER", "PROVIDES", "RECEIVES", ""});
        for (const auto& [key, m] : object(plan, "members").items())
            members.add({key_of(key, viewer), amounts(object(m, "provides")), amounts(object(m, "receives")),
                         flag(m, "clipped") ? "cut to its share" : ""});
        out += members.empty() ? "nobody provides or receives anything\n" : printed(members);
        return out;
    }

    Table table({"RESOURCE", "UNIT", "PRICE>", "OFFERED>", "REQUESTED>"});
    const json& prices = object(p, "prices");
    for (const auto& r : list(p, "resources")) {
        const std::string name = str(r, "name");
        std::int64_t offered = 0, requested = 0;
        for (const auto& [key, o] : offers.items()) offered += num(object(o, name.c_str()), "capacity");
        for (const auto& [key, q] : requests.items()) requested += first_quantity(field(q, name.c_str()));
        table.add({printable(name), printable(str(r, "unit")), price_of(prices, name), std::to_string(offered),
                   std::to_string(requested)});
    }
    out += printed(table);
    out += "(offered: capacity declared; requested: at the lowest price)\n\n";

    Table members({"MEMBER", "OFFERS", "REQUESTS"});
    std::set<std::string> keys;
    for (const auto& [key, o] : offers.items()) keys.insert(key);
    for (const auto& [key, q] : requests.items()) keys.insert(key);
    for (const auto& key : keys) {
        std::string o_text, r_text;
        if (offers.contains(key) && offers[key].is_object())
            for (const auto& [name, o] : offers[key].items())
                o_text += (o_text.empty() ? "" : "; ") + printable(name) + " " + std::to_string(num(o, "capacity")) +
                          " at " + points_text(field(o, "schedule") ? *field(o, "schedule") : json());
        if (requests.contains(key) && requests[key].is_object())
            for (const auto& [name, s] : requests[key].items())
                r_text += (r_text.empty() ? "" : "; ") + printable(name) + " " + points_text(s);
        members.add({key_of(key, viewer), o_text.empty() ? "-" : o_text, r_text.empty() ? "-" : r_text});
    }
    out += members.empty() ? "no offers or requests yet\n" : printed(members);

    const json& closed = list(p, "closed");
    if (!closed.empty()) {
        const json& last = closed.back();
        const json& result = object(last, "result");
        out += "\nround " + std::to_string(num(last, "round")) + " closed without balance; round " +
               std::to_string(num(p, "round")) + " opened at these prices";
        std::string excess;
        for (const auto& [name, t] : object(result, "tallies").items())
            excess += (excess.empty() ? "" : ", ") + printable(name) + " " + std::to_string(num(t, "excess"));
        out += " (excess demand then: " + (excess.empty() ? std::string("-") : excess) + ")\n";
    }
    return out;
}

}  // namespace coop::cli
