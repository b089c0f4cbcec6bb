#pragma once
// The agent's answers about its own ledger, ledger.show and ledger.export
// (core/rpc/protocol.hpp), made in one place from what the book and the
// store hold, so the fields are the same in both and in `coop ledger`.
// Keys and ids are lower-case hex; byte counts cumulative, as records hold
// them.
#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ledger/agreement.hpp"
#include "core/ledger/ledger_book.hpp"
#include "core/ledger/record.hpp"

namespace coop::ledger {

// One of our records: {"seq", "id", "kind": "proposal"|"agreement",
// "counterparty", "link_seq", "link" (zeros for a proposal), "time_ms",
// "gave", "got", "countersigned"}. countersigned: the record is half of a
// pair (a proposal of ours the peer countersigned, or our agreement).
nlohmann::json record_json(const Record& record, bool countersigned);

// A pair: {"proposal" (its id), "proposer", "countersigner", "time_ms",
// "proposer_gave", "proposer_got"}.
nlohmann::json transfer_json(const Transfer& transfer);

// ledger.show: {"key", "seq", "tip", "records" (newest first, at most
// `limit`, 0 = all), "peers", "totals", "counters"}. `own` ascending by seq
// (LedgerStore::own_records), `transfers` every pair we are part of
// (LedgerBook::transfers).
nlohmann::json show_json(const PublicKey& us, const std::vector<Record>& own, const std::vector<PeerLedger>& peers,
                         const std::vector<Transfer>& transfers, const BookCounters& counters, std::size_t limit);
nlohmann::json show_json(const PublicKey& us, const std::vector<Record>& own, const LedgerBook& book, std::size_t limit);

// ledger.export: {"key", "records" (all, ascending seq), "transfers"}.
nlohmann::json export_json(const PublicKey& us, const std::vector<Record>& own, const std::vector<Transfer>& transfers);

}  // namespace coop::ledger
