#pragma once
// Shares and downloads: the share.* and fetch.* methods, kept in step with
// the store (what must survive a crash) and the engine (what moves now).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/agent/engine/engine.hpp"
#include "core/agent/rpc_server.hpp"
#include "core/home.hpp"
#include "core/store/store.hpp"

namespace coop::agent {

class Transfers {
public:
    Transfers(boost::asio::io_context& io, Store& store, const Home& home);
    ~Transfers();

    // What the engine must tell us; wire these before the engine starts.
    EngineEvents engine_events();
    void attach(Engine& engine) { engine_ = &engine; }
    // A group catalog entry's id (prefix) as a source: its magnet, or
    // nullopt if no entry has it. Asked only when no transfer id matches.
    using CatalogLookup = std::function<std::optional<std::string>(const std::string& prefix)>;
    void set_catalog(CatalogLookup lookup) { catalog_ = std::move(lookup); }

    void register_methods(RpcServer& server);
    // Adds (or resumes) a download from fetch.add-style params {source,
    // save_path?, peers?, seed?}; `to_read`: also put a finished one back
    // in the session, to be streamed. Throws RpcFailure.
    Transfer start_fetch(const json& params, bool to_read, bool& resumed);
    // Pauses an unfinished download no `coop fetch` follows (a stream's
    // player quit, or only its media info was wanted).
    void pause_unless_followed(const std::string& id);
    // Puts every saved share and download back into the session.
    void restore();
    // Stops the hashing pool; calls in flight are answered with an error.
    void stop();

private:
    struct Watch {
        std::shared_ptr<Call> call;
        std::int64_t have_at_start = -1;
        // libtorrent's rate is a one-second average that lags fast
        // transfers; the watcher's own view of the bytes arriving does not.
        std::int64_t last_done = -1;
        std::chrono::steady_clock::time_point last_at{};
        double rate = 0;
    };

    void share_add(const std::shared_ptr<Call>& call);
    void share_list(const std::shared_ptr<Call>& call);
    void share_stop(const std::shared_ptr<Call>& call);
    void fetch_add(const std::shared_ptr<Call>& call);
    void fetch_watch(const std::shared_ptr<Call>& call);
    void fetch_pause(const std::shared_ptr<Call>& call);
    void fetch_list(const std::shared_ptr<Call>& call);

    void shared(const std::shared_ptr<Call>& call, const std::string& path, TorrentFacts facts);
    std::optional<Transfer> existing_share(const std::string& path, bool v1_only);
    json share_json(const Transfer& t, bool existing) const;
    Transfer resolve(const std::string& id_or_prefix, std::optional<Transfer::Role> role);
    Transfer source_to_transfer(const std::string& source);
    // to_read: for a stream, which then says what to fetch first.
    void start_in_engine(Transfer& t, bool seed_mode, const std::vector<Endpoint>& peers, bool to_read = false);

    void on_finished(const std::string& id);
    void on_failed(const std::string& id, const std::string& message, bool no_space);
    void on_metadata(const std::string& id);
    void report_progress();
    void schedule_progress();
    void answer_watchers(const std::string& id);
    json progress_json(const Transfer& t, const TorrentStats& s, std::int64_t rate) const;

    boost::asio::io_context& io_;
    Store& store_;
    Home home_;
    Engine* engine_ = nullptr;
    CatalogLookup catalog_;
    boost::asio::thread_pool hashing_{1};
    boost::asio::steady_timer progress_timer_;
    std::multimap<std::string, Watch> watches_;  // by transfer id
    std::map<std::string, std::vector<std::shared_ptr<Call>>> hashing_calls_;  // by path
    bool stopped_ = false;
    std::atomic<bool> cancel_hashing_{false};  // set at shutdown, read by the hashing thread
};

}  // namespace coop::agent
