#pragma once
// The Schulze method over weighted rankings.
//
//   d[i][j]  the say of the voters who rank option i above option j (an
//            option a ballot leaves out ties below every option it ranks,
//            so two left-out options get no preference);
//   p[i][j]  the strength of the strongest path from i to j: d[i][j] where
//            d[i][j] > d[j][i] (else 0), widened through every k by
//            Floyd–Warshall, p[i][j] = max(p[i][j], min(p[i][k], p[k][j]));
//   i beats j when p[i][j] > p[j][i]. The relation is transitive, so the
//   options rank in tiers: the first tier is the options no other beats
//   (the Schulze winners), the next tier those no remaining option beats,
//   and so on. Each tier is written in tie order (tie_order.hpp), so the
//   winner is the first option of the first tier.
// Indices follow the proposal's options.
#include <string>
#include <utility>
#include <vector>

#include "core/vote/proposal.hpp"

namespace coop::vote {

using SayMatrix = std::vector<std::vector<Say>>;

struct WeightedRanking {
    Say say = 0;
    std::vector<std::string> order;  // options of the proposal, best first, each once
};

struct Schulze {
    SayMatrix preferences;                       // d
    SayMatrix strongest;                         // p
    std::vector<std::vector<std::string>> tiers;  // best first, each in tie order
};

Schulze schulze(const Proposal& proposal, const std::vector<WeightedRanking>& rankings);

}  // namespace coop::vote
