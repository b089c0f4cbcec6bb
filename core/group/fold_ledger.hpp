#pragma once
// The ledger's part of the fold (fold.hpp): transfers, declared
// capacities, offenders and, once every event is in, effort, by the rules
// in state.hpp (LedgerState). The fold calls it only with members' events,
// in canonical order.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/group/event.hpp"
#include "core/group/state.hpp"
#include "core/ledger/agreement.hpp"
#include "core/ledger/proof.hpp"
#include "core/ledger/record.hpp"

namespace coop::group {

class LedgerFold {
public:
    // Each returns "" when the event counted, else why the fold ignores it.
    std::string record(const Event& e, GroupState& state);
    std::string capacity(const Event& e, GroupState& state);
    std::string proof(const Event& e, GroupState& state);

    // After the last event: the forks' offenders, the window and effort.
    void finish(GroupState& state) const;

private:
    // Every record seen goes to fork detection, whichever event held it.
    void see(const coop::ledger::Record& record);
    void name_offender(GroupState& state, const coop::ledger::Proof& proof) const;

    std::map<Id, coop::ledger::Transfer> transfers_;  // by proposal id
    // Per (author, seq), the records with the two smallest ids: a second
    // one is a fork, and which two are kept does not depend on the order
    // they came in.
    std::map<std::pair<PublicKey, std::uint64_t>, std::map<Id, coop::ledger::Record>> by_seq_;
    std::set<PublicKey> proven_;  // named by a posted proof
    bool any_transfer_ = false;
    std::int64_t newest_ms_ = 0;  // the newest ledger_record event carrying a counted transfer
};

}  // namespace coop::group
