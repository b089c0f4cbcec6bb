// How close a group log's intake comes to raw ed25519: N signed events of
// one group (a genesis, joins, then chat posts by several authors whose
// parents form a DAG like real concurrent chat), then, in the same run,
//   raw:  crypto_sign_verify_detached over the same N signatures and ids;
//   fold: a fresh GroupLog adding them (hash, verify, DAG rules), then the
//         fold of the whole log into a GroupState.
// Each is timed `runs` times, alternating; medians are reported.
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/common.hpp"
#include "core/group/body.hpp"
#include "core/group/fold.hpp"
#include "core/group/log.hpp"

namespace {

using coop::Identity;
using namespace coop::group;
using Clock = std::chrono::steady_clock;
using coop::bench::median;

struct Options {
    std::size_t events = 10'000;
    std::size_t authors = 8;
    std::size_t runs = 5;
    bool json = false;
};

constexpr std::string_view program = "fold_bench";

[[noreturn]] void usage_error(const std::string& problem) { coop::bench::usage_error(program, problem); }

std::size_t count_arg(std::string_view name, const char* value, std::size_t least) {
    return coop::bench::count_arg(program, name, value, least);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--events")
            o.events = count_arg(a, i + 1 < argc ? argv[++i] : nullptr, 2);
        else if (a == "--authors")
            o.authors = count_arg(a, i + 1 < argc ? argv[++i] : nullptr, 1);
        else if (a == "--runs")
            o.runs = count_arg(a, i + 1 < argc ? argv[++i] : nullptr, 1);
        else if (a == "--json")
            o.json = true;
        else if (a == "--help" || a == "-h") {
            std::cout << "usage: fold_bench [--events N] [--authors K] [--runs R] [--json]\n"
                         "  N signed events (default 10000) by K authors (default 8), timed R times (default 5):\n"
                         "  raw crypto_sign_verify_detached vs GroupLog::add + fold, medians in events/s.\n";
            std::exit(0);
        } else {
            usage_error("unknown option " + std::string(a));
        }
    }
    if (o.events < o.authors + 2) usage_error("--events must be at least --authors + 2 (a genesis and the joins)");
    return o;
}

// The history, in an order every member could have received it: parents
// first. Each post names its author's previous event and up to three of the
// heads (events no one named yet) by others, as when several people type at
// once: branches open and merge, and the heads stay few.
struct History {
    Id group{};
    std::vector<Event> events;
    std::vector<Id> ids;  // what each signature covers
};

History make_history(const Options& o) {
    std::vector<Identity> authors(o.authors);
    for (auto& a : authors) a = Identity::generate();
    History h;
    std::int64_t time = 1'700'000'000'000;
    h.events.push_back(make_genesis(authors[0], time, to_body(GenesisBody{"bench", "fold_bench", {"bench"}, true})));
    h.group = h.events[0].id();

    struct Last {
        Id id{};
        std::uint64_t seq = 0;
    };
    std::vector<Last> last(authors.size());
    last[0] = {h.group, 1};
    std::vector<std::pair<Id, std::size_t>> heads{{h.group, 0}};  // id, author index
    std::mt19937 rng(7);
    auto add = [&](std::size_t who, Kind kind, std::string body) {
        std::vector<Id> parents;
        if (last[who].seq) parents.push_back(last[who].id);
        std::shuffle(heads.begin(), heads.end(), rng);
        const std::size_t wanted = 1 + rng() % 3;
        std::vector<std::pair<Id, std::size_t>> kept;
        for (const auto& head : heads) {
            if (head.first == last[who].id) continue;  // named already
            if (head.second != who && parents.size() <= wanted)
                parents.push_back(head.first);
            else
                kept.push_back(head);
        }
        Event e = make_event(authors[who], h.group, last[who].seq + 1, ++time, kind, std::move(parents),
                             std::move(body));
        last[who] = {e.id(), e.seq};
        kept.emplace_back(last[who].id, who);
        heads = std::move(kept);
        h.events.push_back(std::move(e));
    };
    for (std::size_t who = 1; who < authors.size(); ++who) add(who, Kind::join, to_body(JoinBody{}));
    while (h.events.size() < o.events)
        add(rng() % authors.size(), Kind::post,
            to_body(PostBody{"message " + std::to_string(h.events.size()) + " in the bench group"}));
    for (const auto& e : h.events) h.ids.push_back(e.id());
    return h;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Seconds to verify every signature; exits if one fails.
double time_raw(const History& h) {
    const auto start = Clock::now();
    std::size_t bad = 0;
    for (std::size_t i = 0; i < h.events.size(); ++i)
        bad += crypto_sign_verify_detached(h.events[i].signature.data(), h.ids[i].data(), h.ids[i].size(),
                                           h.events[i].author.data()) != 0;
    const double s = seconds_since(start);
    if (bad) {
        std::cerr << "fold_bench: " << bad << " signatures failed to verify\n";
        std::exit(1);
    }
    return s;
}

struct FoldTiming {
    double add = 0;   // seconds in GroupLog::add
    double fold = 0;  // seconds in fold()
};

FoldTiming time_fold(const History& h, std::size_t expected_posts) {
    const std::int64_t now = h.events.back().time_ms;
    FoldTiming t;
    const auto start = Clock::now();
    GroupLog log(h.group);
    std::size_t refused = 0;
    for (const auto& e : h.events) refused += !log.add(e, now).accepted();
    t.add = seconds_since(start);
    const auto folding = Clock::now();
    const GroupState state = fold(log);
    t.fold = seconds_since(folding);
    if (refused || state.chat.size() != expected_posts) {
        std::cerr << "fold_bench: the log refused " << refused << " events and the fold shows " << state.chat.size()
                  << " posts of " << expected_posts << "\n";
        std::exit(1);
    }
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    if (sodium_init() < 0) {
        std::cerr << "fold_bench: libsodium failed to initialise\n";
        return 1;
    }
    if (!o.json) std::cerr << "making " << o.events << " signed events by " << o.authors << " authors...\n";
    const History h = make_history(o);
    const std::size_t posts = h.events.size() - o.authors;  // all but the genesis and the joins

    time_raw(h);  // warm caches and the CPU's clock
    std::vector<double> raw, total, add, folding;
    for (std::size_t r = 0; r < o.runs; ++r) {
        raw.push_back(time_raw(h));
        const FoldTiming t = time_fold(h, posts);
        add.push_back(t.add);
        folding.push_back(t.fold);
        total.push_back(t.add + t.fold);
    }
    const double n = static_cast<double>(h.events.size());
    const double raw_rate = n / median(raw);
    const double fold_rate = n / median(total);
    const double ratio = fold_rate / raw_rate;
    constexpr double target = 0.8;

    if (o.json) {
        auto rates = [&](const std::vector<double>& seconds) {
            nlohmann::json j = nlohmann::json::array();
            for (double s : seconds) j.push_back(n / s);
            return j;
        };
        const nlohmann::json j = {{"events", h.events.size()},
                                  {"authors", o.authors},
                                  {"runs", o.runs},
                                  {"raw_verify_per_s", raw_rate},
                                  {"log_and_fold_per_s", fold_rate},
                                  {"log_add_per_s", n / median(add)},
                                  {"fold_ms", median(folding) * 1000},
                                  {"ratio", ratio},
                                  {"target", target},
                                  {"raw_verify_runs_per_s", rates(raw)},
                                  {"log_and_fold_runs_per_s", rates(total)}};
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::printf("%zu events, %zu authors, medians of %zu runs\n\n", h.events.size(), o.authors, o.runs);
    std::printf("%-44s %12.0f events/s\n", "raw crypto_sign_verify_detached", raw_rate);
    std::printf("%-44s %12.0f events/s\n", "GroupLog::add + fold (verify + DAG + state)", fold_rate);
    std::printf("%-44s %12.0f events/s\n", "  GroupLog::add alone", n / median(add));
    std::printf("%-44s %12.1f ms\n", "  fold alone", median(folding) * 1000);
    std::printf("\nfold / raw = %.2f   (target >= %.2f)\n", ratio, target);
    return 0;
}
