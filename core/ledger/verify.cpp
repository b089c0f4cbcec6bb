#include "core/ledger/verify.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "core/group/hex.hpp"
#include "core/ledger/chain.hpp"

namespace coop::ledger {
namespace {

using coop::group::hex;
using nlohmann::json;

std::string at_seq(std::uint64_t seq, const std::string& what) { return "seq " + std::to_string(seq) + ": " + what; }

// One author's records through Chain::accept_remote, which holds every
// rule a held chain obeys; `whole` adds that nothing may be missing.
ChainReport check_chain(const PublicKey& author, const std::vector<Record>& records, bool whole,
                        std::optional<Proof>& evidence) {
    ChainReport report;
    report.author = author;
    report.records = records.size();
    Chain chain(author, std::numeric_limits<std::size_t>::max());
    std::uint64_t problem_seq = 0;
    for (const auto& r : records) {
        const ChainVerdict verdict = chain.accept_remote(r);
        if (verdict == ChainVerdict::accepted || verdict == ChainVerdict::duplicate) continue;
        if (report.problem.empty()) {
            report.problem = at_seq(r.seq, describe(verdict));
            problem_seq = r.seq;
        }
    }
    report.highest_seq = chain.highest_seq();
    report.missing = chain.missing(max_missing_listed);
    report.missing_count = chain.highest_seq() - chain.size();
    if (whole && !report.missing.empty() && (report.problem.empty() || report.missing.front() < problem_seq)) {
        const std::uint64_t more = report.missing_count - 1;
        report.problem = at_seq(report.missing.front(), "missing from our chain");
        if (more) report.problem += ", and " + std::to_string(more) + (more == 1 ? " more seq" : " more seqs");
    }
    report.links = report.problem.empty();
    evidence = chain.evidence();
    return report;
}

ProofReport check_proof(const Proof& proof, bool stored) {
    ProofReport report;
    report.id = proof.id();
    report.kind = proof.kind;
    report.offender = proof.offender();
    report.stored = stored;
    report.valid = verify(proof, &report.problem);
    if (report.valid) report.problem.clear();
    return report;
}

json problem_json(const std::string& problem) { return problem.empty() ? json(nullptr) : json(problem); }

}  // namespace

std::size_t VerifyReport::fraud() const {
    return static_cast<std::size_t>(std::count_if(proofs.begin(), proofs.end(), [](const ProofReport& p) { return p.valid; }));
}

VerifyReport verify_ledger(const PublicKey& us, const std::vector<Record>& own,
                           const std::map<PublicKey, std::vector<Record>>& foreign, const std::vector<Proof>& proofs) {
    VerifyReport report;
    std::set<Id> held;
    for (const auto& p : proofs) {
        report.proofs.push_back(check_proof(p, true));
        held.insert(report.proofs.back().id);
    }
    auto found = [&](const std::optional<Proof>& evidence) {
        if (evidence && held.insert(evidence->id()).second) report.proofs.push_back(check_proof(*evidence, false));
    };

    std::optional<Proof> evidence;
    report.own = check_chain(us, own, true, evidence);
    found(evidence);
    for (const auto& [author, records] : foreign) {
        report.foreign.push_back(check_chain(author, records, false, evidence));
        found(evidence);
    }

    report.ok = report.own.links && report.proofs.empty() &&
                std::all_of(report.foreign.begin(), report.foreign.end(), [](const ChainReport& c) { return c.links; });
    return report;
}

VerifyReport verify_store(const PublicKey& us, LedgerStore& store) {
    std::map<PublicKey, std::vector<Record>> foreign;
    for (const auto& author : store.foreign_authors()) foreign[author] = store.foreign_records(author);
    return verify_ledger(us, store.own_records(), foreign, store.proofs());
}

json to_json(const ChainReport& report) {
    return {{"author", hex(report.author)},
            {"records", report.records},
            {"highest_seq", report.highest_seq},
            {"links", report.links},
            {"missing", report.missing},
            {"missing_count", report.missing_count},
            {"problem", problem_json(report.problem)}};
}

json to_json(const VerifyReport& report) {
    json j;
    j["ok"] = report.ok;
    j["fraud"] = report.fraud();
    j["own"] = to_json(report.own);
    j["foreign"] = json::array();
    for (const auto& c : report.foreign) j["foreign"].push_back(to_json(c));
    j["proofs"] = json::array();
    for (const auto& p : report.proofs)
        j["proofs"].push_back({{"id", hex(p.id)},
                               {"kind", to_string(p.kind)},
                               {"offender", hex(p.offender)},
                               {"valid", p.valid},
                               {"stored", p.stored},
                               {"problem", problem_json(p.problem)}});
    return j;
}

}  // namespace coop::ledger
