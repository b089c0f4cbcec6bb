#include "core/cli/group_text.hpp"

#include <ctime>
#include <map>
#include <sstream>

#include "core/cli/json_fields.hpp"
#include "core/cli/line_editor.hpp"
#include "core/units.hpp"

namespace coop::cli {

using nlohmann::json;
using namespace fields;

namespace {

const std::string replacement = "\xef\xbf\xbd";  // U+FFFD

std::string joined(const json& strings, const std::string& separator) {
    std::string out;
    for (const auto& s : array_or_empty(strings)) {
        if (!s.is_string()) continue;
        if (!out.empty()) out += separator;
        out += printable(s.get<std::string>());
    }
    return out;
}

std::string who(const std::string& key, const Viewer& viewer) {
    if (!viewer.self_key.empty() && key == viewer.self_key) return "you";
    return key.empty() ? "?" : short_key(printable(key));
}

std::string plural(std::int64_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string printable(std::string_view text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[at]);
        if (c < 0x80) {
            if (c == '\n' && keep_newlines) out += '\n';
            else if (c == '\n' || c == '\t') out += ' ';
            else if (c < 0x20) out += {'^', static_cast<char>(c + 64)};
            else if (c == 0x7f) out += "^?";
            else out += static_cast<char>(c);
            ++at;
            continue;
        }
        std::size_t length = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        bool valid = length != 0 && at + length <= text.size();
        for (std::size_t i = 1; valid && i < length; ++i) valid = (static_cast<unsigned char>(text[at + i]) & 0xc0) == 0x80;
        if (valid) {
            const auto b1 = static_cast<unsigned char>(text[at + 1]);
            // Overlong forms, surrogates and past U+10FFFF are not UTF-8.
            if ((c == 0xe0 && b1 < 0xa0) || (c == 0xed && b1 >= 0xa0) || (c == 0xf0 && b1 < 0x90) || (c == 0xf4 && b1 >= 0x90))
                valid = false;
        }
        if (!valid) {
            out += replacement;
            ++at;
            continue;
        }
        // C1 controls act as escapes on some terminals; bidirectional
        // overrides make text read other than it is.
        const std::string_view ch = text.substr(at, length);
        const bool c1 = c == 0xc2 && static_cast<unsigned char>(text[at + 1]) < 0xa0;
        const bool bidi = ch == "\u202a" || ch == "\u202b" || ch == "\u202c" || ch == "\u202d" || ch == "\u202e" ||
                          ch == "\u2066" || ch == "\u2067" || ch == "\u2068" || ch == "\u2069";
        if (c1 || bidi) out += replacement;
        else out += ch;
        at += length;
    }
    return out;
}

std::string clipped(std::string_view text, std::size_t max_columns) {
    const std::string line = printable(text);
    if (display_width(line) <= max_columns) return line;
    std::string out;
    std::size_t width = 0;
    for (std::size_t at = 0; at < line.size();) {
        std::size_t length = 1;
        while (at + length < line.size() && (static_cast<unsigned char>(line[at + length]) & 0xc0) == 0x80) ++length;
        const std::size_t w = display_width(std::string_view(line).substr(at, length));
        if (width + w + 1 > max_columns) break;
        out.append(line, at, length);
        width += w;
        at += length;
    }
    return out + "\xe2\x80\xa6";  // …
}

std::string short_id(std::string_view hex) { return printable(hex.substr(0, 16)); }
std::string short_key(std::string_view hex) { return printable(hex.substr(0, 8)); }

std::string format_time(std::int64_t time_ms, std::int64_t now_ms) {
    if (time_ms <= 0) return "-";
    const std::time_t t = static_cast<std::time_t>(time_ms / 1000);
    const std::time_t now = static_cast<std::time_t>(now_ms / 1000);
    std::tm at{}, today{};
    if (!::localtime_r(&t, &at) || !::localtime_r(&now, &today)) return "-";
    char buf[64];
    const char* format = at.tm_year != today.tm_year ? "%Y-%m-%d %H:%M"
                         : at.tm_yday != today.tm_yday ? "%b %d %H:%M"
                                                       : "%H:%M";
    std::strftime(buf, sizeof buf, format, &at);
    return buf;
}

std::string rough_span(std::int64_t seconds) {
    if (seconds < 0) seconds = 0;
    if (seconds < 120) return std::to_string(seconds) + "s";
    if (seconds < 120 * 60) return std::to_string(seconds / 60) + "m";
    if (seconds < 48 * 3600) return std::to_string(seconds / 3600) + "h";
    return std::to_string(seconds / 86400) + "d";
}

std::string event_text(const json& event, const Viewer& viewer) {
    const std::string kind = str(event, "kind");
    const std::string time = format_time(num(event, "time_ms"), viewer.now_ms);
    const std::string author = who(str(event, "author"), viewer);
    if (kind == "post") {
        const std::string head = time + " <" + author + "> ";
        const std::string indent(display_width(head), ' ');
        std::istringstream lines(printable(str(event, "text"), true));
        std::string out, line;
        for (bool first = true; std::getline(lines, line); first = false) out += (first ? head : "\n" + indent) + line;
        return out.empty() ? head : out;
    }
    std::string what;
    if (kind == "genesis") {
        const std::string name = str(event, "name");
        what = "created the group" + (name.empty() ? "" : " \"" + clipped(name, 60) + "\"");
    }
    else if (kind == "join") what = "joined";
    else if (kind == "leave") what = "left";
    else if (kind == "share") {
        const std::string title = str(event, "title");
        what = "shared " + (title.empty() ? "" : "\"" + clipped(title, 60) + "\" ") + "as " + short_id(str(event, "entry"));
    } else if (kind == "retract") what = "retracted " + short_id(str(event, "entry"));
    else what = "made a " + (kind.empty() ? "kind of event this coop does not know" : printable(kind)) + " event";
    return time + " * " + author + " " + what;
}

Table groups_table(const json& groups) {
    Table table({"GROUP", "NAME", "ACCESS", "MEMBERS>", "ONLINE>", "CATALOG>", "STATUS", "TOPICS"});
    for (const auto& g : array_or_empty(groups))
        table.add({short_id(str(g, "group")), clipped(str(g, "name"), 40), flag(g, "open") ? "open" : "invite",
                   std::to_string(num(g, "members")), std::to_string(num(g, "online")), std::to_string(num(g, "catalog")),
                   printable(str(g, "status")), clipped(joined(list(g, "topics"), ","), 40)});
    return table;
}

Table members_table(const json& members, const json& online, const Viewer& viewer) {
    std::map<std::string, std::string> address;
    for (const auto& o : array_or_empty(online)) address[str(o, "key")] = printable(str(o, "address"));
    Table table({"MEMBER", "JOINED", "ONLINE", "ADDRESS"});
    for (const auto& m : array_or_empty(members)) {
        const std::string key = str(m, "key");
        const bool you = flag(m, "you") || (!viewer.self_key.empty() && key == viewer.self_key);
        const auto at = address.find(key);
        table.add({short_id(key) + (you ? " (you)" : ""), format_time(num(m, "joined_ms"), viewer.now_ms),
                   you ? "you" : flag(m, "online") || at != address.end() ? "yes" : "no", at == address.end() ? "" : at->second});
    }
    return table;
}

Table catalog_table(const json& entries, const Viewer& viewer) {
    Table table({"ENTRY", "TITLE", "SIZE>", "TAGS", "BY", "ADDED"});
    for (const auto& e : array_or_empty(entries)) {
        const std::string title = clipped(str(e, "title"), 50);
        table.add({short_id(str(e, "entry")), flag(e, "retracted") ? "(retracted) " + title : title, format_bytes(num(e, "size")),
                   clipped(joined(list(e, "tags"), ","), 30), who(str(e, "uploader"), viewer),
                   format_time(num(e, "time_ms"), viewer.now_ms)});
    }
    return table;
}

Table found_table(const json& groups) {
    Table table({"GROUP", "NAME", "MEMBERS>", "PEERS>", "TOPICS", "ABOUT"});
    for (const auto& g : array_or_empty(groups))
        table.add({short_id(str(g, "group")), clipped(str(g, "name"), 40), std::to_string(num(g, "members")),
                   std::to_string(list(g, "peers").size()), clipped(joined(list(g, "topics"), ","), 30),
                   clipped(str(g, "about"), 50)});
    return table;
}

std::string show_text(const json& group, const Viewer& viewer) {
    std::string out;
    auto row = [&](const std::string& key, const std::string& value) {
        if (!value.empty()) out += key + std::string(key.size() < 10 ? 10 - key.size() : 1, ' ') + value + "\n";
    };
    const std::string id = printable(str(group, "group"));
    const auto& members = list(group, "members");
    const auto& online = list(group, "online");
    row("name", printable(str(group, "name")));
    row("group", id);
    row("about", printable(str(group, "about")));
    row("topics", joined(list(group, "topics"), ", "));
    row("access", flag(group, "open") ? "open: anyone may join with coop group join " + short_id(id)
                                      : "by invite: a member runs coop group invite " + short_id(id));
    row("founder", printable(str(group, "founder")));
    row("members", std::to_string(members.size()) + ", " + std::to_string(online.size()) + " online");
    row("catalog", plural(num(group, "catalog"), "entry", "entries"));
    row("chat", plural(num(group, "chat"), "post", "posts"));
    row("events", std::to_string(num(group, "events")));
    std::string heads;
    for (const auto& h : list(group, "heads"))
        if (h.is_string()) heads += (heads.empty() ? "" : " ") + short_id(h.get<std::string>());
    row("heads", heads);
    row("state", short_id(str(group, "state_hash")));
    std::string ignored;
    if (group.is_object() && group.contains("ignored") && group["ignored"].is_object())
        for (const auto& [reason, count] : group["ignored"].items())
            ignored += (ignored.empty() ? "" : ", ") + printable(reason) + " " + (count.is_number() ? count.dump() : "?");
    row("ignored", ignored);
    std::string left;
    for (const auto& k : list(group, "left"))
        if (k.is_string()) left += (left.empty() ? "" : " ") + short_id(k.get<std::string>());
    row("left", left);
    std::string equivocators;
    for (const auto& k : list(group, "equivocators"))
        if (k.is_string()) equivocators += (equivocators.empty() ? "" : " ") + short_id(k.get<std::string>());
    row("forked by", equivocators);
    if (!members.empty()) {
        std::ostringstream table;
        members_table(members, online, viewer).print(table);
        out += "\n" + table.str();
    }
    return out;
}

std::string join_progress_text(const json& progress) {
    return "waiting for the group's log: " + plural(num(progress, "events"), "event", "events") + ", " +
           plural(num(progress, "peers"), "peer", "peers");
}

std::string invite_terms(const json& invite, std::int64_t now_ms) {
    const std::int64_t expires = num(invite, "expires_ms");
    return std::string(flag(invite, "single_use") ? "single use" : "any number of uses") + ", " +
           (expires == 0 ? "never expires" : "expires in " + rough_span((expires - now_ms) / 1000));
}

}  // namespace coop::cli
