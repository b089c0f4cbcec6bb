#pragma once
// One author's ledger chain as this agent holds it. Our own chain grows by
// append(), strictly in order. Another author's records come from peers in
// any order through accept_remote(), which keeps them by seq, turns a fork or
// a broken link into a proof, and says which seqs are still missing.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/ledger/proof.hpp"
#include "core/ledger/record.hpp"

namespace coop::ledger {

enum class ChainVerdict : std::uint8_t {
    accepted,
    duplicate,             // held already: nothing changes
    malformed,             // breaks shape_error's rules
    wrong_author,          // another author's record
    bad_signature,         // the author did not sign it
    wrong_seq,             // append: not the tip's seq + 1
    wrong_previous,        // append: previous is not the tip's id
    time_before_previous,  // append: stamped before the tip
    fork,                  // another record of this seq is held: evidence() has the proof
    gap,                   // it does not chain with a neighbour held: evidence() has the proof
    full,                  // accept_remote: as many records held as the bound allows
};

const char* to_string(ChainVerdict verdict);  // "wrong_seq": a key for counters
const char* describe(ChainVerdict verdict);   // one line for people: "seq is not the tip's seq + 1"

class Chain {
public:
    // How many records of one foreign author we hold; past it they are
    // refused as full (a busy peer makes a record every few minutes: this
    // is years of them).
    static constexpr std::size_t max_foreign_records = 100'000;

    explicit Chain(const PublicKey& author, std::size_t max_records = max_foreign_records)
        : author_(author), max_records_(max_records) {}

    const PublicKey& author() const { return author_; }

    // Our own chain: the record must extend the tip exactly (seq, previous,
    // time), carry the author's signature and obey the shape rules.
    ChainVerdict append(const Record& record);
    // A record of someone else's chain, in any order. Refused and kept as
    // evidence when another record holds its seq (fork) or a neighbour held
    // does not chain with it (gap): the first record held stays.
    ChainVerdict accept_remote(const Record& record);

    // The end of the unbroken run from seq 1: what our next record extends.
    ChainTip tip() const;
    std::uint64_t highest_seq() const { return records_.empty() ? 0 : records_.rbegin()->first; }
    std::size_t size() const { return records_.size(); }
    const Record* at(std::uint64_t seq) const;
    std::vector<Record> records() const;  // ascending seq
    // Seqs below highest_seq() not held, ascending, at most `limit`: what to
    // ask peers for.
    std::vector<std::uint64_t> missing(std::size_t limit) const;
    // The first fork or gap found in this author's records.
    const std::optional<Proof>& evidence() const { return evidence_; }

private:
    struct Held {
        Record record;
        Id id{};
    };
    void insert(const Record& record, const Id& id);
    ChainVerdict found(Proof proof, ChainVerdict verdict);

    PublicKey author_;
    std::size_t max_records_;
    std::map<std::uint64_t, Held> records_;
    std::uint64_t contiguous_ = 0;  // 1..contiguous_ are all held
    std::optional<Proof> evidence_;
};

}  // namespace coop::ledger
