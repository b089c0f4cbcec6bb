#include "core/plan/random_economy.hpp"

#include <string>

namespace coop::plan {

namespace {

struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // lo..hi inclusive
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    bool chance(int tenths) { return next() % 10 < static_cast<std::uint64_t>(tenths); }
};

const char* const names[] = {"relay", "slots", "storage", "transcode", "upload", "cpu", "archive", "mirror"};
const char* const units[] = {"Mbps·h", "swarm·h", "GB·day", "core·min", "Mbps·h", "core·h", "GB·month", "GB·day"};

}  // namespace

Economy random_economy(const RandomEconomySpec& spec) {
    SplitMix64 rng{spec.seed};
    Economy e;
    for (std::size_t j = 0; j < spec.resources; ++j) {
        const std::size_t k = j % std::size(names);
        const std::string suffix = j < std::size(names) ? "" : std::to_string(j / std::size(names));
        e.resources.push_back({names[k] + suffix, units[k]});
    }
    const std::size_t width = std::to_string(spec.members).size();
    for (std::size_t i = 0; i < spec.members; ++i) {
        Member m;
        std::string number = std::to_string(i);
        m.id = "m" + std::string(width - number.size(), '0') + number;
        m.share = spec.equal_shares ? 0 : static_cast<std::uint64_t>(rng.between(1, 100));
        for (std::size_t j = 0; j < spec.resources; ++j) {
            // The first two members make sure every resource has an offer and a request.
            const bool offers = i == 0 || rng.chance(7);
            const bool requests = i == 1 || (spec.members == 1 && i == 0) || rng.chance(7);
            Quantity cap = 0;
            Schedule offer, request;
            if (offers) {
                cap = rng.between(10, 1000);
                const Price low = rng.between(200'000, 1'000'000);
                const Price high = low * rng.between(20, 50) / 10;
                offer = Schedule::ramp(low, 0, high, cap);
            }
            if (requests) {
                const Quantity want = rng.between(10, 1000);
                const Price low = rng.between(200'000, 1'000'000);
                const Price high = low * rng.between(30, 80) / 10;
                request = Schedule::ramp(low, want, high, 0);
            }
            m.capacity.push_back(cap);
            m.offers.push_back(std::move(offer));
            m.requests.push_back(std::move(request));
        }
        e.members.push_back(std::move(m));
    }
    return e;
}

}  // namespace coop::plan
