#pragma once
// A check of everything the agent holds of the ledger (`coop ledger
// verify`): our own chain, the records of other authors' chains, and the
// fraud proofs stored. Pure: it judges what it is given, by the rules of
// chain.hpp and proof.hpp, and changes nothing.
//
// - Our chain must be whole: seq 1 up to the tip, each record naming the
//   previous one's id, stamped no earlier, signed by us. Missing seqs are a
//   problem here.
// - Another author's chain is held in part (the records that reached us),
//   so missing seqs are only listed; what is held must link: no two
//   records with one seq, every held neighbour chaining with the next, every
//   signature its author's. A fork or gap found is a proof like a stored
//   one (kept in `proofs`, stored = false).
// - Every stored proof is verified again; one that verifies names a cheat,
//   one that does not is a damaged or bogus row.
//
// ok: our chain is whole and links, every other chain held links, and no
// proof is held or found at all.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ledger/ledger_store.hpp"
#include "core/ledger/proof.hpp"
#include "core/ledger/record.hpp"

namespace coop::ledger {

// How many missing seqs a chain's report lists (missing_count has them all).
inline constexpr std::size_t max_missing_listed = 100;

struct ChainReport {
    PublicKey author{};
    std::size_t records = 0;        // records given, good or bad
    std::uint64_t highest_seq = 0;  // the highest seq of a record that passed
    bool links = true;              // no problem (for our chain: and nothing missing)
    // Seqs below highest_seq with no record that passed, ascending, at most
    // max_missing_listed of them; a refused record leaves its seq missing.
    std::vector<std::uint64_t> missing;
    std::uint64_t missing_count = 0;
    std::string problem;  // the first problem, one line ("seq 3: previous is not the tip's id"); empty if none
};

struct ProofReport {
    Id id{};
    ProofKind kind = ProofKind::fork;
    PublicKey offender{};
    bool valid = false;   // proof.hpp's verify() accepts it: the offender cheated
    bool stored = true;   // false: found here in a chain's records
    std::string problem;  // why it does not verify; empty if valid
};

struct VerifyReport {
    ChainReport own;
    std::vector<ChainReport> foreign;  // by author
    std::vector<ProofReport> proofs;   // stored ones in the order given, then the ones found
    bool ok = false;

    std::size_t fraud() const;  // proofs that verify
};

// `own` ascending by seq (LedgerStore::own_records), `foreign` each
// author's records ascending (LedgerStore::foreign_records), `proofs` as
// stored (LedgerStore::proofs).
VerifyReport verify_ledger(const PublicKey& us, const std::vector<Record>& own,
                           const std::map<PublicKey, std::vector<Record>>& foreign, const std::vector<Proof>& proofs);

// verify_ledger of all the store holds.
VerifyReport verify_store(const PublicKey& us, LedgerStore& store);

// The answer of ledger.verify (core/rpc/protocol.hpp):
//   {"ok": bool, "fraud": proofs that verify,
//    "own": CHAIN, "foreign": [CHAIN by author],
//    "proofs": [{"id", "kind": "fork"|"gap"|"forged_link", "offender",
//                "valid": bool, "stored": bool, "problem": null|"..."}]}
//   CHAIN = {"author", "records", "highest_seq", "links": bool,
//            "missing": [seq], "missing_count", "problem": null|"..."}
nlohmann::json to_json(const ChainReport& report);
nlohmann::json to_json(const VerifyReport& report);

}  // namespace coop::ledger
