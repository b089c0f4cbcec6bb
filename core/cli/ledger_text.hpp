#pragma once
// The agent's answers about the effort ledger (core/rpc/protocol.hpp,
// ledger.*) as text for people, and ledger.export as CSV. Keys and names
// may come from other people, so every string is made safe to print, and a
// field of the wrong type reads as empty instead of throwing.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/cli/group_text.hpp"
#include "core/cli/table.hpp"

namespace coop::cli {

// ledger.show's peers: one row per counterparty, what we counted and what
// both signed last.
Table ledger_peers_table(const nlohmann::json& peers, const Viewer& viewer);
// ledger.show's (or ledger.export's) records, in the order given.
Table ledger_records_table(const nlohmann::json& records, const Viewer& viewer);
// ledger.show for people: our key, chain and agreed totals, the counters
// of what was proposed, signed and refused, then both tables.
std::string ledger_show_text(const nlohmann::json& show, const Viewer& viewer);

// One group of ledger.effort: its members (short key, and name when the
// member map has one), what they gave and received in the window, their
// capacity, availability, score, share, and a mark for offenders.
Table effort_table(const nlohmann::json& group, const Viewer& viewer);
// ledger.effort for people: for each group a heading (name, id, window
// dates, transfers counted, the group's settings), then its table.
std::string effort_text(const nlohmann::json& effort, const Viewer& viewer);

// Seqs as ranges: [1,2,3,6,8] -> "1-3, 6, 8".
std::string seq_ranges(const nlohmann::json& seqs);
// ledger.verify (core/ledger/verify.hpp to_json) for people: a table of
// the chains held, then the proofs of fraud, then a closing line.
std::string verify_text(const nlohmann::json& report);
// What is wrong, in one line ("our chain does not link; 1 proof of fraud"),
// or "" when the report is ok.
std::string verify_problems(const nlohmann::json& report);

// One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or
// LF, its quotes doubled.
std::string csv_field(std::string_view text);
// ledger.export's records as CSV: a header row, then one row per record
// with the fields of ledger.show's records, lines ending in CRLF.
std::string records_csv(const nlohmann::json& exported);

// ledger.capacity's answer: the declared capacity, and the groups it was
// posted to when `declared` (the command gave --up).
std::string capacity_text(const nlohmann::json& capacity, bool declared);

}  // namespace coop::cli
