#pragma once
// The Store runs with synchronous=NORMAL, where a WAL commit can be lost on
// power failure. Writes that must survive it (our own signed records: a lost
// one would have us sign its sequence number twice) hold a FullSync while
// they commit; it puts the connection's setting back after.
#include <SQLiteCpp/Database.h>

#include <string>

namespace coop {

class FullSync {
public:
    explicit FullSync(SQLite::Database& db) : db_(db), before_(db.execAndGet("PRAGMA synchronous").getInt()) {
        if (before_ < 2) db_.exec("PRAGMA synchronous=FULL");
    }
    ~FullSync() {
        try {
            if (before_ < 2) db_.exec("PRAGMA synchronous=" + std::to_string(before_));
        } catch (const SQLite::Exception&) {
            // Left at FULL: slower, never less safe.
        }
    }
    FullSync(const FullSync&) = delete;
    FullSync& operator=(const FullSync&) = delete;

private:
    SQLite::Database& db_;
    int before_;
};

}  // namespace coop
