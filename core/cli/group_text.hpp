#pragma once
// The agent's answers about groups (core/rpc/protocol.hpp, group.*) as text
// for people: chat and event lines, tables of groups, members and catalog
// entries, and the summary of one group. Names, posts and titles come from
// other people over the network, so every string is made safe to print
// first, and a field of the wrong type reads as empty instead of throwing.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/cli/table.hpp"

namespace coop::cli {

// Control characters as ^X (so no escape sequence reaches the terminal),
// tabs as a space, invalid UTF-8 as U+FFFD; newlines stay if asked.
std::string printable(std::string_view text, bool keep_newlines = false);
// printable() on one line, cut to `max_columns` with a trailing "…".
std::string clipped(std::string_view text, std::size_t max_columns);

// Ids as listings show them: groups and catalog entries by their first 16
// hex digits (any unambiguous prefix works as an argument), members' keys
// in chat lines by their first 8.
std::string short_id(std::string_view hex);
std::string short_key(std::string_view hex);

// A moment in local time: "14:03" on the day of `now_ms`, "Mar 04 14:03"
// in its year, "2025-03-04 14:03" before; "-" for 0.
std::string format_time(std::int64_t time_ms, std::int64_t now_ms);
// Seconds as a rough span: "45s", "20m", "5h", "3d".
std::string rough_span(std::int64_t seconds);

// Who looks: their own key reads "you".
struct Viewer {
    std::string self_key;
    std::int64_t now_ms = 0;
};

// One event of group.log (or a group.event notification):
//   14:03 <3f2a9c0e> hello          a post (more lines indented under it)
//   14:05 * 3f2a9c0e joined         everything else
std::string event_text(const nlohmann::json& event, const Viewer& viewer);

// group.list's groups; group.show's (or group.members') members with the
// addresses of those online; group.catalog's entries (retracted ones, which
// the agent sends only when asked, marked so); group.find's groups.
Table groups_table(const nlohmann::json& groups);
Table members_table(const nlohmann::json& members, const nlohmann::json& online, const Viewer& viewer);
Table catalog_table(const nlohmann::json& entries, const Viewer& viewer);
Table found_table(const nlohmann::json& groups);

// group.show for people: name, id, about, topics, how to join, founder,
// counts, heads, what the fold ignored; then the members table.
std::string show_text(const nlohmann::json& group, const Viewer& viewer);

// A group.progress notification: "waiting for the group's log: 12 events, 2 peers".
std::string join_progress_text(const nlohmann::json& progress);

// group.invite's answer in words: "single use, expires in 1d" or
// "any number of uses, never expires".
std::string invite_terms(const nlohmann::json& invite, std::int64_t now_ms);

}  // namespace coop::cli
