#include "core/plan/procedure.hpp"

#include <stdexcept>

namespace coop::plan {

const char* outcome_name(Outcome o) { return o == Outcome::converged ? "converged" : "rationed"; }

std::vector<Quantity> scale_to_total(const std::vector<Quantity>& amounts, Quantity total) {
    __int128 sum = 0;
    for (Quantity a : amounts) sum += a;
    if (total >= sum) return amounts;
    if (total <= 0) return std::vector<Quantity>(amounts.size(), 0);
    std::vector<Quantity> out(amounts.size());
    Quantity given = 0;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
        out[i] = static_cast<Quantity>(static_cast<__int128>(amounts[i]) * total / sum);
        given += out[i];
    }
    for (std::size_t i = 0; i < amounts.size() && given < total; ++i)
        if (out[i] < amounts[i]) {
            ++out[i];
            ++given;
        }
    return out;
}

namespace {

Plan adopt(const Economy& e, const Round& round, const Board& board, Outcome outcome, int rounds) {
    const std::size_t nr = e.resources.size();
    const std::size_t nm = e.members.size();
    Plan plan;
    plan.outcome = outcome;
    plan.rounds = rounds;
    plan.resources = e.resources;
    plan.prices = board.prices;
    plan.tallies = round.tallies;
    plan.next_prices = round.next.prices;
    plan.members.resize(nm);
    for (std::size_t i = 0; i < nm; ++i) {
        plan.members[i].id = e.members[i].id;
        plan.members[i].provides.assign(nr, 0);
        plan.members[i].receives.assign(nr, 0);
        plan.members[i].clipped = round.members[i].clipped;
    }
    std::vector<Quantity> offered(nm), requested(nm);
    for (std::size_t j = 0; j < nr; ++j) {
        for (std::size_t i = 0; i < nm; ++i) {
            offered[i] = round.members[i].offered[j];
            requested[i] = round.members[i].requested[j];
        }
        const Tally& t = round.tallies[j];
        const std::vector<Quantity> provides = t.demand > t.supply ? offered : scale_to_total(offered, t.demand);
        const std::vector<Quantity> receives = t.demand > t.supply ? scale_to_total(requested, t.supply) : requested;
        for (std::size_t i = 0; i < nm; ++i) {
            plan.members[i].provides[j] = provides[i];
            plan.members[i].receives[j] = receives[i];
        }
    }
    return plan;
}

}  // namespace

Plan make_plan(const Economy& economy, const Rules& rules) {
    if (const std::string problem = validate(economy); !problem.empty()) throw std::invalid_argument(problem);
    if (rules.max_rounds < 1) throw std::invalid_argument("the round limit must be at least 1");
    const Economy e = canonical(economy);

    // Start prices name the caller's resource order; the canonical order
    // sorts resources by name, so carry each price with its resource.
    std::vector<Price> start(e.resources.size(), price_one);
    for (std::size_t j = 0; j < economy.resources.size() && j < rules.start_prices.size(); ++j)
        for (std::size_t k = 0; k < e.resources.size(); ++k)
            if (e.resources[k].name == economy.resources[j].name) start[k] = rules.start_prices[j];

    Board board = opening_board(e.resources.size(), start, rules.board);
    std::vector<RoundSummary> history;
    for (int k = 1;; ++k) {
        Round round = run_round(e, board, rules.board);
        history.push_back({board.prices, round.tallies});
        if (round.feasible || k == rules.max_rounds) {
            Plan plan = adopt(e, round, board, round.feasible ? Outcome::converged : Outcome::rationed, k);
            plan.history = std::move(history);
            return plan;
        }
        board = std::move(round.next);
    }
}

std::string serialize(const Plan& plan) {
    std::string s;
    auto add = [&](const std::string& line) { s += line + '\n'; };
    auto list = [](const std::vector<Quantity>& v) {
        std::string out;
        for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
        return out;
    };
    add(std::string("outcome ") + outcome_name(plan.outcome));
    add("rounds " + std::to_string(plan.rounds));
    for (std::size_t j = 0; j < plan.resources.size(); ++j) {
        const Tally& t = plan.tallies[j];
        add("resource " + plan.resources[j].name + " unit " + plan.resources[j].unit + " price " +
            std::to_string(plan.prices[j]) + " next " + std::to_string(plan.next_prices[j]) + " supply " +
            std::to_string(t.supply) + " demand " + std::to_string(t.demand) + (t.balanced ? " balanced" : ""));
    }
    for (const auto& m : plan.members)
        add("member " + m.id + " provides " + list(m.provides) + " receives " + list(m.receives) +
            (m.clipped ? " clipped" : ""));
    for (std::size_t k = 0; k < plan.history.size(); ++k) {
        std::vector<Quantity> excess;
        for (const auto& t : plan.history[k].tallies) excess.push_back(t.excess);
        add("round " + std::to_string(k + 1) + " prices " + list(plan.history[k].prices) + " excess " + list(excess));
    }
    return s;
}

}  // namespace coop::plan
