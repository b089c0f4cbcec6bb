#pragma once
// One half-block of the bandwidth ledger: a record on its author's own hash
// chain, TrustChain-style. A proposal states what the author counts of one
// relationship; the counterparty answers with an agreement on its own chain
// that links the proposal and states the same amounts from its side.
//
// Encoding, version 1 (integers big-endian), always record_size bytes:
//   u8 version | author[32] | u64 seq | previous[32] | counterparty[32] |
//   u64 link_seq | link[32] | i64 time_ms | u64 gave | u64 got |
//   signature[64]
// The id is BLAKE2b-256 of everything before the signature; the author signs
// the id. Every field has a fixed width and decode refuses the forms a
// record cannot take, so each record has exactly one valid encoding.
//
// gave and got are CUMULATIVE: all bytes the author gave to and got from the
// counterparty over their whole relationship. A record replayed later says
// nothing new: totals already counted cannot be counted again, and a newer
// record's totals supersede it. Nobody can raise a balance by repeating a
// record, only by getting a newer one countersigned.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/group/event.hpp"
#include "core/identity.hpp"

namespace coop::ledger {

using Id = coop::group::Id;
using PublicKey = coop::Identity::PublicKey;
using Signature = coop::Identity::Signature;

inline constexpr std::uint8_t record_encoding_version = 1;
inline constexpr std::size_t record_unsigned_size = 1 + 32 + 8 + 32 + 32 + 8 + 32 + 8 + 8 + 8;
inline constexpr std::size_t record_size = record_unsigned_size + 64;

struct Record {
    PublicKey author{};
    std::uint64_t seq = 0;  // on the author's chain, from 1
    Id previous{};          // id of the author's record seq - 1; zero at seq 1
    PublicKey counterparty{};
    std::uint64_t link_seq = 0;  // 0 in a proposal; in an agreement, the proposal's seq
    Id link{};                   // zero in a proposal; in an agreement, the proposal's id
    std::int64_t time_ms = 0;    // the author's clock, never before its previous record's
    std::uint64_t gave = 0;      // cumulative bytes the author gave the counterparty
    std::uint64_t got = 0;       // cumulative bytes the author got from the counterparty
    Signature signature{};

    bool is_proposal() const { return link_seq == 0; }

    std::string encode_unsigned() const;
    std::string encode() const;
    Id id() const;
    bool signature_valid(const Id& id) const;
    bool signature_valid() const { return signature_valid(id()); }

    // For bytes from anyone: exact size, version, and the shape rules of
    // shape_error. The signature is the chain's and the agreement check's.
    static std::optional<Record> decode(std::string_view bytes, std::string* why = nullptr);

    bool operator==(const Record&) const = default;
};

// The rules a record's fields obey whoever made it: nullptr when it obeys
// them, else a one-line reason ("seq is zero").
const char* shape_error(const Record& record);

// Where an author's chain ends: the next record takes seq + 1, previous = id,
// and a time no earlier. An empty chain has seq 0 and a zero id.
struct ChainTip {
    std::uint64_t seq = 0;
    Id id{};
    std::int64_t time_ms = 0;

    static ChainTip of(const Record& record) { return {record.seq, record.id(), record.time_ms}; }
    bool operator==(const ChainTip&) const = default;
};

// Sets the signature: the author's ed25519 signature of the id.
void sign_record(Record& record, const coop::Identity& author);

// Our next record after `tip`, signed, stamped max(time_ms, tip.time_ms)
// (just time_ms on an empty chain).
// They make what they are asked to (tests make bad records with them): the
// chain and the agreement check judge.
Record make_proposal(const coop::Identity& author, const ChainTip& tip, const PublicKey& counterparty,
                     std::uint64_t gave, std::uint64_t got, std::int64_t time_ms);
// Countersigns `proposal`: links it and mirrors its amounts (we gave what it
// says it got, we got what it says it gave). Check it first (agreement.hpp).
Record make_agreement(const coop::Identity& author, const ChainTip& tip, const Record& proposal, std::int64_t time_ms);

}  // namespace coop::ledger
