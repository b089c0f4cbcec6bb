#pragma once
// Countersigning: the check a counterparty makes before it signs an
// agreement to a proposal, and the pairing rule that decides which records
// count at all.
//
// Pairing rule: bytes count only as a Transfer, a proposal together with an
// agreement that links it, each validly signed by its author, the agreement
// by the counterparty the proposal names, mirroring its amounts. A record
// the counterparty never signed counts nothing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ledger/record.hpp"

namespace coop::ledger {

// How far a proposer's totals may stray from ours before we refuse them:
// the larger of `absolute_bytes` and `fraction` of our count. Both sides
// count the same bytes at slightly different moments.
struct Tolerance {
    std::uint64_t absolute_bytes = 1024 * 1024;
    double fraction = 0.02;

    std::uint64_t allowed(std::uint64_t our_count) const;
};

// Our own cumulative counts of one relationship.
struct Counts {
    std::uint64_t gave = 0;  // bytes we gave the peer
    std::uint64_t got = 0;   // bytes we got from the peer
};

// The last pair we are part of with a peer: a new proposal of theirs must
// come after it on their chain and not go below the totals we signed in it.
struct LastAgreed {
    std::uint64_t their_seq = 0;  // the peer's record in that pair
    std::uint64_t we_gave = 0;
    std::uint64_t we_got = 0;
};

enum class ProposalVerdict : std::uint8_t {
    acceptable,
    malformed,           // breaks the record shape rules
    not_a_proposal,      // an agreement, or a record with a link
    wrong_counterparty,  // made out to someone else
    bad_signature,       // the proposer did not sign it
    stale,               // at or before a record of theirs we already paired with: a replay
    not_newer,           // its totals fall below ones we already signed
    inflated,            // claims more bytes than we counted, beyond the tolerance
    deflated,            // claims it got fewer bytes from us than we gave, beyond the tolerance
};

const char* to_string(ProposalVerdict verdict);  // "inflated": a key for counters
const char* describe(ProposalVerdict verdict);   // one line for people

// Whether we (`us`) may countersign `proposal`. `last` is our last pair with
// its author, if any; `ours` our counts of the relationship now. A proposer
// who under-reports what it gave us only loses its own credit, and catches
// up in its next proposal (totals are cumulative), so that is accepted.
ProposalVerdict check_proposal(const Record& proposal, const PublicKey& us, const std::optional<LastAgreed>& last,
                               const Counts& ours, const Tolerance& tolerance = {});
// The same for a proposer whose count may lag ours: what it says it got is
// deflated only below `gave_lagging`, the least we had given it in the
// last moments (bytes in flight), and inflated above ours.gave, our count now.
ProposalVerdict check_proposal(const Record& proposal, const PublicKey& us, const std::optional<LastAgreed>& last,
                               const Counts& ours, std::uint64_t gave_lagging, const Tolerance& tolerance = {});

// A proposal and the agreement that countersigns it, both checked. Only
// pair() makes one, so holding a Transfer means the pairing rule holds.
class Transfer {
public:
    // Nullopt, with a one-line reason in `why`, unless the two form a valid
    // pair. Verifies both signatures.
    static std::optional<Transfer> pair(const Record& proposal, const Record& agreement, std::string* why = nullptr);

    const Record& proposal() const { return proposal_; }
    const Record& agreement() const { return agreement_; }
    const PublicKey& proposer() const { return proposal_.author; }
    const PublicKey& countersigner() const { return agreement_.author; }
    // When the totals became agreed: the countersigner's clock.
    std::int64_t time_ms() const { return agreement_.time_ms; }
    // Cumulative bytes `from` gave `to` as both signed; 0 unless the two are
    // this transfer's parties.
    std::uint64_t gave(const PublicKey& from, const PublicKey& to) const;
    // Our side of the pair as the floor for the peer's next proposal.
    LastAgreed last_agreed(const PublicKey& us) const;

private:
    Transfer(const Record& proposal, const Record& agreement) : proposal_(proposal), agreement_(agreement) {}
    Record proposal_;
    Record agreement_;
};

// Every valid pair among `records`, in any order and from any chains: one
// per proposal (the agreement with the smallest id if it was countersigned
// twice), ordered by proposal id. Unanswered proposals and agreements whose
// proposal is absent or does not match count nothing.
std::vector<Transfer> paired_transfers(const std::vector<Record>& records);

}  // namespace coop::ledger
