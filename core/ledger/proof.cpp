#include "core/ledger/proof.hpp"

#include <utility>

#include "core/group/binary.hpp"

namespace coop::ledger {
namespace {

bool refuse(std::string& why, const char* reason) {
    why = reason;
    return false;
}

// What in the agreement contradicts the proposal it links by id; nullptr if
// nothing does.
const char* misstatement(const Record& proposal, const Record& agreement) {
    if (agreement.link_seq != proposal.seq) return "links the proposal's id with another seq";
    if (agreement.author != proposal.counterparty) return "countersigns a proposal made to someone else";
    if (agreement.counterparty != proposal.author) return "names another counterparty than the proposer";
    if (agreement.gave != proposal.got || agreement.got != proposal.gave)
        return "states other amounts than the proposal";
    return nullptr;
}

bool check_fork(const Proof& p, std::string& why) {
    if (p.first.author != p.second.author) return refuse(why, "fork records have different authors");
    if (p.first.seq != p.second.seq) return refuse(why, "fork records have different seqs");
    const Id a = p.first.id();
    const Id b = p.second.id();
    if (a == b) return refuse(why, "fork records are the same record");
    if (!(a < b)) return refuse(why, "fork records not in id order");
    if (!p.first.signature_valid(a) || !p.second.signature_valid(b))
        return refuse(why, "a record's signature is not valid");
    return true;
}

bool check_gap(const Proof& p, std::string& why) {
    if (p.first.author != p.second.author) return refuse(why, "gap records have different authors");
    if (p.second.seq != p.first.seq + 1) return refuse(why, "gap records are not consecutive");
    const Id earlier = p.first.id();
    if (!p.first.signature_valid(earlier) || !p.second.signature_valid())
        return refuse(why, "a record's signature is not valid");
    if (p.second.previous == earlier && p.second.time_ms >= p.first.time_ms)
        return refuse(why, "the later record follows the earlier");
    return true;
}

bool check_forged_link(const Proof& p, std::string& why) {
    const Record& proposal = p.first;
    const Record& agreement = p.second;
    if (!proposal.is_proposal()) return refuse(why, "the first record is not a proposal");
    if (agreement.is_proposal()) return refuse(why, "the second record is not an agreement");
    const Id proposal_id = proposal.id();
    if (agreement.link != proposal_id) return refuse(why, "the agreement does not link the proposal");
    if (!proposal.signature_valid(proposal_id) || !agreement.signature_valid())
        return refuse(why, "a record's signature is not valid");
    if (!misstatement(proposal, agreement)) return refuse(why, "the agreement states the proposal as it is");
    return true;
}

}  // namespace

const char* to_string(ProofKind kind) {
    switch (kind) {
        case ProofKind::fork: return "fork";
        case ProofKind::gap: return "gap";
        case ProofKind::forged_link: return "forged_link";
    }
    return "unknown";
}

PublicKey Proof::offender() const { return kind == ProofKind::forged_link ? second.author : first.author; }

std::string Proof::encode() const {
    std::string out;
    out.reserve(proof_size);
    coop::group::Writer w(out);
    w.u8(proof_encoding_version);
    w.u8(static_cast<std::uint8_t>(kind));
    w.bytes(first.encode());
    w.bytes(second.encode());
    return out;
}

Id Proof::id() const { return coop::group::hash_id(encode()); }

std::optional<Proof> Proof::decode(std::string_view bytes, std::string* why) {
    auto fail = [why](std::string reason) -> std::optional<Proof> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    if (bytes.size() > proof_size) return fail("trailing bytes after the proof");
    if (bytes.size() < proof_size) return fail("proof truncated");
    if (static_cast<std::uint8_t>(bytes[0]) != proof_encoding_version) return fail("unknown proof encoding version");
    Proof p;
    const auto kind = static_cast<std::uint8_t>(bytes[1]);
    if (kind < static_cast<std::uint8_t>(ProofKind::fork) || kind > static_cast<std::uint8_t>(ProofKind::forged_link))
        return fail("unknown proof kind");
    p.kind = static_cast<ProofKind>(kind);
    std::string record_why;
    auto first = Record::decode(bytes.substr(2, record_size), &record_why);
    if (!first) return fail("first record: " + record_why);
    auto second = Record::decode(bytes.substr(2 + record_size), &record_why);
    if (!second) return fail("second record: " + record_why);
    p.first = *first;
    p.second = *second;
    if (p.kind == ProofKind::fork && !(p.first.id() < p.second.id())) return fail("fork records not in id order");
    return p;
}

Proof make_fork_proof(const Record& a, const Record& b) {
    if (b.id() < a.id()) return Proof{ProofKind::fork, b, a};
    return Proof{ProofKind::fork, a, b};
}

Proof make_gap_proof(const Record& earlier, const Record& later) { return Proof{ProofKind::gap, earlier, later}; }

Proof make_forged_link_proof(const Record& proposal, const Record& agreement) {
    return Proof{ProofKind::forged_link, proposal, agreement};
}

bool verify(const Proof& proof, std::string* why) {
    std::string reason;
    bool ok = false;
    if (const char* e = shape_error(proof.first)) {
        reason = std::string("first record: ") + e;
    } else if (const char* e2 = shape_error(proof.second)) {
        reason = std::string("second record: ") + e2;
    } else {
        switch (proof.kind) {
            case ProofKind::fork: ok = check_fork(proof, reason); break;
            case ProofKind::gap: ok = check_gap(proof, reason); break;
            case ProofKind::forged_link: ok = check_forged_link(proof, reason); break;
            default: reason = "unknown proof kind";
        }
    }
    if (!ok && why) *why = reason;
    return ok;
}

std::optional<Proof> find_forged_link(const Record& proposal, const Record& agreement) {
    Proof p = make_forged_link_proof(proposal, agreement);
    if (!verify(p)) return std::nullopt;
    return p;
}

std::set<PublicKey> proven_offenders(const std::vector<Proof>& proofs) {
    std::set<PublicKey> out;
    for (const auto& p : proofs)
        if (verify(p)) out.insert(p.offender());
    return out;
}

}  // namespace coop::ledger
