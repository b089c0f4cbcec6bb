#include "core/ledger/ledger_json.hpp"

#include <set>

#include "core/group/hex.hpp"
#include "core/ledger/gifts.hpp"

namespace coop::ledger {
namespace {

using coop::group::hex;
using nlohmann::json;

// The ids of the records that are half of one of `transfers`.
std::set<Id> paired_ids(const std::vector<Transfer>& transfers) {
    std::set<Id> out;
    for (const auto& t : transfers) {
        out.insert(t.proposal().id());
        out.insert(t.agreement().id());
    }
    return out;
}

json peer_json(const PublicKey& us, const PeerLedger& p) {
    const LastAgreed agreed = p.last ? p.last->last_agreed(us) : LastAgreed{};
    return {{"peer", hex(p.peer)},
            {"gave", p.counted.gave},
            {"got", p.counted.got},
            {"agreed_gave", agreed.we_gave},
            {"agreed_got", agreed.we_got},
            {"transfers", p.transfers},
            {"last_ms", p.last ? p.last->time_ms() : 0},
            {"pending", p.proposal_pending}};
}

json counters_json(const BookCounters& c) {
    return {{"proposed", c.proposed},
            {"agreed", c.agreed},
            {"countersigned", c.countersigned},
            {"refused_by_us", c.refused_by_us},
            {"refused_by_them", c.refused_by_them},
            {"unanswered", c.unanswered},
            {"bad_messages", c.bad_messages},
            {"refusals", c.refusals}};
}

}  // namespace

json record_json(const Record& r, bool countersigned) {
    return {{"seq", r.seq},
            {"id", hex(r.id())},
            {"kind", r.is_proposal() ? "proposal" : "agreement"},
            {"counterparty", hex(r.counterparty)},
            {"link_seq", r.link_seq},
            {"link", hex(r.link)},
            {"time_ms", r.time_ms},
            {"gave", r.gave},
            {"got", r.got},
            {"countersigned", countersigned}};
}

json transfer_json(const Transfer& t) {
    return {{"proposal", hex(t.proposal().id())},
            {"proposer", hex(t.proposer())},
            {"countersigner", hex(t.countersigner())},
            {"time_ms", t.time_ms()},
            {"proposer_gave", t.proposal().gave},
            {"proposer_got", t.proposal().got}};
}

json show_json(const PublicKey& us, const std::vector<Record>& own, const std::vector<PeerLedger>& peers,
               const std::vector<Transfer>& transfers, const BookCounters& counters, std::size_t limit) {
    const ChainTip tip = own.empty() ? ChainTip{} : ChainTip::of(own.back());
    const std::set<Id> paired = paired_ids(transfers);
    json records = json::array();
    for (auto r = own.rbegin(); r != own.rend() && (limit == 0 || records.size() < limit); ++r)
        records.push_back(record_json(*r, paired.count(r->id()) != 0));
    json peer_list = json::array();
    std::uint64_t gave = 0, got = 0;
    for (const auto& p : peers) {
        peer_list.push_back(peer_json(us, p));
        gave = saturating_add(gave, peer_list.back()["agreed_gave"].get<std::uint64_t>());
        got = saturating_add(got, peer_list.back()["agreed_got"].get<std::uint64_t>());
    }
    return {{"key", hex(us)},
            {"seq", tip.seq},
            {"tip", hex(tip.id)},
            {"records", std::move(records)},
            {"peers", std::move(peer_list)},
            {"totals", {{"gave", gave}, {"got", got}}},
            {"counters", counters_json(counters)}};
}

json show_json(const PublicKey& us, const std::vector<Record>& own, const LedgerBook& book, std::size_t limit) {
    return show_json(us, own, book.peers(), book.transfers(), book.counters(), limit);
}

json export_json(const PublicKey& us, const std::vector<Record>& own, const std::vector<Transfer>& transfers) {
    const std::set<Id> paired = paired_ids(transfers);
    json records = json::array();
    for (const auto& r : own) records.push_back(record_json(r, paired.count(r.id()) != 0));
    json pairs = json::array();
    for (const auto& t : transfers) pairs.push_back(transfer_json(t));
    return {{"key", hex(us)}, {"records", std::move(records)}, {"transfers", std::move(pairs)}};
}

}  // namespace coop::ledger
