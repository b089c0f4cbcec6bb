#pragma once
// The agent's durable state in one SQLite file (WAL): identity, settings,
// the libtorrent session state, and every share and download with its
// resume data. Only the agent opens it.
#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/identity.hpp"

namespace coop {

// One torrent the agent seeds or downloads.
struct Transfer {
    enum class Role { share, fetch };
    // active: in the session; paused: kept, not transferring (Ctrl-C);
    // complete: fetched and verified (seeding unless seed is false);
    // stopped: a share the user stopped.
    enum class State { active, paused, complete, stopped };

    std::string id;         // short id users type: 16 hex digits of the info-hash
    std::string info_hash;  // full hex of the best info-hash (v2 if present)
    Role role = Role::fetch;
    std::string name;
    std::string source_path;  // shares: the path the user shared
    std::string save_path;    // the folder that holds the torrent's top entry
    std::string magnet;
    std::string torrent;      // bencoded .torrent, once known
    std::string resume;       // libtorrent resume data, once saved
    std::int64_t size = 0;
    State state = State::active;
    bool seed = true;
    std::int64_t added_at = 0;
    std::int64_t completed_at = 0;
};

const char* to_string(Transfer::Role role);
const char* to_string(Transfer::State state);

class Store {
public:
    explicit Store(const std::filesystem::path& file);

    // The identity, made and saved on first use.
    Identity identity();

    std::optional<std::string> get(const std::string& key);
    void put(const std::string& key, const std::string& value);

    void save(const Transfer& t);  // insert or replace by id
    void save_resume(const std::string& id, const std::string& resume);
    void set_state(const std::string& id, Transfer::State state, std::int64_t completed_at = 0);
    void remove(const std::string& id);
    std::optional<Transfer> by_id(const std::string& id);
    // by_id without the torrent and resume blobs (megabytes for big hybrid
    // torrents): for frequent reads. Never save() what it returns.
    std::optional<Transfer> summary(const std::string& id);
    std::vector<Transfer> by_source_path(const std::string& path);
    std::vector<Transfer> by_id_prefix(const std::string& prefix);
    std::vector<Transfer> all();

    // For the tables other parts keep in the same file (group events).
    SQLite::Database& database() { return db_; }

private:
    std::vector<Transfer> query(const std::string& where, const std::string& arg, bool blobs = true);
    SQLite::Database db_;
};

}  // namespace coop
