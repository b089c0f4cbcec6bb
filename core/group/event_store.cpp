#include "core/group/event_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <optional>
#include <stdexcept>

#include "core/store/full_sync.hpp"

namespace coop::group {
namespace {

const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS group_events(
  event_id TEXT PRIMARY KEY,
  group_id TEXT NOT NULL,
  author TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  raw BLOB NOT NULL,
  arrival INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS group_events_arrival ON group_events(group_id, arrival);
CREATE TABLE IF NOT EXISTS group_memberships(
  group_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  joined_ms INTEGER NOT NULL,
  settings TEXT NOT NULL);
)sql";

Membership membership_from(const std::string& s) {
    if (s == "member") return Membership::member;
    if (s == "joining") return Membership::joining;
    return Membership::left;
}

GroupRecord record_from(SQLite::Statement& q) {
    GroupRecord r;
    auto id = parse_id(q.getColumn(0).getString());
    if (!id) throw std::runtime_error("coop.db: a group id is not hex");
    r.group = *id;
    r.name = q.getColumn(1).getString();
    r.status = membership_from(q.getColumn(2).getString());
    r.joined_ms = q.getColumn(3).getInt64();
    r.settings = nlohmann::json::parse(q.getColumn(4).getString(), nullptr, false);
    if (!r.settings.is_object()) r.settings = nlohmann::json::object();
    return r;
}

}  // namespace

const char* to_string(Membership m) {
    switch (m) {
        case Membership::joining: return "joining";
        case Membership::member: return "member";
        case Membership::left: return "left";
    }
    return "left";
}

EventStore::EventStore(SQLite::Database& db) : db_(db) {
    SQLite::Transaction tx(db_);
    db_.exec(schema);
    tx.commit();
}

bool EventStore::insert(const std::string& group_hex, const Event& event) {
    const std::string raw = event.encode();
    SQLite::Statement q(db_, R"sql(
INSERT OR IGNORE INTO group_events(event_id,group_id,author,seq,kind,time_ms,raw,arrival)
VALUES(?,?,?,?,?,?,?,(SELECT coalesce(max(arrival),0)+1 FROM group_events WHERE group_id=?2)))sql");
    q.bind(1, hex(event.id()));
    q.bind(2, group_hex);
    q.bind(3, hex(event.author));
    q.bind(4, static_cast<std::int64_t>(event.seq));
    q.bind(5, static_cast<int>(event.kind));
    q.bind(6, event.time_ms);
    q.bind(7, raw.data(), static_cast<int>(raw.size()));
    return q.exec() == 1;
}

bool EventStore::save(const Id& group, const Event& event) {
    FullSync sync(db_);
    SQLite::Transaction tx(db_);
    const bool added = insert(hex(group), event);
    tx.commit();
    return added;
}

std::size_t EventStore::save_all(const Id& group, const std::vector<Event>& events, Durability durability) {
    std::optional<FullSync> sync;
    if (durability == Durability::power_loss) sync.emplace(db_);
    SQLite::Transaction tx(db_);
    const std::string group_hex = hex(group);
    std::size_t added = 0;
    for (const auto& e : events) added += insert(group_hex, e) ? 1 : 0;
    tx.commit();
    return added;
}

std::vector<Event> EventStore::load(const Id& group) {
    SQLite::Statement q(db_, "SELECT event_id, raw FROM group_events WHERE group_id=? ORDER BY arrival");
    q.bind(1, hex(group));
    std::vector<Event> out;
    while (q.executeStep()) {
        const auto raw = q.getColumn(1);
        std::string why;
        auto e = Event::decode(
            std::string_view(static_cast<const char*>(raw.getBlob()), static_cast<std::size_t>(raw.getBytes())), &why);
        if (!e) throw std::runtime_error("coop.db: group event " + q.getColumn(0).getString() + " is damaged (" + why + ")");
        out.push_back(std::move(*e));
    }
    return out;
}

std::size_t EventStore::count(const Id& group) {
    SQLite::Statement q(db_, "SELECT count(*) FROM group_events WHERE group_id=?");
    q.bind(1, hex(group));
    q.executeStep();
    return static_cast<std::size_t>(q.getColumn(0).getInt64());
}

void EventStore::put_group(const GroupRecord& r) {
    SQLite::Statement q(
        db_, "INSERT OR REPLACE INTO group_memberships(group_id,name,status,joined_ms,settings) VALUES(?,?,?,?,?)");
    q.bind(1, hex(r.group));
    q.bind(2, r.name);
    q.bind(3, to_string(r.status));
    q.bind(4, r.joined_ms);
    q.bind(5, r.settings.dump());
    q.exec();
}

std::optional<GroupRecord> EventStore::group(const Id& group) {
    SQLite::Statement q(db_, "SELECT group_id,name,status,joined_ms,settings FROM group_memberships WHERE group_id=?");
    q.bind(1, hex(group));
    if (!q.executeStep()) return std::nullopt;
    return record_from(q);
}

std::vector<GroupRecord> EventStore::groups() {
    SQLite::Statement q(
        db_, "SELECT group_id,name,status,joined_ms,settings FROM group_memberships ORDER BY name, group_id");
    std::vector<GroupRecord> out;
    while (q.executeStep()) out.push_back(record_from(q));
    return out;
}

void EventStore::remove_group(const Id& group) {
    SQLite::Transaction tx(db_);
    const std::string id = hex(group);
    SQLite::Statement events(db_, "DELETE FROM group_events WHERE group_id=?");
    events.bind(1, id);
    events.exec();
    SQLite::Statement record(db_, "DELETE FROM group_memberships WHERE group_id=?");
    record.bind(1, id);
    record.exec();
    tx.commit();
}

}  // namespace coop::group
