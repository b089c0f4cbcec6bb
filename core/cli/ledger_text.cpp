#include "core/cli/ledger_text.hpp"

#include <cstdio>
#include <ctime>
#include <sstream>
#include <vector>

#include "core/cli/json_fields.hpp"
#include "core/units.hpp"

namespace coop::cli {

using nlohmann::json;
using namespace fields;

namespace {

std::string key_of(const std::string& key, const Viewer& viewer) {
    if (key.empty()) return "?";
    const std::string shown = short_key(key);
    return !viewer.self_key.empty() && key == viewer.self_key ? shown + " (you)" : shown;
}

std::string printf_text(const char* format, double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

std::string percent(double fraction, const char* format = "%.0f%%") { return printf_text(format, 100 * fraction); }

std::string bytes(const json& j, const char* key) { return format_bytes(num(j, key)); }

std::string printed(const Table& table) {
    std::ostringstream out;
    table.print(out);
    return out.str();
}

// A day in local time: "2026-03-04".
std::string date_of(std::int64_t time_ms) {
    const std::time_t t = static_cast<std::time_t>(time_ms / 1000);
    std::tm at{};
    if (!::localtime_r(&t, &at)) return "?";
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &at);
    return buf;
}

std::string plural(std::uint64_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

Table ledger_peers_table(const json& peers, const Viewer& viewer) {
    Table table({"PEER", "GAVE>", "GOT>", "AGREED GAVE>", "AGREED GOT>", "PAIRS>", "LAST", "PENDING"});
    for (const auto& p : array_or_empty(peers))
        table.add({key_of(str(p, "peer"), viewer), bytes(p, "gave"), bytes(p, "got"), bytes(p, "agreed_gave"),
                   bytes(p, "agreed_got"), std::to_string(num(p, "transfers")), format_time(num(p, "last_ms"), viewer.now_ms),
                   flag(p, "pending") ? "proposed" : ""});
    return table;
}

Table ledger_records_table(const json& records, const Viewer& viewer) {
    Table table({"SEQ>", "KIND", "PEER", "GAVE>", "GOT>", "TIME", "COUNTERSIGNED", "ID"});
    for (const auto& r : array_or_empty(records)) {
        std::string kind = printable(str(r, "kind"));
        if (kind == "agreement") kind += " of " + std::to_string(num(r, "link_seq"));
        table.add({std::to_string(num(r, "seq")), kind, key_of(str(r, "counterparty"), viewer), bytes(r, "gave"),
                   bytes(r, "got"), format_time(num(r, "time_ms"), viewer.now_ms), flag(r, "countersigned") ? "yes" : "no",
                   short_id(str(r, "id"))});
    }
    return table;
}

std::string ledger_show_text(const json& show, const Viewer& viewer) {
    std::string out;
    auto row = [&](const std::string& key, const std::string& value) {
        out += key + std::string(key.size() < 10 ? 10 - key.size() : 1, ' ') + value + "\n";
    };
    const auto& records = list(show, "records");
    const auto& peers = list(show, "peers");
    const std::int64_t seq = num(show, "seq");
    row("key", printable(str(show, "key")));
    row("chain", seq == 0 ? "empty" : plural(seq, "record", "records") + ", tip " + short_id(str(show, "tip")));
    const json& totals = object(show, "totals");
    row("agreed", "gave " + bytes(totals, "gave") + ", got " + bytes(totals, "got") + " with " +
                      plural(peers.size(), "peer", "peers") + ", as both signed");
    const json& c = object(show, "counters");
    row("proposed", std::to_string(num(c, "proposed")) + ": " + std::to_string(num(c, "agreed")) + " countersigned, " +
                        std::to_string(num(c, "refused_by_them")) + " refused, " + std::to_string(num(c, "unanswered")) +
                        " unanswered");
    std::string refusals;
    for (const auto& [verdict, n] : object(c, "refusals").items())
        refusals += (refusals.empty() ? " (" : ", ") + printable(verdict) + " " + (n.is_number() ? n.dump() : "?");
    if (!refusals.empty()) refusals += ")";
    row("answered", std::to_string(num(c, "countersigned")) + " countersigned, " + std::to_string(num(c, "refused_by_us")) +
                        " refused" + refusals + ", " + std::to_string(num(c, "bad_messages")) + " bad messages");
    if (!peers.empty()) out += "\n" + printed(ledger_peers_table(peers, viewer));
    if (records.empty()) {
        out += "\nno records yet: they are made as this agent trades pieces with other coop agents\n";
        return out;
    }
    out += "\n" + printed(ledger_records_table(records, viewer));
    if (static_cast<std::int64_t>(records.size()) < seq)
        out += "(the newest " + std::to_string(records.size()) + " of " + std::to_string(seq) +
               " records; --limit 0 shows all)\n";
    return out;
}

Table effort_table(const json& group, const Viewer& viewer) {
    const json& members = object(group, "members");
    const json& ledger = object(group, "ledger");
    Table table({"MEMBER", "GIVEN>", "RECEIVED>", "CAPACITY>", "AVAILABLE>", "SCORE>", "SHARE>", "OFFENDER"});
    for (const auto& [key, e] : object(ledger, "effort").items()) {
        std::string member = key_of(key, viewer);
        const std::string name = str(object(members, key.c_str()), "name");
        if (!name.empty()) member += " " + clipped(name, 30);
        table.add({member, bytes(e, "given"), bytes(e, "received"), format_rate(num(e, "capacity")),
                   percent(real(e, "availability"), "%.1f%%"), printf_text("%.4f", real(e, "score")),
                   percent(real(e, "share"), "%.1f%%"), flag(e, "offender") ? "yes" : ""});
    }
    return table;
}

std::string effort_text(const json& effort, const Viewer& viewer) {
    std::string out;
    for (const auto& g : list(effort, "groups")) {
        if (!out.empty()) out += "\n";
        const json& ledger = object(g, "ledger");
        const json& window = object(ledger, "window");
        const std::int64_t start = num(window, "start_ms"), end = num(window, "end_ms");
        const std::int64_t transfers = num(ledger, "transfers");
        out += clipped(str(g, "name"), 60) + " (" + short_id(str(g, "group")) + "): ";
        out += end > start ? "effort from " + date_of(start) + " to " + date_of(end - 1) + ", " +
                                 plural(transfers, "transfer", "transfers") + " counted\n"
                           : "no transfer counted yet: every member scores 0 and shares equally\n";
        const json& s = object(ledger, "settings");
        const json& w = object(s, "weights");
        out += "weights: bandwidth " + printf_text("%g", real(w, "bandwidth")) + ", availability " +
               printf_text("%g", real(w, "availability")) + ", duties " + printf_text("%g", real(w, "duties")) +
               "; at most " + percent(real(s, "cap_share")) + " from one counterparty; floor " +
               format_rate(num(s, "floor_capacity")) + "; window " + plural(num(s, "window_days"), "day", "days") + "\n";
        out += printed(effort_table(g, viewer));
    }
    return out.empty() ? "you are in no group: effort is computed per group (coop group create, coop group join)\n" : out;
}

std::string seq_ranges(const json& seqs) {
    std::vector<std::uint64_t> all;
    for (const auto& s : array_or_empty(seqs))
        if (s.is_number_unsigned() || (s.is_number_integer() && s.get<std::int64_t>() >= 0))
            all.push_back(s.get<std::uint64_t>());
    std::string out;
    for (std::size_t i = 0; i < all.size();) {
        std::size_t j = i;
        while (j + 1 < all.size() && all[j + 1] == all[j] + 1) ++j;
        out += (out.empty() ? "" : ", ") + std::to_string(all[i]) + (j > i ? "-" + std::to_string(all[j]) : "");
        i = j + 1;
    }
    return out;
}

std::string verify_text(const json& report) {
    Table chains({"CHAIN", "RECORDS>", "HIGHEST SEQ>", "LINKS", "MISSING", "PROBLEM"});
    auto add = [&](const json& c, const std::string& who) {
        const std::int64_t missing = num(c, "missing_count");
        std::string gaps = seq_ranges(list(c, "missing"));
        if (missing > static_cast<std::int64_t>(list(c, "missing").size())) gaps += ", ... (" + std::to_string(missing) + " in all)";
        chains.add({who, std::to_string(num(c, "records")), std::to_string(num(c, "highest_seq")), flag(c, "links") ? "yes" : "no",
                    gaps, clipped(str(c, "problem"), 80)});
    };
    add(object(report, "own"), "ours");
    for (const auto& c : list(report, "foreign")) add(c, short_key(str(c, "author")));
    std::string out = printed(chains);
    const auto& proofs = list(report, "proofs");
    if (!proofs.empty()) {
        Table table({"PROOF", "KIND", "OFFENDER", "VERIFIES", "HELD", "PROBLEM"});
        for (const auto& p : proofs)
            table.add({short_id(str(p, "id")), printable(str(p, "kind")), short_key(str(p, "offender")),
                       flag(p, "valid") ? "yes" : "no", flag(p, "stored") ? "stored" : "found now", clipped(str(p, "problem"), 80)});
        out += "\nproofs of fraud:\n" + printed(table);
    }
    const std::string problems = verify_problems(report);
    out += "\n" + (problems.empty() ? "the ledger verifies: our chain is whole and links, every chain held links, no fraud"
                                    : "problems: " + problems) +
           "\n";
    return out;
}

std::string verify_problems(const json& report) {
    std::vector<std::string> problems;
    if (!flag(object(report, "own"), "links")) problems.push_back("our chain does not link");
    std::uint64_t broken = 0;
    for (const auto& c : list(report, "foreign")) broken += flag(c, "links") ? 0 : 1;
    if (broken) problems.push_back(plural(broken, "chain held does not link", "chains held do not link"));
    std::uint64_t fraud = 0, bogus = 0;
    for (const auto& p : list(report, "proofs")) (flag(p, "valid") ? fraud : bogus) += 1;
    if (fraud) problems.push_back(plural(fraud, "proof of fraud", "proofs of fraud"));
    if (bogus) problems.push_back(plural(bogus, "stored proof does not verify", "stored proofs do not verify"));
    if (problems.empty() && !flag(report, "ok")) problems.push_back("the agent says the ledger does not verify");
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p;
    return out;
}

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string records_csv(const json& exported) {
    static const char* const columns[] = {"seq", "id", "kind", "counterparty", "link_seq",
                                          "link", "time_ms", "gave", "got", "countersigned"};
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
        out += "\r\n";
    };
    line(std::vector<std::string>(std::begin(columns), std::end(columns)));
    for (const auto& r : list(exported, "records")) {
        std::vector<std::string> cells;
        for (const char* column : columns) {
            const auto* f = field(r, column);
            if (f && f->is_boolean()) cells.push_back(f->get<bool>() ? "true" : "false");
            else if (f && f->is_number()) cells.push_back(f->dump());  // 64-bit counts exactly
            else cells.push_back(str(r, column));
        }
        line(cells);
    }
    return out;
}

std::string capacity_text(const json& capacity, bool declared) {
    const std::int64_t up = num(capacity, "up");
    if (up == 0 && !declared)
        return "no capacity declared: effort is judged against what others saw you give, and at least each group's "
               "floor; declare one with coop ledger capacity --up RATE\n";
    std::string out = "declared capacity: " + format_rate(up) + " (" + std::to_string(up) + " bytes/s)";
    if (!declared) return out + "\n";
    std::string groups;
    for (const auto& g : list(capacity, "groups"))
        if (g.is_string()) groups += (groups.empty() ? "" : ", ") + clipped(g.get<std::string>(), 40);
    return out + (groups.empty() ? "; posted to no group: you are in none yet\n" : "; posted to " + groups + "\n");
}

}  // namespace coop::cli
