#include "core/ledger/chain.hpp"

#include <utility>

namespace coop::ledger {

const char* to_string(ChainVerdict verdict) {
    switch (verdict) {
        case ChainVerdict::accepted: return "accepted";
        case ChainVerdict::duplicate: return "duplicate";
        case ChainVerdict::malformed: return "malformed";
        case ChainVerdict::wrong_author: return "wrong_author";
        case ChainVerdict::bad_signature: return "bad_signature";
        case ChainVerdict::wrong_seq: return "wrong_seq";
        case ChainVerdict::wrong_previous: return "wrong_previous";
        case ChainVerdict::time_before_previous: return "time_before_previous";
        case ChainVerdict::fork: return "fork";
        case ChainVerdict::gap: return "gap";
        case ChainVerdict::full: return "full";
    }
    return "unknown";
}

const char* describe(ChainVerdict verdict) {
    switch (verdict) {
        case ChainVerdict::accepted: return "accepted";
        case ChainVerdict::duplicate: return "the record is held already";
        case ChainVerdict::malformed: return "the record breaks the record shape rules";
        case ChainVerdict::wrong_author: return "the record belongs to another author's chain";
        case ChainVerdict::bad_signature: return "the record's signature is not its author's";
        case ChainVerdict::wrong_seq: return "seq is not the tip's seq + 1";
        case ChainVerdict::wrong_previous: return "previous is not the tip's id";
        case ChainVerdict::time_before_previous: return "the record is stamped before the tip";
        case ChainVerdict::fork: return "the author signed another record with this seq";
        case ChainVerdict::gap: return "the record does not chain with the author's record beside it";
        case ChainVerdict::full: return "the author's chain holds as many records as we keep";
    }
    return "unknown";
}

ChainTip Chain::tip() const {
    if (contiguous_ == 0) return {};
    const Held& h = records_.at(contiguous_);
    return {contiguous_, h.id, h.record.time_ms};
}

const Record* Chain::at(std::uint64_t seq) const {
    const auto it = records_.find(seq);
    return it == records_.end() ? nullptr : &it->second.record;
}

std::vector<Record> Chain::records() const {
    std::vector<Record> out;
    out.reserve(records_.size());
    for (const auto& [seq, held] : records_) out.push_back(held.record);
    return out;
}

std::vector<std::uint64_t> Chain::missing(std::size_t limit) const {
    std::vector<std::uint64_t> out;
    std::uint64_t expected = contiguous_ + 1;
    for (auto it = records_.upper_bound(contiguous_); it != records_.end() && out.size() < limit; ++it) {
        for (std::uint64_t seq = expected; seq < it->first && out.size() < limit; ++seq) out.push_back(seq);
        expected = it->first + 1;
    }
    return out;
}

void Chain::insert(const Record& record, const Id& id) {
    records_.emplace(record.seq, Held{record, id});
    while (records_.count(contiguous_ + 1)) ++contiguous_;
}

ChainVerdict Chain::found(Proof proof, ChainVerdict verdict) {
    if (!evidence_) evidence_ = std::move(proof);
    return verdict;
}

ChainVerdict Chain::append(const Record& record) {
    if (shape_error(record)) return ChainVerdict::malformed;
    if (record.author != author_) return ChainVerdict::wrong_author;
    const Id id = record.id();
    if (const auto held = records_.find(record.seq); held != records_.end() && held->second.id == id)
        return ChainVerdict::duplicate;
    const ChainTip t = tip();
    if (record.seq != t.seq + 1 || highest_seq() != t.seq) return ChainVerdict::wrong_seq;
    if (record.previous != t.id) return ChainVerdict::wrong_previous;
    if (record.time_ms < t.time_ms) return ChainVerdict::time_before_previous;
    if (!record.signature_valid(id)) return ChainVerdict::bad_signature;
    insert(record, id);
    return ChainVerdict::accepted;
}

ChainVerdict Chain::accept_remote(const Record& record) {
    if (shape_error(record)) return ChainVerdict::malformed;
    if (record.author != author_) return ChainVerdict::wrong_author;
    const Id id = record.id();
    const auto held = records_.find(record.seq);
    if (held != records_.end() && held->second.id == id) return ChainVerdict::duplicate;
    if (held == records_.end() && records_.size() >= max_records_) return ChainVerdict::full;
    if (!record.signature_valid(id)) return ChainVerdict::bad_signature;
    if (held != records_.end()) return found(make_fork_proof(held->second.record, record), ChainVerdict::fork);
    if (const auto before = records_.find(record.seq - 1); before != records_.end()) {
        if (record.previous != before->second.id || record.time_ms < before->second.record.time_ms)
            return found(make_gap_proof(before->second.record, record), ChainVerdict::gap);
    }
    if (const auto after = records_.find(record.seq + 1); after != records_.end()) {
        if (after->second.record.previous != id || after->second.record.time_ms < record.time_ms)
            return found(make_gap_proof(record, after->second.record), ChainVerdict::gap);
    }
    insert(record, id);
    return ChainVerdict::accepted;
}

}  // namespace coop::ledger
