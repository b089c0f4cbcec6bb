#include "core/plan/economy.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace coop::plan {

Quantity Schedule::at(Price price) const {
    if (points.empty()) return 0;
    if (price <= points.front().price) return points.front().quantity;
    if (price >= points.back().price) return points.back().quantity;
    auto above = std::upper_bound(points.begin(), points.end(), price,
                                  [](Price p, const Point& pt) { return p < pt.price; });
    const Point& hi = *above;
    const Point& lo = *(above - 1);
    const __int128 rise = static_cast<__int128>(hi.quantity - lo.quantity) * (price - lo.price);
    return lo.quantity + static_cast<Quantity>(rise / (hi.price - lo.price));
}

Schedule Schedule::fixed(Quantity q) { return Schedule{{Point{0, q}}}; }

Schedule Schedule::ramp(Price p0, Quantity q0, Price p1, Quantity q1) { return Schedule{{Point{p0, q0}, Point{p1, q1}}}; }

namespace {

// "" or what is wrong with one schedule; `rising` for offers.
std::string schedule_problem(const Schedule& s, bool rising, Quantity capacity) {
    if (s.points.size() > max_points) return "more than " + std::to_string(max_points) + " price points";
    for (std::size_t i = 0; i < s.points.size(); ++i) {
        const Point& p = s.points[i];
        if (p.price < 0 || p.price > max_price) return "a price outside 0.." + std::to_string(max_price);
        if (p.quantity < 0 || p.quantity > max_quantity)
            return "a quantity outside 0.." + std::to_string(max_quantity);
        if (rising && p.quantity > capacity) return "more than its declared capacity";
        if (i == 0) continue;
        const Point& prev = s.points[i - 1];
        if (p.price <= prev.price) return "price points not in ascending order";
        if (rising && p.quantity < prev.quantity) return "an offer that falls as the price rises";
        if (!rising && p.quantity > prev.quantity) return "a request that rises with the price";
    }
    return "";
}

}  // namespace

std::string validate(const Economy& economy) {
    if (economy.resources.empty()) return "no resources to plan";
    if (economy.members.empty()) return "no members";
    if (economy.members.size() > max_members) return "more than " + std::to_string(max_members) + " members";
    if (economy.resources.size() > max_resources)
        return "more than " + std::to_string(max_resources) + " resources";
    const std::size_t r = economy.resources.size();
    std::set<std::string> names;
    for (const auto& res : economy.resources) {
        if (res.name.empty()) return "a resource without a name";
        if (!names.insert(res.name).second) return "resource " + res.name + " named twice";
    }
    std::set<std::string> ids;
    for (const auto& m : economy.members) {
        if (m.id.empty()) return "a member without an id";
        if (!ids.insert(m.id).second) return "member " + m.id + " listed twice";
        if (m.share > max_share) return "member " + m.id + ": share weight above " + std::to_string(max_share);
        if (m.capacity.size() > r || m.offers.size() > r || m.requests.size() > r)
            return "member " + m.id + ": more entries than resources";
        for (std::size_t j = 0; j < r; ++j) {
            const Quantity cap = j < m.capacity.size() ? m.capacity[j] : 0;
            const std::string& name = economy.resources[j].name;
            if (cap < 0 || cap > max_quantity) return "member " + m.id + ": capacity of " + name + " out of range";
            if (j < m.offers.size()) {
                const std::string p = schedule_problem(m.offers[j], true, cap);
                if (!p.empty()) return "member " + m.id + ": offer of " + name + ": " + p;
            }
            if (j < m.requests.size()) {
                const std::string p = schedule_problem(m.requests[j], false, max_quantity);
                if (!p.empty()) return "member " + m.id + ": request of " + name + ": " + p;
            }
        }
    }
    return "";
}

Economy canonical(Economy economy) {
    const std::size_t r = economy.resources.size();
    std::vector<std::size_t> order(r);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return economy.resources[a].name < economy.resources[b].name; });
    Economy out;
    for (std::size_t j : order) out.resources.push_back(economy.resources[j]);
    for (auto& m : economy.members) {
        m.capacity.resize(r);
        m.offers.resize(r);
        m.requests.resize(r);
        Member c{m.id, m.share, {}, {}, {}};
        for (std::size_t j : order) {
            c.capacity.push_back(m.capacity[j]);
            c.offers.push_back(std::move(m.offers[j]));
            c.requests.push_back(std::move(m.requests[j]));
        }
        out.members.push_back(std::move(c));
    }
    std::sort(out.members.begin(), out.members.end(), [](const Member& a, const Member& b) { return a.id < b.id; });
    return out;
}

std::uint64_t share_weight(double ledger_share) {
    if (!(ledger_share > 0)) return 0;
    if (ledger_share >= 1) return max_share;
    return static_cast<std::uint64_t>(std::llround(ledger_share * 1e9));
}

}  // namespace coop::plan
