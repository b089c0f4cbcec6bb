#pragma once
// Lengths of time as people type them for options like --expires and
// --wait: "90" or "90s", "30m", "1h", "2d", "1w", "1h30m"; "0" is zero
// (which each option says the meaning of, e.g. "never").
#include <cstdint>
#include <optional>
#include <string_view>

namespace coop::cli {

// Whole seconds, or nullopt on anything else (a fraction, a negative or
// unknown unit, more than 100 years).
std::optional<std::int64_t> parse_duration(std::string_view text);

}  // namespace coop::cli
