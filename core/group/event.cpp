#include "core/group/event.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "core/group/binary.hpp"

namespace coop::group {

std::string to_string(Kind kind) {
    switch (kind) {
        case Kind::genesis: return "genesis";
        case Kind::join: return "join";
        case Kind::leave: return "leave";
        case Kind::post: return "post";
        case Kind::share: return "share";
        case Kind::retract: return "retract";
        case Kind::remove: return "remove";
        case Kind::ledger_record: return "ledger_record";
        case Kind::capacity: return "capacity";
        case Kind::ledger_proof: return "ledger_proof";
        case Kind::proposal: return "proposal";
        case Kind::ballot: return "ballot";
        case Kind::close: return "close";
        case Kind::plan_offer: return "plan_offer";
        case Kind::plan_request: return "plan_request";
        case Kind::plan_start: return "plan_start";
    }
    return "kind " + std::to_string(static_cast<unsigned>(kind));
}

namespace {

// The encoding up to the signature, appended to `out`.
void write_unsigned(const Event& e, std::string& out) {
    if (e.parents.size() > 255) throw std::length_error("an event cannot name more than 255 parents");
    Writer w(out);
    w.u8(encoding_version);
    w.bytes(e.group.data(), e.group.size());
    w.bytes(e.author.data(), e.author.size());
    w.u64(e.seq);
    w.i64(e.time_ms);
    w.u16(static_cast<std::uint16_t>(e.kind));
    w.u8(static_cast<std::uint8_t>(e.parents.size()));
    for (const auto& p : e.parents) w.bytes(p.data(), p.size());
    w.u32(static_cast<std::uint32_t>(e.body.size()));
    w.bytes(e.body);
}

std::size_t encoded_size(const Event& e) {
    return header_size + e.parents.size() * 32 + 4 + e.body.size() + signature_size;
}

}  // namespace

std::string Event::encode_unsigned() const {
    std::string out;
    out.reserve(encoded_size(*this));
    write_unsigned(*this, out);
    return out;
}

std::string Event::encode() const {
    std::string out = encode_unsigned();
    Writer(out).bytes(signature.data(), signature.size());
    return out;
}

Id Event::id() const {
    // Every add hashes an event: one buffer per thread, reused, so hashing
    // allocates nothing once it has seen an event of this size.
    thread_local std::string scratch;
    scratch.clear();
    write_unsigned(*this, scratch);
    const Id out = hash_id(scratch);
    if (scratch.capacity() > max_encoded_size) std::string().swap(scratch);  // an oversized event's buffer goes
    return out;
}

bool Event::signature_valid(const Id& id) const {
    return coop::Identity::verify(author, std::string_view(reinterpret_cast<const char*>(id.data()), id.size()),
                                  signature);
}

std::optional<Event> Event::decode(std::string_view bytes, std::string* why) {
    auto fail = [why](const char* reason) -> std::optional<Event> {
        if (why) *why = reason;
        return std::nullopt;
    };
    if (bytes.size() > max_encoded_size) return fail("event too large");
    Reader r(bytes);
    Event e;
    std::uint8_t version = 0;
    std::uint16_t kind = 0;
    std::uint8_t parent_count = 0;
    if (!r.u8(version)) return fail("event truncated");
    if (version != encoding_version) return fail("unknown event encoding version");
    if (!r.bytes(e.group.data(), e.group.size()) || !r.bytes(e.author.data(), e.author.size()) || !r.u64(e.seq) ||
        !r.i64(e.time_ms) || !r.u16(kind) || !r.u8(parent_count))
        return fail("event truncated");
    e.kind = static_cast<Kind>(kind);
    if (parent_count > max_parents) return fail("too many parents");
    e.parents.resize(parent_count);
    for (auto& p : e.parents)
        if (!r.bytes(p.data(), p.size())) return fail("event truncated");
    if (!std::is_sorted(e.parents.begin(), e.parents.end()) ||
        std::adjacent_find(e.parents.begin(), e.parents.end()) != e.parents.end())
        return fail("parents not ascending and unique");
    std::uint32_t body_size = 0;
    if (!r.u32(body_size)) return fail("event truncated");
    if (body_size > max_body) return fail("body too large");
    if (!r.bytes(e.body, body_size) || !r.bytes(e.signature.data(), e.signature.size())) return fail("event truncated");
    if (r.left() != 0) return fail("trailing bytes after the event");
    return e;
}

Id hash_id(std::string_view bytes) {
    Id out{};
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       nullptr, 0);
    return out;
}

void sign_event(Event& event, const coop::Identity& author) {
    const Id id = event.id();
    event.signature = author.sign(std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

Event make_event(const coop::Identity& author, const Id& group, std::uint64_t seq, std::int64_t time_ms, Kind kind,
                 std::vector<Id> parents, std::string body) {
    std::sort(parents.begin(), parents.end());
    parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
    Event e;
    e.group = group;
    e.author = author.public_key();
    e.seq = seq;
    e.time_ms = time_ms;
    e.kind = kind;
    e.parents = std::move(parents);
    e.body = std::move(body);
    sign_event(e, author);
    return e;
}

Event make_genesis(const coop::Identity& founder, std::int64_t time_ms, std::string body) {
    return make_event(founder, Id{}, 1, time_ms, Kind::genesis, {}, std::move(body));
}

}  // namespace coop::group
