#pragma once
// The ledger in the agent's SQLite file (coop.db, WAL), on the Store's
// connection: our own chain, records of others' chains, and fraud proofs.
//
// Our own record is saved before it is sent, and every write is one
// transaction, so a crash at any point leaves a chain that still links: on
// reopen the tip is the highest seq stored, and a proposal saved but never
// answered is simply a record nobody countersigned (it counts nothing).
#include <SQLiteCpp/Database.h>

#include <cstddef>
#include <vector>

#include "core/ledger/proof.hpp"
#include "core/ledger/record.hpp"

namespace coop::ledger {

class LedgerStore {
public:
    // Creates the tables if they are not there.
    explicit LedgerStore(SQLite::Database& db);

    // Our own record, durable against power loss when it returns. It must
    // extend the stored tip (seq, previous): throws std::logic_error if it
    // does not, storing nothing. False if this record is stored already.
    bool save_own(const Record& record);
    // Our agreement and the proposal it countersigns, in one transaction:
    // after a crash both are there or neither.
    bool save_agreement(const Record& our_agreement, const Record& their_proposal);
    ChainTip own_tip();
    std::vector<Record> own_records();  // ascending seq

    // A record of another author's chain (survives a crash of the agent;
    // peers hold them too). False if that author's seq is held already.
    bool save_foreign(const Record& record);
    std::size_t save_foreign_all(const std::vector<Record>& records);  // how many were new
    std::vector<Record> foreign_records(const PublicKey& author);      // ascending seq
    std::size_t foreign_count(const PublicKey& author);
    std::vector<PublicKey> foreign_authors();  // every author we hold records of, ascending

    // False if the proof is stored already.
    bool save_proof(const Proof& proof);
    std::vector<Proof> proofs();  // by offender, then proof id

    // Loads throw std::runtime_error if a stored row no longer decodes.

private:
    bool insert_own(const Record& record);
    bool insert_foreign(const Record& record);
    SQLite::Database& db_;
};

}  // namespace coop::ledger
