#include "core/agent/transfers.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "core/agent/engine/torrent_files.hpp"
#include "core/agent/every.hpp"
#include "core/ascii.hpp"

namespace coop::agent {

namespace {

constexpr auto progress_interval = std::chrono::milliseconds(500);
constexpr std::uintmax_t max_torrent_file_bytes = 50u << 20;

// Thrown from the hashing progress callback to abandon a share at shutdown.
struct HashingCancelled {};

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<Endpoint> endpoints_param(const json& params) {
    std::vector<Endpoint> out;
    if (!params.contains("peers")) return out;
    if (!params["peers"].is_array()) throw RpcFailure(rpc::invalid_params, "'peers' must be a list of ADDR:PORT");
    for (const auto& p : params["peers"]) {
        std::string error;
        auto e = p.is_string() ? parse_endpoint(p.get<std::string>(), error) : std::nullopt;
        if (!e) throw RpcFailure(rpc::bad_input, error.empty() ? "'peers' must hold strings" : error);
        out.push_back(*e);
    }
    return out;
}

}  // namespace

Transfers::Transfers(boost::asio::io_context& io, Store& store, const Home& home)
    : io_(io), store_(store), home_(home), progress_timer_(io) {}

Transfers::~Transfers() { stop(); }

void Transfers::stop() {
    if (std::exchange(stopped_, true)) return;
    progress_timer_.cancel();
    cancel_hashing_ = true;  // a share being hashed stops at its next piece
    hashing_.stop();
    hashing_.join();
    for (auto& [path, calls] : hashing_calls_)
        for (auto& c : calls) c->fail(rpc::shutting_down, "the agent is shutting down; share " + path + " again later");
    hashing_calls_.clear();
    for (auto& [id, w] : watches_) w.call->fail(rpc::shutting_down, "the agent is shutting down; run the same command to resume");
    watches_.clear();
}

EngineEvents Transfers::engine_events() {
    EngineEvents e;
    e.resume_saved = [this](const std::string& id, std::string resume) { store_.save_resume(id, resume); };
    e.metadata_received = [this](const std::string& id) { on_metadata(id); };
    e.finished = [this](const std::string& id) { on_finished(id); };
    e.failed = [this](const std::string& id, const std::string& m, bool no_space) { on_failed(id, m, no_space); };
    return e;
}

void Transfers::register_methods(RpcServer& server) {
    server.handle("share.add", [this](auto& c) { share_add(c); });
    server.handle("share.list", [this](auto& c) { share_list(c); });
    server.handle("share.stop", [this](auto& c) { share_stop(c); });
    server.handle("fetch.add", [this](auto& c) { fetch_add(c); });
    server.handle("fetch.watch", [this](auto& c) { fetch_watch(c); });
    server.handle("fetch.pause", [this](auto& c) { fetch_pause(c); });
    server.handle("fetch.list", [this](auto& c) { fetch_list(c); });
    schedule_progress();
}

void Transfers::restore() {
    for (auto& t : store_.all()) {
        const bool wanted = (t.role == Transfer::Role::share && t.state == Transfer::State::active) ||
                            (t.role == Transfer::Role::fetch &&
                             (t.state == Transfer::State::active || (t.state == Transfer::State::complete && t.seed)));
        if (!wanted) continue;
        try {
            start_in_engine(t, false, {});
        } catch (const std::exception& e) {
            spdlog::error("cannot restore {} ({}): {}", t.id, t.name, e.what());
        }
    }
}

void Transfers::start_in_engine(Transfer& t, bool seed_mode, const std::vector<Endpoint>& peers, bool to_read) {
    if (engine_->has(t.id)) {
        engine_->resume(t.id);
        engine_->connect(t.id, peers);
        return;
    }
    AddRequest r;
    r.id = t.id;
    r.resume = t.resume;
    r.torrent = t.torrent;
    r.magnet = t.magnet;
    r.save_path = t.save_path;
    r.seed_mode = seed_mode;
    r.stream = to_read;
    r.peers = peers;
    try {
        engine_->add(r);
    } catch (const std::invalid_argument& e) {
        if (r.resume.empty()) throw;
        spdlog::warn("{}: {}; starting without resume data", t.id, e.what());
        r.resume.clear();
        engine_->add(r);
    }
}

// ---- share ---------------------------------------------------------------

void Transfers::share_add(const std::shared_ptr<Call>& call) {
    const std::filesystem::path given = call->string_param("path");
    std::vector<std::string> trackers = call->params().value("trackers", std::vector<std::string>{});
    const bool v1_only = call->params().value("v1", false);
    std::error_code ec;
    if (!given.is_absolute()) throw RpcFailure(rpc::bad_input, "path must be absolute: " + given.string());
    if (!std::filesystem::exists(given, ec))
        throw RpcFailure(rpc::not_found, "no such file or directory: " + given.string());
    const std::string path = std::filesystem::canonical(given, ec).string();
    if (ec) throw RpcFailure(rpc::io_error, "cannot resolve " + given.string() + ": " + ec.message());

    if (auto existing = existing_share(path, v1_only)) {
        if (existing->state == Transfer::State::stopped) {
            start_in_engine(*existing, false, {});
            store_.set_state(existing->id, Transfer::State::active);
            existing->state = Transfer::State::active;
        }
        return call->reply(share_json(*existing, true));
    }
    const std::string key = path + (v1_only ? " (v1)" : "");
    auto& waiting = hashing_calls_[key];
    waiting.push_back(call);
    // Ctrl-C on `coop share` withdraws the request: nothing is published.
    std::weak_ptr<Call> weak = call;
    call->on_disconnect([this, key, weak] {
        auto it = hashing_calls_.find(key);
        if (it == hashing_calls_.end()) return;
        std::erase_if(it->second, [&](const std::shared_ptr<Call>& c) { return c == weak.lock(); });
    });
    if (waiting.size() > 1) return;  // the same path is being hashed already

    boost::asio::post(hashing_, [this, key, path, trackers, v1_only] {
        auto last = std::chrono::steady_clock::now();
        auto progress = [&](int done, int total) {
            if (cancel_hashing_) throw HashingCancelled{};
            const auto t = std::chrono::steady_clock::now();
            if (done != total && t - last < std::chrono::milliseconds(200)) return;
            last = t;
            boost::asio::post(io_, [this, key, path, done, total] {
                for (auto& c : hashing_calls_[key])
                    c->notify("share.progress", {{"path", path}, {"hashed", done}, {"total", total}});
            });
        };
        try {
            TorrentFacts facts = make_torrent(path, trackers, v1_only, progress);
            boost::asio::post(io_, [this, key, path, facts = std::move(facts)]() mutable {
                auto calls = std::move(hashing_calls_[key]);
                hashing_calls_.erase(key);
                if (calls.empty()) spdlog::info("not sharing {}: the request was withdrawn", path);
                for (auto& c : calls) {
                    try {
                        shared(c, path, facts);
                    } catch (const RpcFailure& e) {
                        c->fail(e.code(), e.what());
                    } catch (const std::exception& e) {
                        c->fail(rpc::internal_error, e.what());
                    }
                }
            });
        } catch (const HashingCancelled&) {
            spdlog::info("stopped hashing {}: the agent is shutting down", path);
        } catch (const std::exception& e) {
            boost::asio::post(io_, [this, key, message = std::string(e.what())] {
                auto calls = std::move(hashing_calls_[key]);
                hashing_calls_.erase(key);
                for (auto& c : calls) c->fail(rpc::io_error, message);
            });
        }
    });
}

// A share of `path` in the format asked for (v1-only or hybrid).
std::optional<Transfer> Transfers::existing_share(const std::string& path, bool v1_only) {
    for (auto& t : store_.by_source_path(path))
        if ((t.info_hash.size() == 40) == v1_only) return t;
    return std::nullopt;
}

void Transfers::shared(const std::shared_ptr<Call>& call, const std::string& path, TorrentFacts facts) {
    if (auto existing = existing_share(path, facts.info_hash_v2.empty())) return call->reply(share_json(*existing, true));
    if (auto same = store_.by_id(facts.id)) {
        // The same bytes are already shared (or fetched) from elsewhere.
        if (!engine_->has(same->id)) start_in_engine(*same, false, {});
        return call->reply(share_json(*same, true));
    }
    Transfer t;
    t.id = facts.id;
    t.info_hash = facts.info_hash;
    t.role = Transfer::Role::share;
    t.name = facts.name;
    t.source_path = path;
    t.save_path = std::filesystem::path(path).parent_path().string();
    t.magnet = facts.magnet;
    t.torrent = facts.torrent;
    t.size = facts.size;
    t.state = Transfer::State::active;
    t.added_at = now_seconds();
    store_.save(t);
    start_in_engine(t, true, {});
    spdlog::info("sharing {} as {}", path, t.id);
    call->reply(share_json(t, false));
}

json Transfers::share_json(const Transfer& t, bool existing) const {
    json j = {{"id", t.id},     {"name", t.name},         {"path", t.source_path.empty() ? t.save_path + "/" + t.name : t.source_path},
              {"size", t.size}, {"magnet", t.magnet},     {"info_hash", t.info_hash},
              {"state", to_string(t.state)}, {"existing", existing}};
    if (auto f = engine_->facts(t.id)) {
        j["info_hash_v1"] = f->info_hash_v1;
        j["info_hash_v2"] = f->info_hash_v2;
    } else if (!t.torrent.empty()) {
        try {
            const auto f2 = Engine::inspect_torrent(t.torrent);
            j["info_hash_v1"] = f2.info_hash_v1;
            j["info_hash_v2"] = f2.info_hash_v2;
        } catch (const std::exception&) {
        }
    }
    return j;
}

void Transfers::share_list(const std::shared_ptr<Call>& call) {
    json shares = json::array();
    for (const auto& t : store_.all()) {
        if (t.role != Transfer::Role::share) continue;
        json j = share_json(t, true);
        j.erase("existing");
        const auto s = engine_->stats(t.id);
        j["peers"] = s ? s->peers : 0;
        j["uploaded"] = s ? s->uploaded : 0;
        j["upload_rate"] = s ? s->upload_rate : 0;
        j["ratio"] = t.size > 0 && s ? static_cast<double>(s->uploaded) / static_cast<double>(t.size) : 0.0;
        if (s && t.state == Transfer::State::active) j["state"] = s->state;
        shares.push_back(std::move(j));
    }
    call->reply({{"shares", shares}});
}

void Transfers::share_stop(const std::shared_ptr<Call>& call) {
    Transfer t = resolve(call->string_param("id"), Transfer::Role::share);
    engine_->remove(t.id);
    store_.set_state(t.id, Transfer::State::stopped);
    spdlog::info("stopped sharing {} ({})", t.id, t.name);
    call->reply({{"id", t.id}, {"name", t.name}, {"path", t.source_path}});
}

// ---- fetch ---------------------------------------------------------------

Transfer Transfers::resolve(const std::string& given, std::optional<Transfer::Role> role) {
    const std::string prefix = ascii_lower(given);
    const std::string what = !role ? "share or download" : *role == Transfer::Role::share ? "share" : "download";
    const std::string listing = !role ? "coop share --list or coop fetch --list"
                                : *role == Transfer::Role::share ? "coop share --list" : "coop fetch --list";
    if (!is_hex(prefix)) throw RpcFailure(rpc::bad_input, "'" + given + "' is not an id (ids are hex digits; see " + listing + ")");
    std::vector<Transfer> matches;
    for (auto& t : store_.by_id_prefix(prefix))
        if (!role || t.role == *role) matches.push_back(std::move(t));
    if (matches.empty()) throw RpcFailure(rpc::not_found, "no " + what + " has id '" + given + "'; see " + listing);
    if (matches.size() > 1) {
        std::string list;
        for (const auto& m : matches) list += (list.empty() ? "" : ", ") + m.id + " (" + m.name + ")";
        throw RpcFailure(rpc::ambiguous, "id '" + given + "' matches " + list + "; type more digits");
    }
    return matches.front();
}

Transfer Transfers::source_to_transfer(const std::string& source) {
    TorrentFacts facts;
    try {
        if (source.rfind("magnet:", 0) == 0) {
            facts = Engine::inspect_magnet(source);
        } else if (!source.empty() && source.front() == '/') {
            std::error_code ec;
            const auto size = std::filesystem::file_size(source, ec);
            if (ec) throw RpcFailure(rpc::not_found, "cannot read " + source + ": " + ec.message());
            if (size > max_torrent_file_bytes) throw RpcFailure(rpc::bad_input, source + " is over 50 MiB: not a .torrent file");
            std::ifstream in(source, std::ios::binary);
            std::stringstream buf;
            buf << in.rdbuf();
            if (!in) throw RpcFailure(rpc::io_error, "cannot read " + source);
            facts = Engine::inspect_torrent(buf.str());
        } else if (is_hex(source)) {
            const std::string hex = ascii_lower(source);
            std::optional<std::string> entry;
            if (catalog_ && store_.by_id_prefix(hex).empty()) entry = catalog_(hex);
            if (entry)
                facts = Engine::inspect_magnet(*entry);
            else if (hex.size() == 40 || hex.size() == 64)
                facts = Engine::inspect_magnet(Engine::magnet_of_info_hash(hex));
            else
                return resolve(source, std::nullopt);
        } else {
            throw RpcFailure(rpc::bad_input, "'" + source + "' is not a magnet link, a .torrent file, an info-hash or a known id");
        }
    } catch (const std::invalid_argument& e) {
        const bool file = !source.empty() && source.front() == '/';
        throw RpcFailure(rpc::bad_input, file ? source + " is " + e.what() : e.what());
    }
    Transfer t;
    t.id = facts.id;
    t.info_hash = facts.info_hash;
    t.role = Transfer::Role::fetch;
    t.name = facts.name.empty() ? facts.id : facts.name;
    t.magnet = facts.magnet;
    t.torrent = facts.torrent;
    t.size = facts.size;
    return t;
}

void Transfers::fetch_add(const std::shared_ptr<Call>& call) {
    bool resumed = false;
    const Transfer t = start_fetch(call->params(), false, resumed);
    call->reply({{"id", t.id}, {"name", t.name}, {"save_path", t.save_path}, {"resumed", resumed}, {"role", to_string(t.role)}});
}

Transfer Transfers::start_fetch(const json& params, bool to_read, bool& resumed) {
    if (!params.contains("source") || !params["source"].is_string())
        throw RpcFailure(rpc::invalid_params, "missing string parameter 'source'");
    const std::string source = params["source"];
    const auto peers = endpoints_param(params);
    Transfer t = source_to_transfer(source);
    resumed = false;

    if (auto existing = store_.by_id(t.id)) {
        if (existing->role == Transfer::Role::fetch && existing->state != Transfer::State::complete) {
            start_in_engine(*existing, false, peers, to_read);
            store_.set_state(existing->id, Transfer::State::active);
            resumed = true;
        } else if (to_read && !engine_->has(existing->id)) {
            start_in_engine(*existing, false, peers, to_read);  // complete, not seeding: back in the session to be read
        }
        return *existing;
    }
    t.save_path = params.value("save_path", home_.downloads().string());
    t.seed = params.value("seed", true);
    std::error_code ec;
    std::filesystem::create_directories(t.save_path, ec);
    if (ec || !std::filesystem::is_directory(t.save_path))
        throw RpcFailure(rpc::io_error, "cannot create folder " + t.save_path + ": " +
                                            (ec ? ec.message() : "a file is in the way") + "; pick another with -o DIR");
    t.state = Transfer::State::active;
    t.added_at = now_seconds();
    store_.save(t);  // first: a torrent the store does not know is lost on restart
    try {
        start_in_engine(t, false, peers, to_read);
    } catch (...) {
        store_.remove(t.id);
        throw;
    }
    spdlog::info("fetching {} ({}) into {}", t.id, t.name, t.save_path);
    return t;
}

void Transfers::fetch_watch(const std::shared_ptr<Call>& call) {
    Transfer t = resolve(call->string_param("id"), std::nullopt);
    if (t.role == Transfer::Role::fetch && t.state != Transfer::State::complete && !engine_->has(t.id))
        throw RpcFailure(rpc::not_found, "the download " + t.id + " (" + t.name +
                                             ") is not running; run coop fetch with its magnet or file again");
    watches_.emplace(t.id, Watch{call, -1});
    const std::string id = t.id;
    std::weak_ptr<Call> weak = call;
    call->on_disconnect([this, id, weak] {
        const auto gone = weak.lock();
        for (auto it = watches_.begin(); it != watches_.end();)
            it = it->second.call == gone ? watches_.erase(it) : std::next(it);
        auto current = store_.by_id(id);
        if (!current || current->state != Transfer::State::active || watches_.count(id)) return;
        if (current->role != Transfer::Role::fetch || !engine_->has(id)) return;
        engine_->pause(id);
        store_.set_state(id, Transfer::State::paused);
        spdlog::info("paused {} ({}): its fetch command went away", id, current->name);
    });
    // A share is ours already, whatever its state.
    if (t.state == Transfer::State::complete || t.role == Transfer::Role::share) answer_watchers(id);
}

void Transfers::pause_unless_followed(const std::string& id) {
    auto t = store_.by_id(id);
    if (!t || t->role != Transfer::Role::fetch || t->state != Transfer::State::active || watches_.count(id)) return;
    if (!engine_->has(id)) return;
    engine_->pause(id);
    store_.set_state(id, Transfer::State::paused);
    spdlog::info("paused {} ({}): its stream ended", id, t->name);
}

void Transfers::fetch_pause(const std::shared_ptr<Call>& call) {
    Transfer t = resolve(call->string_param("id"), Transfer::Role::fetch);
    if (t.state == Transfer::State::active && engine_->has(t.id)) {
        engine_->pause(t.id);
        store_.set_state(t.id, Transfer::State::paused);
    }
    call->reply({{"id", t.id}, {"name", t.name}});
}

json Transfers::progress_json(const Transfer& t, const TorrentStats& s, std::int64_t rate) const {
    const std::int64_t left = s.size - s.done;
    const std::int64_t eta = rate > 0 ? (left + rate - 1) / rate : (left == 0 && s.size > 0 ? 0 : -1);
    return {{"id", t.id},          {"name", s.name.empty() ? t.name : s.name},
            {"state", s.state},    {"progress", s.size > 0 ? static_cast<double>(s.done) / static_cast<double>(s.size) : 0.0},
            {"done", s.done},      {"size", s.size},
            {"download_rate", rate}, {"upload_rate", s.upload_rate},
            {"peers", s.peers},    {"eta", eta}};
}

void Transfers::fetch_list(const std::shared_ptr<Call>& call) {
    json downloads = json::array();
    for (const auto& t : store_.all()) {
        if (t.role != Transfer::Role::fetch) continue;
        json j;
        if (auto s = engine_->stats(t.id)) {
            j = progress_json(t, *s, s->download_rate);
            if (t.state != Transfer::State::active && t.state != Transfer::State::complete) j["state"] = to_string(t.state);
            if (t.state == Transfer::State::complete) j["state"] = "complete";
        } else {
            const bool complete = t.state == Transfer::State::complete;
            j = {{"id", t.id}, {"name", t.name}, {"state", to_string(t.state)}, {"progress", complete ? 1.0 : 0.0},
                 {"done", complete ? t.size : 0}, {"size", t.size}, {"download_rate", 0}, {"upload_rate", 0},
                 {"peers", 0}, {"eta", -1}};
        }
        j["path"] = (std::filesystem::path(t.save_path) / t.name).string();
        j["magnet"] = t.magnet;
        j["seeding"] = t.seed && t.state == Transfer::State::complete;
        downloads.push_back(std::move(j));
    }
    call->reply({{"downloads", downloads}});
}

// ---- engine events and progress ------------------------------------------

void Transfers::on_metadata(const std::string& id) {
    auto t = store_.by_id(id);
    auto f = engine_->facts(id);
    if (!t || !f) return;
    t->name = f->name;
    t->size = f->size;
    store_.save(*t);
}

void Transfers::on_finished(const std::string& id) {
    if (auto s = engine_->stats(id); s && !s->finished) return;  // only the pieces of priority above 0
    auto t = store_.by_id(id);
    if (!t || t->role != Transfer::Role::fetch) return;
    if (t->state != Transfer::State::complete) {
        store_.set_state(id, Transfer::State::complete, now_seconds());
        spdlog::info("fetched {} ({}) into {}", id, t->name, t->save_path);
    }
    answer_watchers(id);
    if (!t->seed && engine_->has(id)) {
        engine_->checkpoint();
        engine_->remove(id);
    }
}

void Transfers::answer_watchers(const std::string& id) {
    auto t = store_.by_id(id);
    if (!t) return;
    const auto s = engine_->stats(id);
    auto [first, last] = watches_.equal_range(id);
    for (auto it = first; it != last; ++it) {
        const std::int64_t size = s && s->size > 0 ? s->size : t->size;
        it->second.call->reply({{"id", id},
                                {"name", t->name},
                                {"path", (std::filesystem::path(t->save_path) / t->name).string()},
                                {"size", size},
                                {"downloaded", s ? s->downloaded_session : 0},
                                {"have_at_start", std::max<std::int64_t>(0, it->second.have_at_start)}});
    }
    watches_.erase(first, last);
}

void Transfers::on_failed(const std::string& id, const std::string& message, bool no_space) {
    const std::string fix = no_space ? "; free some space (or fetch into another folder with -o DIR) and run the same command to resume"
                                     : "; fix that and run the same command to resume";
    auto [first, last] = watches_.equal_range(id);
    for (auto it = first; it != last; ++it) it->second.call->fail(rpc::io_error, message + fix);
    watches_.erase(first, last);
    // Last: with the disk full the store itself may fail to write.
    if (auto t = store_.by_id(id); t && t->role == Transfer::Role::fetch) store_.set_state(id, Transfer::State::paused);
}

void Transfers::schedule_progress() {
    every(progress_timer_, progress_interval, [this] { return stopped_; }, [this] { report_progress(); },
          "reporting progress");
}

void Transfers::report_progress() {
    std::set<std::string> finished;
    std::map<std::string, std::string> failed;
    for (auto& [id, w] : watches_) {
        auto t = store_.summary(id);
        auto s = engine_->stats(id);
        if (!t || !s) continue;
        if (s->state == "error") {
            failed[id] = s->error;
            continue;
        }
        if (w.have_at_start < 0 && s->has_metadata && s->state != "checking") w.have_at_start = s->done;
        const auto now = std::chrono::steady_clock::now();
        if (w.last_done >= 0 && s->done >= w.last_done) {
            const double seconds = std::chrono::duration<double>(now - w.last_at).count();
            const double recent = seconds > 0 ? static_cast<double>(s->done - w.last_done) / seconds : 0;
            w.rate = w.rate == 0 ? recent : (w.rate + recent) / 2;
        }
        w.last_done = s->done;
        w.last_at = now;
        w.call->notify("fetch.progress", progress_json(*t, *s, static_cast<std::int64_t>(w.rate)));
        if (s->finished && s->has_metadata) finished.insert(id);
    }
    for (const auto& id : finished) on_finished(id);
    for (const auto& [id, error] : failed) on_failed(id, error, false);
}

}  // namespace coop::agent
