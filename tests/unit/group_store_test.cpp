// Group events and records in the agent's SQLite file
// (core/group/event_store.hpp), on a real file.
#include "core/group/event_store.hpp"

#include <gtest/gtest.h>

#include "core/group/body.hpp"
#include "core/group/fold.hpp"
#include "core/group/log.hpp"
#include "core/store/store.hpp"
#include "tests/unit/temp_dir.hpp"

namespace {

using coop::Identity;
using coop::group::Event;
using coop::group::EventStore;
using coop::group::GroupLog;
using coop::group::GroupRecord;
using coop::group::Id;
using coop::group::Kind;
using coop::group::Membership;

class GroupStoreTest : public ::testing::Test {
protected:
    coop::testing::TempDir dir;
    std::filesystem::path file = dir.path() / "coop.db";
};

// A small history with a join, chat and a share, in the order accepted.
std::vector<Event> history(GroupLog& log, const Identity& founder, int posts) {
    std::vector<Event> out{*log.get(log.group())};
    const Identity alice = Identity::generate();
    auto append = [&](const Identity& who, Kind kind, std::string body) {
        const auto next = log.next_for(who.public_key(), 0);
        out.push_back(coop::group::make_event(who, log.group(), next.seq, next.time_ms, kind, next.parents, std::move(body)));
        EXPECT_TRUE(log.add(out.back()).accepted());
    };
    append(alice, Kind::join, "{}");
    for (int i = 0; i < posts; ++i)
        append(i % 2 ? alice : founder, Kind::post, coop::group::to_body(coop::group::PostBody{"post " + std::to_string(i)}));
    coop::group::ShareBody s;
    s.magnet = "magnet:?xt=urn:btih:" + std::string(40, '1');
    s.title = "Film";
    append(alice, Kind::share, coop::group::to_body(s));
    return out;
}

GroupLog founded(const Identity& founder) {
    const Event genesis = coop::group::make_genesis(
        founder, 1000, coop::group::to_body(coop::group::GenesisBody{"club", "", {"film"}, true}));
    GroupLog log(genesis.id());
    EXPECT_TRUE(log.add(genesis).accepted());
    return log;
}

TEST_F(GroupStoreTest, ReopenedFileRebuildsTheSameState) {
    const Identity founder = Identity::generate();
    GroupLog log = founded(founder);
    const auto events = history(log, founder, 10);
    const std::string expected = coop::group::fold(log).to_json().dump();
    {
        coop::Store store(file);
        EventStore events_store(store.database());
        for (const auto& e : events) EXPECT_TRUE(events_store.save(log.group(), e));
    }
    coop::Store store(file);
    EventStore reopened(store.database());
    const auto loaded = reopened.load(log.group());
    EXPECT_EQ(loaded, events) << "arrival order, every byte";
    GroupLog rebuilt(log.group());
    for (const auto& e : loaded) EXPECT_TRUE(rebuilt.add(e).accepted());
    EXPECT_EQ(coop::group::fold(rebuilt).to_json().dump(), expected);
}

TEST_F(GroupStoreTest, SavingTwiceKeepsOneCopy) {
    const Identity founder = Identity::generate();
    GroupLog log = founded(founder);
    const auto events = history(log, founder, 2);
    coop::Store store(file);
    EventStore s(store.database());
    EXPECT_TRUE(s.save(log.group(), events[0]));
    EXPECT_FALSE(s.save(log.group(), events[0]));
    EXPECT_EQ(s.save_all(log.group(), events), events.size() - 1);
    EXPECT_EQ(s.save_all(log.group(), events), 0u);
    EXPECT_EQ(s.count(log.group()), events.size());
    EXPECT_EQ(s.load(log.group()), events);
}

TEST_F(GroupStoreTest, SaveLeavesTheConnectionsSyncSettingAsItWas) {
    const Identity founder = Identity::generate();
    GroupLog log = founded(founder);
    coop::Store store(file);
    EventStore s(store.database());
    const int before = store.database().execAndGet("PRAGMA synchronous").getInt();
    s.save(log.group(), *log.get(log.group()));
    EXPECT_EQ(store.database().execAndGet("PRAGMA synchronous").getInt(), before);
    EXPECT_EQ(store.database().execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST_F(GroupStoreTest, GroupsAreKeptApart) {
    const Identity a = Identity::generate();
    const Identity b = Identity::generate();
    GroupLog first = founded(a);
    GroupLog second = founded(b);
    const auto first_events = history(first, a, 3);
    const auto second_events = history(second, b, 1);
    coop::Store store(file);
    EventStore s(store.database());
    // Interleaved saves: each group still loads in its own arrival order.
    for (std::size_t i = 0; i < std::max(first_events.size(), second_events.size()); ++i) {
        if (i < second_events.size()) s.save(second.group(), second_events[i]);
        if (i < first_events.size()) s.save(first.group(), first_events[i]);
    }
    EXPECT_EQ(s.load(first.group()), first_events);
    EXPECT_EQ(s.load(second.group()), second_events);
    Id none;
    none.fill(9);
    EXPECT_TRUE(s.load(none).empty());
}

TEST_F(GroupStoreTest, GroupRecordsRoundTripAndRemoveTakesTheEvents) {
    const Identity founder = Identity::generate();
    GroupLog log = founded(founder);
    const auto events = history(log, founder, 1);
    Id other;
    other.fill(0x11);
    {
        coop::Store store(file);
        EventStore s(store.database());
        s.save_all(log.group(), events);
        GroupRecord r;
        r.group = log.group();
        r.name = "club";
        r.status = Membership::member;
        r.joined_ms = 1000;
        r.settings = {{"auto_fetch", true}, {"tags", {"film"}}};
        s.put_group(r);
        s.put_group(GroupRecord{other, "another", Membership::joining, 0, nlohmann::json::object()});
    }
    coop::Store store(file);
    EventStore s(store.database());
    const auto r = s.group(log.group());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->name, "club");
    EXPECT_EQ(r->status, Membership::member);
    EXPECT_EQ(r->joined_ms, 1000);
    EXPECT_EQ(r->settings["auto_fetch"], true);
    ASSERT_EQ(s.groups().size(), 2u);
    EXPECT_EQ(s.groups()[0].name, "another");
    EXPECT_EQ(s.groups()[1].name, "club");

    auto left = *r;
    left.status = Membership::left;
    s.put_group(left);
    EXPECT_EQ(s.group(log.group())->status, Membership::left);

    s.remove_group(log.group());
    EXPECT_FALSE(s.group(log.group()));
    EXPECT_TRUE(s.load(log.group()).empty());
    EXPECT_EQ(s.groups().size(), 1u);
    EXPECT_STREQ(coop::group::to_string(Membership::joining), "joining");
}

TEST_F(GroupStoreTest, ADamagedRowIsReportedNotSkipped) {
    const Identity founder = Identity::generate();
    GroupLog log = founded(founder);
    coop::Store store(file);
    EventStore s(store.database());
    s.save(log.group(), *log.get(log.group()));
    store.database().exec("UPDATE group_events SET raw = x'01'");
    try {
        s.load(log.group());
        FAIL() << "load accepted a damaged event";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("is damaged (event truncated)"), std::string::npos) << e.what();
    }
}

TEST_F(GroupStoreTest, TablesLiveBesideTheStoresOwn) {
    coop::Store store(file);
    EventStore s(store.database());
    EventStore again(store.database());  // creating the tables twice is fine
    store.put("k", "v");
    EXPECT_EQ(store.get("k"), "v");
    EXPECT_TRUE(s.groups().empty());
}

}  // namespace
