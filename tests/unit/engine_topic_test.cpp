// Topics on the DHT through coop::agent::Engine: engines in private mode on
// loopback (127.0.0.31 and up), in one io_context, form a DHT of their own:
// each is given the one before it as its DHT bootstrap node.
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/agent/engine/engine.hpp"
#include "run_until.hpp"

namespace {

using namespace std::chrono_literals;
using coop::Endpoint;
using coop::agent::Engine;
using coop::agent::EngineConfig;

const std::string topic = "3fa9c2d1e0b7a6958473625140abcdef01234567";
const std::string nobodys_topic = "00112233445566778899aabbccddeeff00112233";

// What one lookup brought.
struct Lookup {
    std::vector<Endpoint> found;
    int calls = 0;
    bool done = false;
    bool has(const Endpoint& e) const {
        for (const auto& f : found)
            if (f.address == e.address && f.port == e.port) return true;
        return false;
    }
};

class EngineTopicTest : public ::testing::Test {
protected:
    template <class Done>
    bool run_until(Done done, std::chrono::milliseconds limit) {
        return coop::test::run_until(io_, done, limit);
    }

    // A private engine on 127.0.0.N, bootstrapping from `peer` if given.
    Engine& engine(int n, const Endpoint* peer = nullptr) {
        EngineConfig config;
        config.listen = {"127.0.0." + std::to_string(n), 0};
        config.no_public = true;
        if (peer) config.peers.push_back(*peer);
        engines_.push_back(std::make_unique<Engine>(io_, config, coop::agent::EngineEvents{}));
        Engine& e = *engines_.back();
        bool ready = false;
        std::string error;
        e.start([&](const std::string& why) {
            ready = true;
            error = why;
        });
        EXPECT_TRUE(run_until([&] { return ready; }, 10s)) << "no listen socket";
        EXPECT_EQ(error, "");
        return e;
    }

    std::shared_ptr<Lookup> lookup(Engine& e, const std::string& t) {
        auto out = std::make_shared<Lookup>();
        e.lookup_topic(
            t,
            [out](std::vector<Endpoint> endpoints) {
                EXPECT_FALSE(out->done) << "found after done";
                ++out->calls;
                for (auto& ep : endpoints) out->found.push_back(std::move(ep));
            },
            [out] {
                EXPECT_FALSE(out->done) << "done twice";
                out->done = true;
            });
        return out;
    }

    // The announcer and the finder; with `middle`, a node between them, so
    // the finder knows only the middle node at first.
    void form_dht(bool middle) {
        announcer_ = &engine(31);
        const Endpoint a = announcer_->listen_endpoint();
        Endpoint before = a;
        if (middle) {
            middle_ = &engine(32, &a);
            before = middle_->listen_endpoint();
        }
        finder_ = &engine(33, &before);
        ASSERT_TRUE(run_until([&] { return finder_->dht_nodes() >= 1 && announcer_->dht_nodes() >= 1; }, 60s))
            << "the DHT did not form: nodes " << announcer_->dht_nodes() << " and " << finder_->dht_nodes();
    }

    // Looks up `t` from the finder again and again (the announce may reach
    // the DHT after the first lookups), until one finds `wanted`; that one
    // is the last.
    bool find(const std::string& t, const Endpoint& wanted) {
        auto found = [&] {
            for (const auto& l : lookups_)
                if (l->has(wanted)) return true;
            if (lookups_.empty() || lookups_.back()->done) lookups_.push_back(lookup(*finder_, t));
            return false;
        };
        return run_until(found, 60s);
    }

    boost::asio::io_context io_;
    std::vector<std::unique_ptr<Engine>> engines_;
    std::vector<std::shared_ptr<Lookup>> lookups_;
    Engine* announcer_ = nullptr;
    Engine* middle_ = nullptr;
    Engine* finder_ = nullptr;
};

TEST_F(EngineTopicTest, ALookupFindsWhoAnnouncedTheTopic) {
    form_dht(false);
    announcer_->announce_topic(topic, 45678);
    const Endpoint wanted{announcer_->listen_endpoint().address, 45678};
    ASSERT_TRUE(find(topic, wanted)) << "no lookup found " << wanted.to_string() << " in " << lookups_.size()
                                     << " tries";
    const auto& hit = *lookups_.back();
    ASSERT_TRUE(run_until([&] { return hit.done; }, 60s)) << "the lookup never ended";
    std::set<std::string> distinct;
    for (const auto& e : hit.found) distinct.insert(e.to_string());
    EXPECT_EQ(distinct.size(), hit.found.size()) << "an endpoint came twice in one lookup";

    // The announcer's own lookup leaves itself out.
    auto own = lookup(*announcer_, topic);
    ASSERT_TRUE(run_until([&] { return own->done; }, 60s));
    EXPECT_FALSE(own->has(wanted)) << "the announcer found itself";

    // Withdrawn: no error, and later lookups still end.
    announcer_->withdraw_topic(topic);
    auto after = lookup(*finder_, topic);
    ASSERT_TRUE(run_until([&] { return after->done; }, 60s));
}

TEST_F(EngineTopicTest, ALookupFindsTheAnnouncerThroughANodeBetween) {
    form_dht(true);
    announcer_->announce_topic(topic, 45678);
    const Endpoint wanted{announcer_->listen_endpoint().address, 45678};
    ASSERT_TRUE(find(topic, wanted)) << "no lookup found " << wanted.to_string() << " in " << lookups_.size()
                                     << " tries";
}

TEST_F(EngineTopicTest, ATopicNobodyAnnouncedFindsNothingAndEnds) {
    form_dht(false);
    announcer_->announce_topic(topic, 45678);  // some other topic is there
    auto l = lookup(*finder_, nobodys_topic);
    ASSERT_TRUE(run_until([&] { return l->done; }, 60s)) << "done was never called";
    EXPECT_TRUE(l->found.empty()) << l->found.front().to_string();
    EXPECT_EQ(l->calls, 0);
}

TEST_F(EngineTopicTest, ALookupWithoutDhtNodesEnds) {
    Engine& alone = engine(34);
    auto l = lookup(alone, nobodys_topic);
    ASSERT_TRUE(run_until([&] { return l->done; }, 60s));
    EXPECT_TRUE(l->found.empty());
}

TEST_F(EngineTopicTest, TopicsAreFortyHexDigits) {
    Engine& e = engine(35);
    EXPECT_THROW(e.announce_topic("abc", 1), std::invalid_argument);
    EXPECT_THROW(e.announce_topic(std::string(40, 'g'), 1), std::invalid_argument);
    EXPECT_THROW(e.withdraw_topic(topic + "00"), std::invalid_argument);
    EXPECT_THROW(e.lookup_topic("", [](std::vector<Endpoint>) {}), std::invalid_argument);
    EXPECT_NO_THROW(e.announce_topic("3FA9C2D1E0B7A6958473625140ABCDEF01234567", 1)) << "either case";
}

}  // namespace
