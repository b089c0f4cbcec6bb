#include "core/agent/agent.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <fcntl.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>

#include "core/agent/engine/engine.hpp"
#include "core/agent/groups.hpp"
#include "core/agent/ledger.hpp"
#include "core/agent/overlay_node.hpp"
#include "core/agent/rpc_server.hpp"
#include "core/agent/streams.hpp"
#include "core/agent/transfers.hpp"
#include "core/media/ffmpeg.hpp"
#include "core/store/store.hpp"
#include "core/version.hpp"

namespace coop::agent {

namespace {

// Tells the process that started us how the start went.
class Readiness {
public:
    explicit Readiness(int fd) : fd_(fd) {}
    ~Readiness() { report("error: the agent stopped before it was ready"); }
    void report(const std::string& line) {
        if (fd_ < 0) return;
        const std::string text = line + "\n";
        (void)!::write(fd_, text.data(), text.size());
        ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

// One agent per COOP_HOME: an advisory lock that dies with the process,
// so a killed agent never blocks the next one.
int take_lock(const Home& home) {
    const int fd = ::open(home.lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open " + home.lock().string() + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = {};
        (void)!::read(fd, pid, sizeof pid - 1);
        ::close(fd);
        throw std::runtime_error("an agent already runs for " + home.root().string() + " (pid " +
                                 std::string(pid).substr(0, std::string(pid).find('\n')) +
                                 "); stop it with coop agent stop");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    (void)!::ftruncate(fd, 0);
    (void)!::pwrite(fd, pid.data(), pid.size(), 0);
    return fd;
}

void set_up_logging(const Home& home, const std::string& level, bool to_stderr) {
    std::vector<spdlog::sink_ptr> sinks;
    sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(home.log().string()));
    if (to_stderr) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    auto logger = std::make_shared<spdlog::logger>("coopd", sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

// The sync's timing: the engine's defaults but what the settings set.
group::SyncOptions sync_options(const Settings& settings) {
    group::SyncOptions options;
    auto set = [](std::chrono::milliseconds& field, std::int64_t seconds) {
        if (seconds > 0) field = std::chrono::seconds(seconds);
    };
    set(options.answer_timeout, settings.sync_answer_timeout_s);
    set(options.anti_entropy_interval, settings.sync_anti_entropy_s);
    set(options.window, settings.sync_window_s);
    return options;
}

std::vector<Endpoint> parse_peers(const std::vector<std::string>& peers) {
    std::vector<Endpoint> out;
    for (const auto& p : peers) {
        std::string error;
        auto e = parse_endpoint(p, error);
        if (!e) throw std::runtime_error("--peer " + error);
        out.push_back(*e);
    }
    return out;
}

}  // namespace

int run_agent(const Home& home, const RunOptions& options) {
    Readiness readiness(options.ready_fd);
    auto fail = [&](const std::string& why) {
        if (spdlog::default_logger()) spdlog::error("{}", why);
        if (options.ready_fd < 0) std::cerr << "coopd: " << why << std::endl;
        readiness.report("error: " + why);
        return 1;
    };
    std::signal(SIGPIPE, SIG_IGN);

    int lock = -1;
    std::unique_ptr<Store> store;
    Settings settings;
    try {
        home.ensure();
        lock = take_lock(home);
        store = std::make_unique<Store>(home.database());
        if (auto saved = store->get("settings")) {
            const auto j = nlohmann::json::parse(*saved, nullptr, false);
            try {
                if (j.is_object()) settings = Settings::from_json(j);
            } catch (const nlohmann::json::exception&) {
                settings = Settings();  // unreadable saved settings: start from the defaults
            }
        }
        options.overrides.apply(settings);
        if (spdlog::level::from_str(settings.log_level) == spdlog::level::off && settings.log_level != "off")
            throw std::runtime_error("unknown log level '" + settings.log_level +
                                     "'; use trace, debug, info, warn, error or off");
        set_up_logging(home, settings.log_level, options.ready_fd < 0);
    } catch (const std::exception& e) {
        return fail(e.what());
    }

    EngineConfig config;
    try {
        std::string error;
        auto listen = parse_endpoint(settings.listen, error);
        if (!listen) throw std::runtime_error("--listen " + error);
        config.listen = *listen;
        config.peers = parse_peers(settings.peers);
        config.no_public = settings.no_public;
        config.upload_limit = settings.upload_limit;
        config.download_limit = settings.download_limit;
        config.session_state = store->get("session.state").value_or("");
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    Identity identity;
    try {
        identity = store->identity();
    } catch (const std::exception& e) {
        return fail(std::string("cannot read or make the identity: ") + e.what());
    }

    config.ledger_identity = identity;

    boost::asio::io_context io;
    Transfers transfers(io, *store, home);
    Ledger ledger(io, *store, identity);
    EngineEvents engine_events = transfers.engine_events();
    ledger.hook(engine_events);
    Engine engine(io, config, std::move(engine_events));
    transfers.attach(engine);
    RpcServer server(io, home.socket());
    transfers.register_methods(server);
    Streams streams(io, engine, transfers);
    streams.register_methods(server);

    // The overlay listens beside BitTorrent, on the same address.
    OverlayOptions overlay_options;
    overlay_options.listen = Endpoint{config.listen.address, static_cast<std::uint16_t>(settings.overlay_port)};
    overlay_options.link.max_frame_bytes = group::sync::max_frame_bytes;
    if (settings.link_idle_timeout_s > 0) {
        overlay_options.link.idle_timeout = std::chrono::seconds(settings.link_idle_timeout_s);
        // Pings well within it, so that quiet links stay open.
        overlay_options.link.ping_interval =
            std::min<std::chrono::milliseconds>(overlay_options.link.ping_interval, overlay_options.link.idle_timeout / 3);
    }
    OverlayNode overlay(io, identity, overlay_options);
    TopicDirectory topics;
    topics.announce = [&](const std::string& topic, int port) { engine.announce_topic(topic, port); };
    topics.withdraw = [&](const std::string& topic) { engine.withdraw_topic(topic); };
    topics.lookup = [&](const std::string& topic, std::function<void(std::vector<Endpoint>)> found,
                        std::function<void()> done) { engine.lookup_topic(topic, std::move(found), std::move(done)); };
    Groups groups(io, *store, identity, overlay, std::move(topics), sync_options(settings));
    overlay.set_handler(&groups);
    groups.register_methods(server);
    transfers.set_catalog([&](const std::string& prefix) { return groups.catalog_magnet(prefix); });
    ledger.register_methods(server);

    bool stopping = false;
    int exit_code = 0;
    auto shutdown = [&](const std::string& why) {
        if (std::exchange(stopping, true)) return;
        spdlog::info("shutting down: {}", why);
        server.close();
        ledger.close();
        groups.close();
        overlay.close();
        streams.close();
        transfers.stop();
        engine.shutdown([&](std::string state) {
            store->put("session.state", state);
            io.stop();
        });
    };

    server.handle("agent.status", [&](const std::shared_ptr<Call>& call) {
        call->reply({{"peer_id", identity.peer_id()},
                     {"version", coop::version},
                     {"pid", ::getpid()},
                     {"home", home.root().string()},
                     {"listen", engine.listen_endpoint().to_string()},
                     {"no_public", settings.no_public},
                     {"peers_configured", settings.peers},
                     {"torrents", engine.torrent_count()},
                     {"peers", engine.peers()},
                     {"dht_nodes", engine.dht_nodes()},
                     {"upload_rate", engine.upload_rate()},
                     {"download_rate", engine.download_rate()},
                     {"upload_limit", settings.upload_limit},
                     {"download_limit", settings.download_limit},
                     {"stream_port", settings.stream_port},
                     {"refused_connections", server.refused()},
                     {"ffmpeg", media::ffmpeg_version()},
                     {"overlay", groups.overlay_status()},
                     {"sync", groups.sync_status()},
                     {"ledger", ledger.status()}});
    });
    server.handle("agent.stop", [&](const std::shared_ptr<Call>& call) {
        call->reply(nlohmann::json::object());
        boost::asio::post(io, [&] { shutdown("coop agent stop"); });
    });

    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (!ec) shutdown(sig == SIGTERM ? "SIGTERM" : "SIGINT");
    });

    // The overlay's port is kept across restarts (invites carry it), but
    // libtorrent picks its own listen port first, at random, and may draw
    // that one. Holding it until the overlay binds it keeps libtorrent off
    // it; if it cannot be held, the overlay's own bind says why.
    std::optional<boost::asio::ip::tcp::acceptor> overlay_port_held;
    if (settings.overlay_port != 0) {
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(overlay_options.listen.address, ec);
        if (!ec) {
            overlay_port_held.emplace(io);
            const boost::asio::ip::tcp::endpoint at(address, overlay_options.listen.port);
            overlay_port_held->open(at.protocol(), ec);
            if (!ec) overlay_port_held->bind(at, ec);
            if (!ec) overlay_port_held->listen(1, ec);
            if (ec) overlay_port_held.reset();
        }
    }

    engine.start([&](const std::string& error) {
        if (!error.empty()) {
            exit_code = fail(error);
            stopping = true;
            io.stop();
            return;
        }
        try {
            server.listen();
            streams.listen(settings.stream_port);
            overlay_port_held.reset();
            overlay.start();
            // Kept from now on: the addresses in invites stay valid across restarts.
            if (settings.overlay_port == 0) settings.overlay_port = overlay.endpoint().port;
            groups.start();
            ledger.attach(engine, groups);
        } catch (const std::exception& e) {
            exit_code = fail(e.what());
            stopping = true;
            io.stop();
            return;
        }
        // Saved once they worked: a start that failed (a port in use) must
        // not make every later start fail the same way.
        store->put("settings", settings.to_json().dump());
        transfers.restore();
        spdlog::info("coopd {} ready: peer id {}, listening on {} (overlay {}), COOP_HOME {}", coop::version,
                     identity.peer_id(), engine.listen_endpoint().to_string(), overlay.endpoint().to_string(),
                     home.root().string());
        readiness.report("ok");
    });

    // Handlers catch what they expect; this keeps the agent alive (and able
    // to save its state on the way out) through anything they did not.
    for (;;) {
        try {
            io.run();
            break;
        } catch (const std::exception& e) {
            spdlog::error("unexpected error in the event loop: {}", e.what());
        }
    }
    server.close();
    overlay.set_handler(nullptr);
    spdlog::info("stopped");
    ::close(lock);
    return exit_code;
}

}  // namespace coop::agent
