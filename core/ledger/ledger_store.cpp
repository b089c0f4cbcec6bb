#include "core/ledger/ledger_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/group/hex.hpp"
#include "core/store/full_sync.hpp"

namespace coop::ledger {
namespace {

using coop::group::hex;

const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS ledger_own(
  seq INTEGER PRIMARY KEY,
  record_id TEXT NOT NULL UNIQUE,
  counterparty TEXT NOT NULL,
  raw BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ledger_foreign(
  author TEXT NOT NULL,
  seq INTEGER NOT NULL,
  record_id TEXT NOT NULL,
  counterparty TEXT NOT NULL,
  raw BLOB NOT NULL,
  PRIMARY KEY(author, seq));
CREATE INDEX IF NOT EXISTS ledger_foreign_counterparty ON ledger_foreign(counterparty);
CREATE TABLE IF NOT EXISTS ledger_proofs(
  proof_id TEXT PRIMARY KEY,
  offender TEXT NOT NULL,
  kind TEXT NOT NULL,
  raw BLOB NOT NULL);
)sql";

std::string_view blob(const SQLite::Column& column) {
    return {static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes())};
}

Record record_from(const SQLite::Column& raw, const char* table) {
    std::string why;
    auto r = Record::decode(blob(raw), &why);
    if (!r) throw std::runtime_error(std::string("coop.db: a record in ") + table + " is damaged (" + why + ")");
    return *r;
}

// Seqs from peers may pass 2^63, where SQLite's signed integers wrap: sort
// them here instead of trusting ORDER BY.
std::vector<Record> by_seq(std::vector<Record> records) {
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) { return a.seq < b.seq; });
    return records;
}

}  // namespace

LedgerStore::LedgerStore(SQLite::Database& db) : db_(db) {
    SQLite::Transaction tx(db_);
    db_.exec(schema);
    tx.commit();
}

bool LedgerStore::insert_own(const Record& record) {
    const Id id = record.id();
    SQLite::Statement held(db_, "SELECT record_id FROM ledger_own WHERE seq=?");
    held.bind(1, static_cast<std::int64_t>(record.seq));
    if (held.executeStep()) {
        if (held.getColumn(0).getString() == hex(id)) return false;
        throw std::logic_error("ledger: our record at seq " + std::to_string(record.seq) +
                               " is stored already with another id");
    }
    const ChainTip tip = own_tip();
    if (record.seq != tip.seq + 1 || record.previous != tip.id)
        throw std::logic_error("ledger: our record at seq " + std::to_string(record.seq) +
                               " does not extend the stored tip at seq " + std::to_string(tip.seq));
    const std::string raw = record.encode();
    SQLite::Statement q(db_, "INSERT INTO ledger_own(seq,record_id,counterparty,raw) VALUES(?,?,?,?)");
    q.bind(1, static_cast<std::int64_t>(record.seq));
    q.bind(2, hex(id));
    q.bind(3, hex(record.counterparty));
    q.bind(4, raw.data(), static_cast<int>(raw.size()));
    q.exec();
    return true;
}

bool LedgerStore::insert_foreign(const Record& record) {
    const std::string raw = record.encode();
    SQLite::Statement q(
        db_, "INSERT OR IGNORE INTO ledger_foreign(author,seq,record_id,counterparty,raw) VALUES(?,?,?,?,?)");
    q.bind(1, hex(record.author));
    q.bind(2, static_cast<std::int64_t>(record.seq));
    q.bind(3, hex(record.id()));
    q.bind(4, hex(record.counterparty));
    q.bind(5, raw.data(), static_cast<int>(raw.size()));
    return q.exec() == 1;
}

bool LedgerStore::save_own(const Record& record) {
    FullSync sync(db_);
    SQLite::Transaction tx(db_);
    const bool added = insert_own(record);
    tx.commit();
    return added;
}

bool LedgerStore::save_agreement(const Record& our_agreement, const Record& their_proposal) {
    FullSync sync(db_);
    SQLite::Transaction tx(db_);
    const bool added = insert_own(our_agreement);
    insert_foreign(their_proposal);
    tx.commit();
    return added;
}

ChainTip LedgerStore::own_tip() {
    SQLite::Statement q(db_, "SELECT raw FROM ledger_own ORDER BY seq DESC LIMIT 1");
    if (!q.executeStep()) return {};
    return ChainTip::of(record_from(q.getColumn(0), "ledger_own"));
}

std::vector<Record> LedgerStore::own_records() {
    SQLite::Statement q(db_, "SELECT raw FROM ledger_own ORDER BY seq");
    std::vector<Record> out;
    while (q.executeStep()) out.push_back(record_from(q.getColumn(0), "ledger_own"));
    return out;
}

bool LedgerStore::save_foreign(const Record& record) { return save_foreign_all({record}) == 1; }

std::size_t LedgerStore::save_foreign_all(const std::vector<Record>& records) {
    SQLite::Transaction tx(db_);
    std::size_t added = 0;
    for (const auto& r : records) added += insert_foreign(r) ? 1 : 0;
    tx.commit();
    return added;
}

std::vector<Record> LedgerStore::foreign_records(const PublicKey& author) {
    SQLite::Statement q(db_, "SELECT raw FROM ledger_foreign WHERE author=?");
    q.bind(1, hex(author));
    std::vector<Record> out;
    while (q.executeStep()) out.push_back(record_from(q.getColumn(0), "ledger_foreign"));
    return by_seq(std::move(out));
}

std::size_t LedgerStore::foreign_count(const PublicKey& author) {
    SQLite::Statement q(db_, "SELECT count(*) FROM ledger_foreign WHERE author=?");
    q.bind(1, hex(author));
    q.executeStep();
    return static_cast<std::size_t>(q.getColumn(0).getInt64());
}

std::vector<PublicKey> LedgerStore::foreign_authors() {
    SQLite::Statement q(db_, "SELECT DISTINCT author FROM ledger_foreign ORDER BY author");
    std::vector<PublicKey> out;
    while (q.executeStep()) {
        const auto key = coop::group::from_hex<32>(q.getColumn(0).getString());
        if (!key) throw std::runtime_error("coop.db: an author in ledger_foreign is damaged");
        out.push_back(*key);
    }
    return out;
}

bool LedgerStore::save_proof(const Proof& proof) {
    const std::string raw = proof.encode();
    SQLite::Statement q(db_, "INSERT OR IGNORE INTO ledger_proofs(proof_id,offender,kind,raw) VALUES(?,?,?,?)");
    q.bind(1, hex(coop::group::hash_id(raw)));
    q.bind(2, hex(proof.offender()));
    q.bind(3, to_string(proof.kind));
    q.bind(4, raw.data(), static_cast<int>(raw.size()));
    return q.exec() == 1;
}

std::vector<Proof> LedgerStore::proofs() {
    SQLite::Statement q(db_, "SELECT raw FROM ledger_proofs ORDER BY offender, proof_id");
    std::vector<Proof> out;
    while (q.executeStep()) {
        std::string why;
        auto p = Proof::decode(blob(q.getColumn(0)), &why);
        if (!p) throw std::runtime_error("coop.db: a proof in ledger_proofs is damaged (" + why + ")");
        out.push_back(*p);
    }
    return out;
}

}  // namespace coop::ledger
