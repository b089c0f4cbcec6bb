// The ledger in the group's state: countersigned transfers, declared
// capacities and fraud proofs folded into effort (core/group/fold_ledger.hpp,
// core/group/state.hpp), the same on every member.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/group/body.hpp"
#include "core/group/fold.hpp"
#include "core/group/log.hpp"
#include "core/group/pending_pool.hpp"
#include "core/ledger/proof.hpp"
#include "tests/unit/ledger_peers.hpp"

namespace {

using coop::group::Event;
using coop::group::GroupLog;
using coop::group::GroupState;
using coop::group::hex;
using coop::group::Kind;
using coop::group::to_body;
using coop::ledger::Record;
using coop::ledger::Transfer;
using coop::testing::LedgerPeer;
using coop::testing::transfer;
using nlohmann::json;

constexpr std::int64_t hour = 3'600'000;
constexpr std::int64_t start_time = 100 * hour;       // hour 100 since 1970
constexpr std::int64_t window_ms = 30LL * 24 * hour;  // the default 30 days
constexpr double window_s = 2'592'000;

std::string bytes_hex(const std::string& bytes) {
    return coop::to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

// A record's encoding with one byte of its signature changed.
std::string tampered(const Record& r) {
    std::string bytes = r.encode();
    bytes[200] = static_cast<char>(bytes[200] ^ 1);
    return bytes;
}

std::string pair_body(const std::string& proposal, const std::string& agreement) {
    return json{{"proposal", bytes_hex(proposal)}, {"agreement", bytes_hex(agreement)}}.dump();
}

// An open group founded by `founder`, whose members post as agents would.
struct LedgerGroup {
    LedgerPeer founder;
    Event genesis;
    GroupLog log;

    LedgerGroup()
        : genesis(coop::group::make_genesis(founder.identity, 1000,
                                            to_body(coop::group::GenesisBody{"Seeders", "", {"film"}, true}))),
          log(genesis.id()) {
        EXPECT_TRUE(log.add(genesis).accepted());
    }

    Event draft(const LedgerPeer& who, Kind kind, std::string body, std::int64_t now = 0) const {
        const auto next = log.next_for(who.key(), now);
        return coop::group::make_event(who.identity, log.group(), next.seq, next.time_ms, kind, next.parents,
                                       std::move(body));
    }
    Event add(const Event& e) {
        const auto r = log.add(e);
        EXPECT_TRUE(r.accepted()) << r.reason;
        return e;
    }
    Event append(const LedgerPeer& who, Kind kind, std::string body, std::int64_t now = 0) {
        return add(draft(who, kind, std::move(body), now));
    }
    void join(const LedgerPeer& who) { append(who, Kind::join, to_body(coop::group::JoinBody{})); }
    Event leave(const LedgerPeer& who) { return append(who, Kind::leave, "{}"); }
    Event post(const LedgerPeer& who, const Transfer& t, std::int64_t now = 0) {
        return append(who, Kind::ledger_record, to_body(coop::group::LedgerRecordBody{t}), now);
    }
    void declare(const LedgerPeer& who, std::uint64_t up) {
        append(who, Kind::capacity, to_body(coop::group::CapacityBody{up}));
    }
    void prove(const LedgerPeer& who, const coop::ledger::Proof& p) {
        append(who, Kind::ledger_proof, to_body(coop::group::LedgerProofBody{p}));
    }
    GroupState state() const { return coop::group::fold(log); }
};

std::uint64_t ignored(const GroupState& s, const std::string& reason) {
    auto it = s.ignored.find(reason);
    return it == s.ignored.end() ? 0 : it->second;
}

// One member's effort as the state's JSON writes it.
json effort_of(const GroupState& s, const LedgerPeer& who) { return s.to_json()["ledger"]["effort"][hex(who.key())]; }

TEST(GroupLedgerFold, PairPostedByAMemberMakesATransferAndEffort) {
    LedgerGroup g;
    LedgerPeer bob;
    g.join(bob);
    const Event posted = g.post(g.founder, transfer(g.founder, bob, 36'000'000, 0, start_time), start_time);

    const auto s = g.state();
    EXPECT_EQ(s.ledger.transfers, 1u);
    EXPECT_TRUE(s.ignored.empty());
    EXPECT_EQ(s.ledger.window_end_ms, posted.time_ms + 1) << "the window ends at the newest ledger_record, included";
    EXPECT_EQ(s.ledger.window_start_ms, posted.time_ms + 1 - window_ms);

    const json a = effort_of(s, g.founder);
    EXPECT_EQ(a["given"], 36'000'000u);
    EXPECT_EQ(a["observed_capacity"], 10'000u) << "36 MB in one hour";
    EXPECT_EQ(a["available_seconds"], 3600u);
    EXPECT_EQ(a["capacity"], 32'768u) << "the floor is above what it was seen to give";
    EXPECT_GT(a["score"].get<double>(), 0);
    EXPECT_EQ(a["share"], 1.0);
    const json b = effort_of(s, bob);
    EXPECT_EQ(b["received"], 36'000'000u);
    EXPECT_EQ(b["given"], 0u);
    EXPECT_EQ(b["available_seconds"], 0u) << "receiving is not giving";
    EXPECT_EQ(b["score"], 0.0);
}

TEST(GroupLedgerFold, SamePairPostedByBothPartiesCountsOnce) {
    LedgerGroup g;
    LedgerPeer bob;
    g.join(bob);
    const Transfer t = transfer(g.founder, bob, 36'000'000, 1'000, start_time);
    g.post(g.founder, t, start_time);
    g.post(bob, t, start_time);
    g.post(bob, t, start_time + hour);

    const auto s = g.state();
    EXPECT_EQ(s.ledger.transfers, 1u);
    EXPECT_EQ(ignored(s, "transfer already recorded"), 2u);
    EXPECT_EQ(effort_of(s, g.founder)["given"], 36'000'000u);
    EXPECT_EQ(effort_of(s, bob)["given"], 1'000u);
}

TEST(GroupLedgerFold, PairWithANonMemberIsIgnoredUntilBothAreMembers) {
    LedgerGroup g;
    LedgerPeer outsider;
    const Transfer t = transfer(g.founder, outsider, 5'000, 0, start_time);
    g.post(g.founder, t, start_time);
    auto s = g.state();
    EXPECT_EQ(s.ledger.transfers, 0u);
    EXPECT_EQ(ignored(s, "transfer with a non-member"), 1u);
    EXPECT_EQ(s.ledger.window_end_ms, 0) << "no counted transfer, no window";
    EXPECT_EQ(effort_of(s, g.founder)["given"], 0u);

    // The rule is membership at that point of the canonical order.
    g.join(outsider);
    g.post(outsider, t, start_time + 1);
    s = g.state();
    EXPECT_EQ(s.ledger.transfers, 1u);
    EXPECT_EQ(ignored(s, "transfer with a non-member"), 1u);
    EXPECT_EQ(effort_of(s, g.founder)["given"], 5'000u);
}

TEST(GroupLedgerFold, NonMembersCannotPostLedgerEvents) {
    LedgerGroup g;
    LedgerPeer bob, outsider;
    g.join(bob);
    g.post(outsider, transfer(g.founder, bob, 5'000, 0, start_time), start_time);
    g.append(outsider, Kind::capacity, to_body(coop::group::CapacityBody{1000}));
    const auto s = g.state();
    EXPECT_EQ(ignored(s, "not a member"), 2u);
    EXPECT_EQ(s.ledger.transfers, 0u);
    EXPECT_TRUE(s.ledger.capacities.empty());
}

TEST(GroupLedgerFold, ForkedRecordMakesItsAuthorAnOffender) {
    LedgerGroup g;
    LedgerPeer bob, carol;
    g.join(bob);
    g.join(carol);
    // Bob signs two records at seq 1: one with the founder, one with Carol.
    const coop::ledger::ChainTip before = bob.tip;
    const Transfer with_founder = transfer(bob, g.founder, 1'000'000, 2'000'000, start_time);
    bob.tip = before;
    const Transfer with_carol = transfer(bob, carol, 500'000, 0, start_time);
    const Transfer honest = transfer(g.founder, carol, 7'000, 0, start_time + 1);
    g.post(g.founder, with_founder, start_time);
    g.post(carol, with_carol, start_time);
    g.post(carol, honest, start_time + 1);

    const auto s = g.state();
    EXPECT_EQ(s.ledger.transfers, 3u) << "kept, but counted for nobody";
    const auto fork = coop::ledger::make_fork_proof(with_founder.proposal(), with_carol.proposal());
    ASSERT_TRUE(coop::ledger::verify(fork));
    ASSERT_EQ(s.ledger.offenders.size(), 1u);
    EXPECT_EQ(s.ledger.offenders.at(hex(bob.key())), std::set<std::string>{hex(fork.id())});

    const json b = effort_of(s, bob);
    EXPECT_TRUE(b["offender"].get<bool>());
    EXPECT_EQ(b["score"], 0.0);
    EXPECT_EQ(b["share"], 0.0);
    EXPECT_EQ(b["given"], 0u);
    // The founder's 2 MB to Bob and Bob's bytes to both count for nobody.
    EXPECT_EQ(effort_of(s, g.founder)["given"], 7'000u);
    EXPECT_EQ(effort_of(s, g.founder)["received"], 0u);
    EXPECT_EQ(effort_of(s, carol)["received"], 7'000u);
}

TEST(GroupLedgerFold, PostedProofMakesItsOffenderScoreZero) {
    LedgerGroup g;
    LedgerPeer bob, elsewhere_1, elsewhere_2;
    g.join(bob);
    g.post(bob, transfer(bob, g.founder, 3'000'000, 4'000'000, start_time), start_time);
    const auto clean = g.state();
    EXPECT_GT(effort_of(clean, bob)["score"].get<double>(), 0);
    EXPECT_TRUE(clean.ledger.offenders.empty());

    // A fork whose records were never posted here: the proof alone shows it.
    const coop::ledger::ChainTip before = bob.tip;
    const Record one = bob.propose(elsewhere_1, 10, 0, start_time + 2);
    bob.tip = before;
    const Record two = bob.propose(elsewhere_2, 20, 0, start_time + 2);
    const auto proof = coop::ledger::make_fork_proof(one, two);
    g.prove(g.founder, proof);
    g.prove(bob, proof);

    const auto s = g.state();
    EXPECT_EQ(ignored(s, "proof already posted"), 1u);
    EXPECT_EQ(s.ledger.offenders.at(hex(bob.key())), std::set<std::string>{hex(proof.id())});
    EXPECT_TRUE(effort_of(s, bob)["offender"].get<bool>());
    EXPECT_EQ(effort_of(s, bob)["score"], 0.0);
    EXPECT_EQ(effort_of(s, bob)["given"], 0u);
    EXPECT_EQ(effort_of(s, g.founder)["given"], 0u) << "its partner's transfer with it counts for nobody";
    EXPECT_EQ(effort_of(s, g.founder)["share"], 1.0);
}

TEST(GroupLedgerFold, CapacityDeclarationChangesCapacityAndEffort) {
    LedgerGroup g;
    LedgerPeer bob;
    g.join(bob);
    // 36 MB an hour for 10 hours: 360 MB, seen at 10,000 B/s.
    for (int k = 1; k <= 10; ++k)
        g.post(g.founder, transfer(g.founder, bob, 36'000'000ULL * static_cast<unsigned>(k), 0, start_time + k * hour),
               start_time + k * hour);
    // One counterparty: credited is cap_share of the given, 90 MB.
    auto s = g.state();
    json a = effort_of(s, g.founder);
    EXPECT_EQ(a["given"], 360'000'000u);
    EXPECT_EQ(a["credited"], 90'000'000u);
    EXPECT_EQ(a["declared_capacity"], 0u);
    EXPECT_EQ(a["capacity"], 32'768u);
    EXPECT_EQ(a["bandwidth"], 0.00106);  // 90e6 / (32768 * 2592000) = 0.0010596...
    EXPECT_EQ(a["available_seconds"], 36'000u);

    g.declare(g.founder, 50'000);
    g.declare(g.founder, 1'000'000);  // the latest wins
    s = g.state();
    EXPECT_EQ(s.ledger.capacities.at(hex(g.founder.key())), 1'000'000u);
    a = effort_of(s, g.founder);
    EXPECT_EQ(a["declared_capacity"], 1'000'000u);
    EXPECT_EQ(a["capacity"], 1'000'000u);
    EXPECT_EQ(a["bandwidth"], 0.000035);  // 90e6 / (1e6 * 2592000) = 0.0000347...
    EXPECT_EQ(a["availability"], 0.013889);

    g.declare(g.founder, 0);
    EXPECT_EQ(effort_of(g.state(), g.founder)["capacity"], 32'768u) << "back to the floor";
}

TEST(GroupLedgerFold, MalformedBodiesAreIgnoredWithTheirReasons) {
    LedgerGroup g;
    LedgerPeer bob, carol;
    g.join(bob);
    const Transfer t = transfer(g.founder, bob, 1'000, 0, start_time);
    const Transfer other = transfer(g.founder, carol, 2'000, 0, start_time);
    const std::string proposal = t.proposal().encode();
    const std::string agreement = t.agreement().encode();
    const auto record = [&](std::string body) { g.append(g.founder, Kind::ledger_record, std::move(body)); };

    record("[1]");
    record(json{{"agreement", bytes_hex(agreement)}}.dump());
    record(json{{"proposal", 7}, {"agreement", bytes_hex(agreement)}}.dump());
    record(json{{"proposal", std::string(466, 'z')}, {"agreement", bytes_hex(agreement)}}.dump());
    record(pair_body(proposal.substr(1), agreement));
    record(pair_body(proposal + "x", agreement));
    record(pair_body(std::string(1, '\x02') + proposal.substr(1), agreement));
    record(pair_body(agreement, proposal));
    record(pair_body(proposal, other.agreement().encode()));
    record(pair_body(tampered(t.proposal()), agreement));
    record(pair_body(proposal, tampered(t.agreement())));

    for (const json& up : {json(-1), json(1.5), json("5"), json(1'000'000'000'001ULL), json(nullptr)})
        g.append(g.founder, Kind::capacity, json{{"up", up}}.dump());
    g.append(g.founder, Kind::capacity, "{}");
    g.append(bob, Kind::capacity, json{{"up", 1'000'000'000'000ULL}}.dump());  // the bound itself is fine

    const coop::ledger::ChainTip before = bob.tip;
    const Record one = bob.propose(carol, 10, 0, start_time);
    bob.tip = before;
    const Record two = bob.propose(g.founder, 20, 0, start_time);
    const auto proof = coop::ledger::make_fork_proof(one, two);
    const auto prove = [&](std::string body) { g.append(g.founder, Kind::ledger_proof, std::move(body)); };
    std::string forged = proof.encode();
    forged[2 + 200] = static_cast<char>(forged[2 + 200] ^ 1);  // in the first record's signature
    prove(json{{"proof", bytes_hex(forged)}}.dump());
    prove(json{{"proof", bytes_hex(proof.encode().substr(2))}}.dump());
    std::string unknown_kind = proof.encode();
    unknown_kind[1] = 9;
    prove(json{{"proof", bytes_hex(unknown_kind)}}.dump());
    const Record later = bob.propose(carol, 30, 0, start_time);  // seq 2: no fork with `two`
    prove(json{{"proof", bytes_hex(coop::ledger::make_fork_proof(two, later).encode())}}.dump());

    const auto s = g.state();
    const std::string r = "malformed ledger record body: ";
    EXPECT_EQ(ignored(s, r + "not a JSON object"), 1u);
    EXPECT_EQ(ignored(s, r + "the proposal is missing"), 1u);
    EXPECT_EQ(ignored(s, r + "the proposal must be a string of hex digits"), 1u);
    EXPECT_EQ(ignored(s, r + "the proposal is not hex"), 1u);
    EXPECT_EQ(ignored(s, r + "the proposal must be 466 hex digits (233 bytes)"), 2u);
    EXPECT_EQ(ignored(s, r + "the proposal does not decode: unknown record encoding version"), 1u);
    EXPECT_EQ(ignored(s, r + "the first record is not a proposal"), 1u);
    EXPECT_EQ(ignored(s, r + "the agreement does not link the proposal"), 1u);
    EXPECT_EQ(ignored(s, r + "the proposal's signature is not valid"), 1u);
    EXPECT_EQ(ignored(s, r + "the agreement's signature is not valid"), 1u);
    EXPECT_EQ(ignored(s, "malformed capacity body: up must be a whole number of bytes per second, 0 to 10^12"), 6u);
    const std::string p = "malformed ledger proof body: ";
    EXPECT_EQ(ignored(s, p + "the proof does not verify: a record's signature is not valid"), 1u);
    EXPECT_EQ(ignored(s, p + "the proof must be 936 hex digits (468 bytes)"), 1u);
    EXPECT_EQ(ignored(s, p + "the proof does not decode: unknown proof kind"), 1u);
    EXPECT_EQ(ignored(s, p + "the proof does not verify: fork records have different seqs"), 1u);

    EXPECT_EQ(s.ledger.transfers, 0u);
    EXPECT_TRUE(s.ledger.offenders.empty()) << "records of refused bodies are not evidence";
    EXPECT_EQ(s.ledger.capacities, (std::map<std::string, std::uint64_t>{{hex(bob.key()), 1'000'000'000'000ULL}}));
    EXPECT_NO_THROW(s.to_json().dump());
}

TEST(GroupLedgerFold, BodiesRoundTrip) {
    LedgerPeer a, b;
    const Transfer t = transfer(a, b, 123, 456, start_time);
    const auto record = coop::group::parse_ledger_record(to_body(coop::group::LedgerRecordBody{t}));
    ASSERT_TRUE(record);
    EXPECT_EQ(record->transfer.proposal(), t.proposal());
    EXPECT_EQ(record->transfer.agreement(), t.agreement());

    const auto capacity = coop::group::parse_capacity(to_body(coop::group::CapacityBody{125'000}));
    ASSERT_TRUE(capacity);
    EXPECT_EQ(capacity->up, 125'000u);

    const coop::ledger::ChainTip before = a.tip;
    const Record one = a.propose(b, 1, 0, start_time);
    a.tip = before;
    const Record two = a.propose(b, 2, 0, start_time);
    const auto p = coop::ledger::make_fork_proof(one, two);
    const auto proof = coop::group::parse_ledger_proof(to_body(coop::group::LedgerProofBody{p}));
    ASSERT_TRUE(proof);
    EXPECT_EQ(proof->proof, p);
}

TEST(GroupLedgerFold, DefaultSettingsAndTheirSetter) {
    LedgerGroup g;
    auto s = g.state();
    const json settings = s.to_json()["ledger"]["settings"];
    EXPECT_EQ(settings.dump(),
              R"({"cap_share":0.25,"floor_capacity":32768,"weights":{"availability":0.4,"bandwidth":0.6,"duties":0.0},)"
              R"("window_days":30})");

    coop::group::LedgerSettings wanted;
    wanted.window_days = 100'000;
    wanted.floor_capacity = ~0ULL;
    wanted.weights = {0.1234567, -1, std::nan("")};
    wanted.cap_share = 7;
    coop::group::set_ledger_settings(s, wanted);
    EXPECT_EQ(s.ledger.settings.window_days, coop::group::max_window_days);
    EXPECT_EQ(s.ledger.settings.floor_capacity, coop::group::max_capacity_up);
    EXPECT_EQ(s.ledger.settings.weights.bandwidth, 0.123457);
    EXPECT_EQ(s.ledger.settings.weights.availability, 0.0);
    EXPECT_EQ(s.ledger.settings.weights.duties, 0.0);
    EXPECT_EQ(s.ledger.settings.cap_share, 1.0);
}

// W = 30 days = 2,592,000 s, floor 32,768 B/s, weights 0.6 / 0.4 / 0,
// cap_share 0.25 (the defaults). Hour h is [h * 3,600,000, (h + 1) * ...) ms.
//   A (founder) declares 50,000 B/s; B declares nothing; C declares 1,000.
//   A -> B: hours 100..147, one transfer an hour, A's total 36 MB * k
//           (k = 1..48): 48 * 36 MB = 1,728 MB; B gave A nothing.
//   B -> C: hours 110..133, B's total 72 MB * k (k = 1..24): 1,728 MB.
//   C -> A: hour 150, 360 MB in one transfer. Posted last, at hour 150 exactly:
//           the window is [150 h + 1 - W, 150 h + 1) and holds everything.
//   Observed: A 36 MB / 3600 = 10,000; B 72 MB / 3600 = 20,000;
//             C 360 MB / 3600 = 100,000 B/s.
//   Capacity = max(declared, observed, floor): A 50,000; B 32,768; C 100,000.
//   Available: A 48 h = 172,800 s; B 24 h = 86,400 s; C 1 h = 3,600 s.
//   Credited (one counterparty each, so cap_share * given, well under
//   cap_share * capacity * W): A 432 MB, B 432 MB, C 90 MB.
//   Bandwidth: A 432e6 / (50,000 * W) = 0.003333; B 432e6 / (32,768 * W)
//              = 0.005086; C 90e6 / (100,000 * W) = 0.000347.
//   Availability: A 172,800 / W = 0.066667; B 0.033333; C 0.001389.
//   Score = 0.6 b + 0.4 a: A 0.028667, B 0.016385, C 0.000764
//   (sum 0.0458156): shares A 0.625696, B 0.357631, C 0.016673.
//   Received: A 360 MB, B 1,728 MB, C 1,728 MB.   (MB = 10^6 bytes)
TEST(GroupLedgerFold, TheWorkedExample) {
    LedgerGroup g;
    LedgerPeer& a = g.founder;
    LedgerPeer b, c;
    g.join(b);
    g.join(c);
    g.declare(a, 50'000);
    g.declare(c, 1'000);
    for (std::int64_t h = 100; h <= 150; ++h) {
        const std::int64_t at = h * hour;
        if (h <= 147) g.post(a, transfer(a, b, 36'000'000ULL * static_cast<std::uint64_t>(h - 99), 0, at), at);
        if (h >= 110 && h <= 133)
            g.post(b, transfer(b, c, 72'000'000ULL * static_cast<std::uint64_t>(h - 109), 0, at), at);
        if (h == 150) {
            EXPECT_EQ(g.post(c, transfer(c, a, 360'000'000, 0, at), at).time_ms, at);
        }
    }

    const auto s = g.state();
    EXPECT_EQ(s.ledger.transfers, 73u);
    EXPECT_EQ(s.ledger.window_end_ms, 150 * hour + 1);
    EXPECT_EQ(s.ledger.window_start_ms, 150 * hour + 1 - window_ms);
    struct Expected {
        const LedgerPeer* who;
        std::uint64_t observed, capacity, available, given, received, credited;
        double bandwidth, availability, score, share;
    };
    const Expected expected[] = {
        {&a, 10'000, 50'000, 172'800, 1'728'000'000, 360'000'000, 432'000'000, 0.003333, 0.066667, 0.028667, 0.625696},
        {&b, 20'000, 32'768, 86'400, 1'728'000'000, 1'728'000'000, 432'000'000, 0.005086, 0.033333, 0.016385,
         0.357631},
        {&c, 100'000, 100'000, 3'600, 360'000'000, 1'728'000'000, 90'000'000, 0.000347, 0.001389, 0.000764, 0.016673},
    };
    for (const auto& e : expected) {
        const json m = effort_of(s, *e.who);
        SCOPED_TRACE(m.dump());
        EXPECT_EQ(m["observed_capacity"], e.observed);
        EXPECT_EQ(m["capacity"], e.capacity);
        EXPECT_EQ(m["available_seconds"], e.available);
        EXPECT_EQ(m["given"], e.given);
        EXPECT_EQ(m["received"], e.received);
        EXPECT_EQ(m["credited"], e.credited);
        EXPECT_EQ(m["bandwidth"], e.bandwidth);
        EXPECT_EQ(m["availability"], e.availability);
        EXPECT_EQ(m["duties"], 0.0);
        EXPECT_EQ(m["score"], e.score);
        EXPECT_EQ(m["share"], e.share);
        EXPECT_FALSE(m["offender"].get<bool>());
    }
    // Check the hand arithmetic against the unrounded numbers too.
    const auto& raw = s.ledger.effort.at(hex(a.key())).effort;
    EXPECT_NEAR(raw.score, 0.6 * 432e6 / (50'000 * window_s) + 0.4 * 172'800 / window_s, 1e-12);
}

// A history with every ledger rule in it, some of it concurrent: members
// joining and leaving, pairs posted by one or both parties, pairs with a
// non-member, a fork, a proof, capacities and malformed bodies.
std::vector<Event> ledger_history(std::uint32_t seed, LedgerGroup& g) {
    std::mt19937 rng(seed);
    std::vector<LedgerPeer> people(5);
    LedgerPeer outsider;
    for (auto& p : people) g.join(p);
    people.insert(people.begin(), g.founder);
    // Each person's chain tip before its last record: a fork starts there.
    std::vector<coop::ledger::ChainTip> before_last(people.size());
    std::int64_t now = start_time;
    for (int step = 0; step < 40; ++step) {
        now += static_cast<std::int64_t>(rng() % 3) * hour / 2;
        // Up to three authors draft from the same heads: concurrent events.
        std::vector<std::size_t> authors(people.size());
        for (std::size_t i = 0; i < authors.size(); ++i) authors[i] = i;
        std::shuffle(authors.begin(), authors.end(), rng);
        authors.resize(1 + rng() % 3);
        std::vector<Event> batch;
        for (std::size_t who : authors) {
            LedgerPeer& me = people[who];
            const std::size_t other = (who + 1 + rng() % (people.size() - 1)) % people.size();
            LedgerPeer& them = people[other];
            const unsigned roll = rng() % 10;
            std::string body;
            Kind kind = Kind::ledger_record;
            if (roll < 5) {
                before_last[who] = me.tip;
                if (roll != 4) before_last[other] = them.tip;
                const std::uint64_t gave = (me.tip.seq + 1) * 1'000'000 + rng() % 1000;
                body = to_body(coop::group::LedgerRecordBody{transfer(me, roll == 4 ? outsider : them, gave, 5, now)});
            } else if (roll == 5 && me.tip.seq > 0) {
                // A second record at the seq of its last one.
                const Record fork = coop::ledger::make_proposal(me.identity, before_last[who], them.key(), 1, 1, now);
                before_last[other] = them.tip;
                body = to_body(coop::group::LedgerRecordBody{*Transfer::pair(fork, them.agree(fork, now))});
            } else if (roll == 6) {
                kind = Kind::capacity;
                body = to_body(coop::group::CapacityBody{rng() % 200'000});
            } else if (roll == 7) {
                kind = Kind::ledger_proof;
                LedgerPeer liar;
                const Record one = liar.propose(them, 1, 0, now);
                liar.tip = {};
                const Record two = liar.propose(me, 2, 0, now);
                body = to_body(coop::group::LedgerProofBody{coop::ledger::make_fork_proof(one, two)});
            } else if (roll == 8) {
                body = R"({"proposal":"00"})";
            } else {
                kind = rng() % 2 ? Kind::leave : Kind::join;
                body = "{}";
            }
            batch.push_back(g.draft(me, kind, body, now));
        }
        for (const auto& e : batch) g.add(e);
    }
    std::vector<Event> all;
    for (const auto& id : g.log.arrival_order()) all.push_back(*g.log.get(id));
    return all;
}

TEST(GroupLedgerFold, AnyDeliveryOrderGivesTheSameState) {
    for (std::uint32_t seed : {1u, 2u, 3u}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        LedgerGroup g;
        const std::vector<Event> events = ledger_history(seed, g);
        const GroupState state = g.state();
        const std::string expected = state.to_json().dump();
        // The history exercised the rules.
        EXPECT_GT(state.ledger.transfers, 3u);
        EXPECT_FALSE(state.ledger.offenders.empty());
        EXPECT_FALSE(state.ledger.capacities.empty());
        EXPECT_GT(ignored(state, "transfer with a non-member"), 0u);

        std::mt19937 rng(seed * 7919);
        for (int member = 0; member < 4; ++member) {
            std::vector<Event> delivery = events;
            for (std::size_t i = 0; i < events.size() / 10; ++i) delivery.push_back(events[rng() % events.size()]);
            std::shuffle(delivery.begin(), delivery.end(), rng);
            GroupLog log(g.log.group());
            coop::group::PendingPool pool;
            for (const auto& e : delivery) {
                const auto offer = pool.offer(log, e);
                EXPECT_NE(offer.result.status, coop::group::AddResult::Status::rejected) << offer.result.reason;
            }
            ASSERT_EQ(log.size(), events.size());
            EXPECT_EQ(coop::group::fold(log).to_json().dump(), expected);
        }
    }
}

}  // namespace
