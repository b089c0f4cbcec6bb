// Ranked (core/vote/schulze.hpp, core/vote/tally.hpp): Schulze over
// rankings weighted by say, winner the first of the first tier.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/vote_ballots.hpp"

namespace {

using coop::testing::half_say;
using coop::testing::rank;
using coop::testing::Votes;
using coop::vote::full_say;
using coop::vote::Method;
using coop::vote::SayMatrix;
using coop::vote::Status;

using Tiers = std::vector<std::vector<std::string>>;

// Whole says, for matrices written by hand.
SayMatrix in_full_says(const SayMatrix& m) {
    SayMatrix out = m;
    for (auto& row : out)
        for (auto& x : row) x /= full_say;
    return out;
}

std::vector<std::string> letters(const std::string& order) {
    std::vector<std::string> out;
    for (const char c : order) out.emplace_back(1, c);
    return out;
}

// The example of Schulze's method as the literature works it (Schulze 2011,
// and its Wikipedia article): 45 voters, 5 candidates.
//   5 ACBED   5 ADECB   8 BEDAC   3 CABED   7 CAEBD   2 CBADE   7 DCEBA
//   8 EBADC
// d[i][j], the voters preferring i to j (d[A][B]: ACBED 5 + ADECB 5 +
// CABED 3 + CAEBD 7 = 20):
//        A   B   C   D   E
//   A    -  20  26  30  22
//   B   25   -  16  33  18
//   C   19  29   -  17  24
//   D   15  12  28   -  14
//   E   23  27  21  31   -
// Links, where d[i][j] > d[j][i]: A>C 26, A>D 30, B>A 25, B>D 33, C>B 29,
// C>E 24, D>C 28, E>A 23, E>B 27, E>D 31. No Condorcet winner (A loses to
// B, B to C, C to D, D to E, E to C). Widest paths p[i][j]:
//        A   B   C   D   E
//   A    -  28  28  30  24      A-D-C-B 28, A-D-C 28, A-D-C-E 24
//   B   25   -  28  33  24      B-A 25, B-D-C 28, B-D-C-E 24
//   C   25  29   -  29  24      C-B-A 25, C-B-D 29, C-E 24
//   D   25  28  28   -  24      D-C-B-A 25, D-C-B 28, D-C-E 24
//   E   25  28  28  31   -      E-D-C-B-A 25, E-D-C-B 28, E-D-C 28
// E beats every other (25 > 24, 28 > 24, 28 > 24, 31 > 24); A beats C, B,
// D (28 > 25, 28 > 25, 30 > 25); C beats B (29 > 28) and D (29 > 28); B
// beats D (33 > 28). Ranking E > A > C > B > D: E wins.
TEST(VoteRanked, TheClassicSchulzeExampleElectsE) {
    Votes v(Method::ranked, letters("ABCDE"));
    const std::vector<std::pair<int, std::string>> groups{{5, "ACBED"}, {5, "ADECB"}, {8, "BEDAC"},
                                                          {3, "CABED"}, {7, "CAEBD"}, {2, "CBADE"},
                                                          {7, "DCEBA"}, {8, "EBADC"}};
    int n = 0;
    for (const auto& [count, order] : groups)
        for (int i = 0; i < count; ++i) {
            const std::string voter = "v" + std::to_string(10 + n++);
            v.members.insert(voter);
            v.cast(voter, rank(letters(order)));
        }
    ASSERT_EQ(n, 45);
    const auto t = v.closed();
    ASSERT_TRUE(t.schulze);
    EXPECT_EQ(in_full_says(t.schulze->preferences), (SayMatrix{{0, 20, 26, 30, 22},
                                                               {25, 0, 16, 33, 18},
                                                               {19, 29, 0, 17, 24},
                                                               {15, 12, 28, 0, 14},
                                                               {23, 27, 21, 31, 0}}));
    EXPECT_EQ(in_full_says(t.schulze->strongest), (SayMatrix{{0, 28, 28, 30, 24},
                                                            {25, 0, 28, 33, 24},
                                                            {25, 29, 0, 29, 24},
                                                            {25, 28, 28, 0, 24},
                                                            {25, 28, 28, 31, 0}}));
    EXPECT_EQ(t.schulze->tiers, (Tiers{{"E"}, {"A"}, {"C"}, {"B"}, {"D"}}));
    EXPECT_EQ(t.outcome.status, Status::won);
    EXPECT_EQ(t.outcome.winner, "E");
    EXPECT_TRUE(t.outcome.tied.empty());
}

// Rock, paper, scissors with say: w1 rank R > S > P, w2 S > P > R,
// w3 P > R > S, with w1 = 4 (a, b, c affected and d, e unaffected at 0.5),
// w2 = 3 (f, g, h), w3 = 2 (i, j); k is unaffected and does not vote.
//   d[R][S] = w1 + w3 = 6   d[S][R] = w2      = 3   R beats S
//   d[S][P] = w1 + w2 = 7   d[P][S] = w3      = 2   S beats P
//   d[P][R] = w2 + w3 = 5   d[R][P] = w1      = 4   P beats R: a cycle.
// Widest paths: p[R][S] 6, p[S][P] 7, p[P][R] 5, p[R][P] = min(6, 7) = 6,
// p[S][R] = min(7, 5) = 5, p[P][S] = min(5, 6) = 5.
// R over S 6 > 5, R over P 6 > 5, S over P 7 > 5: R > S > P; rock wins.
TEST(VoteRanked, AWeightedCondorcetCycleResolvesByStrongestPaths) {
    Votes v(Method::ranked, {"rock", "paper", "scissors"});
    v.with_members(11);
    v.proposal.affected = {"a", "b", "c", "f", "g", "h", "i", "j"};
    v.proposal.unaffected_say = half_say;
    for (const char* voter : {"a", "b", "c", "d", "e"}) v.cast(voter, rank({"rock", "scissors", "paper"}));
    for (const char* voter : {"f", "g", "h"}) v.cast(voter, rank({"scissors", "paper", "rock"}));
    for (const char* voter : {"i", "j"}) v.cast(voter, rank({"paper", "rock", "scissors"}));
    const auto t = v.closed();
    EXPECT_EQ(t.eligible, 9'500'000);
    EXPECT_EQ(t.cast, 9 * full_say);
    ASSERT_TRUE(t.schulze);
    // Rows and columns: rock, paper, scissors.
    EXPECT_EQ(in_full_says(t.schulze->preferences), (SayMatrix{{0, 4, 6}, {5, 0, 2}, {3, 7, 0}}));
    EXPECT_EQ(in_full_says(t.schulze->strongest), (SayMatrix{{0, 6, 6}, {5, 0, 5}, {5, 7, 0}}));
    EXPECT_EQ(t.schulze->tiers, (Tiers{{"rock"}, {"scissors"}, {"paper"}}));
    EXPECT_EQ(t.outcome.winner, "rock");
}

// The same ballots with the R > S > P voters unaffected at 0.1 each:
// w1 = 0.5, w2 = 3, w3 = 2.
//   d[R][S] = 2.5 < d[S][R] = 3: S beats R; d[S][P] 3.5 : 2, S beats P;
//   d[P][R] 5 : 0.5, P beats R. No cycle: scissors is the Condorcet winner,
//   then paper, then rock.
// Counted by heads (w1 = 5) rock would win: R/S 7 : 3, S/P 8 : 2, P/R 5 : 5.
TEST(VoteRanked, SayDecidesWhereHeadsWouldNot) {
    Votes v(Method::ranked, {"rock", "paper", "scissors"});
    v.with_members(10);
    v.proposal.affected = {"f", "g", "h", "i", "j"};
    v.proposal.unaffected_say = half_say / 5;  // a..e at 0.1: w1 = 0.5
    for (const char* voter : {"a", "b", "c", "d", "e"}) v.cast(voter, rank({"rock", "scissors", "paper"}));
    for (const char* voter : {"f", "g", "h"}) v.cast(voter, rank({"scissors", "paper", "rock"}));
    for (const char* voter : {"i", "j"}) v.cast(voter, rank({"paper", "rock", "scissors"}));
    const auto t = v.closed();
    EXPECT_EQ(t.schulze->tiers, (Tiers{{"scissors"}, {"paper"}, {"rock"}}));
    EXPECT_EQ(t.outcome.winner, "scissors");
}

// A perfect cycle: one voter each. d is 2 : 1 around the circle, every
// widest path is 2, nobody beats anybody: one tier of three, ordered by
// lot. Lots for "p1": rock 19803b..., paper 873e2c..., scissors b73aa5...
// Rock wins though the proposal lists it last.
TEST(VoteRanked, APerfectCycleIsATieBrokenByLot) {
    Votes v(Method::ranked, {"scissors", "paper", "rock"});
    v.with_members(3);
    v.cast("a", rank({"rock", "scissors", "paper"}));
    v.cast("b", rank({"scissors", "paper", "rock"}));
    v.cast("c", rank({"paper", "rock", "scissors"}));
    const auto t = v.closed();
    EXPECT_EQ(t.schulze->tiers, (Tiers{{"rock", "paper", "scissors"}}));
    EXPECT_EQ(t.outcome.status, Status::won);
    EXPECT_EQ(t.outcome.winner, "rock");
    EXPECT_EQ(t.outcome.tied, (std::vector<std::string>{"rock", "paper", "scissors"}));
}

TEST(VoteRanked, LeftOutOptionsTieLast) {
    // a ranks only B: B over A and C, A and C nothing over each other.
    // b ranks C > A: C over A and B, A over the left-out B.
    //   d[A][B] 1 (b), d[B][A] 1 (a), d[B][C] 1 (a), d[C][A] 1 (b),
    //   d[C][B] 1 (b), d[A][C] 0.
    //   A/B 1 : 1 and B/C 1 : 1 tie; C/A 1 : 0, C beats A. B and C are
    //   unbeaten: tiers {B, C} by lot, then {A}.
    Votes v(Method::ranked, letters("ABC"));
    v.with_members(2);
    v.cast("a", rank({"B"}));
    v.cast("b", rank({"C", "A"}));
    const auto t = v.closed();
    EXPECT_EQ(in_full_says(t.schulze->preferences), (SayMatrix{{0, 1, 0}, {1, 0, 1}, {1, 1, 0}}));
    // Lots for "p1": B 94a3be..., C 77beb8...: C first.
    EXPECT_EQ(t.schulze->tiers, (Tiers{{"C", "B"}, {"A"}}));
    EXPECT_EQ(t.outcome.winner, "C");
}

TEST(VoteRanked, NoBallotsNoWinnerAndAnEmptyRankingIsIgnored) {
    Votes v(Method::ranked, letters("AB"));
    v.with_members(2);
    v.cast("a", rank({}));
    v.cast("b", rank({"A", "C"}));
    const auto t = v.closed();
    ASSERT_EQ(t.ignored.size(), 2u);
    EXPECT_EQ(t.ignored[0].reason, "a ranking names no option");
    EXPECT_EQ(t.ignored[1].reason, "no option \"C\" in the proposal");
    EXPECT_EQ(t.outcome.status, Status::no_winner);
    // Nothing counted, nothing preferred: one tier, by lot (B 94a3be...,
    // A d0a454...).
    EXPECT_EQ(t.schulze->tiers, (Tiers{{"B", "A"}}));
}

}  // namespace
