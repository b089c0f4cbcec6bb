#include "core/vote/schulze.hpp"

#include <algorithm>
#include <map>

#include "core/vote/tie_order.hpp"

namespace coop::vote {

namespace {

SayMatrix preferences(const Proposal& proposal, const std::vector<WeightedRanking>& rankings) {
    const std::size_t n = proposal.options.size();
    SayMatrix d(n, std::vector<Say>(n, 0));
    for (const auto& ranking : rankings) {
        // Position on this ballot; left out = below every ranked option.
        std::vector<std::size_t> place(n, ranking.order.size());
        for (std::size_t r = 0; r < ranking.order.size(); ++r) {
            const auto at = std::find(proposal.options.begin(), proposal.options.end(), ranking.order[r]);
            if (at != proposal.options.end()) place[static_cast<std::size_t>(at - proposal.options.begin())] = r;
        }
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                if (place[i] < place[j]) d[i][j] += ranking.say;
    }
    return d;
}

SayMatrix strongest_paths(const SayMatrix& d) {
    const std::size_t n = d.size();
    SayMatrix p(n, std::vector<Say>(n, 0));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (i != j && d[i][j] > d[j][i]) p[i][j] = d[i][j];
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t i = 0; i < n; ++i) {
            if (i == k) continue;
            for (std::size_t j = 0; j < n; ++j)
                if (j != i && j != k) p[i][j] = std::max(p[i][j], std::min(p[i][k], p[k][j]));
        }
    return p;
}

std::vector<std::vector<std::string>> tiers(const Proposal& proposal, const SayMatrix& p) {
    std::vector<std::size_t> remaining(proposal.options.size());
    for (std::size_t i = 0; i < remaining.size(); ++i) remaining[i] = i;
    std::vector<std::vector<std::string>> out;
    while (!remaining.empty()) {
        std::vector<std::size_t> unbeaten;
        for (const auto i : remaining)
            if (std::none_of(remaining.begin(), remaining.end(), [&](std::size_t j) { return p[j][i] > p[i][j]; }))
                unbeaten.push_back(i);
        if (unbeaten.empty()) unbeaten = remaining;  // unreachable: beating is transitive
        std::vector<std::string> tier;
        for (const auto i : unbeaten) tier.push_back(proposal.options[i]);
        out.push_back(in_tie_order(proposal, std::move(tier)));
        std::erase_if(remaining, [&](std::size_t i) {
            return std::find(unbeaten.begin(), unbeaten.end(), i) != unbeaten.end();
        });
    }
    return out;
}

}  // namespace

Schulze schulze(const Proposal& proposal, const std::vector<WeightedRanking>& rankings) {
    Schulze out;
    out.preferences = preferences(proposal, rankings);
    out.strongest = strongest_paths(out.preferences);
    out.tiers = tiers(proposal, out.strongest);
    return out;
}

}  // namespace coop::vote
