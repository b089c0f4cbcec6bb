#include "core/store/store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sys/stat.h>

#include <stdexcept>

namespace coop {
namespace {

constexpr int schema_version = 1;

const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS meta(
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS transfers(
  id TEXT PRIMARY KEY,
  info_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK(role IN ('share','fetch')),
  name TEXT NOT NULL,
  source_path TEXT,
  save_path TEXT NOT NULL,
  magnet TEXT NOT NULL,
  torrent BLOB,
  resume BLOB,
  size INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  seed INTEGER NOT NULL DEFAULT 1,
  added_at INTEGER NOT NULL,
  completed_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS transfers_source ON transfers(source_path);
)sql";

Transfer::Role role_from(const std::string& s) { return s == "share" ? Transfer::Role::share : Transfer::Role::fetch; }

Transfer::State state_from(const std::string& s) {
    if (s == "paused") return Transfer::State::paused;
    if (s == "complete") return Transfer::State::complete;
    if (s == "stopped") return Transfer::State::stopped;
    return Transfer::State::active;
}

std::string blob(SQLite::Column c) {
    if (c.isNull()) return {};
    return std::string(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
}

}  // namespace

const char* to_string(Transfer::Role role) { return role == Transfer::Role::share ? "share" : "fetch"; }

const char* to_string(Transfer::State state) {
    switch (state) {
        case Transfer::State::active: return "active";
        case Transfer::State::paused: return "paused";
        case Transfer::State::complete: return "complete";
        case Transfer::State::stopped: return "stopped";
    }
    return "active";
}

Store::Store(const std::filesystem::path& file)
    : db_(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    ::chmod(file.c_str(), 0600);
    db_.setBusyTimeout(5000);
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=NORMAL");
    const int version = db_.execAndGet("PRAGMA user_version").getInt();
    if (version > schema_version)
        throw std::runtime_error(file.string() + " was written by a newer coop (schema " + std::to_string(version) +
                                 "); upgrade coop");
    SQLite::Transaction tx(db_);
    db_.exec(schema);
    db_.exec("PRAGMA user_version=" + std::to_string(schema_version));
    tx.commit();
}

Identity Store::identity() {
    if (auto secret = get("identity.secret"); secret && secret->size() == 64) {
        Identity::SecretKey key{};
        std::copy(secret->begin(), secret->end(), key.begin());
        return Identity::from_secret(key);
    }
    Identity id = Identity::generate();
    const auto& sk = id.secret_key();
    put("identity.secret", std::string(sk.begin(), sk.end()));
    return id;
}

std::optional<std::string> Store::get(const std::string& key) {
    SQLite::Statement q(db_, "SELECT value FROM meta WHERE key=?");
    q.bind(1, key);
    if (!q.executeStep()) return std::nullopt;
    return blob(q.getColumn(0));
}

void Store::put(const std::string& key, const std::string& value) {
    SQLite::Statement q(db_, "INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    q.bind(1, key);
    q.bind(2, value.data(), static_cast<int>(value.size()));
    q.exec();
}

void Store::save(const Transfer& t) {
    SQLite::Statement q(db_, R"sql(
INSERT OR REPLACE INTO transfers(id,info_hash,role,name,source_path,save_path,magnet,torrent,resume,size,state,seed,added_at,completed_at)
VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?))sql");
    q.bind(1, t.id);
    q.bind(2, t.info_hash);
    q.bind(3, to_string(t.role));
    q.bind(4, t.name);
    if (t.source_path.empty()) q.bind(5); else q.bind(5, t.source_path);
    q.bind(6, t.save_path);
    q.bind(7, t.magnet);
    if (t.torrent.empty()) q.bind(8); else q.bind(8, t.torrent.data(), static_cast<int>(t.torrent.size()));
    if (t.resume.empty()) q.bind(9); else q.bind(9, t.resume.data(), static_cast<int>(t.resume.size()));
    q.bind(10, static_cast<std::int64_t>(t.size));
    q.bind(11, to_string(t.state));
    q.bind(12, t.seed ? 1 : 0);
    q.bind(13, static_cast<std::int64_t>(t.added_at));
    q.bind(14, static_cast<std::int64_t>(t.completed_at));
    q.exec();
}

void Store::save_resume(const std::string& id, const std::string& resume) {
    SQLite::Statement q(db_, "UPDATE transfers SET resume=? WHERE id=?");
    q.bind(1, resume.data(), static_cast<int>(resume.size()));
    q.bind(2, id);
    q.exec();
}

void Store::set_state(const std::string& id, Transfer::State state, std::int64_t completed_at) {
    SQLite::Statement q(db_, "UPDATE transfers SET state=?, completed_at=MAX(completed_at,?) WHERE id=?");
    q.bind(1, to_string(state));
    q.bind(2, static_cast<std::int64_t>(completed_at));
    q.bind(3, id);
    q.exec();
}

void Store::remove(const std::string& id) {
    SQLite::Statement q(db_, "DELETE FROM transfers WHERE id=?");
    q.bind(1, id);
    q.exec();
}

std::vector<Transfer> Store::query(const std::string& where, const std::string& arg, bool blobs) {
    const std::string columns = blobs ? "torrent,resume" : "NULL,NULL";
    SQLite::Statement q(db_, "SELECT id,info_hash,role,name,source_path,save_path,magnet," + columns +
                                 ",size,state,seed,added_at,completed_at FROM transfers " + where + " ORDER BY added_at, id");
    if (!arg.empty() || where.find('?') != std::string::npos) q.bind(1, arg);
    std::vector<Transfer> out;
    while (q.executeStep()) {
        Transfer t;
        t.id = q.getColumn(0).getString();
        t.info_hash = q.getColumn(1).getString();
        t.role = role_from(q.getColumn(2).getString());
        t.name = q.getColumn(3).getString();
        t.source_path = q.getColumn(4).isNull() ? "" : q.getColumn(4).getString();
        t.save_path = q.getColumn(5).getString();
        t.magnet = q.getColumn(6).getString();
        t.torrent = blob(q.getColumn(7));
        t.resume = blob(q.getColumn(8));
        t.size = q.getColumn(9).getInt64();
        t.state = state_from(q.getColumn(10).getString());
        t.seed = q.getColumn(11).getInt() != 0;
        t.added_at = q.getColumn(12).getInt64();
        t.completed_at = q.getColumn(13).getInt64();
        out.push_back(std::move(t));
    }
    return out;
}

std::optional<Transfer> Store::by_id(const std::string& id) {
    auto v = query("WHERE id=?", id);
    if (v.empty()) return std::nullopt;
    return v.front();
}

std::optional<Transfer> Store::summary(const std::string& id) {
    auto v = query("WHERE id=?", id, false);
    if (v.empty()) return std::nullopt;
    return v.front();
}

std::vector<Transfer> Store::by_source_path(const std::string& path) {
    return query("WHERE source_path=? AND role='share'", path);
}

std::vector<Transfer> Store::by_id_prefix(const std::string& prefix) {
    return query("WHERE substr(id,1,length(?1))=?1", prefix);
}

std::vector<Transfer> Store::all() { return query("", ""); }

}  // namespace coop
