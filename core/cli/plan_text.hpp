#pragma once
// Planning for people (core/rpc/protocol.hpp, plan.*): prices as they are
// typed and read, schedule points, and plan.show as text. Keys and titles
// come from other people, so every string is made safe to print, and a
// field of the wrong type reads as empty instead of throwing.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/cli/group_text.hpp"

namespace coop::cli {

// Credits per unit as typed: "2", "0.5", "1.25" (at most 6 decimals, at
// most 10^6 credits), in millionths; nullopt on anything else.
std::optional<std::int64_t> parse_price(std::string_view text);
// Millionths of a credit as credits: "1.00", "0.25", "0.001", "3.141593".
std::string format_price(std::int64_t millionths);
// "PRICE:QTY" as [millionths, units]; nullopt on anything else.
std::optional<nlohmann::json> parse_point(std::string_view text);
// A whole number of units 0..2^40; nullopt on anything else.
std::optional<std::int64_t> parse_quantity(std::string_view text);

// plan.show for people: the planning's heading (title, id, round k of N,
// status, deadline), its resources at the current prices with what is
// offered and requested, each member's standing offers and requests, and,
// once a plan is adopted, its prices, supply and demand, and what each
// member provides and receives.
std::string plan_show_text(const nlohmann::json& planning, const Viewer& viewer);

}  // namespace coop::cli
