#pragma once
// The agent's side of the ledger with each counterparty: what it counted
// moving between them, when to propose a record, what to answer to the
// peer's proposals, and which pairs complete. No networking and no clock of
// its own: the agent feeds it counts and messages and sends what it returns.
//
// Messages (at most 1 + 32 + record_size bytes), the first byte their type:
//   1 proposal   | record (a proposal on the sender's chain)
//   2 agreement  | record (the sender countersigns our proposal)
//   3 refusal    | proposal id[32] | u8 ProposalVerdict
//
// Counting: each side counts the payload bytes of their connections. A
// proposal states our cumulative totals; the peer compares them with its
// own (agreement.hpp). Counts taken a moment apart differ by what was in
// flight, so "they claim they got less than we gave" is judged against our
// count `lag_ms` ago, and "they claim they gave more than we got" against
// our count now, each within the tolerance.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/identity.hpp"
#include "core/ledger/agreement.hpp"
#include "core/ledger/ledger_store.hpp"

namespace coop::ledger {

struct BookOptions {
    std::uint64_t propose_every_bytes = 8u << 20;  // moved since the last agreed record
    std::int64_t propose_every_ms = 60'000;        // or this long, if anything moved
    std::int64_t answer_wait_ms = 30'000;          // an unanswered proposal is given up after this
    std::int64_t lag_ms = 10'000;                  // how far behind ours a peer's count may be
    Tolerance tolerance;
};

struct BookCounters {
    std::uint64_t proposed = 0;       // our proposals sent
    std::uint64_t agreed = 0;         // ours, countersigned by the peer
    std::uint64_t countersigned = 0;  // theirs, countersigned by us
    std::uint64_t refused_by_us = 0;  // their proposals we would not sign
    std::uint64_t refused_by_them = 0;
    std::uint64_t unanswered = 0;  // ours given up on
    std::uint64_t bad_messages = 0;
    std::map<std::string, std::uint64_t> refusals;  // ProposalVerdict key -> their proposals we refused for it
};

// A counterparty as the book sees it.
struct PeerLedger {
    PublicKey peer{};
    Counts counted;                 // cumulative, by our count (agreed totals folded in)
    std::optional<Transfer> last;   // the latest pair with them
    std::uint64_t transfers = 0;    // pairs with them
    bool proposal_pending = false;  // ours, unanswered
};

class LedgerBook {
public:
    // Rebuilds every counterparty's state from the store.
    LedgerBook(const coop::Identity& identity, LedgerStore& store, BookOptions options = {});

    // Payload bytes moved with `peer` since the last call.
    void counted(const PublicKey& peer, std::uint64_t gave, std::uint64_t got, std::int64_t now_ms);

    struct Outgoing {
        PublicKey peer{};
        std::string message;
    };
    // The bytes moved with `peer` should be recorded now, whatever the
    // thresholds say (its connection is closing): the next due() proposes.
    void settle(const PublicKey& peer);

    // Proposals due now, each already stored on our chain.
    std::vector<Outgoing> due(std::int64_t now_ms);

    struct Answer {
        std::optional<std::string> reply;  // to send back to the peer
        std::optional<Transfer> completed;
        std::string problem;  // one line when the message was refused or bad
    };
    Answer on_message(const PublicKey& peer, std::string_view message, std::int64_t now_ms);

    // Every pair we are part of, by proposal id.
    std::vector<Transfer> transfers() const;
    std::vector<PeerLedger> peers() const;
    bool knows(const PublicKey& peer) const { return peers_.count(peer) != 0; }
    std::size_t counterparties() const { return peers_.size(); }
    std::size_t transfer_count() const { return transfers_.size(); }
    // Our proposal to `peer` waits for its answer.
    bool proposal_pending(const PublicKey& peer) const {
        const auto it = peers_.find(peer);
        return it != peers_.end() && it->second.pending.has_value();
    }
    const BookCounters& counters() const { return counters_; }
    ChainTip tip() const { return tip_; }

    static std::string proposal_message(const Record& proposal);
    static std::string agreement_message(const Record& agreement);
    static std::string refusal_message(const Id& proposal, ProposalVerdict verdict);

private:
    struct Peer {
        Counts counted;
        std::deque<std::pair<std::int64_t, std::uint64_t>> gave_history;  // (time, counted.gave), lag_ms of it
        std::optional<Transfer> last;
        std::uint64_t transfers = 0;
        std::optional<Record> pending;  // our proposal, unanswered
        std::int64_t pending_since = 0;
        std::int64_t last_proposed = 0;
        bool settle = false;
    };
    Answer on_proposal(const PublicKey& from, Peer& peer, const Record& proposal, std::int64_t now_ms);
    Answer on_agreement(const PublicKey& from, Peer& peer, const Record& agreement);
    Answer on_refusal(const PublicKey& from, Peer& peer, std::string_view body);
    void completed(Peer& peer, const Transfer& transfer);
    std::uint64_t lagged_gave(const Peer& peer, std::int64_t now_ms) const;

    coop::Identity identity_;
    LedgerStore& store_;
    BookOptions options_;
    ChainTip tip_;
    std::map<PublicKey, Peer> peers_;
    std::map<Id, Transfer> transfers_;
    BookCounters counters_;
};

}  // namespace coop::ledger
