// 10,000 events through SyncEngine (core/group/sync_engine.hpp): a chain
// and a wide DAG, batch by batch, with bounded frames and nothing in
// flight but a batch or two.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <random>
#include <set>

#include "tests/unit/group_sync_network.hpp"

namespace {

using namespace sync_test;

constexpr int history_events = 10'000;

std::unique_ptr<GroupLog> founded(const Identity& founder, Id& group) {
    const Event genesis = coop::group::make_genesis(founder, 10'000, genesis_body(true));
    group = genesis.id();
    auto log = std::make_unique<GroupLog>(group);
    EXPECT_TRUE(log->add(genesis).accepted());
    return log;
}

// One author, each event naming the previous one.
std::unique_ptr<GroupLog> chain() {
    const Identity author = Identity::generate();
    Id g{};
    auto log = founded(author, g);
    for (int i = 0; i < history_events; ++i) {
        const auto next = log->next_for(author.public_key(), 0);
        const Event e =
            coop::group::make_event(author, g, next.seq, next.time_ms, Kind::post, next.parents, R"({"text":"c"})");
        EXPECT_TRUE(log->add(e).accepted());
    }
    return log;
}

// 100 authors; each event names its author's previous one and up to three
// recent events by others, so heads stay many.
std::unique_ptr<GroupLog> wide() {
    std::vector<Identity> authors(100);
    for (auto& who : authors) who = Identity::generate();
    Id g{};
    auto log = founded(authors[0], g);
    struct Last {
        Id id{};
        std::uint64_t seq = 0;
    };
    std::vector<Last> last(authors.size());
    std::vector<std::pair<Id, std::size_t>> recent{{g, authors.size()}};  // id, author index
    std::mt19937 rng(11);
    std::int64_t time = 20'000;
    for (int i = 0; i < history_events; ++i) {
        const std::size_t who = rng() % authors.size();
        std::vector<Id> parents;
        std::set<std::size_t> by{who};
        if (last[who].seq) parents.push_back(last[who].id);
        for (int k = 0; k < 3; ++k) {
            const auto& [id, author] = recent[rng() % recent.size()];
            if (by.insert(author).second) parents.push_back(id);
        }
        const Event e =
            coop::group::make_event(authors[who], g, last[who].seq + 1, time++, Kind::post, parents, R"({"text":"w"})");
        EXPECT_TRUE(log->add(e).accepted());
        last[who] = {e.id(), e.seq};
        recent.emplace_back(e.id(), who);
        if (recent.size() > 64) recent.erase(recent.begin());
    }
    return log;
}

using History = std::shared_future<std::unique_ptr<GroupLog>>;

class GroupSyncLarge : public ::testing::Test {
protected:
    // Signing and checking 20,000 events is most of these tests' time, so
    // when both run, both histories are made at once, each on its thread.
    static void SetUpTestSuite() {
        const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
        int selected = 0;
        for (int i = 0; i < suite->total_test_count(); ++i) selected += suite->GetTestInfo(i)->should_run();
        if (selected < 2) return;
        start(chain_, chain);
        start(wide_, wide);
    }
    static void TearDownTestSuite() {
        for (History* h : {&chain_, &wide_})
            if (h->valid()) h->wait();
    }
    static void start(History& slot, std::unique_ptr<GroupLog> (*make)()) {
        if (!slot.valid()) slot = std::async(std::launch::async, make).share();
    }
    static const GroupLog& made(History& slot, std::unique_ptr<GroupLog> (*make)()) {
        start(slot, make);
        return *slot.get();
    }

    // The source holds the history; a newcomer subscribes, and it flows.
    void expect_bounded_transfer(const GroupLog& history) {
        Network net;
        Agent& from = net.add();
        const Id g = history.group();
        from.logs[g] = std::make_unique<GroupLog>(history);
        Agent& to = net.add();
        to.expect_group(g);
        const auto l = net.link(to, from, g);
        std::size_t most_in_flight = 0;
        std::size_t biggest_batch = 0;
        const std::size_t frames = net.drain([&](std::size_t n) {
            most_in_flight = std::max(most_in_flight, n);
            // EVENTS: type 4 | group[32] | flags | u16 count.
            for (const auto& s : from.outbox)
                if (s.frame.size() > 35 && s.frame[0] == static_cast<char>(msg::Type::events))
                    biggest_batch = std::max<std::size_t>(biggest_batch, static_cast<unsigned char>(s.frame[34]) << 8 |
                                                                             static_cast<unsigned char>(s.frame[35]));
        });
        ASSERT_EQ(to.size(g), history.size());
        EXPECT_EQ(to.logs.at(g)->heads(), history.heads());
        // The fold is a function of the canonical order (the five-member
        // test compares folds byte for byte); this is the cheaper check.
        EXPECT_TRUE(to.logs.at(g)->canonical_order() == history.canonical_order());
        // A batch answers each STATE: about two frames a batch, and never
        // more than a few in flight.
        EXPECT_LE(most_in_flight, 4u);
        EXPECT_EQ(biggest_batch, msg::max_batch_events);
        EXPECT_LE(frames, 2 * (history.size() / msg::max_batch_events + 1) + 8);
        EXPECT_EQ(to.engine->waiting(g), 0u);
        EXPECT_EQ(to.engine->counters().duplicates, 0u);
        EXPECT_EQ(to.engine->counters().events_in, history.size());
        EXPECT_EQ(to.stored.at(g).size(), history.size());
        EXPECT_TRUE(to.drops.empty());
        EXPECT_TRUE(from.drops.empty());
        EXPECT_TRUE(to.engine->subscribed(l.at_a, g));
    }

    static History chain_, wide_;
};

History GroupSyncLarge::chain_;
History GroupSyncLarge::wide_;

TEST_F(GroupSyncLarge, TenThousandEventsInAChain) {
    const GroupLog& history = made(chain_, chain);
    ASSERT_EQ(history.size(), history_events + 1u);
    ASSERT_EQ(history.heads().size(), 1u);
    expect_bounded_transfer(history);
}

TEST_F(GroupSyncLarge, TenThousandEventsInAWideDag) {
    const GroupLog& history = made(wide_, wide);
    ASSERT_EQ(history.size(), history_events + 1u);
    EXPECT_GT(history.heads().size(), 20u);
    expect_bounded_transfer(history);
}

}  // namespace
