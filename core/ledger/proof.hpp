#pragma once
// Fraud proofs: a pair of records, each signed by its author, that no honest
// author signs. A proof holds its records, so anyone can check it alone, and
// a proof from a peer is believed only once verify() accepts it.
//
//   fork         one author, two records with the same seq and different ids
//                (this covers countersigning two proposals at one seq)
//   gap          one author, records at seq n and n + 1 where n + 1 does not
//                follow n: its previous is not n's id, or its time is earlier
//                (the author hides a fork or rewrote its chain)
//   forged_link  an agreement that links a proposal by its id yet misstates
//                it: other amounts, another seq, not its counterparty
//
// An agreement linking a seq of the proposer's chain whose record has
// another id proves nothing alone: the proposer may have forked and the
// countersigner signed the other branch honestly. It takes the fork proof.
//
// Encoding, version 1, always proof_size bytes:
//   u8 version | u8 kind | first record | second record
// fork: the two records by ascending id; gap: n, then n + 1; forged_link:
// the proposal, then the agreement. One valid encoding per proof.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/ledger/record.hpp"

namespace coop::ledger {

// Numbers are part of the encoding: never reuse one.
enum class ProofKind : std::uint8_t { fork = 1, gap = 2, forged_link = 3 };

const char* to_string(ProofKind kind);  // "fork"

inline constexpr std::uint8_t proof_encoding_version = 1;
inline constexpr std::size_t proof_size = 1 + 1 + 2 * record_size;

struct Proof {
    ProofKind kind = ProofKind::fork;
    Record first;
    Record second;

    // fork and gap: the author of both; forged_link: the agreement's author.
    PublicKey offender() const;

    std::string encode() const;
    Id id() const;  // BLAKE2b-256 of the encoding: the same proof has one id wherever it is held
    // For bytes from anyone: size, version, kind, both records' encodings and
    // the order above. Whether it proves anything is verify()'s to say.
    static std::optional<Proof> decode(std::string_view bytes, std::string* why = nullptr);

    bool operator==(const Proof&) const = default;
};

// Builders put the records in the encoding's order; verify() judges.
Proof make_fork_proof(const Record& a, const Record& b);
Proof make_gap_proof(const Record& earlier, const Record& later);
Proof make_forged_link_proof(const Record& proposal, const Record& agreement);

// True if the proof's records alone show its offender cheated: both
// signatures valid and the rule of its kind broken. Else false, and `why`
// says which check failed in one line.
bool verify(const Proof& proof, std::string* why = nullptr);

// The forged_link proof if `agreement` links `proposal` by id but misstates
// it, with both validly signed.
std::optional<Proof> find_forged_link(const Record& proposal, const Record& agreement);

// The offenders named by the proofs that verify; the rest are ignored.
std::set<PublicKey> proven_offenders(const std::vector<Proof>& proofs);

}  // namespace coop::ledger
