#include "core/ledger/ledger_book.hpp"

#include <algorithm>
#include <set>

namespace coop::ledger {
namespace {

constexpr std::uint8_t proposal_type = 1;
constexpr std::uint8_t agreement_type = 2;
constexpr std::uint8_t refusal_type = 3;

std::string typed(std::uint8_t type, const std::string& body) {
    std::string m(1, static_cast<char>(type));
    return m + body;
}

// Our side of a pair's totals: what we gave, what we got.
Counts our_totals(const Transfer& t, const PublicKey& us) {
    const LastAgreed ours = t.last_agreed(us);
    return {ours.we_gave, ours.we_got};
}

}  // namespace

std::string LedgerBook::proposal_message(const Record& proposal) { return typed(proposal_type, proposal.encode()); }
std::string LedgerBook::agreement_message(const Record& agreement) { return typed(agreement_type, agreement.encode()); }
std::string LedgerBook::refusal_message(const Id& proposal, ProposalVerdict verdict) {
    std::string body(reinterpret_cast<const char*>(proposal.data()), proposal.size());
    body += static_cast<char>(verdict);
    return typed(refusal_type, body);
}

LedgerBook::LedgerBook(const coop::Identity& identity, LedgerStore& store, BookOptions options)
    : identity_(identity), store_(store), options_(options), tip_(store.own_tip()) {
    const PublicKey& us = identity_.public_key();
    std::vector<Record> all = store_.own_records();
    std::set<PublicKey> counterparties;
    for (const auto& r : all) counterparties.insert(r.counterparty);
    for (const auto& c : counterparties) {
        auto theirs = store_.foreign_records(c);
        all.insert(all.end(), theirs.begin(), theirs.end());
    }
    for (const auto& t : paired_transfers(all)) {
        if (t.proposer() != us && t.countersigner() != us) continue;
        const PublicKey& them = t.proposer() == us ? t.countersigner() : t.proposer();
        completed(peers_[them], t);
    }
}

void LedgerBook::completed(Peer& peer, const Transfer& transfer) {
    const PublicKey& us = identity_.public_key();
    if (!transfers_.emplace(transfer.proposal().id(), transfer).second) return;
    ++peer.transfers;
    const Counts agreed = our_totals(transfer, us);
    if (!peer.last) {
        peer.last = transfer;
    } else {
        const Counts last = our_totals(*peer.last, us);
        if (agreed.gave + agreed.got >= last.gave + last.got) peer.last = transfer;
    }
    // What both signed is the floor of what we count from now on.
    peer.counted.gave = std::max(peer.counted.gave, agreed.gave);
    peer.counted.got = std::max(peer.counted.got, agreed.got);
}

void LedgerBook::counted(const PublicKey& peer, std::uint64_t gave, std::uint64_t got, std::int64_t now_ms) {
    Peer& p = peers_[peer];
    // The history is a step function: our count stood where it was until
    // now, then rose. Without that step a burst reported at once would hide
    // the count a lagging peer may still hold.
    if (p.gave_history.empty() || p.gave_history.back().second != p.counted.gave)
        p.gave_history.emplace_back(now_ms, p.counted.gave);
    p.counted.gave += gave;
    p.counted.got += got;
    p.gave_history.emplace_back(now_ms, p.counted.gave);
    while (p.gave_history.size() > 1 && p.gave_history.front().first < now_ms - options_.lag_ms)
        p.gave_history.pop_front();
}

std::uint64_t LedgerBook::lagged_gave(const Peer& peer, std::int64_t now_ms) const {
    // The least our count stood at in the last lag_ms: the oldest within the window.
    for (const auto& [time, gave] : peer.gave_history)
        if (time >= now_ms - options_.lag_ms) return gave;
    return peer.counted.gave;
}

void LedgerBook::settle(const PublicKey& peer) { peers_[peer].settle = true; }

std::vector<LedgerBook::Outgoing> LedgerBook::due(std::int64_t now_ms) {
    std::vector<Outgoing> out;
    const PublicKey& us = identity_.public_key();
    for (auto& [key, peer] : peers_) {
        if (peer.pending) {
            if (now_ms - peer.pending_since < options_.answer_wait_ms) continue;
            ++counters_.unanswered;  // stays on our chain, counting nothing
            peer.pending.reset();
        }
        const Counts base = peer.last ? our_totals(*peer.last, us) : Counts{};
        const std::uint64_t moved = (peer.counted.gave - base.gave) + (peer.counted.got - base.got);
        if (moved == 0) continue;
        if (!peer.settle && moved < options_.propose_every_bytes &&
            now_ms - peer.last_proposed < options_.propose_every_ms)
            continue;
        peer.settle = false;
        Record proposal = make_proposal(identity_, tip_, key, peer.counted.gave, peer.counted.got, now_ms);
        store_.save_own(proposal);  // before it is sent
        tip_ = ChainTip::of(proposal);
        peer.pending = proposal;
        peer.pending_since = now_ms;
        peer.last_proposed = now_ms;
        ++counters_.proposed;
        out.push_back({key, proposal_message(proposal)});
    }
    return out;
}

LedgerBook::Answer LedgerBook::on_message(const PublicKey& from, std::string_view message, std::int64_t now_ms) {
    Answer bad;
    if (message.empty()) {
        ++counters_.bad_messages;
        bad.problem = "an empty ledger message";
        return bad;
    }
    const auto type = static_cast<std::uint8_t>(message[0]);
    const std::string_view body = message.substr(1);
    Peer& peer = peers_[from];
    if (type == refusal_type) return on_refusal(from, peer, body);
    if (type != proposal_type && type != agreement_type) {
        ++counters_.bad_messages;
        bad.problem = "a ledger message of unknown type " + std::to_string(type);
        return bad;
    }
    std::string why;
    auto record = Record::decode(body, &why);
    if (!record || record->author != from) {
        ++counters_.bad_messages;
        bad.problem = record ? "a record signed by another key than the connection's" : "an unreadable record: " + why;
        return bad;
    }
    return type == proposal_type ? on_proposal(from, peer, *record, now_ms) : on_agreement(from, peer, *record);
}

LedgerBook::Answer LedgerBook::on_proposal(const PublicKey&, Peer& peer, const Record& proposal,
                                           std::int64_t now_ms) {
    const PublicKey& us = identity_.public_key();
    std::optional<LastAgreed> last;
    if (peer.last) last = peer.last->last_agreed(us);
    const Counts ours{peer.counted.gave, peer.counted.got};
    Answer a;
    const ProposalVerdict verdict =
        check_proposal(proposal, us, last, ours, lagged_gave(peer, now_ms), options_.tolerance);
    if (verdict != ProposalVerdict::acceptable) {
        ++counters_.refused_by_us;
        ++counters_.refusals[to_string(verdict)];
        a.problem = describe(verdict);
        a.reply = refusal_message(proposal.id(), verdict);
        return a;
    }
    Record agreement = make_agreement(identity_, tip_, proposal, now_ms);
    store_.save_agreement(agreement, proposal);  // both, before the answer leaves
    tip_ = ChainTip::of(agreement);
    auto transfer = Transfer::pair(proposal, agreement);
    if (transfer) {
        completed(peer, *transfer);
        a.completed = transfer;
    }
    ++counters_.countersigned;
    a.reply = agreement_message(agreement);
    return a;
}

LedgerBook::Answer LedgerBook::on_agreement(const PublicKey& from, Peer& peer, const Record& agreement) {
    Answer a;
    if (!peer.pending || agreement.link != peer.pending->id()) {
        ++counters_.bad_messages;
        a.problem = "an agreement to no proposal of ours that awaits one";
        return a;
    }
    std::string why;
    auto transfer = Transfer::pair(*peer.pending, agreement, &why);
    if (!transfer || transfer->countersigner() != from) {
        ++counters_.bad_messages;
        a.problem = "an agreement that does not pair with our proposal: " + why;
        return a;
    }
    store_.save_foreign(agreement);
    peer.pending.reset();
    completed(peer, *transfer);
    ++counters_.agreed;
    a.completed = transfer;
    return a;
}

LedgerBook::Answer LedgerBook::on_refusal(const PublicKey&, Peer& peer, std::string_view body) {
    Answer a;
    if (body.size() != 33 || !peer.pending) {
        ++counters_.bad_messages;
        a.problem = "a refusal of nothing we proposed";
        return a;
    }
    Id id{};
    std::copy(body.begin(), body.begin() + 32, id.begin());
    if (id != peer.pending->id()) {
        ++counters_.bad_messages;
        a.problem = "a refusal of nothing we proposed";
        return a;
    }
    const auto verdict = static_cast<ProposalVerdict>(static_cast<std::uint8_t>(body[32]));
    ++counters_.refused_by_them;
    peer.pending.reset();
    a.problem = std::string("the peer refused our record: ") +
                (static_cast<std::uint8_t>(verdict) <= static_cast<std::uint8_t>(ProposalVerdict::deflated)
                     ? describe(verdict)
                     : "for a reason this version does not know");
    return a;
}

std::vector<Transfer> LedgerBook::transfers() const {
    std::vector<Transfer> out;
    for (const auto& [id, t] : transfers_) out.push_back(t);
    return out;
}

std::vector<PeerLedger> LedgerBook::peers() const {
    std::vector<PeerLedger> out;
    for (const auto& [key, p] : peers_) out.push_back({key, p.counted, p.last, p.transfers, p.pending.has_value()});
    return out;
}

}  // namespace coop::ledger
