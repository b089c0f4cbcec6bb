// Rounds to convergence and time per plan of the planning procedure
// (core/plan) on seeded random economies of 10, 100 and 1,000 members and
// 3, 4 and 5 resources, printed beside the Pequod simulations' iteration
// counts. In the same run, on the same economies:
//   opening at 1 credit per unit (near the balance of these economies),
//   opening far off: 0.02 and 50 credits per unit,
//   the reference: the same board with its gain fixed at 0.05, the
//   fixed-step rule of the Pequod models (delta 0.05, 1% tolerance).
// Each economy is planned a second time with its members reversed and the
// two plans' bytes compared: every member must get the same plan.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/common.hpp"
#include "core/plan/procedure.hpp"
#include "core/plan/random_economy.hpp"

namespace {

using namespace coop::plan;
using Clock = std::chrono::steady_clock;
using coop::bench::median;

constexpr std::string_view program = "plan_bench";

struct Options {
    std::size_t seeds = 20;
    std::size_t rounds = 50;
    std::size_t reference_rounds = 2000;
    bool json = false;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&] { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--seeds")
            o.seeds = coop::bench::count_arg(program, a, value(), 1, 10'000);
        else if (a == "--rounds")
            o.rounds = coop::bench::count_arg(program, a, value(), 1, 100'000);
        else if (a == "--reference-rounds")
            o.reference_rounds = coop::bench::count_arg(program, a, value(), 1, 100'000);
        else if (a == "--json")
            o.json = true;
        else if (a == "--help" || a == "-h") {
            std::cout << "usage: plan_bench [--seeds N] [--rounds R] [--reference-rounds R] [--json]\n"
                         "  N seeded random economies (default 20) per size: 10, 100, 1000 members x 3, 4, 5\n"
                         "  resources. Plans each with a limit of R rounds (default 50) from 1 credit, 0.02 and\n"
                         "  50 credits per unit, and with the gain fixed at 0.05 (limit default 2000): median and\n"
                         "  max rounds, how many hit the limit, wall time per plan; beside Pequod's 27-74.\n";
            std::exit(0);
        } else {
            coop::bench::usage_error(program, "unknown option " + std::string(a));
        }
    }
    return o;
}

struct Runs {
    std::vector<double> rounds;
    std::vector<double> ms;
    std::size_t limit = 0;  // plans that hit the round limit (rationed)

    void add(const Plan& p, double seconds) {
        rounds.push_back(p.rounds);
        ms.push_back(seconds * 1000);
        limit += p.outcome == Outcome::rationed;
    }
    double max_rounds() const { return rounds.empty() ? 0 : *std::max_element(rounds.begin(), rounds.end()); }
    double max_ms() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
    nlohmann::json json() const {
        return {{"median_rounds", median(rounds)}, {"max_rounds", max_rounds()}, {"hit_limit", limit},
                {"median_ms", median(ms)},         {"max_ms", max_ms()}};
    }
};

Plan timed(const Economy& e, const Rules& rules, Runs& runs) {
    const auto start = Clock::now();
    Plan p = make_plan(e, rules);
    runs.add(p, std::chrono::duration<double>(Clock::now() - start).count());
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    nlohmann::json rows = nlohmann::json::array();
    std::size_t mismatched = 0;
    std::vector<double> all_rounds;
    double worst = 0;
    if (!o.json) {
        std::printf("%zu seeded economies per size, round limit %zu, tolerance 1%% of supply\n\n", o.seeds, o.rounds);
        std::printf("%7s %4s | %-28s | %-19s | %-19s | %-24s\n", "", "", "opening at 1 credit", "at 0.02 credits",
                    "at 50 credits", "gain fixed at 0.05");
        std::printf("%7s %4s | %6s %4s %5s %9s | %6s %4s %5s | %6s %4s %5s | %6s %5s %5s %5s\n", "members", "res",
                    "median", "max", "limit", "ms/plan", "median", "max", "limit", "median", "max", "limit",
                    "median", "max", "limit", "ms");
    }
    for (const std::size_t members : {10, 100, 1000})
        for (const std::size_t resources : {3, 4, 5}) {
            Runs near, low, high, fixed;
            for (std::size_t seed = 1; seed <= o.seeds; ++seed) {
                const Economy e = random_economy({members, resources, seed, false});
                Rules rules;
                rules.max_rounds = static_cast<int>(o.rounds);
                const Plan p = timed(e, rules, near);
                Economy reversed = e;
                std::reverse(reversed.members.begin(), reversed.members.end());
                mismatched += serialize(make_plan(reversed, rules)) != serialize(p);

                Rules far = rules;
                far.start_prices.assign(resources, 20'000);
                timed(e, far, low);
                far.start_prices.assign(resources, 50'000'000);
                timed(e, far, high);

                Rules reference;
                reference.max_rounds = static_cast<int>(o.reference_rounds);
                reference.board.initial_gain = reference.board.min_gain = reference.board.max_gain = 50'000;
                timed(e, reference, fixed);
            }
            for (const Runs* r : {&near, &low, &high}) {
                all_rounds.insert(all_rounds.end(), r->rounds.begin(), r->rounds.end());
                worst = std::max(worst, r->max_rounds());
            }
            if (o.json) {
                rows.push_back({{"members", members},
                                {"resources", resources},
                                {"economies", o.seeds},
                                {"opening_1", near.json()},
                                {"opening_0.02", low.json()},
                                {"opening_50", high.json()},
                                {"fixed_gain_0.05", fixed.json()}});
                continue;
            }
            std::printf("%7zu %4zu | %6.1f %4.0f %5zu %9.3f | %6.1f %4.0f %5zu | %6.1f %4.0f %5zu | %6.1f %5.0f %5zu %5.1f\n",
                        members, resources, median(near.rounds), near.max_rounds(), near.limit, median(near.ms),
                        median(low.rounds), low.max_rounds(), low.limit, median(high.rounds), high.max_rounds(),
                        high.limit, median(fixed.rounds), fixed.max_rounds(), fixed.limit, median(fixed.ms));
        }
    const double overall = median(all_rounds);
    constexpr double target = 15;
    if (o.json) {
        std::cout << nlohmann::json{{"seeds", o.seeds},
                                    {"round_limit", o.rounds},
                                    {"tolerance_ppm", BoardRule{}.tolerance},
                                    {"sizes", rows},
                                    {"median_rounds", overall},
                                    {"max_rounds", worst},
                                    {"target_median_rounds", target},
                                    {"plans_differing_by_member_order", mismatched},
                                    {"pequod_iterations", {{"fixed_delta_0.04_0.07", {27, 74}},
                                                           {"fixed_delta_0.08_up", "some past 2000"}}}}
                         .dump()
                  << "\n";
        return 0;
    }
    std::printf("\nall openings: median %.1f rounds, max %.0f (target: median <= %.0f, never diverging)\n", overall,
                worst, target);
    std::printf("Pequod simulations, fixed delta 0.04-0.07: 27-74 iterations; delta >= 0.08: some past 2,000\n");
    std::printf("plans that differ when the members come in reverse order: %zu\n", mismatched);
    return mismatched ? 1 : 0;
}
