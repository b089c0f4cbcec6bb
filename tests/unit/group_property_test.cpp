// Random groups, delivered in random orders: every member ends with every
// event and the same state, byte for byte (core/group/log.hpp,
// pending_pool.hpp, fold.hpp). Seeded, so a failure replays.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/group/body.hpp"
#include "core/group/fold.hpp"
#include "core/group/invite.hpp"
#include "core/group/log.hpp"
#include "core/group/pending_pool.hpp"

namespace {

using coop::Identity;
using coop::group::Event;
using coop::group::GroupLog;
using coop::group::Id;
using coop::group::Invite;
using coop::group::Kind;
using coop::group::to_body;

Identity seeded_identity(std::mt19937& rng) {
    unsigned char seed[crypto_sign_SEEDBYTES];
    for (auto& b : seed) b = static_cast<unsigned char>(rng());
    Identity::PublicKey pk{};
    Identity::SecretKey sk{};
    crypto_sign_seed_keypair(pk.data(), sk.data(), seed);
    return Identity::from_secret(sk);
}

// One random history: 3-6 people, posts, shares, retracts, joins with and
// without invites, leaves, unknown kinds, and (if allowed) one fork, each
// event naming its author's previous one and a few recent others.
class RandomGroup {
public:
    RandomGroup(std::uint32_t seed, bool forks) : rng_(seed), forks_(forks) {
        const int people = 3 + static_cast<int>(rng_() % 4);
        for (int i = 0; i < people; ++i) people_.push_back(seeded_identity(rng_));
        const bool open = seed % 2;  // odd seeds open, even seeds closed
        const Event genesis =
            coop::group::make_genesis(people_[0], 1'000, to_body(coop::group::GenesisBody{"random", "", {"t"}, open}));
        log_ = std::make_unique<GroupLog>(genesis.id());
        add(0, genesis);
        const int count = 200 + static_cast<int>(rng_() % 301);
        while (static_cast<int>(events_.size()) < count) step();
        for (std::size_t p = 0; forks_ && !forked_ && p < people_.size(); ++p) fork_once(p);
    }

    const std::vector<Event>& events() const { return events_; }
    const GroupLog& log() const { return *log_; }
    std::mt19937& rng() { return rng_; }

private:
    // False when a closed group's log refused a non-member's event: then it
    // never happened.
    bool add(std::size_t person, const Event& e) {
        const auto r = log_->add(e);
        if (r.cause == coop::group::AddResult::Reason::not_member) return false;
        EXPECT_TRUE(r.accepted()) << r.reason;
        events_.push_back(e);
        if (chains_.size() < people_.size()) chains_.resize(people_.size());
        auto& chain = chains_[person];
        if (e.seq <= chain.size()) chain[e.seq - 1] = r.id;  // a fork: go on from the new side
        else chain.push_back(r.id);
        return true;
    }

    // A few recent events by others: what this author happened to know.
    std::vector<Id> others(std::size_t person, int count) {
        std::vector<Id> out;
        const std::size_t window = std::min<std::size_t>(30, events_.size());
        for (int k = 0; k < count; ++k) {
            const Event& e = events_[events_.size() - 1 - rng_() % window];
            if (e.author != people_[person].public_key()) out.push_back(e.id());
        }
        return out;
    }

    Event make(std::size_t person, std::uint64_t seq, std::vector<Id> parents, Kind kind, std::string body) {
        std::int64_t time = 0;
        for (const auto& p : parents) time = std::max(time, log_->get(p)->time_ms);
        time += static_cast<std::int64_t>(rng_() % 3);  // 0 too: equal times are allowed
        return coop::group::make_event(people_[person], log_->group(), seq, time, kind, std::move(parents),
                                       std::move(body));
    }

    void fork_once(std::size_t person) {
        auto& chain = chains_[person];
        if (chain.size() < 2) return;
        std::vector<Id> parents = others(person, 2);
        parents.push_back(chain[chain.size() - 2]);
        forked_ = add(person, make(person, chain.size(), parents, Kind::post, to_body(coop::group::PostBody{"the other side"})));
    }

    void step() {
        const std::size_t person = rng_() % people_.size();
        if (chains_.size() < people_.size()) chains_.resize(people_.size());
        if (forks_ && !forked_ && chains_[person].size() >= 2 && rng_() % 60 == 0) return fork_once(person);

        // Mostly the founder's: a member's invites are the ones that work.
        if (rng_() % 6 == 0) new_invite(rng_() % 2 ? 0 : person);
        std::vector<Id> parents = others(person, static_cast<int>(rng_() % 4));
        if (!chains_[person].empty()) parents.push_back(chains_[person].back());
        if (parents.empty()) parents.push_back(log_->group());
        auto [kind, body] = random_body();
        // The founder stays, so closed groups keep someone whose invites work.
        if (kind == Kind::leave && person == 0) body = to_body(coop::group::PostBody{"staying"}), kind = Kind::post;
        const Event e = make(person, chains_[person].size() + 1, parents, kind, body);
        if (add(person, e) && kind == Kind::share) shares_.push_back(e.id());
    }

    void new_invite(std::size_t person) {
        Invite i;
        i.group = rng_() % 20 ? log_->group() : Id{};  // now and then, for some other group
        for (auto& b : i.nonce) b = static_cast<std::uint8_t>(rng_());
        const std::int64_t now = events_.back().time_ms;
        i.expires_ms = rng_() % 3 ? 0 : now + static_cast<std::int64_t>(rng_() % 40);
        i.single_use = rng_() % 2;
        coop::group::sign_invite(i, people_[person]);
        invites_.push_back(i);
    }

    std::pair<Kind, std::string> random_body() {
        const unsigned roll = rng_() % 100;
        if (roll < 25) {
            const std::size_t size = rng_() % 20 ? 1 + rng_() % 60 : coop::group::max_post_bytes + 1;
            return {Kind::post, to_body(coop::group::PostBody{std::string(size, static_cast<char>('a' + rng_() % 26))})};
        }
        if (roll < 40) {
            coop::group::ShareBody s;
            s.magnet = "magnet:?xt=urn:btih:" + std::to_string(rng_());
            s.title = rng_() % 10 ? "title " + std::to_string(rng_()) : "";  // "" is malformed
            s.tags = {"t" + std::to_string(rng_() % 5)};
            s.size = static_cast<std::int64_t>(rng_());
            return {Kind::share, to_body(s)};
        }
        if (roll < 50 && !shares_.empty())
            return {Kind::retract, to_body(coop::group::RetractBody{shares_[rng_() % shares_.size()]})};
        if (roll < 68) {
            coop::group::JoinBody j;
            // Mostly recent invites: old ones have often expired or been used.
            const std::size_t recent = std::min<std::size_t>(invites_.size(), 4);
            if (recent && rng_() % 7) j.invite = invites_[invites_.size() - 1 - rng_() % recent];
            return {Kind::join, to_body(j)};
        }
        if (roll < 76) return {Kind::leave, "{}"};
        if (roll < 80) return {static_cast<Kind>(100 + rng_() % 60), R"({"future":true})"};
        if (roll < 83) return {Kind::remove, "{}"};
        if (roll < 86) return {Kind::post, "garbage \xff"};
        return {Kind::post, to_body(coop::group::PostBody{"hello"})};
    }

    std::mt19937 rng_;
    bool forks_;
    bool forked_ = false;
    std::vector<Identity> people_;
    std::unique_ptr<GroupLog> log_;
    std::vector<Event> events_;
    std::vector<std::vector<Id>> chains_;  // per person: their event ids by seq - 1
    std::vector<Id> shares_;
    std::vector<Invite> invites_;
};

// The events in a random order with some sent twice.
std::vector<Event> delivery(const std::vector<Event>& events, std::mt19937& rng) {
    std::vector<Event> out = events;
    for (std::size_t i = 0; i < events.size() / 10; ++i) out.push_back(events[rng() % events.size()]);
    std::shuffle(out.begin(), out.end(), rng);
    return out;
}

TEST(GroupProperty, AnyDeliveryOrderGivesTheSameLogAndState) {
    for (std::uint32_t seed : {1u, 2u, 3u, 4u}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        RandomGroup world(seed, true);
        const std::string expected = coop::group::fold(world.log()).to_json().dump();
        const auto state = coop::group::fold(world.log());
        // The history exercised the rules, not only the transport.
        EXPECT_GE(state.members.size() + state.left.size(), 3u);
        EXPECT_FALSE(state.chat.empty());
        EXPECT_FALSE(state.ignored.empty());
        if (!state.open) {
            EXPECT_FALSE(state.invites_used.empty());
        }
        EXPECT_EQ(state.equivocators.size(), 1u);
        EXPECT_EQ(world.log().equivocators().size(), 1u);

        for (int member = 0; member < 3; ++member) {
            GroupLog log(world.log().group());
            coop::group::PendingPool pool;
            for (const auto& e : delivery(world.events(), world.rng())) {
                const auto offer = pool.offer(log, e);
                EXPECT_NE(offer.result.status, coop::group::AddResult::Status::rejected) << offer.result.reason;
                EXPECT_TRUE(offer.refused.empty());
            }
            EXPECT_EQ(log.size(), world.events().size());
            EXPECT_EQ(pool.size(), 0u);
            EXPECT_EQ(log.heads(), world.log().heads());
            EXPECT_EQ(log.frontier(), world.log().frontier());
            EXPECT_EQ(log.canonical_order(), world.log().canonical_order());
            EXPECT_EQ(coop::group::fold(log).to_json().dump(), expected);
        }
    }
}

TEST(GroupProperty, FrontierSyncBringsAPeerUpToDate) {
    for (std::uint32_t seed : {11u, 12u}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        RandomGroup world(seed, false);
        const auto& all = world.events();
        GroupLog peer(world.log().group());
        for (std::size_t i = 0; i < all.size() / 2; ++i) ASSERT_TRUE(peer.add(all[i]).accepted());
        int rounds = 0;
        for (auto batch = world.log().after(peer.frontier(), 64); !batch.empty();
             batch = world.log().after(peer.frontier(), 64), ++rounds) {
            for (const auto& r : peer.add_all(batch)) EXPECT_TRUE(r.accepted()) << coop::group::to_string(r.status);
            ASSERT_LT(rounds, 100);
        }
        EXPECT_EQ(peer.size(), all.size());
        EXPECT_EQ(coop::group::fold(peer).to_json().dump(), coop::group::fold(world.log()).to_json().dump());
    }
}

}  // namespace
