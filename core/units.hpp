#pragma once
// Sizes, rates and durations as people read and type them.
#include <cstdint>
#include <optional>
#include <string>

namespace coop {

// 1536 -> "1.5 KiB"; binary units, one decimal below 100.
std::string format_bytes(std::int64_t bytes);
// bytes per second -> "12.3 MiB/s"
std::string format_rate(std::int64_t bytes_per_second);
// seconds -> "42s", "3:07", "1:02:03"; negative -> "--"
std::string format_duration(std::int64_t seconds);

// "500K", "2M", "2MiB", "1.5 MB", "1000" (bytes). K/M/G are binary (1024),
// as for every size coop prints. Returns nullopt on anything else.
std::optional<std::int64_t> parse_size(const std::string& text);

// Bytes per second from a rate as people type it: a size's units with an
// optional "/s" ("2MiB/s", "500K", "250000" bytes/s, binary as above), or
// bits per second in a link's decimal units ("20Mbit/s", "800kbit",
// "100Mbps": 10^3, 10^6, 10^9 bits). Rounded down; nullopt on anything
// else.
std::optional<std::int64_t> parse_rate(const std::string& text);

// A time in a video: "90", "90.5", "1:30", "1:02:03", "90s", "2m", "1h".
// Returns seconds, or nullopt on anything else (or a negative time).
std::optional<double> parse_time(const std::string& text);

}  // namespace coop
