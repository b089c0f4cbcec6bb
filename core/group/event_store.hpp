#pragma once
// Group events and the groups we belong to, in the agent's SQLite file
// (coop.db, WAL): two tables beside the Store's, on its connection.
#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/group/event.hpp"

namespace coop::group {

// Our standing in a group, kept locally.
enum class Membership {
    joining,  // we hold an invite and wait for the group's events
    member,
    left,
};

const char* to_string(Membership m);

struct GroupRecord {
    Id group{};
    std::string name;
    Membership status = Membership::joining;
    std::int64_t joined_ms = 0;
    nlohmann::json settings = nlohmann::json::object();  // local only, never sent
};

class EventStore {
public:
    // Creates the tables if they are not there.
    explicit EventStore(SQLite::Database& db);

    // Durable when it returns (the agent announces an event only after
    // saving it). False if the event was stored already.
    bool save(const Id& group, const Event& event);
    // How safe a save must be. Our own events survive a power failure (a
    // lost one would have us sign its sequence number twice); events from
    // peers need only survive a crash of the agent: after a power failure
    // anti-entropy fetches them again, and an fsync for each would cap a
    // busy group at the disk's flush rate.
    enum class Durability { power_loss, crash };
    // One transaction for a batch. Returns how many were new.
    std::size_t save_all(const Id& group, const std::vector<Event>& events,
                         Durability durability = Durability::power_loss);
    // The group's events in the order they were saved: parents first, so
    // adding them to a fresh GroupLog in this order accepts every one.
    // Throws std::runtime_error if a stored event no longer decodes.
    std::vector<Event> load(const Id& group);
    std::size_t count(const Id& group);

    void put_group(const GroupRecord& record);  // insert or replace
    std::optional<GroupRecord> group(const Id& group);
    std::vector<GroupRecord> groups();  // by name, then id
    // The group's record and all its events.
    void remove_group(const Id& group);

private:
    bool insert(const std::string& group_hex, const Event& event);
    SQLite::Database& db_;
};

}  // namespace coop::group
