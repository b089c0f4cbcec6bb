// How close the ledger's record handling comes to raw ed25519. Two seeded
// keys trade: a history of `pairs` transfers, each a proposal on one chain
// countersigned by an agreement on the other, the proposer alternating. Then,
// in the same run and over the same records:
//   raw sign / raw verify: crypto_sign_detached and
//     crypto_sign_verify_detached on the 32-byte ids the records sign;
//   make_proposal (build, hash, sign), Record::signature_valid (hash,
//     verify), Record::decode + signature_valid (what receiving one costs),
//     Transfer::pair (shape, link, two verifies) and Chain::accept_remote of
//     one author's chain, seq 1 upwards.
// Each item gets --seconds of work, split into --rounds slices in which the
// items take turns, so a change in the machine's load falls on all of them;
// the rates are medians over the rounds. What is done is the same every run,
// only how many operations fit in the time varies.
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/common.hpp"
#include "core/identity.hpp"
#include "core/ledger/agreement.hpp"
#include "core/ledger/chain.hpp"
#include "core/ledger/record.hpp"

namespace {

using coop::Identity;
using namespace coop::ledger;
using Clock = std::chrono::steady_clock;
using coop::bench::median;

struct Options {
    double seconds = 1.5;  // of work per item, over all rounds
    std::size_t rounds = 5;
    std::size_t pairs = 1000;
    bool json = false;
};

constexpr std::string_view program = "ledger_bench";

[[noreturn]] void usage_error(const std::string& problem) { coop::bench::usage_error(program, problem); }

double seconds_arg(const char* value) {
    if (!value) usage_error("--seconds needs a number");
    char* end = nullptr;
    const double s = std::strtod(value, &end);
    if (*value == '\0' || *end != '\0' || !std::isfinite(s) || s < 0.001 || s > 3600)
        usage_error("--seconds wants a number of seconds from 0.001 to 3600");
    return s;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
        if (a == "--seconds")
            o.seconds = seconds_arg(next), ++i;
        else if (a == "--rounds")
            o.rounds = coop::bench::count_arg(program, a, next, 1, 1000), ++i;
        else if (a == "--pairs")
            o.pairs = coop::bench::count_arg(program, a, next, 1, 1'000'000), ++i;
        else if (a == "--json")
            o.json = true;
        else if (a == "--help" || a == "-h") {
            std::cout << "usage: ledger_bench [--seconds S] [--rounds R] [--pairs N] [--json]\n"
                         "  N transfers (default 1000) between two seeded keys; each item is timed for S seconds\n"
                         "  (default 1.5) in R turns (default 5): raw libsodium sign and verify of a 32-byte id\n"
                         "  against make_proposal, Record::signature_valid, Record::decode + signature_valid,\n"
                         "  Transfer::pair and Chain::accept_remote; medians in ops/s and their ratios to raw.\n";
            std::exit(0);
        } else {
            usage_error("unknown option " + std::string(a));
        }
    }
    return o;
}

// A key from a fixed seed, so every run signs the same records.
Identity seeded(std::uint8_t n) {
    unsigned char seed[crypto_sign_SEEDBYTES];
    std::memset(seed, n, sizeof seed);
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    Identity::SecretKey sk{};
    crypto_sign_seed_keypair(pk, sk.data(), seed);
    return Identity::from_secret(sk);
}

// Transfer k: one party proposes its cumulative totals, the other countersigns
// on its own chain. The proposer alternates, so each chain holds proposals and
// agreements in turn, as between two peers that both upload.
struct History {
    Identity a = seeded(1), b = seeded(2);
    std::vector<Record> proposals, agreements;  // transfer k is proposals[k] + agreements[k]
    std::vector<Record> records;                // every record: proposals then agreements
    std::vector<Id> ids;                        // records[i].id()
    std::vector<std::string> encoded;           // records[i].encode()
    std::vector<Record> a_chain;                // a's records, seq 1 upwards
};

History make_history(std::size_t pairs) {
    History h;
    ChainTip tip_a, tip_b;
    std::uint64_t a_gave = 0, b_gave = 0;  // cumulative bytes, a to b and b to a
    std::int64_t time = 1'700'000'000'000;
    for (std::size_t k = 0; k < pairs; ++k) {
        a_gave += (16 + k % 7) << 20;
        b_gave += (3 + k % 5) << 20;
        time += 60'000;
        const bool a_proposes = k % 2 == 0;
        const Identity& proposer = a_proposes ? h.a : h.b;
        const Identity& answerer = a_proposes ? h.b : h.a;
        ChainTip& proposer_tip = a_proposes ? tip_a : tip_b;
        ChainTip& answerer_tip = a_proposes ? tip_b : tip_a;
        const Record p = make_proposal(proposer, proposer_tip, answerer.public_key(), a_proposes ? a_gave : b_gave,
                                       a_proposes ? b_gave : a_gave, time);
        const Record g = make_agreement(answerer, answerer_tip, p, time + 150);
        proposer_tip = ChainTip::of(p);
        answerer_tip = ChainTip::of(g);
        h.proposals.push_back(p);
        h.agreements.push_back(g);
        h.a_chain.push_back(a_proposes ? p : g);
    }
    h.records = h.proposals;
    h.records.insert(h.records.end(), h.agreements.begin(), h.agreements.end());
    for (const auto& r : h.records) {
        h.ids.push_back(r.id());
        h.encoded.push_back(r.encode());
    }
    return h;
}

// What an item's rate is compared with.
enum class Against { none, raw_sign, raw_verify, half_raw_verify };

// One timed operation: op(i) does the i-th (i counts on across slices) and
// says whether it came out as expected.
struct Item {
    const char* key;    // for --json
    const char* label;  // for the table
    Against against;
    std::function<bool(std::size_t)> op;
};

// Runs the item for `seconds` from op(next) on; returns ops/s, or exits if an
// op failed.
double run_slice(const Item& item, std::size_t& next, double seconds) {
    std::size_t done = 0;
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto now = start;
    do {
        if (!item.op(next++)) {
            std::cerr << "ledger_bench: " << item.label << " failed at operation " << next - 1 << "\n";
            std::exit(1);
        }
        ++done;
        now = Clock::now();
    } while (now < until);
    return static_cast<double>(done) / std::chrono::duration<double>(now - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    if (sodium_init() < 0) {
        std::cerr << "ledger_bench: libsodium failed to initialise\n";
        return 1;
    }
    const History h = make_history(o.pairs);
    const std::size_t n = h.records.size();
    const auto& a_secret = h.a.secret_key();

    std::optional<Chain> chain;  // a's chain as a peer takes it in
    std::vector<Item> items;
    // Indices of a's records in h.records, for raw sign to sign what a signs.
    std::vector<std::size_t> a_index;
    for (std::size_t i = 0; i < n; ++i)
        if (h.records[i].author == h.a.public_key()) a_index.push_back(i);

    items.push_back({"raw_sign", "raw crypto_sign_detached (32-byte id)", Against::none, [&](std::size_t i) {
                         const std::size_t k = a_index[i % a_index.size()];
                         unsigned char sig[crypto_sign_BYTES];
                         crypto_sign_detached(sig, nullptr, h.ids[k].data(), h.ids[k].size(), a_secret.data());
                         return std::memcmp(sig, h.records[k].signature.data(), sizeof sig) == 0;
                     }});
    items.push_back({"raw_verify", "raw crypto_sign_verify_detached", Against::none, [&](std::size_t i) {
                         const std::size_t k = i % n;
                         return crypto_sign_verify_detached(h.records[k].signature.data(), h.ids[k].data(),
                                                            h.ids[k].size(), h.records[k].author.data()) == 0;
                     }});
    items.push_back({"make_proposal", "make_proposal (build, hash, sign)", Against::raw_sign, [&](std::size_t i) {
                         // Remakes a proposal of the history from the tip before it:
                         // signatures are deterministic, so it must come out the same.
                         const Record& p = h.proposals[i % h.proposals.size()];
                         const Identity& author = p.author == h.a.public_key() ? h.a : h.b;
                         const ChainTip tip{p.seq - 1, p.previous, p.time_ms};
                         return make_proposal(author, tip, p.counterparty, p.gave, p.got, p.time_ms) == p;
                     }});
    items.push_back({"signature_valid", "Record::signature_valid (hash, verify)", Against::raw_verify,
                     [&](std::size_t i) { return h.records[i % n].signature_valid(); }});
    items.push_back({"decode_and_verify", "Record::decode + signature_valid", Against::raw_verify,
                     [&](std::size_t i) {
                         const auto r = Record::decode(h.encoded[i % n]);
                         return r && r->signature_valid();
                     }});
    items.push_back({"transfer_pair", "Transfer::pair (two verifies)", Against::half_raw_verify, [&](std::size_t i) {
                         const std::size_t k = i % h.proposals.size();
                         return Transfer::pair(h.proposals[k], h.agreements[k]).has_value();
                     }});
    items.push_back({"chain_accept_remote", "Chain::accept_remote, in seq order", Against::raw_verify,
                     [&](std::size_t i) {
                         const std::size_t k = i % h.a_chain.size();
                         if (k == 0) chain.emplace(h.a.public_key());  // a fresh peer each pass
                         return chain->accept_remote(h.a_chain[k]) == ChainVerdict::accepted;
                     }});

    const double slice = o.seconds / static_cast<double>(o.rounds);
    std::vector<std::size_t> next(items.size());         // where each item's op counts from
    std::vector<std::vector<double>> rates(items.size());  // ops/s in each round
    for (std::size_t i = 0; i < items.size(); ++i)
        run_slice(items[i], next[i], std::min(slice, 0.1));  // warm caches and the CPU's clock
    for (std::size_t r = 0; r < o.rounds; ++r)
        for (std::size_t i = 0; i < items.size(); ++i) rates[i].push_back(run_slice(items[i], next[i], slice));

    const double raw_sign = median(rates[0]), raw_verify = median(rates[1]);
    auto reference = [&](Against against) {
        switch (against) {
            case Against::none: return 0.0;
            case Against::raw_sign: return raw_sign;
            case Against::raw_verify: return raw_verify;
            case Against::half_raw_verify: return raw_verify / 2;
        }
        return 0.0;
    };
    auto against_name = [](Against against) {
        switch (against) {
            case Against::none: return "";
            case Against::raw_sign: return "raw sign";
            case Against::raw_verify: return "raw verify";
            case Against::half_raw_verify: return "raw verify / 2";
        }
        return "";
    };

    if (o.json) {
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t i = 0; i < items.size(); ++i) {
            const Item& item = items[i];
            const double rate = median(rates[i]);
            nlohmann::json j = {{"item", item.key}, {"ops_per_s", rate}, {"rounds_per_s", rates[i]}};
            if (item.against != Against::none) {
                j["against"] = against_name(item.against);
                j["ratio"] = rate / reference(item.against);
            }
            list.push_back(std::move(j));
        }
        const nlohmann::json j = {{"benchmark", "ledger"}, {"pairs", o.pairs},    {"records", n},
                                  {"seconds", o.seconds},  {"rounds", o.rounds}, {"items", list}};
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::printf("%zu records (%zu transfers) of two seeded keys, %.3g s an item in %zu rounds, medians\n\n", n,
                o.pairs, o.seconds, o.rounds);
    std::printf("%-42s %10s %7s  %s\n", "item", "ops/s", "ratio", "to");
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Item& item = items[i];
        const double rate = median(rates[i]);
        if (item.against == Against::none)
            std::printf("%-42s %10.0f %7s\n", item.label, rate, "");
        else
            std::printf("%-42s %10.0f %7.2f  %s\n", item.label, rate, rate / reference(item.against),
                        against_name(item.against));
    }
    return 0;
}
