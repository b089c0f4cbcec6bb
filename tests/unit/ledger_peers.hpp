#pragma once
// Parties to ledger tests: real identities that keep their own chain tip
// and make real signed records, as agents would.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/identity.hpp"
#include "core/ledger/agreement.hpp"
#include "core/ledger/record.hpp"

namespace coop::testing {

struct LedgerPeer {
    coop::Identity identity = coop::Identity::generate();
    coop::ledger::ChainTip tip;

    const coop::ledger::PublicKey& key() const { return identity.public_key(); }

    // Cumulative totals from this peer's side of the relationship.
    coop::ledger::Record propose(const LedgerPeer& to, std::uint64_t gave, std::uint64_t got, std::int64_t time_ms) {
        auto r = coop::ledger::make_proposal(identity, tip, to.key(), gave, got, time_ms);
        tip = coop::ledger::ChainTip::of(r);
        return r;
    }
    coop::ledger::Record agree(const coop::ledger::Record& proposal, std::int64_t time_ms) {
        auto r = coop::ledger::make_agreement(identity, tip, proposal, time_ms);
        tip = coop::ledger::ChainTip::of(r);
        return r;
    }
};

// `from` proposes its totals with `to` (it gave `gave`, got `got`) and `to`
// countersigns: the pair both chains now hold.
inline coop::ledger::Transfer transfer(LedgerPeer& from, LedgerPeer& to, std::uint64_t gave, std::uint64_t got,
                                       std::int64_t time_ms) {
    const auto proposal = from.propose(to, gave, got, time_ms);
    const auto agreement = to.agree(proposal, time_ms);
    auto pair = coop::ledger::Transfer::pair(proposal, agreement);
    if (!pair) throw std::logic_error("a test transfer did not pair");
    return *pair;
}

// `count` proposals on a's chain to b, totals rising: seq i gave 1000 i,
// got 10 i, at 1000 i ms.
inline std::vector<coop::ledger::Record> proposals(LedgerPeer& a, const LedgerPeer& b, int count) {
    std::vector<coop::ledger::Record> out;
    for (int i = 1; i <= count; ++i) out.push_back(a.propose(b, 1000u * i, 10u * i, 1000 * i));
    return out;
}

// Re-signed after `change`: the author's own (valid) signature on a bad record.
template <typename Change>
coop::ledger::Record resigned(const LedgerPeer& author, coop::ledger::Record r, Change change) {
    change(r);
    coop::ledger::sign_record(r, author.identity);
    return r;
}

}  // namespace coop::testing
