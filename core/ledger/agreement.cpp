#include "core/ledger/agreement.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

namespace coop::ledger {
namespace {

constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return b > max_u64 - a ? max_u64 : a + b; }

}  // namespace

std::uint64_t Tolerance::allowed(std::uint64_t our_count) const {
    const double share = std::max(0.0, fraction) * static_cast<double>(our_count);
    // 2^64 as a double: anything at or past it saturates instead of overflowing the conversion.
    const std::uint64_t relative = share >= 18446744073709551616.0 ? max_u64 : static_cast<std::uint64_t>(share);
    return std::max(absolute_bytes, relative);
}

const char* to_string(ProposalVerdict verdict) {
    switch (verdict) {
        case ProposalVerdict::acceptable: return "acceptable";
        case ProposalVerdict::malformed: return "malformed";
        case ProposalVerdict::not_a_proposal: return "not_a_proposal";
        case ProposalVerdict::wrong_counterparty: return "wrong_counterparty";
        case ProposalVerdict::bad_signature: return "bad_signature";
        case ProposalVerdict::stale: return "stale";
        case ProposalVerdict::not_newer: return "not_newer";
        case ProposalVerdict::inflated: return "inflated";
        case ProposalVerdict::deflated: return "deflated";
    }
    return "unknown";
}

const char* describe(ProposalVerdict verdict) {
    switch (verdict) {
        case ProposalVerdict::acceptable: return "acceptable";
        case ProposalVerdict::malformed: return "the proposal breaks the record shape rules";
        case ProposalVerdict::not_a_proposal: return "the record is an agreement, not a proposal";
        case ProposalVerdict::wrong_counterparty: return "the proposal is made out to another key";
        case ProposalVerdict::bad_signature: return "the proposal's signature is not its author's";
        case ProposalVerdict::stale: return "the proposal is not newer than one we already countersigned (a replay)";
        case ProposalVerdict::not_newer: return "the proposal's totals are below totals we already signed";
        case ProposalVerdict::inflated: return "the proposal claims more bytes than we counted, beyond the tolerance";
        case ProposalVerdict::deflated:
            return "the proposal claims fewer bytes from us than we gave, beyond the tolerance";
    }
    return "unknown";
}

ProposalVerdict check_proposal(const Record& proposal, const PublicKey& us, const std::optional<LastAgreed>& last,
                               const Counts& ours, const Tolerance& tolerance) {
    return check_proposal(proposal, us, last, ours, ours.gave, tolerance);
}

ProposalVerdict check_proposal(const Record& proposal, const PublicKey& us, const std::optional<LastAgreed>& last,
                               const Counts& ours, std::uint64_t gave_lagging, const Tolerance& tolerance) {
    if (shape_error(proposal)) return ProposalVerdict::malformed;
    if (!proposal.is_proposal()) return ProposalVerdict::not_a_proposal;
    if (proposal.counterparty != us) return ProposalVerdict::wrong_counterparty;
    if (!proposal.signature_valid()) return ProposalVerdict::bad_signature;
    // In the proposer's terms: it gave what we got, it got what we gave.
    if (last) {
        if (proposal.seq <= last->their_seq) return ProposalVerdict::stale;
        if (proposal.gave < last->we_got || proposal.got < last->we_gave) return ProposalVerdict::not_newer;
    }
    if (proposal.gave > saturating_add(ours.got, tolerance.allowed(ours.got))) return ProposalVerdict::inflated;
    if (proposal.got > saturating_add(ours.gave, tolerance.allowed(ours.gave))) return ProposalVerdict::inflated;
    const std::uint64_t floor = std::min(gave_lagging, ours.gave);
    if (saturating_add(proposal.got, tolerance.allowed(floor)) < floor) return ProposalVerdict::deflated;
    return ProposalVerdict::acceptable;
}

std::optional<Transfer> Transfer::pair(const Record& proposal, const Record& agreement, std::string* why) {
    auto fail = [why](const char* reason) -> std::optional<Transfer> {
        if (why) *why = reason;
        return std::nullopt;
    };
    if (shape_error(proposal) || shape_error(agreement)) return fail("a record breaks the record shape rules");
    if (!proposal.is_proposal()) return fail("the first record is not a proposal");
    if (agreement.is_proposal()) return fail("the second record is not an agreement");
    const Id proposal_id = proposal.id();
    if (agreement.link != proposal_id || agreement.link_seq != proposal.seq)
        return fail("the agreement does not link the proposal");
    if (agreement.author != proposal.counterparty || agreement.counterparty != proposal.author)
        return fail("the agreement is not by the proposal's counterparty");
    if (agreement.gave != proposal.got || agreement.got != proposal.gave)
        return fail("the agreement does not mirror the proposal's amounts");
    if (!proposal.signature_valid(proposal_id)) return fail("the proposal's signature is not valid");
    if (!agreement.signature_valid()) return fail("the agreement's signature is not valid");
    return Transfer(proposal, agreement);
}

std::uint64_t Transfer::gave(const PublicKey& from, const PublicKey& to) const {
    if (from == proposal_.author && to == proposal_.counterparty) return proposal_.gave;
    if (from == proposal_.counterparty && to == proposal_.author) return proposal_.got;
    return 0;
}

LastAgreed Transfer::last_agreed(const PublicKey& us) const {
    if (proposal_.author == us) return {agreement_.seq, proposal_.gave, proposal_.got};
    return {proposal_.seq, agreement_.gave, agreement_.got};
}

std::vector<Transfer> paired_transfers(const std::vector<Record>& records) {
    // Only validly signed proposals: a copy with a broken signature must not
    // stand in for the real one and cost it its pair.
    std::map<Id, const Record*> proposals;
    for (const auto& r : records) {
        if (!r.is_proposal() || shape_error(r)) continue;
        const Id id = r.id();
        if (!proposals.count(id) && r.signature_valid(id)) proposals.emplace(id, &r);
    }
    std::map<Id, std::pair<Id, Transfer>> best;  // proposal id -> (agreement id, pair)
    for (const auto& r : records) {
        if (r.is_proposal()) continue;
        const auto proposal = proposals.find(r.link);
        if (proposal == proposals.end()) continue;
        auto transfer = Transfer::pair(*proposal->second, r);
        if (!transfer) continue;
        const Id agreement_id = r.id();
        const auto held = best.find(proposal->first);
        if (held == best.end())
            best.emplace(proposal->first, std::make_pair(agreement_id, std::move(*transfer)));
        else if (agreement_id < held->second.first)
            held->second = std::make_pair(agreement_id, std::move(*transfer));
    }
    std::vector<Transfer> out;
    out.reserve(best.size());
    for (auto& [id, chosen] : best) out.push_back(std::move(chosen.second));
    return out;
}

}  // namespace coop::ledger
