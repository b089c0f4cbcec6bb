#include "core/ledger/record.hpp"

#include <algorithm>

#include "core/group/binary.hpp"

namespace coop::ledger {
namespace {

using coop::group::Reader;
using coop::group::Writer;

template <std::size_t N>
bool all_zero(const std::array<std::uint8_t, N>& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

void write_unsigned(const Record& r, std::string& out) {
    Writer w(out);
    w.u8(record_encoding_version);
    w.bytes(r.author.data(), r.author.size());
    w.u64(r.seq);
    w.bytes(r.previous.data(), r.previous.size());
    w.bytes(r.counterparty.data(), r.counterparty.size());
    w.u64(r.link_seq);
    w.bytes(r.link.data(), r.link.size());
    w.i64(r.time_ms);
    w.u64(r.gave);
    w.u64(r.got);
}

Record next_after(const coop::Identity& author, const ChainTip& tip, const PublicKey& counterparty,
                  std::int64_t time_ms) {
    Record r;
    r.author = author.public_key();
    r.seq = tip.seq + 1;
    r.previous = tip.id;
    r.counterparty = counterparty;
    r.time_ms = tip.seq == 0 ? time_ms : std::max(time_ms, tip.time_ms);
    return r;
}

}  // namespace

const char* shape_error(const Record& r) {
    if (r.seq == 0) return "seq is zero";
    if (r.seq == 1 && !all_zero(r.previous)) return "the first record names a previous record";
    if (r.seq > 1 && all_zero(r.previous)) return "a record after the first names no previous record";
    if (r.author == r.counterparty) return "the author is its own counterparty";
    if (r.link_seq == 0 && !all_zero(r.link)) return "a proposal carries a link";
    if (r.link_seq != 0 && all_zero(r.link)) return "an agreement links no proposal";
    return nullptr;
}

std::string Record::encode_unsigned() const {
    std::string out;
    out.reserve(record_size);
    write_unsigned(*this, out);
    return out;
}

std::string Record::encode() const {
    std::string out = encode_unsigned();
    Writer(out).bytes(signature.data(), signature.size());
    return out;
}

Id Record::id() const { return coop::group::hash_id(encode_unsigned()); }

bool Record::signature_valid(const Id& id) const {
    return coop::Identity::verify(author, std::string_view(reinterpret_cast<const char*>(id.data()), id.size()),
                                  signature);
}

std::optional<Record> Record::decode(std::string_view bytes, std::string* why) {
    auto fail = [why](const char* reason) -> std::optional<Record> {
        if (why) *why = reason;
        return std::nullopt;
    };
    if (bytes.size() > record_size) return fail("trailing bytes after the record");
    if (bytes.size() < record_size) return fail("record truncated");
    Reader r(bytes);
    Record out;
    std::uint8_t version = 0;
    r.u8(version);
    if (version != record_encoding_version) return fail("unknown record encoding version");
    // The size was checked: every read below finds its bytes.
    r.bytes(out.author.data(), out.author.size());
    r.u64(out.seq);
    r.bytes(out.previous.data(), out.previous.size());
    r.bytes(out.counterparty.data(), out.counterparty.size());
    r.u64(out.link_seq);
    r.bytes(out.link.data(), out.link.size());
    r.i64(out.time_ms);
    r.u64(out.gave);
    r.u64(out.got);
    r.bytes(out.signature.data(), out.signature.size());
    if (const char* error = shape_error(out)) return fail(error);
    return out;
}

void sign_record(Record& record, const coop::Identity& author) {
    const Id id = record.id();
    record.signature = author.sign(std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

Record make_proposal(const coop::Identity& author, const ChainTip& tip, const PublicKey& counterparty,
                     std::uint64_t gave, std::uint64_t got, std::int64_t time_ms) {
    Record r = next_after(author, tip, counterparty, time_ms);
    r.gave = gave;
    r.got = got;
    sign_record(r, author);
    return r;
}

Record make_agreement(const coop::Identity& author, const ChainTip& tip, const Record& proposal, std::int64_t time_ms) {
    Record r = next_after(author, tip, proposal.author, time_ms);
    r.link_seq = proposal.seq;
    r.link = proposal.id();
    r.gave = proposal.got;
    r.got = proposal.gave;
    sign_record(r, author);
    return r;
}

}  // namespace coop::ledger
