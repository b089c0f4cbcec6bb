#pragma once
// What a group plans: its shared resources, and for each member what it
// offers of each and what it requests, both as responses to prices, and its
// share of the group's consumption.
//
// Why integers. Every member computes the plan from the same events and must
// reach the same plan bit for bit, on any machine and compiler. Floating
// point does not promise that: a sum's result depends on its order, and
// compilers may contract a*b+c into one fused step (or not), keep extended
// precision, or reorder under flags. So quantities are whole units of the
// resource (int64), prices are fixed-point credits per unit (int64, 10^-6
// credits), every product or sum of products is taken in 128 bits, and
// every division rounds the way C++ integer division does (toward zero), in
// one stated order. Inputs are bounded (max_quantity, max_price,
// max_members, max_resources, max_share) so no 128-bit intermediate can
// overflow: a cost is at most 2^86, the value of all capacity 2^103.
//
// A schedule is piecewise linear through its points (ascending price);
// below the first point it holds the first quantity, above the last the
// last one; between two points it is interpolated and rounded toward the
// quantity at the lower price. An offer's schedule must not fall as the
// price rises and stays within the member's declared capacity; a request's
// schedule must not rise as the price rises. No schedule is nothing.
//
// Shares: a member's share weight is its effort share from the ledger
// (share_weight turns the ledger's 0..1 into an integer once); when every
// member's weight is 0 (no ledger yet) all members have equal shares.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace coop::plan {

using Quantity = std::int64_t;  // whole units of a resource
using Price = std::int64_t;     // credits per unit, in millionths

constexpr Price price_one = 1'000'000;  // one credit per unit
constexpr std::int64_t ppm = 1'000'000; // ratios in parts per million
constexpr Quantity max_quantity = Quantity{1} << 40;
constexpr Price max_price = Price{1} << 40;
constexpr std::size_t max_members = 100'000;
constexpr std::size_t max_resources = 64;
constexpr std::uint64_t max_share = 1'000'000'000;  // share_weight(1)
constexpr std::size_t max_points = 8;  // per schedule

struct Resource {
    std::string name;  // e.g. "storage"
    std::string unit;  // e.g. "GB·day"
    bool operator==(const Resource&) const = default;
};

struct Point {
    Price price = 0;
    Quantity quantity = 0;
    bool operator==(const Point&) const = default;
};

struct Schedule {
    std::vector<Point> points;  // ascending, distinct prices
    bool operator==(const Schedule&) const = default;

    Quantity at(Price price) const;

    // The same quantity at every price.
    static Schedule fixed(Quantity q);
    // q0 at p0 and below, q1 at p1 and above, linear between.
    static Schedule ramp(Price p0, Quantity q0, Price p1, Quantity q1);
};

struct Member {
    std::string id;               // e.g. the member's key in hex; unique
    std::uint64_t share = 0;      // effort share weight; see above
    std::vector<Quantity> capacity;  // declared, per resource
    std::vector<Schedule> offers;    // per resource (empty: offers nothing)
    std::vector<Schedule> requests;  // per resource (empty: wants nothing)
    bool operator==(const Member&) const = default;
};

struct Economy {
    std::vector<Resource> resources;  // unique names
    std::vector<Member> members;      // each member's vectors are per resource, in this order
    bool operator==(const Economy&) const = default;
};

// What is wrong with the economy, for people ("member b: offer of upload
// above its declared capacity"), or "" when it can be planned.
std::string validate(const Economy& economy);

// The same economy in the one order the procedure uses: resources by name
// (every member's vectors permuted to match), members by id. Missing
// per-resource entries are filled with nothing.
Economy canonical(Economy economy);

// A ledger share (0..1) as a share weight: round(share * 10^9); NaN and
// negatives are 0, above 1 is 1.
std::uint64_t share_weight(double ledger_share);

}  // namespace coop::plan
