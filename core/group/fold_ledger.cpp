#include "core/group/fold_ledger.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <vector>

#include "core/group/body.hpp"
#include "core/ledger/activity.hpp"
#include "core/ledger/effort.hpp"
#include "core/ledger/gifts.hpp"

namespace coop::group {
namespace {

constexpr std::int64_t day_ms = 24 * 60 * 60 * 1000;

}  // namespace

std::string LedgerFold::record(const Event& e, GroupState& state) {
    std::string why;
    auto body = parse_ledger_record(e.body, &why);
    if (!body) return "malformed ledger record body: " + why;
    const coop::ledger::Transfer& t = body->transfer;
    see(t.proposal());
    see(t.agreement());
    if (!state.is_member(t.proposer()) || !state.is_member(t.countersigner())) return "transfer with a non-member";
    // Counted or already counted: either way it holds a transfer the state
    // has, so its time may end the window.
    newest_ms_ = any_transfer_ ? std::max(newest_ms_, e.time_ms) : e.time_ms;
    any_transfer_ = true;
    if (!transfers_.try_emplace(t.proposal().id(), t).second) return "transfer already recorded";
    ++state.ledger.transfers;
    return "";
}

std::string LedgerFold::capacity(const Event& e, GroupState& state) {
    std::string why;
    auto body = parse_capacity(e.body, &why);
    if (!body) return "malformed capacity body: " + why;
    state.ledger.capacities[hex(e.author)] = body->up;
    return "";
}

std::string LedgerFold::proof(const Event& e, GroupState& state) {
    std::string why;
    auto body = parse_ledger_proof(e.body, &why);
    if (!body) return "malformed ledger proof body: " + why;
    const coop::ledger::Proof& p = body->proof;
    see(p.first);
    see(p.second);
    const auto& ids = state.ledger.offenders[hex(p.offender())];
    if (ids.count(hex(p.id()))) return "proof already posted";
    proven_.insert(p.offender());
    name_offender(state, p);
    return "";
}

void LedgerFold::see(const coop::ledger::Record& record) {
    auto& held = by_seq_[{record.author, record.seq}];
    held.emplace(record.id(), record);
    if (held.size() > 2) held.erase(std::prev(held.end()));
}

void LedgerFold::name_offender(GroupState& state, const coop::ledger::Proof& proof) const {
    state.ledger.offenders[hex(proof.offender())].insert(hex(proof.id()));
    state.ledger.proofs.emplace(hex(proof.id()), proof);
}

void LedgerFold::finish(GroupState& state) const {
    using coop::ledger::EffortInput;
    using coop::ledger::MemberEffort;
    using coop::ledger::MemberInput;
    using coop::ledger::Proof;
    LedgerState& ledger = state.ledger;

    std::set<PublicKey> offenders = proven_;
    for (const auto& [seq_of_author, records] : by_seq_) {
        if (records.size() < 2) continue;
        // Every record here passed its signature check; verify() says so again.
        const Proof fork = coop::ledger::make_fork_proof(records.begin()->second, std::next(records.begin())->second);
        if (!coop::ledger::verify(fork)) continue;
        offenders.insert(fork.offender());
        name_offender(state, fork);
    }

    // [end - window, end), saturating however hostile the times; with no
    // transfer, empty at 0.
    if (any_transfer_) {
        constexpr std::int64_t min_ms = std::numeric_limits<std::int64_t>::min();
        constexpr std::int64_t max_ms = std::numeric_limits<std::int64_t>::max();
        const std::int64_t window_ms = static_cast<std::int64_t>(ledger.settings.window_days) * day_ms;
        ledger.window_end_ms = newest_ms_ == max_ms ? max_ms : newest_ms_ + 1;
        ledger.window_start_ms =
            ledger.window_end_ms < min_ms + window_ms ? min_ms : ledger.window_end_ms - window_ms;
    }

    EffortInput in;
    in.window_start_ms = ledger.window_start_ms;
    in.window_end_ms = ledger.window_end_ms;
    in.floor_capacity = ledger.settings.floor_capacity;
    in.weights = ledger.settings.weights;
    in.cap_share = ledger.settings.cap_share;
    in.offenders = offenders;
    in.transfers.reserve(transfers_.size());
    for (const auto& [id, t] : transfers_) in.transfers.push_back(t);

    std::set<PublicKey> members;
    for (const auto& [key, member] : state.members)
        if (auto k = from_hex<32>(key)) members.insert(*k);
    const auto gifts =
        coop::ledger::gifts_in_window(in.transfers, members, offenders, in.window_start_ms, in.window_end_ms);
    const auto activity = coop::ledger::hourly_activity(gifts);
    for (const PublicKey& key : members) {
        MemberInput& input = in.members[key];
        if (auto declared = ledger.capacities.find(hex(key)); declared != ledger.capacities.end())
            input.declared_capacity = declared->second;
        if (auto seen = activity.find(key); seen != activity.end()) {
            input.observed_capacity = seen->second.observed_capacity;
            input.available_seconds = seen->second.available_seconds;
        }
    }

    ledger.effort.clear();
    for (const MemberEffort& effort : coop::ledger::compute_effort(in, gifts)) {
        const std::string key = hex(effort.member);
        ledger.effort[key] = MemberLedger{in.members[effort.member], effort};
    }
}

}  // namespace coop::group
