// The agent's SQLite store (core/store/store.hpp), on a real file.
#include "core/store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "tests/unit/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using coop::testing::TempDir;

class StoreTest : public ::testing::Test {
protected:
    TempDir dir;
    fs::path file = dir.path() / "coop.db";
};

coop::Transfer transfer(const std::string& id, std::int64_t added_at) {
    coop::Transfer t;
    t.id = id;
    t.info_hash = id + std::string(64 - id.size(), '0');
    t.role = coop::Transfer::Role::fetch;
    t.name = "name-" + id;
    t.save_path = "/downloads";
    t.magnet = "magnet:?xt=urn:btmh:1220" + t.info_hash;
    t.added_at = added_at;
    return t;
}

coop::Transfer share(const std::string& id, const std::string& source, std::int64_t added_at) {
    auto t = transfer(id, added_at);
    t.role = coop::Transfer::Role::share;
    t.source_path = source;
    t.save_path = fs::path(source).parent_path().string();
    return t;
}

std::vector<std::string> ids(const std::vector<coop::Transfer>& v) {
    std::vector<std::string> out;
    for (const auto& t : v) out.push_back(t.id);
    return out;
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return 0xffff;
    return st.st_mode & 07777;
}

TEST_F(StoreTest, IdentityIsMadeOnceAndKeptAcrossReopen) {
    std::string peer;
    coop::Identity::PublicKey key{};
    {
        coop::Store store(file);
        const auto first = store.identity();
        peer = first.peer_id();
        key = first.public_key();
        EXPECT_EQ(store.identity().peer_id(), peer) << "a second call made a new identity";
    }
    coop::Store reopened(file);
    const auto again = reopened.identity();
    EXPECT_EQ(again.peer_id(), peer);
    EXPECT_EQ(again.public_key(), key);
    // The kept secret still signs for the kept public key.
    EXPECT_TRUE(coop::Identity::verify(key, "m", again.sign("m")));
}

TEST_F(StoreTest, DifferentFilesHaveDifferentIdentities) {
    coop::Store a(file);
    coop::Store b(dir.path() / "other.db");
    EXPECT_NE(a.identity().peer_id(), b.identity().peer_id());
}

TEST_F(StoreTest, PutAndGet) {
    coop::Store store(file);
    EXPECT_EQ(store.get("settings"), std::nullopt);
    store.put("settings", R"({"listen":"127.0.0.1:6881"})");
    EXPECT_EQ(store.get("settings"), R"({"listen":"127.0.0.1:6881"})");
    store.put("settings", "replaced");
    EXPECT_EQ(store.get("settings"), "replaced");
    EXPECT_EQ(store.get("Settings"), std::nullopt);
}

TEST_F(StoreTest, PutKeepsBinaryAndEmptyValues) {
    coop::Store store(file);
    const std::string binary("\0\x01\xff\0tail", 8);
    store.put("blob", binary);
    store.put("empty", "");
    EXPECT_EQ(store.get("blob"), binary);
    ASSERT_TRUE(store.get("empty").has_value());
    EXPECT_EQ(*store.get("empty"), "");
}

TEST_F(StoreTest, SaveAndByIdKeepEveryField) {
    coop::Store store(file);
    coop::Transfer t = share("0123456789abcdef", "/home/u/Videos/film.mkv", 1700000000);
    t.name = "film.mkv";
    t.torrent = std::string("d4:info\0\xff" "e", 10);
    t.resume = std::string("\0resume\0", 8);
    t.size = 5'000'000'000;
    t.state = coop::Transfer::State::complete;
    t.seed = false;
    t.completed_at = 1700000100;
    store.save(t);

    const auto got = store.by_id(t.id);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->id, t.id);
    EXPECT_EQ(got->info_hash, t.info_hash);
    EXPECT_EQ(got->role, coop::Transfer::Role::share);
    EXPECT_EQ(got->name, "film.mkv");
    EXPECT_EQ(got->source_path, "/home/u/Videos/film.mkv");
    EXPECT_EQ(got->save_path, "/home/u/Videos");
    EXPECT_EQ(got->magnet, t.magnet);
    EXPECT_EQ(got->torrent, t.torrent);
    EXPECT_EQ(got->resume, t.resume);
    EXPECT_EQ(got->size, 5'000'000'000);
    EXPECT_EQ(got->state, coop::Transfer::State::complete);
    EXPECT_FALSE(got->seed);
    EXPECT_EQ(got->added_at, 1700000000);
    EXPECT_EQ(got->completed_at, 1700000100);

    EXPECT_EQ(store.by_id("0123456789abcdee"), std::nullopt);
    EXPECT_EQ(store.by_id("0123456789abcde"), std::nullopt) << "by_id must not match a prefix";
}

TEST_F(StoreTest, SaveReplacesById) {
    coop::Store store(file);
    auto t = transfer("aaaaaaaaaaaaaaaa", 1);
    store.save(t);
    t.name = "renamed";
    t.state = coop::Transfer::State::paused;
    store.save(t);
    ASSERT_EQ(store.all().size(), 1u);
    EXPECT_EQ(store.by_id(t.id)->name, "renamed");
    EXPECT_EQ(store.by_id(t.id)->state, coop::Transfer::State::paused);
}

TEST_F(StoreTest, EveryStateAndRoleRoundTrips) {
    coop::Store store(file);
    using S = coop::Transfer::State;
    int n = 0;
    for (S state : {S::active, S::paused, S::complete, S::stopped}) {
        for (auto role : {coop::Transfer::Role::share, coop::Transfer::Role::fetch}) {
            auto t = transfer(std::string(15, 'a') + std::to_string(n), n);
            ++n;
            t.state = state;
            t.role = role;
            store.save(t);
            const auto got = store.by_id(t.id);
            ASSERT_TRUE(got);
            EXPECT_EQ(got->state, state) << coop::to_string(state);
            EXPECT_EQ(got->role, role) << coop::to_string(role);
        }
    }
}

TEST_F(StoreTest, ByIdPrefix) {
    coop::Store store(file);
    store.save(transfer("abc0000000000001", 3));
    store.save(transfer("abc0000000000002", 2));
    store.save(transfer("abd0000000000003", 1));
    EXPECT_EQ(ids(store.by_id_prefix("abc")), (std::vector<std::string>{"abc0000000000002", "abc0000000000001"}));
    EXPECT_EQ(ids(store.by_id_prefix("abd")), (std::vector<std::string>{"abd0000000000003"}));
    EXPECT_EQ(ids(store.by_id_prefix("abc0000000000001")), (std::vector<std::string>{"abc0000000000001"}));
    EXPECT_TRUE(store.by_id_prefix("abe").empty());
    EXPECT_TRUE(store.by_id_prefix("abc00000000000010").empty());
    // Prefixes are literal text, not LIKE or GLOB patterns.
    EXPECT_TRUE(store.by_id_prefix("a_c").empty());
    EXPECT_TRUE(store.by_id_prefix("a%").empty());
    EXPECT_TRUE(store.by_id_prefix("a*").empty());
    EXPECT_TRUE(store.by_id_prefix("ABC").empty());
}

TEST_F(StoreTest, BySourcePathFindsSharesOnly) {
    coop::Store store(file);
    store.save(share("1111111111111111", "/data/a", 1));
    auto fetched = transfer("2222222222222222", 2);
    fetched.source_path = "/data/b";  // not a share: never found by source path
    store.save(fetched);
    store.save(transfer("3333333333333333", 3));  // no source path at all

    const auto a = store.by_source_path("/data/a");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a.front().id, "1111111111111111");
    EXPECT_TRUE(store.by_source_path("/data/b").empty());
    EXPECT_TRUE(store.by_source_path("/data").empty());
    EXPECT_TRUE(store.by_source_path("").empty());
}

TEST_F(StoreTest, EmptySourcePathReadsBackEmpty) {
    coop::Store store(file);
    store.save(transfer("3333333333333333", 3));
    EXPECT_EQ(store.by_id("3333333333333333")->source_path, "");
    EXPECT_EQ(store.by_id("3333333333333333")->torrent, "");
    EXPECT_EQ(store.by_id("3333333333333333")->resume, "");
}

TEST_F(StoreTest, AllIsOrderedByAddedTimeThenId) {
    coop::Store store(file);
    EXPECT_TRUE(store.all().empty());
    store.save(transfer("cccccccccccccccc", 20));
    store.save(transfer("bbbbbbbbbbbbbbbb", 10));
    store.save(transfer("aaaaaaaaaaaaaaaa", 20));
    EXPECT_EQ(ids(store.all()),
              (std::vector<std::string>{"bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa", "cccccccccccccccc"}));
}

TEST_F(StoreTest, SummaryHasEverythingButTheBlobs) {
    coop::Store store(file);
    auto t = share("aaaaaaaaaaaaaaaa", "/data/a", 5);
    t.resume = "resume";
    t.torrent = "torrent";
    t.size = 1234;
    store.save(t);
    const auto got = store.summary(t.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->name, t.name);
    EXPECT_EQ(got->source_path, "/data/a");
    EXPECT_EQ(got->size, 1234);
    EXPECT_EQ(got->role, coop::Transfer::Role::share);
    EXPECT_TRUE(got->resume.empty());
    EXPECT_TRUE(got->torrent.empty());
    EXPECT_FALSE(store.summary("bbbbbbbbbbbbbbbb"));
    EXPECT_EQ(store.by_id(t.id)->resume, "resume");  // the blobs are still there
}

TEST_F(StoreTest, SaveResumeChangesOnlyTheResumeData) {
    coop::Store store(file);
    auto t = transfer("aaaaaaaaaaaaaaaa", 1);
    t.resume = "old";
    t.torrent = "torrent";
    store.save(t);
    const std::string resume("d6:pieces\0\xff" "e", 12);
    store.save_resume(t.id, resume);
    const auto got = store.by_id(t.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->resume, resume);
    EXPECT_EQ(got->torrent, "torrent");
    EXPECT_EQ(got->name, t.name);
    // An unknown id is not an error and creates nothing.
    store.save_resume("ffffffffffffffff", "x");
    EXPECT_EQ(store.all().size(), 1u);
}

TEST_F(StoreTest, SetState) {
    coop::Store store(file);
    const auto t = transfer("aaaaaaaaaaaaaaaa", 1);
    store.save(t);
    store.set_state(t.id, coop::Transfer::State::paused);
    EXPECT_EQ(store.by_id(t.id)->state, coop::Transfer::State::paused);
    EXPECT_EQ(store.by_id(t.id)->completed_at, 0);

    store.set_state(t.id, coop::Transfer::State::complete, 1700000123);
    EXPECT_EQ(store.by_id(t.id)->state, coop::Transfer::State::complete);
    EXPECT_EQ(store.by_id(t.id)->completed_at, 1700000123);

    // Stopping a completed transfer keeps when it completed.
    store.set_state(t.id, coop::Transfer::State::stopped);
    EXPECT_EQ(store.by_id(t.id)->state, coop::Transfer::State::stopped);
    EXPECT_EQ(store.by_id(t.id)->completed_at, 1700000123);

    store.set_state("ffffffffffffffff", coop::Transfer::State::paused);
    EXPECT_EQ(store.all().size(), 1u);
}

TEST_F(StoreTest, Remove) {
    coop::Store store(file);
    store.save(transfer("aaaaaaaaaaaaaaaa", 1));
    store.save(transfer("bbbbbbbbbbbbbbbb", 2));
    store.remove("aaaaaaaaaaaaaaaa");
    EXPECT_EQ(store.by_id("aaaaaaaaaaaaaaaa"), std::nullopt);
    EXPECT_EQ(ids(store.all()), (std::vector<std::string>{"bbbbbbbbbbbbbbbb"}));
    store.remove("aaaaaaaaaaaaaaaa");  // removing twice is harmless
    store.remove("bbbb");              // not a prefix match
    EXPECT_EQ(store.all().size(), 1u);
}

TEST_F(StoreTest, DataSurvivesReopening) {
    {
        coop::Store store(file);
        store.put("settings", "kept");
        auto t = share("aaaaaaaaaaaaaaaa", "/data/a", 1);
        store.save(t);
        store.save(transfer("bbbbbbbbbbbbbbbb", 2));
        store.save_resume("aaaaaaaaaaaaaaaa", "resume");
        store.set_state("bbbbbbbbbbbbbbbb", coop::Transfer::State::complete, 99);
        store.save(transfer("cccccccccccccccc", 3));
        store.remove("cccccccccccccccc");
    }
    coop::Store store(file);
    EXPECT_EQ(store.get("settings"), "kept");
    EXPECT_EQ(ids(store.all()), (std::vector<std::string>{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}));
    EXPECT_EQ(store.by_id("aaaaaaaaaaaaaaaa")->resume, "resume");
    ASSERT_EQ(store.by_source_path("/data/a").size(), 1u);
    EXPECT_EQ(store.by_source_path("/data/a").front().id, "aaaaaaaaaaaaaaaa");
    EXPECT_EQ(store.by_id("bbbbbbbbbbbbbbbb")->state, coop::Transfer::State::complete);
    EXPECT_EQ(store.by_id("bbbbbbbbbbbbbbbb")->completed_at, 99);
}

TEST_F(StoreTest, WritesAreVisibleToAnotherConnectionAtOnce) {
    // What the agent acknowledged is on disk, not in a cache of this object.
    coop::Store store(file);
    store.put("k", "v");
    store.save(transfer("aaaaaaaaaaaaaaaa", 1));
    SQLite::Database other(file.string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(other.execAndGet("SELECT value FROM meta WHERE key='k'").getString(), "v");
    EXPECT_EQ(other.execAndGet("SELECT count(*) FROM transfers").getInt(), 1);
}

TEST_F(StoreTest, DatabaseIsInWalMode) {
    {
        coop::Store store(file);
        store.put("k", "v");
        EXPECT_TRUE(fs::exists(dir.path() / "coop.db-wal")) << "no write-ahead log next to the database";
        SQLite::Database other(file.string(), SQLite::OPEN_READONLY);
        EXPECT_EQ(other.execAndGet("PRAGMA journal_mode").getString(), "wal");
    }
    // WAL is a property of the file: it holds for whoever opens it next.
    SQLite::Database later(file.string(), SQLite::OPEN_READWRITE);
    EXPECT_EQ(later.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST_F(StoreTest, FilesAreReadableByTheOwnerOnly) {
    coop::Store store(file);
    store.identity();
    EXPECT_EQ(mode_of(file), 0600u);
    ASSERT_TRUE(fs::exists(dir.path() / "coop.db-wal"));
    // The log holds the same secrets as the database.
    EXPECT_EQ(mode_of(dir.path() / "coop.db-wal"), 0600u);
}

TEST_F(StoreTest, ReopeningTightensAWideMode) {
    { coop::Store store(file); }
    ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
    coop::Store store(file);
    EXPECT_EQ(mode_of(file), 0600u);
}

TEST_F(StoreTest, RefusesADatabaseFromANewerCoop) {
    {
        coop::Store store(file);
        store.put("k", "v");
    }
    {
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version=99");
    }
    try {
        coop::Store store(file);
        FAIL() << "opened a schema-99 database";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("newer coop"), std::string::npos) << e.what();
    }
}

TEST(TransferNames, RolesAndStatesReadAsWords) {
    EXPECT_STREQ(coop::to_string(coop::Transfer::Role::share), "share");
    EXPECT_STREQ(coop::to_string(coop::Transfer::Role::fetch), "fetch");
    EXPECT_STREQ(coop::to_string(coop::Transfer::State::active), "active");
    EXPECT_STREQ(coop::to_string(coop::Transfer::State::paused), "paused");
    EXPECT_STREQ(coop::to_string(coop::Transfer::State::complete), "complete");
    EXPECT_STREQ(coop::to_string(coop::Transfer::State::stopped), "stopped");
}

}  // namespace
