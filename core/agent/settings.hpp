#pragma once
// The agent's settings: what `coop agent start` was told, saved in the store
// so an agent started later by any command comes back the same way.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace coop::agent {

struct Settings {
    std::string listen = "0.0.0.0:6881";
    std::vector<std::string> peers;
    bool no_public = false;
    std::int64_t upload_limit = 0;    // bytes/s, 0 = unlimited
    std::int64_t download_limit = 0;  // bytes/s, 0 = unlimited
    int stream_port = 0;              // the stream server's port on 127.0.0.1, 0 = any free one
    // The overlay's port, on the listen address; 0 = any free one, picked
    // on the first start and then kept here.
    int overlay_port = 0;
    std::string log_level = "info";
    // Timing of the group sync (core/group/sync_engine.hpp SyncOptions) and
    // of the overlay's links, for tests that wait for a timeout: whole
    // seconds, 0 = the built-in default. Saved only when set.
    std::int64_t sync_answer_timeout_s = 0;
    std::int64_t sync_anti_entropy_s = 0;
    std::int64_t sync_window_s = 0;
    std::int64_t link_idle_timeout_s = 0;  // pings then go out at a third of it

    static Settings from_json(const nlohmann::json& j);
    nlohmann::json to_json() const;
};

// Options given on coopd's command line: only what is set overrides.
struct SettingsOverride {
    std::optional<std::string> listen;
    std::optional<std::vector<std::string>> peers;
    std::optional<bool> no_public;
    std::optional<std::string> upload_limit;    // "2M", "500K", "0"
    std::optional<std::string> download_limit;
    std::optional<std::string> stream_port;
    std::optional<std::string> overlay_port;
    std::optional<std::string> log_level;
    std::optional<std::string> sync_answer_timeout;  // durations: "5s", "2m", "0"
    std::optional<std::string> sync_anti_entropy;
    std::optional<std::string> sync_window;
    std::optional<std::string> link_idle_timeout;

    // Throws std::runtime_error naming the bad option.
    void apply(Settings& s) const;
};

}  // namespace coop::agent
