// The agent's answers about its ledger (core/ledger/ledger_json.hpp), from
// real signed records and pairs, field by field as protocol.hpp has them.
#include "core/ledger/ledger_json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/group/hex.hpp"
#include "tests/unit/ledger_peers.hpp"

namespace {

using coop::group::hex;
using coop::ledger::BookCounters;
using coop::ledger::PeerLedger;
using coop::ledger::Record;
using coop::ledger::Transfer;
using coop::testing::LedgerPeer;
using nlohmann::json;

const std::string zeros(64, '0');

class LedgerJson : public ::testing::Test {
protected:
    void SetUp() override {
        // Our chain: a proposal bob countersigned, our agreement to his, and
        // a proposal to carol still unanswered.
        const Record ours = us.propose(bob, 3000, 100, 1000);
        const Record his = bob.agree(ours, 1001);
        const Record bobs = bob.propose(us, 200, 5000, 2000);
        const Record agreement = us.agree(bobs, 2001);
        const Record pending = us.propose(carol, 10, 0, 3000);
        own = {ours, agreement, pending};
        transfers = {*Transfer::pair(ours, his), *Transfer::pair(bobs, agreement)};
        peers.push_back(PeerLedger{bob.key(), {5100, 300}, transfers[1], 2, false});
        peers.push_back(PeerLedger{carol.key(), {10, 0}, std::nullopt, 0, true});
        counters.proposed = 2;
        counters.agreed = 1;
        counters.countersigned = 1;
        counters.refused_by_us = 3;
        counters.refusals["inflated"] = 3;
    }

    LedgerPeer us, bob, carol;
    std::vector<Record> own;
    std::vector<Transfer> transfers;
    std::vector<PeerLedger> peers;
    BookCounters counters;
};

TEST_F(LedgerJson, ARecordHasEveryField) {
    const json proposal = coop::ledger::record_json(own[0], true);
    EXPECT_EQ(proposal, (json{{"seq", 1},
                              {"id", hex(own[0].id())},
                              {"kind", "proposal"},
                              {"counterparty", hex(bob.key())},
                              {"link_seq", 0},
                              {"link", zeros},
                              {"time_ms", 1000},
                              {"gave", 3000},
                              {"got", 100},
                              {"countersigned", true}}));
    const json agreement = coop::ledger::record_json(own[1], true);
    EXPECT_EQ(agreement["kind"], "agreement");
    EXPECT_EQ(agreement["link_seq"], 2) << "bob's seq 1 is his agreement to ours";
    EXPECT_EQ(agreement["link"], hex(transfers[1].proposal().id()));
    EXPECT_EQ(agreement["gave"], 5000) << "the mirror of what bob said he got";
}

TEST_F(LedgerJson, ShowListsNewestFirstWithinTheLimit) {
    const json all = coop::ledger::show_json(us.key(), own, peers, transfers, counters, 0);
    EXPECT_EQ(all["key"], hex(us.key()));
    EXPECT_EQ(all["seq"], 3);
    EXPECT_EQ(all["tip"], hex(own[2].id()));
    ASSERT_EQ(all["records"].size(), 3u);
    EXPECT_EQ(all["records"][0]["seq"], 3);
    EXPECT_EQ(all["records"][0]["countersigned"], false) << "carol has not answered";
    EXPECT_EQ(all["records"][1]["countersigned"], true);
    EXPECT_EQ(all["records"][2]["countersigned"], true);

    const json two = coop::ledger::show_json(us.key(), own, peers, transfers, counters, 2);
    ASSERT_EQ(two["records"].size(), 2u);
    EXPECT_EQ(two["records"][1]["seq"], 2);

    const json empty = coop::ledger::show_json(us.key(), {}, {}, {}, {}, 20);
    EXPECT_EQ(empty["seq"], 0);
    EXPECT_EQ(empty["tip"], zeros);
    EXPECT_EQ(empty["records"], json::array());
    EXPECT_EQ(empty["peers"], json::array());
}

TEST_F(LedgerJson, ShowHasThePeersTotalsAndCounters) {
    const json show = coop::ledger::show_json(us.key(), own, peers, transfers, counters, 20);
    ASSERT_EQ(show["peers"].size(), 2u);
    EXPECT_EQ(show["peers"][0], (json{{"peer", hex(bob.key())},
                                      {"gave", 5100},
                                      {"got", 300},
                                      {"agreed_gave", 5000},
                                      {"agreed_got", 200},
                                      {"transfers", 2},
                                      {"last_ms", 2001},
                                      {"pending", false}}));
    EXPECT_EQ(show["peers"][1]["agreed_gave"], 0);
    EXPECT_EQ(show["peers"][1]["last_ms"], 0);
    EXPECT_EQ(show["peers"][1]["pending"], true);
    EXPECT_EQ(show["totals"], (json{{"gave", 5000}, {"got", 200}}));
    EXPECT_EQ(show["counters"], (json{{"proposed", 2},
                                      {"agreed", 1},
                                      {"countersigned", 1},
                                      {"refused_by_us", 3},
                                      {"refused_by_them", 0},
                                      {"unanswered", 0},
                                      {"bad_messages", 0},
                                      {"refusals", {{"inflated", 3}}}}));
}

TEST_F(LedgerJson, ExportHasEveryRecordAscendingAndThePairs) {
    const json exported = coop::ledger::export_json(us.key(), own, transfers);
    EXPECT_EQ(exported["key"], hex(us.key()));
    ASSERT_EQ(exported["records"].size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(exported["records"][i]["seq"], i + 1);
    ASSERT_EQ(exported["transfers"].size(), 2u);
    EXPECT_EQ(exported["transfers"][0], (json{{"proposal", hex(transfers[0].proposal().id())},
                                              {"proposer", hex(us.key())},
                                              {"countersigner", hex(bob.key())},
                                              {"time_ms", 1001},
                                              {"proposer_gave", 3000},
                                              {"proposer_got", 100}}));
    EXPECT_EQ(exported["transfers"][1]["proposer"], hex(bob.key()));
}

}  // namespace
