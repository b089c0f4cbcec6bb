// Effort scores over a window (core/ledger/effort.hpp), from real signed
// transfers.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "core/ledger/effort.hpp"
#include "core/ledger/proof.hpp"
#include "tests/unit/ledger_peers.hpp"

namespace {

using coop::ledger::compute_effort;
using coop::ledger::EffortInput;
using coop::ledger::MemberEffort;
using coop::ledger::MemberInput;
using coop::ledger::PublicKey;
using coop::ledger::Transfer;
using coop::testing::LedgerPeer;
using coop::testing::transfer;

constexpr std::int64_t window_ms = 1'000'000;  // 1000 s

EffortInput window() {
    EffortInput in;
    in.window_start_ms = 0;
    in.window_end_ms = window_ms;
    return in;
}

const MemberEffort& of(const std::vector<MemberEffort>& out, const LedgerPeer& who) {
    const auto it = std::find_if(out.begin(), out.end(), [&](const MemberEffort& e) { return e.member == who.key(); });
    if (it == out.end()) throw std::logic_error("member missing from the output");
    return *it;
}

// The example in effort.hpp's header comment, number for number.
TEST(LedgerEffort, TheWorkedExample) {
    LedgerPeer a, b, c;
    EffortInput in = window();
    in.floor_capacity = 1000;
    in.cap_share = 0.5;
    in.members[a.key()] = MemberInput{10'000, 8'000, 500, 0};
    in.members[b.key()] = MemberInput{0, 2'000, 1000, 0};
    in.members[c.key()] = MemberInput{500, 0, 250, 0};
    in.transfers.push_back(transfer(a, b, 1'000'000, 0, -10'000));  // before the window
    in.transfers.push_back(transfer(a, b, 4'000'000, 500'000, 100'000));
    in.transfers.push_back(transfer(a, c, 1'000'000, 600'000, 200'000));
    in.transfers.push_back(transfer(b, c, 1'500'000, 0, 300'000));

    const auto out = compute_effort(in);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_TRUE(std::is_sorted(out.begin(), out.end(),
                               [](const MemberEffort& x, const MemberEffort& y) { return x.member < y.member; }));
    const auto& ea = of(out, a);
    const auto& eb = of(out, b);
    const auto& ec = of(out, c);
    EXPECT_EQ(ea.capacity, 10'000u);
    EXPECT_EQ(eb.capacity, 2'000u);
    EXPECT_EQ(ec.capacity, 1'000u);
    EXPECT_EQ(ea.given, 4'000'000u);
    EXPECT_EQ(eb.given, 2'000'000u);
    EXPECT_EQ(ec.given, 600'000u);
    EXPECT_EQ(ea.received, 1'100'000u);
    EXPECT_EQ(eb.received, 3'000'000u);
    EXPECT_EQ(ec.received, 2'500'000u);
    EXPECT_DOUBLE_EQ(ea.credited, 3'000'000);
    EXPECT_DOUBLE_EQ(eb.credited, 1'500'000);
    EXPECT_DOUBLE_EQ(ec.credited, 300'000);
    EXPECT_DOUBLE_EQ(ea.bandwidth_effort, 0.3);
    EXPECT_DOUBLE_EQ(eb.bandwidth_effort, 0.75);
    EXPECT_DOUBLE_EQ(ec.bandwidth_effort, 0.3);
    EXPECT_DOUBLE_EQ(ea.availability, 0.5);
    EXPECT_DOUBLE_EQ(eb.availability, 1.0);
    EXPECT_DOUBLE_EQ(ec.availability, 0.25);
    EXPECT_NEAR(ea.score, 0.38, 1e-12);
    EXPECT_NEAR(eb.score, 0.85, 1e-12);
    EXPECT_NEAR(ec.score, 0.28, 1e-12);
    EXPECT_NEAR(ea.share, 0.2517, 1e-4);
    EXPECT_NEAR(eb.share, 0.5629, 1e-4);
    EXPECT_NEAR(ec.share, 0.1854, 1e-4);
    EXPECT_NEAR(ea.share + eb.share + ec.share, 1.0, 1e-12);
    for (const auto& e : out) EXPECT_FALSE(e.offender);
}

// Two keys sign each other a terabyte that never moved. Each gets at most
// cap_share of a full bandwidth effort from it, however large the lie.
TEST(LedgerEffort, TwoColludingKeysGetAtMostTheCapShare) {
    LedgerPeer x, y;
    EffortInput in = window();
    in.members[x.key()] = MemberInput{1'000'000, 0, 0, 0};
    in.members[y.key()] = MemberInput{1'000'000, 0, 0, 0};
    in.transfers.push_back(transfer(x, y, 1'000'000'000'000, 1'000'000'000'000, 500'000));
    const auto out = compute_effort(in);
    EXPECT_EQ(of(out, x).given, 1'000'000'000'000u);
    EXPECT_DOUBLE_EQ(of(out, x).bandwidth_effort, 0.25);
    EXPECT_DOUBLE_EQ(of(out, y).bandwidth_effort, 0.25);

    // A member giving real bytes to four others reaches a full effort.
    LedgerPeer honest;
    std::vector<LedgerPeer> others(4);
    in.members[honest.key()] = MemberInput{1'000, 0, 0, 0};
    for (auto& o : others) {
        in.members[o.key()] = MemberInput{};
        in.transfers.push_back(transfer(honest, o, 250'000, 0, 600'000));
    }
    EXPECT_DOUBLE_EQ(of(compute_effort(in), honest).bandwidth_effort, 1.0);
}

TEST(LedgerEffort, ASlowMemberGivingAllItCanScoresAboveAFastOneGivingALittle) {
    LedgerPeer slow, fast;
    std::vector<LedgerPeer> others(4);
    EffortInput in = window();
    in.members[slow.key()] = MemberInput{1'000, 0, 1000, 0};    // can give 1 MB in the window
    in.members[fast.key()] = MemberInput{100'000, 0, 1000, 0};  // can give 100 MB
    std::int64_t t = 1000;
    for (auto& o : others) {
        in.members[o.key()] = MemberInput{};
        in.transfers.push_back(transfer(slow, o, 250'000, 0, t += 1000));
        in.transfers.push_back(transfer(fast, o, 1'000'000, 0, t += 1000));
    }
    const auto out = compute_effort(in);
    const auto& s = of(out, slow);
    const auto& f = of(out, fast);
    EXPECT_LT(s.given, f.given) << "the fast member gave four times the bytes";
    EXPECT_DOUBLE_EQ(s.bandwidth_effort, 1.0);
    EXPECT_DOUBLE_EQ(f.bandwidth_effort, 0.04);
    EXPECT_GT(s.score, f.score);
    EXPECT_GT(s.share, f.share);
}

TEST(LedgerEffort, AnOffenderScoresZeroAndItsTransfersCountForNobody) {
    LedgerPeer cheat, partner, bystander;
    EffortInput in = window();
    for (const auto* p : {&cheat, &partner, &bystander}) in.members[p->key()] = MemberInput{1'000, 0, 1000, 0};
    in.transfers.push_back(transfer(cheat, partner, 900'000, 900'000, 1000));
    // cheat signs a second record at its seq 2: a fork, proven.
    const auto first = cheat.propose(bystander, 1, 0, 2000);
    const auto second = coop::ledger::make_proposal(
        cheat.identity, coop::ledger::ChainTip::of(in.transfers[0].proposal()), partner.key(), 2, 0, 2000);
    in.offenders = coop::ledger::proven_offenders({coop::ledger::make_fork_proof(first, second)});
    ASSERT_EQ(in.offenders.size(), 1u);

    const auto out = compute_effort(in);
    const auto& c = of(out, cheat);
    EXPECT_TRUE(c.offender);
    EXPECT_EQ(c.score, 0.0);
    EXPECT_EQ(c.share, 0.0);
    EXPECT_EQ(of(out, partner).given, 0u) << "a forking key's signatures count for nobody";
    EXPECT_EQ(of(out, partner).received, 0u);
    EXPECT_NEAR(of(out, partner).share, 0.5, 1e-12);
    EXPECT_NEAR(of(out, bystander).share, 0.5, 1e-12);
}

TEST(LedgerEffort, EqualSharesWhenNobodyGave) {
    std::vector<LedgerPeer> members(4);
    EffortInput in = window();
    for (const auto& m : members) in.members[m.key()] = MemberInput{5'000, 0, 0, 0};
    auto out = compute_effort(in);
    for (const auto& e : out) {
        EXPECT_EQ(e.score, 0.0);
        EXPECT_DOUBLE_EQ(e.share, 0.25);
    }
    in.offenders.insert(members[0].key());
    out = compute_effort(in);
    EXPECT_EQ(of(out, members[0]).share, 0.0);
    for (std::size_t i = 1; i < members.size(); ++i) EXPECT_DOUBLE_EQ(of(out, members[i]).share, 1.0 / 3);
}

TEST(LedgerEffort, AnOldRecordReplayedCountsNothing) {
    LedgerPeer a, b;
    EffortInput in = window();
    in.cap_share = 1.0;
    in.members[a.key()] = MemberInput{10'000, 0, 0, 0};
    in.members[b.key()] = MemberInput{};
    in.transfers.push_back(transfer(a, b, 5'000'000, 0, 1000));
    in.transfers.push_back(transfer(a, b, 3'000'000, 0, 2000));  // lower totals, later: adds nothing
    in.transfers.push_back(transfer(a, b, 6'000'000, 0, 3000));
    in.transfers.push_back(in.transfers[0]);  // the same pair twice
    EXPECT_EQ(of(compute_effort(in), a).given, 6'000'000u);
}

TEST(LedgerEffort, OnlyTheWindowAndTheMembersCount) {
    LedgerPeer a, b, outsider;
    EffortInput in = window();
    in.cap_share = 1.0;
    in.members[a.key()] = MemberInput{10'000, 0, 0, 0};
    in.members[b.key()] = MemberInput{};
    in.transfers.push_back(transfer(a, b, 1'000'000, 0, 0));            // the window's first millisecond
    in.transfers.push_back(transfer(a, outsider, 9'000'000, 0, 1000));  // not a member
    in.transfers.push_back(transfer(a, b, 3'000'000, 0, window_ms));    // the window's end is outside
    const auto& e = of(compute_effort(in), a);
    EXPECT_EQ(e.given, 1'000'000u);
    EXPECT_EQ(compute_effort(in).size(), 2u);

    EffortInput empty = in;
    empty.window_end_ms = empty.window_start_ms;
    for (const auto& m : compute_effort(empty)) {
        EXPECT_EQ(m.score, 0.0);
        EXPECT_DOUBLE_EQ(m.share, 0.5);
    }
}

TEST(LedgerEffort, DutiesAndWeightsAreClamped) {
    LedgerPeer a, b;
    EffortInput in = window();
    in.weights = {0.0, 0.0, 1.0};
    in.members[a.key()] = MemberInput{0, 0, 0, 0.5};
    in.members[b.key()] = MemberInput{0, 0, 0, 7.0};  // more than all its duties: 1
    auto out = compute_effort(in);
    EXPECT_DOUBLE_EQ(of(out, a).duties, 0.5);
    EXPECT_DOUBLE_EQ(of(out, b).duties, 1.0);
    EXPECT_NEAR(of(out, a).share, 1.0 / 3, 1e-12);
    in.weights = {-5.0, std::numeric_limits<double>::quiet_NaN(), 2.0};
    out = compute_effort(in);
    EXPECT_DOUBLE_EQ(of(out, b).score, 1.0);
}

TEST(LedgerEffort, TheInputOrderChangesNothing) {
    std::vector<LedgerPeer> members(5);
    std::mt19937 rng(5);
    EffortInput in = window();
    for (auto& m : members) in.members[m.key()] = MemberInput{rng() % 5000, rng() % 5000, rng() % 1000, 0};
    std::vector<std::vector<std::uint64_t>> totals(5, std::vector<std::uint64_t>(5, 0));
    for (int i = 0; i < 40; ++i) {
        const std::size_t from = rng() % 5;
        const std::size_t to = (from + 1 + rng() % 4) % 5;
        totals[from][to] += rng() % 100'000;
        totals[to][from] += rng() % 100'000;
        in.transfers.push_back(transfer(members[from], members[to], totals[from][to], totals[to][from], 1000 * i));
    }
    const auto expected = compute_effort(in);
    for (int round = 0; round < 5; ++round) {
        std::shuffle(in.transfers.begin(), in.transfers.end(), rng);
        const auto out = compute_effort(in);
        ASSERT_EQ(out.size(), expected.size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            EXPECT_EQ(out[i].member, expected[i].member);
            EXPECT_EQ(out[i].given, expected[i].given);
            EXPECT_EQ(out[i].received, expected[i].received);
            EXPECT_EQ(out[i].credited, expected[i].credited) << "bit for bit";
            EXPECT_EQ(out[i].share, expected[i].share) << "bit for bit";
        }
    }
}

}  // namespace
