#include "core/agent/engine/engine.hpp"

#include <boost/asio/post.hpp>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/ip_filter.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/posix_disk_io.hpp>
#include <libtorrent/read_resume_data.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/session_stats.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/write_resume_data.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <deque>
#include <list>
#include <map>
#include <set>
#include <stdexcept>

#include "core/agent/engine/first_copy_plugin.hpp"
#include "core/agent/engine/ledger_wire.hpp"
#include "core/agent/engine/lt_convert.hpp"
#include "core/agent/engine/stream_pieces.hpp"
#include "core/group/hex.hpp"
#include "core/version.hpp"

namespace coop::agent {

namespace {

constexpr auto tick_interval = std::chrono::seconds(1);
constexpr int checkpoint_every_ticks = 2;  // resume data at most 2 s old
constexpr int seek_peers_every_ticks = 5;
constexpr auto shutdown_deadline = std::chrono::seconds(5);
// libtorrent's own tick. Each one hands out rate-limiter quota, dials the
// peers given to connect_peer and asks for pieces with deadlines, so every
// request and answer waits for one: at 100 ms a stream's start from a
// rate-limited seeder is a string of 100 ms round trips (0.9 s to a first
// frame, 0.3 s at 20 ms). Fast while a rate limit is set, something
// downloads or a stream reads; idle otherwise.
constexpr int fast_tick_ms = 20, idle_tick_ms = 100;
constexpr auto fast_tick_after_read = std::chrono::seconds(10);
// A magnet's file count is unknown until its metadata: a stream sets this
// many files to "not yet" (any beyond would start fetching on their own).
constexpr std::size_t stream_files_hint = 4096;

int tick_ms(bool fast) { return fast ? fast_tick_ms : idle_tick_ms; }

// COOP_SEED_FIRST_COPY=off leaves the first-copy policy off the shares we
// seed: only for benchmarks (bench/lab), to compare a build with itself.
bool first_copy_enabled() {
    const char* v = std::getenv("COOP_SEED_FIRST_COPY");
    return !(v && std::string(v) == "off");
}

// COOP_LEDGER=off leaves the ledger's extension off: only for benchmarks
// (bench/ledger), to measure what record-keeping costs.
bool ledger_enabled_by_environment() {
    const char* v = std::getenv("COOP_LEDGER");
    return !(v && std::string(v) == "off");
}

// Every piece is ours from the moment it is added: shared by us a moment
// ago, or resumed complete.
bool complete_when_added(const lt::add_torrent_params& atp, bool seed_mode) {
    if (!atp.ti) return false;
    if (seed_mode) return true;
    return atp.have_pieces.size() == atp.ti->num_pieces() && atp.have_pieces.all_set();
}

// Topics: announced again well before DHT nodes forget them (30-45 min), and
// looked up for a bounded time; what a hostile DHT can make us hold is
// bounded too.
constexpr auto topic_reannounce_interval = std::chrono::minutes(10);
constexpr auto topic_lookup_limit = std::chrono::seconds(30);
constexpr std::size_t max_topics = 1024;
constexpr std::size_t max_topic_lookups = 64;
constexpr std::size_t max_found_per_lookup = 256;
constexpr std::size_t max_external_addresses = 16;

lt::sha1_hash topic_hash(const std::string& hex) {
    lt::sha1_hash h;
    if (!group::hex_to_bytes(hex, reinterpret_cast<std::uint8_t*>(h.data()), h.size()))
        throw std::invalid_argument("a DHT topic is 40 hex digits, not '" + hex.substr(0, 48) + "'");
    return h;
}

// Where every peer can reach every other (loopback, a LAN, a test net).
bool local_network(const EngineConfig& c) { return c.listen.is_local_network() || c.no_public; }

lt::settings_pack make_settings(const EngineConfig& c) {
    lt::settings_pack p = lt::high_performance_seed();
    // Its piece suggestions make the other side fetch out of order: a
    // stream's player wants its bytes in order (and 2.0 has no read cache
    // that suggestions would help).
    p.set_int(lt::settings_pack::suggest_mode, lt::settings_pack::no_piece_suggestions);
    p.set_str(lt::settings_pack::listen_interfaces, c.listen.to_string());
    if (!c.listen.is_unspecified()) p.set_str(lt::settings_pack::outgoing_interfaces, c.listen.address);
    p.set_int(lt::settings_pack::max_retry_port_bind, 0);  // the port asked for, or an error
    p.set_bool(lt::settings_pack::listen_system_port_fallback, false);
    p.set_str(lt::settings_pack::user_agent, std::string("coop/") + coop::version);
    p.set_str(lt::settings_pack::peer_fingerprint, "-CO0100-");
    p.set_int(lt::settings_pack::alert_mask, static_cast<int>(lt::alert_category::status | lt::alert_category::error |
                                                              lt::alert_category::storage | lt::alert_category::dht |
                                                              lt::alert_category::dht_operation |  // get_peers replies
                                                              lt::alert_category::piece_progress |
                                                              lt::alert_category::connect | lt::alert_category::tracker |
                                                              // --log-level trace: every message to and from every peer
                                                              (spdlog::should_log(spdlog::level::trace)
                                                                   ? lt::alert_category::peer_log | lt::alert_category::torrent_log
                                                                   : lt::alert_category_t{})));
    p.set_int(lt::settings_pack::alert_queue_size, 10000);
    p.set_bool(lt::settings_pack::allow_multiple_connections_per_ip, true);
    // uTP costs 10x on loopback and LAN (see README, Performance): TCP there.
    const bool local = local_network(c);
    p.set_bool(lt::settings_pack::enable_outgoing_utp, !local);
    p.set_bool(lt::settings_pack::enable_incoming_utp, !local);
    // Where every peer can reach every other, only leechers dial: when both
    // sides dial at once each drops the other's connection as a duplicate
    // and the transfer starts a second later.
    if (local) p.set_bool(lt::settings_pack::seeding_outgoing_connections, false);
    p.set_int(lt::settings_pack::tick_interval, tick_ms(c.upload_limit > 0 || c.download_limit > 0));
    p.set_int(lt::settings_pack::send_buffer_watermark, 8 << 20);
    p.set_int(lt::settings_pack::send_buffer_low_watermark, 1 << 20);
    p.set_int(lt::settings_pack::max_queued_disk_bytes, 16 << 20);
    // 1 s of requests queued at each peer, not libtorrent's 3: a block a
    // seeder has queued stays hidden from the other leechers, and the
    // longer it waits the more of them ask for it too (bench/lab: a flash
    // crowd's seeder sent fewer copies). On fast links max_out_request_queue
    // below is the bound either way.
    p.set_int(lt::settings_pack::request_queue_time, 1);
    p.set_int(lt::settings_pack::max_out_request_queue, 1500);
    p.set_int(lt::settings_pack::max_allowed_in_request_queue, 2000);
    auto as_int = [](std::int64_t v) { return static_cast<int>(std::min<std::int64_t>(v, std::numeric_limits<int>::max())); };
    p.set_int(lt::settings_pack::upload_rate_limit, as_int(c.upload_limit));
    p.set_int(lt::settings_pack::download_rate_limit, as_int(c.download_limit));
    p.set_bool(lt::settings_pack::enable_dht, true);
    p.set_bool(lt::settings_pack::enable_upnp, !c.no_public);
    p.set_bool(lt::settings_pack::enable_natpmp, !c.no_public);
    p.set_bool(lt::settings_pack::enable_lsd, !c.no_public);
    if (c.no_public) {
        // A private DHT of the agents named by --peer: no public routers, and
        // room for many nodes on one host.
        p.set_str(lt::settings_pack::dht_bootstrap_nodes, "");
        p.set_bool(lt::settings_pack::dht_restrict_routing_ips, false);
        p.set_bool(lt::settings_pack::dht_restrict_search_ips, false);
        p.set_bool(lt::settings_pack::dht_prefer_verified_node_ids, false);
        p.set_int(lt::settings_pack::dht_block_ratelimit, 100000);
    }
    return p;
}

std::string listen_error(const Endpoint& e, const lt::error_code& ec) {
    std::string why = ec.message();
    if (ec == boost::system::errc::address_in_use) why = "the port is in use";
    if (ec == boost::system::errc::address_not_available) why = "no interface has that address";
    return "cannot listen on " + e.to_string() + ": " + why +
           "; pick another with coop agent start --listen ADDR:PORT (port 0 picks a free one)";
}

}  // namespace

struct Engine::Impl : std::enable_shared_from_this<Engine::Impl> {
    Impl(boost::asio::io_context& io, EngineConfig c, EngineEvents e)
        : io(io), config(std::move(c)), events(std::move(e)), timer(io) {}

    boost::asio::io_context& io;
    EngineConfig config;
    EngineEvents events;
    std::unique_ptr<lt::session> session;
    std::map<std::string, lt::torrent_handle> torrents;
    // A hybrid torrent added by its v1 hash gains its v2 hash with the
    // metadata: the id it was added under is kept by handle, not recomputed.
    std::map<lt::torrent_handle, std::string> ids;
    int saves_in_flight = 0;  // save_resume_data calls not yet answered
    boost::asio::steady_timer timer;
    std::function<void(const std::string&)> ready;
    int ticks = 0;
    int dht_nodes = 0;
    int peers = 0;
    int dht_nodes_metric = lt::find_metric_idx("dht.dht_nodes");
    int peers_metric = lt::find_metric_idx("peer.num_peers_connected");

    // Topics we announce, by key.
    struct Topic {
        int port = 0;
        std::chrono::steady_clock::time_point announced;
        int nodes_then = 0;  // DHT nodes at the last announce
    };
    std::map<lt::sha1_hash, Topic> topics;
    // Lookups running. libtorrent says nothing when a get_peers traversal
    // ends, so the DHT's running lookups are polled (post_dht_stats) on the
    // tick while any of ours run; a lookup is over once a poll made after
    // it started no longer lists its target.
    struct Lookup {
        lt::sha1_hash target;
        std::function<void(std::vector<Endpoint>)> found;
        std::function<void()> done;
        std::set<std::string> seen;
        std::chrono::steady_clock::time_point deadline;
        std::uint64_t first_poll = 0;  // the first tick whose poll can tell it ended
    };
    std::map<std::uint64_t, Lookup> lookups;
    std::uint64_t next_lookup = 1;
    // A poll's dht_stats_alerts (one per DHT node) come before the same
    // tick's session_stats_alert, which closes the poll.
    std::uint64_t stats_posted = 0, stats_answered = 0;
    std::deque<std::uint64_t> polls;  // ticks whose session stats follow a DHT poll
    std::set<lt::sha1_hash> polled_targets;
    std::set<std::string> external_addresses;  // ours, as DHT nodes see it

    std::unique_ptr<StreamPieces> pieces;  // what streams read, and what that makes the torrent fetch
    std::shared_ptr<LedgerWire> ledger_wire;  // none when the ledger is off
    std::map<std::string, int> upload_priorities;  // address -> level
    std::map<int, lt::peer_class_t> priority_classes;
    bool fast_tick = false;                // libtorrent ticks at fast_tick_ms
    bool first_copy = first_copy_enabled();
    std::chrono::steady_clock::time_point last_read;

    // shutdown
    bool stopping = false;
    std::function<void(std::string)> on_stopped;
    std::unique_ptr<boost::asio::steady_timer> stop_timer;

    void create() {
        lt::session_params sp;
        // Private mode never reuses DHT nodes learned while public.
        if (!config.session_state.empty() && !config.no_public) {
            try {
                sp = lt::read_session_params(lt::span<char const>(config.session_state.data(),
                                                                  static_cast<long>(config.session_state.size())),
                                             lt::session_handle::save_dht_state);
            } catch (const std::exception& e) {
                spdlog::warn("ignoring unreadable saved session state: {}", e.what());
                sp = lt::session_params();
            }
        }
        sp.settings = make_settings(config);
        sp.disk_io_constructor = lt::posix_disk_io_constructor;
        session = std::make_unique<lt::session>(std::move(sp));
        pieces = std::make_unique<StreamPieces>(*session, local_network(config));
        apply_class_filter();
        if (config.ledger_identity && ledger_enabled_by_environment()) {
            ledger_wire = std::make_shared<LedgerWire>(*config.ledger_identity, ledger_wire_events());
            session->add_extension(ledger_wire);
        }
        for (const auto& peer : config.peers) session->add_dht_node({peer.address, peer.port});
        std::weak_ptr<Impl> weak = shared_from_this();
        session->set_alert_notify([weak, &io = io] {
            boost::asio::post(io, [weak] {
                if (auto self = weak.lock()) self->drain_alerts();
            });
        });
        schedule_tick();
    }

    void schedule_tick() {
        timer.expires_after(tick_interval);
        std::weak_ptr<Impl> weak = shared_from_this();
        timer.async_wait([weak](const boost::system::error_code& ec) {
            if (ec) return;
            if (auto self = weak.lock()) self->tick();
        });
    }

    bool limited() const { return config.upload_limit > 0 || config.download_limit > 0; }

    // Peer classes by address. Loopback and LAN peers sit in libtorrent's
    // unlimited "local" class; while a limit is set every address goes in
    // the global class so limits hold, and those with an upload priority in
    // their level's class too.
    void apply_class_filter() {
        if (!limited()) return;
        const std::uint32_t global = 1u << static_cast<std::uint32_t>(lt::session::global_peer_class_id);
        lt::ip_filter f;
        f.add_rule(lt::make_address("0.0.0.0"), lt::make_address("255.255.255.255"), global);
        f.add_rule(lt::make_address("::"), lt::make_address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), global);
        for (const auto& [address, level] : upload_priorities) {
            boost::system::error_code ec;
            const auto a = lt::make_address(address, ec);
            if (ec) continue;
            f.add_rule(a, a, global | (1u << static_cast<std::uint32_t>(priority_class(level))));
        }
        session->set_peer_class_filter(f);
    }

    // One class per level, made when first needed.
    lt::peer_class_t priority_class(int level) {
        if (auto it = priority_classes.find(level); it != priority_classes.end()) return it->second;
        const lt::peer_class_t c = session->create_peer_class(("coop upload priority " + std::to_string(level)).c_str());
        lt::peer_class_info info = session->get_peer_class(c);
        info.upload_priority = level;
        info.download_priority = 1;
        session->set_peer_class(c, info);
        priority_classes.emplace(level, c);
        return c;
    }

    // The extension's events come on libtorrent's thread: on to the loop.
    LedgerWireEvents ledger_wire_events() {
        std::weak_ptr<Impl> weak = shared_from_this();
        auto on_loop = [weak, &io = io](auto handler) {
            return [weak, &io, handler](auto... args) {
                boost::asio::post(io, [weak, handler, args...]() mutable {
                    if (auto self = weak.lock()) handler(*self, std::move(args)...);
                });
            };
        };
        using Key = Identity::PublicKey;
        LedgerWireEvents e;
        e.bound = on_loop([](Impl& self, Key peer, std::string address) {
            if (self.events.ledger_bound) self.events.ledger_bound(peer, address);
        });
        e.counted = on_loop([](Impl& self, Key peer, std::uint64_t gave, std::uint64_t got) {
            if (self.events.ledger_counted) self.events.ledger_counted(peer, gave, got);
        });
        e.received = on_loop([](Impl& self, Key peer, std::string message) {
            if (self.events.ledger_received) self.events.ledger_received(peer, std::move(message));
        });
        e.closing = on_loop([](Impl& self, Key peer) {
            if (self.events.ledger_closing) self.events.ledger_closing(peer);
        });
        e.bad = on_loop([](Impl& self, Key peer, std::string problem) {
            if (self.events.ledger_bad) self.events.ledger_bad(peer, problem);
        });
        return e;
    }

    // On libtorrent's thread, where the extension lives.
    void on_network_thread(std::function<void(LedgerWire&)> f) {
        if (!session || !ledger_wire) return;
        boost::asio::post(session->get_context(), [wire = std::weak_ptr<LedgerWire>(ledger_wire), f = std::move(f)] {
            if (auto w = wire.lock()) f(*w);
        });
    }

    // Downloading, or read by a stream lately.
    bool busy() const {
        if (std::chrono::steady_clock::now() - last_read < fast_tick_after_read) return true;
        for (const auto& [id, h] : torrents) {
            const auto st = h.status(lt::torrent_handle::status_flags_t{});
            if (!st.is_finished && !(st.flags & lt::torrent_flags::paused)) return true;
        }
        return false;
    }

    void set_fast_tick(bool fast) {
        if (fast == fast_tick) return;
        fast_tick = fast;
        lt::settings_pack p;
        p.set_int(lt::settings_pack::tick_interval, tick_ms(fast || limited()));
        session->apply_settings(std::move(p));
    }

    void tick() {
        if (stopping) return;
        ++ticks;
        if (!lookups.empty()) {
            session->post_dht_stats();
            polls.push_back(stats_posted + 1);
        }
        ++stats_posted;
        session->post_session_stats();
        topics_tick();
        if (ticks % checkpoint_every_ticks == 0) checkpoint();
        if (ticks % seek_peers_every_ticks == 0) seek_peers();
        if (fast_tick && !busy()) set_fast_tick(false);
        schedule_tick();
    }

    // Torrents still looking for data and without peers ask the DHT again
    // and retry the configured agents, so a swarm that forms late is found.
    void seek_peers() {
        for (auto& [id, h] : torrents) {
            const auto st = h.status();
            if (st.is_finished || (st.flags & lt::torrent_flags::paused) || st.num_peers > 0) continue;
            h.force_dht_announce();
            connect_to(h, config.peers);
        }
    }

    void connect_to(const lt::torrent_handle& h, const std::vector<Endpoint>& peers) {
        // A torrent with a v2 hash dials with it: over a connection made
        // with the v1 hash, libtorrent 2.0.8 still asks for v2 hashes, and
        // the other side drops it as an invalid message (a second lost).
        lt::pex_flags_t flags = lt::pex_encryption | lt::pex_utp | lt::pex_holepunch;
        if (h.info_hashes().has_v2()) flags |= lt::pex_lt_v2;
        for (const auto& p : peers) {
            lt::error_code ec;
            const auto addr = lt::make_address(p.address, ec);
            if (!ec) h.connect_peer(lt::tcp::endpoint(addr, p.port), {}, flags);
        }
    }

    void checkpoint() {
        for (auto& [id, h] : torrents)
            if (h.need_save_resume_data())
                save(h, lt::torrent_handle::save_info_dict | lt::torrent_handle::only_if_modified);
    }

    std::string id_of(const lt::torrent_handle& h) const {
        auto it = ids.find(h);
        return it != ids.end() ? it->second : std::string();
    }

    void save(const lt::torrent_handle& h, lt::resume_data_flags_t flags) {
        h.save_resume_data(flags);
        ++saves_in_flight;
    }

    void drain_alerts() {
        if (!session) return;
        std::vector<lt::alert*> alerts;
        session->pop_alerts(&alerts);
        for (lt::alert* a : alerts) {
            // The agent must outlive anything one alert can throw (a
            // handle gone meanwhile, a full disk under the store).
            try {
                handle(a);
            } catch (const std::exception& e) {
                spdlog::error("while handling {}: {}", a->what(), e.what());
            }
        }
    }

    void handle(lt::alert* a) {
        if (auto* ok = lt::alert_cast<lt::listen_succeeded_alert>(a)) {
            spdlog::info("{}", ok->message());
            if (ok->socket_type == lt::socket_type_t::tcp && ready) std::exchange(ready, nullptr)("");
        } else if (auto* fail = lt::alert_cast<lt::listen_failed_alert>(a)) {
            spdlog::error("{}", fail->message());
            if (ready && (fail->socket_type == lt::socket_type_t::tcp))
                std::exchange(ready, nullptr)(listen_error(config.listen, fail->error));
        } else if (auto* saved = lt::alert_cast<lt::save_resume_data_alert>(a)) {
            save_done();
            const auto buf = lt::write_resume_data_buf(saved->params);
            const std::string id = id_of(saved->handle);
            if (!id.empty() && events.resume_saved) events.resume_saved(id, std::string(buf.begin(), buf.end()));
        } else if (lt::alert_cast<lt::save_resume_data_failed_alert>(a)) {
            save_done();
        } else if (auto* meta = lt::alert_cast<lt::metadata_received_alert>(a)) {
            const std::string id = id_of(meta->handle);
            if (!id.empty() && events.metadata_received) events.metadata_received(id);
        } else if (auto* done = lt::alert_cast<lt::torrent_finished_alert>(a)) {
            const std::string id = id_of(done->handle);
            if (id.empty()) return;  // removed meanwhile
            save(done->handle, lt::torrent_handle::save_info_dict);
            if (events.finished) events.finished(id);
        } else if (auto* ferr = lt::alert_cast<lt::file_error_alert>(a)) {
            spdlog::error("{}", ferr->message());
            const std::string id = id_of(ferr->handle);
            if (id.empty()) return;
            ferr->handle.pause();
            const bool no_space = ferr->error == boost::system::errc::no_space_on_device;
            const std::string file = ferr->filename();
            std::string msg = no_space ? "no space left on the device holding " + file
                                       : "cannot write " + file + ": " + ferr->error.message();
            if (events.failed) events.failed(id, msg, no_space);
        } else if (auto* terr = lt::alert_cast<lt::torrent_error_alert>(a)) {
            spdlog::error("{}", terr->message());
            const std::string id = id_of(terr->handle);
            if (!id.empty() && events.failed) events.failed(id, terr->error.message(), false);
        } else if (auto* stats = lt::alert_cast<lt::session_stats_alert>(a)) {
            const auto counters = stats->counters();
            if (dht_nodes_metric >= 0) dht_nodes_grew(static_cast<int>(counters[dht_nodes_metric]));
            if (peers_metric >= 0) peers = static_cast<int>(counters[peers_metric]);
            poll_answered();
        } else if (auto* dht = lt::alert_cast<lt::dht_stats_alert>(a)) {
            for (const auto& running : dht->active_requests) polled_targets.insert(running.target);
        } else if (auto* reply = lt::alert_cast<lt::dht_get_peers_reply_alert>(a)) {
            topic_peers(*reply);
        } else if (auto* ip = lt::alert_cast<lt::external_ip_alert>(a)) {
            if (external_addresses.size() < max_external_addresses)
                external_addresses.insert(ip->external_address.to_string());
        } else if (auto* piece = lt::alert_cast<lt::read_piece_alert>(a)) {
            pieces->piece_read(*piece);
        } else if (auto* finished = lt::alert_cast<lt::piece_finished_alert>(a)) {
            pieces->piece_finished(finished->handle);
        } else if (auto* terr = lt::alert_cast<lt::tracker_error_alert>(a)) {
            spdlog::warn("{}", terr->message());
        } else if (auto* reply = lt::alert_cast<lt::tracker_reply_alert>(a)) {
            spdlog::debug("{}", reply->message());
        } else if (auto* gone = lt::alert_cast<lt::peer_disconnected_alert>(a)) {
            spdlog::debug("{}", gone->message());
        } else if (auto* peer = lt::alert_cast<lt::peer_connect_alert>(a)) {
            spdlog::debug("{}", peer->message());
        } else if (lt::alert_cast<lt::alerts_dropped_alert>(a)) {
            spdlog::warn("libtorrent dropped alerts: the queue was full");
        } else {
            spdlog::trace("{}", a->message());
        }
    }

    // Our torrents are announced to the DHT when they start; if the DHT
    // had no nodes yet, announce again as soon as it gains some.
    void dht_nodes_grew(int now) {
        if (now > dht_nodes) {
            dht_nodes = now;
            for (auto& [id, h] : torrents) h.force_dht_announce();
            // A topic announced to few nodes is announced again as the
            // table doubles (a few times, even on the public DHT).
            for (auto& [key, topic] : topics)
                if (now >= 2 * topic.nodes_then) announce(key, topic);
        }
        dht_nodes = now;
    }

    // ---- topics ----------------------------------------------------------

    void announce(const lt::sha1_hash& key, Topic& topic) {
        session->dht_announce(key, topic.port);
        topic.announced = std::chrono::steady_clock::now();
        topic.nodes_then = dht_nodes;
    }

    void topics_tick() {
        const auto now = std::chrono::steady_clock::now();
        for (auto& [key, topic] : topics)
            if (now - topic.announced >= topic_reannounce_interval) announce(key, topic);
        std::vector<std::uint64_t> late;
        for (const auto& [id, lookup] : lookups)
            if (now >= lookup.deadline) late.push_back(id);
        for (auto id : late) finish(id);
    }

    void poll_answered() {
        ++stats_answered;
        while (!polls.empty() && polls.front() < stats_answered) polls.pop_front();  // answers lost
        if (!polls.empty() && polls.front() == stats_answered) {
            polls.pop_front();
            std::vector<std::uint64_t> ended;
            for (const auto& [id, lookup] : lookups)
                if (lookup.first_poll <= stats_answered && !polled_targets.count(lookup.target)) ended.push_back(id);
            for (auto id : ended) finish(id);
        }
        polled_targets.clear();
    }

    void finish(std::uint64_t id) {
        auto lookup = lookups.extract(id);
        if (lookup && lookup.mapped().done) lookup.mapped().done();
    }

    // An endpoint of ours: the port we announce under the topic, at our
    // listen address or the address DHT nodes see us at.
    bool is_ours(const lt::sha1_hash& key, const Endpoint& e) const {
        const auto topic = topics.find(key);
        if (topic == topics.end() || topic->second.port != e.port) return false;
        return e.address == config.listen.address || external_addresses.count(e.address) != 0;
    }

    void topic_peers(const lt::dht_get_peers_reply_alert& reply) {
        const auto peers = reply.peers();
        // Called after the walk: a callback may start or end lookups.
        std::vector<std::pair<std::function<void(std::vector<Endpoint>)>, std::vector<Endpoint>>> calls;
        for (auto& [id, lookup] : lookups) {
            if (lookup.target != reply.info_hash || !lookup.found) continue;
            std::vector<Endpoint> fresh;
            for (const auto& peer : peers) {
                if (lookup.seen.size() >= max_found_per_lookup) break;
                const Endpoint e = endpoint_of(peer);
                if (e.port == 0 || e.is_unspecified() || is_ours(reply.info_hash, e)) continue;
                if (lookup.seen.insert(e.to_string()).second) fresh.push_back(e);
            }
            if (!fresh.empty()) calls.emplace_back(lookup.found, std::move(fresh));
        }
        for (auto& [found, endpoints] : calls) found(std::move(endpoints));
    }

    void save_done() {
        if (saves_in_flight > 0) --saves_in_flight;
        if (stopping && saves_in_flight == 0) finish_stop();
    }

    void finish_stop() {
        if (!on_stopped) return;
        stop_timer.reset();
        const auto state = lt::write_session_params_buf(session->session_state(lt::session_handle::save_dht_state));
        std::exchange(on_stopped, nullptr)(std::string(state.begin(), state.end()));
    }

    lt::torrent_handle handle_of(const std::string& id) const {
        auto it = torrents.find(id);
        if (it == torrents.end()) throw std::invalid_argument("no torrent " + id + " in the session");
        return it->second;
    }
};

Engine::Engine(boost::asio::io_context& io, EngineConfig config, EngineEvents events)
    : impl_(std::make_shared<Impl>(io, std::move(config), std::move(events))) {}

Engine::~Engine() {
    if (impl_->session) impl_->session->set_alert_notify([] {});
    impl_->timer.cancel();
}

void Engine::start(std::function<void(const std::string&)> ready) {
    impl_->ready = std::move(ready);
    impl_->create();
}

Endpoint Engine::listen_endpoint() const {
    Endpoint e = impl_->config.listen;
    e.port = impl_->session->listen_port();
    return e;
}

int Engine::dht_nodes() const { return impl_->dht_nodes; }
int Engine::peers() const { return impl_->peers; }

std::int64_t Engine::upload_rate() const {
    std::int64_t sum = 0;
    for (auto& [id, h] : impl_->torrents) sum += h.status().upload_payload_rate;
    return sum;
}

std::int64_t Engine::download_rate() const {
    std::int64_t sum = 0;
    for (auto& [id, h] : impl_->torrents) sum += h.status().download_payload_rate;
    return sum;
}

TorrentFacts Engine::inspect_magnet(const std::string& magnet) {
    lt::error_code ec;
    lt::add_torrent_params atp = lt::parse_magnet_uri(magnet, ec);
    if (ec) throw std::invalid_argument("malformed magnet link (" + ec.message() + "); a magnet link starts with magnet:?xt=urn:btih: or magnet:?xt=urn:btmh:");
    TorrentFacts f = facts_of(atp.info_hashes);
    f.name = atp.name;
    f.magnet = magnet;
    return f;
}

TorrentFacts Engine::inspect_torrent(const std::string& torrent) {
    lt::error_code ec;
    lt::torrent_info ti(lt::span<char const>(torrent.data(), static_cast<long>(torrent.size())), ec, lt::from_span);
    if (ec) throw std::invalid_argument("not a valid .torrent file (" + ec.message() + ")");
    return facts_of(ti, torrent);
}

std::string Engine::magnet_of_info_hash(const std::string& hex) {
    if (hex.size() == 40) return "magnet:?xt=urn:btih:" + hex;
    if (hex.size() == 64) return "magnet:?xt=urn:btmh:1220" + hex;
    return "";
}

std::string Engine::add(const AddRequest& r) {
    lt::error_code ec;
    lt::add_torrent_params atp;
    if (!r.resume.empty()) {
        atp = lt::read_resume_data(lt::span<char const>(r.resume.data(), static_cast<long>(r.resume.size())), ec);
        if (ec) throw std::invalid_argument("unreadable resume data (" + ec.message() + ")");
        // Piece priorities are only ever a stream's passing focus: a crash
        // in the middle must not leave pieces that are never fetched.
        atp.piece_priorities.clear();
        atp.file_priorities.clear();
    } else if (!r.torrent.empty()) {
        atp.ti = std::make_shared<lt::torrent_info>(lt::span<char const>(r.torrent.data(), static_cast<long>(r.torrent.size())),
                                                    ec, lt::from_span);
        if (ec) throw std::invalid_argument("not a valid .torrent file (" + ec.message() + ")");
    } else {
        atp = lt::parse_magnet_uri(r.magnet, ec);
        if (ec) throw std::invalid_argument("malformed magnet link (" + ec.message() + ")");
    }
    atp.save_path = r.save_path;
    atp.flags &= ~(lt::torrent_flags::auto_managed | lt::torrent_flags::paused | lt::torrent_flags::seed_mode |
                   lt::torrent_flags::sequential_download);  // only ever a stream's, while it reads
    // Added paused and resumed once its peers are known: libtorrent dials
    // the peers it knows when a torrent resumes, but those it learns later
    // only on its once-a-second round (up to a second lost before the
    // first byte).
    atp.flags |= lt::torrent_flags::paused;
    if (r.seed_mode) {
        // We hashed these bytes a moment ago: trust them rather than hash
        // every piece again on its first upload (that costs the seeder as
        // much CPU as the sharing did).
        atp.flags |= lt::torrent_flags::seed_mode;
        if (atp.ti) atp.verified_pieces.resize(atp.ti->num_pieces(), true);
    }
    atp.flags |= lt::torrent_flags::duplicate_is_error;
    if (r.stream && !r.seed_mode) {
        // Nothing at all is fetched on its own, not even in the moment the
        // metadata arrives: a magnet's priorities apply once it is there.
        const std::size_t files = atp.ti ? static_cast<std::size_t>(atp.ti->num_files()) : stream_files_hint;
        atp.file_priorities.assign(files, lt::dont_download);
    }
    // A share new to the swarm goes out about once from us (see
    // first_copy_policy.hpp); a torrent we fetched has other sources.
    if (impl_->first_copy && complete_when_added(atp, r.seed_mode)) atp.extensions.push_back(first_copy_plugin(*atp.ti));
    const lt::info_hash_t hashes = atp.ti ? atp.ti->info_hashes() : atp.info_hashes;
    const std::string id = !r.id.empty() ? r.id : short_id(hashes);
    lt::torrent_handle h = impl_->session->add_torrent(std::move(atp), ec);
    if (ec == lt::errors::duplicate_torrent) {
        std::string known;
        for (const auto& [other, oh] : impl_->torrents) {
            const auto o = oh.info_hashes();
            if ((hashes.has_v1() && o.has_v1() && o.v1 == hashes.v1) || (hashes.has_v2() && o.has_v2() && o.v2 == hashes.v2))
                known = other;
        }
        throw std::invalid_argument("this torrent is already in the agent under another of its info-hashes" +
                                    (known.empty() ? std::string() : " (id " + known + "); use that id"));
    }
    if (ec) throw std::invalid_argument("libtorrent refused the torrent (" + ec.message() + ")");
    impl_->torrents[id] = h;
    impl_->ids[h] = id;
    // After the add, not before: the new settings also have libtorrent
    // dial the new torrent's peers at once (before, it waited a second).
    if (r.stream && !r.seed_mode) impl_->pieces->starting(h, true);
    if (!r.seed_mode && !r.paused) impl_->set_fast_tick(true);  // dial and fetch without waiting
    impl_->connect_to(h, r.peers);
    impl_->connect_to(h, impl_->config.peers);
    if (!r.paused) h.resume();
    impl_->save(h, lt::torrent_handle::save_info_dict);
    return id;
}

bool Engine::has(const std::string& id) const { return impl_->torrents.count(id) != 0; }
std::size_t Engine::torrent_count() const { return impl_->torrents.size(); }

void Engine::pause(const std::string& id) {
    auto h = impl_->handle_of(id);
    h.pause(lt::torrent_handle::graceful_pause);
    impl_->save(h, lt::torrent_handle::save_info_dict);
}

void Engine::resume(const std::string& id) {
    auto h = impl_->handle_of(id);
    // A full disk puts a torrent in upload mode as well as in error.
    h.unset_flags(lt::torrent_flags::upload_mode);
    h.clear_error();
    impl_->set_fast_tick(true);
    impl_->connect_to(h, impl_->config.peers);  // first: dialled as it resumes
    h.resume();
}

void Engine::remove(const std::string& id) {
    auto it = impl_->torrents.find(id);
    if (it == impl_->torrents.end()) return;
    impl_->pieces->removed(it->second);
    impl_->session->remove_torrent(it->second);
    impl_->ids.erase(it->second);
    impl_->torrents.erase(it);
}

void Engine::connect(const std::string& id, const std::vector<Endpoint>& peers) {
    impl_->connect_to(impl_->handle_of(id), peers);
}

std::optional<TorrentStats> Engine::stats(const std::string& id) const {
    auto it = impl_->torrents.find(id);
    if (it == impl_->torrents.end()) return std::nullopt;
    const lt::torrent_status st = it->second.status(lt::torrent_handle::query_name);
    TorrentStats s;
    s.id = id;
    s.name = st.name;
    s.has_metadata = st.has_metadata;
    // Complete means every piece: libtorrent's is_finished means only every
    // piece of priority above 0.
    s.finished = st.is_seeding;
    s.done = st.total_wanted_done;
    s.size = st.total_wanted;
    s.download_rate = st.download_payload_rate;
    s.upload_rate = st.upload_payload_rate;
    s.uploaded = st.all_time_upload;
    s.downloaded_session = st.total_payload_download;
    s.peers = st.num_peers;
    if (st.errc) {
        s.state = "error";
        s.error = st.errc.message();
    } else if (st.flags & lt::torrent_flags::paused) {
        s.state = "paused";
    } else {
        switch (st.state) {
            case lt::torrent_status::checking_files:
            case lt::torrent_status::checking_resume_data: s.state = "checking"; break;
            case lt::torrent_status::downloading_metadata: s.state = "metadata"; break;
            case lt::torrent_status::downloading: s.state = "downloading"; break;
            default: s.state = "seeding"; break;
        }
    }
    return s;
}

std::vector<FileEntry> Engine::files(const std::string& id) const {
    std::vector<FileEntry> out;
    auto it = impl_->torrents.find(id);
    if (it == impl_->torrents.end()) return out;
    const auto ti = it->second.torrent_file();
    if (!ti) return out;
    const auto& fs = ti->files();
    for (lt::file_index_t i : fs.file_range())
        out.push_back({static_cast<int>(i), fs.file_path(i), fs.file_size(i), fs.pad_file_at(i)});
    return out;
}

void Engine::focus(const std::string& id, bool on) {
    auto it = impl_->torrents.find(id);
    if (it != impl_->torrents.end()) impl_->pieces->starting(it->second, on);
}

void Engine::read(const ReadRequest& q, ReadDone done) {
    auto it = impl_->torrents.find(q.id);
    const auto ti = it == impl_->torrents.end() ? nullptr : it->second.torrent_file();
    if (!ti) return done("", "no metadata for " + q.id + " yet");
    const auto& fs = ti->files();
    if (q.file < 0 || q.file >= fs.num_files()) return done("", "no file " + std::to_string(q.file) + " in " + q.id);
    const lt::file_index_t file(q.file);
    const std::int64_t file_size = fs.file_size(file);
    if (q.offset >= file_size || q.length <= 0) return done("", "");
    impl_->last_read = std::chrono::steady_clock::now();
    impl_->set_fast_tick(true);
    impl_->pieces->read(it->second, q, std::move(done));
}

std::uint64_t Engine::new_reader() { return impl_->pieces->new_reader(); }

void Engine::forget_reader(std::uint64_t reader) { impl_->pieces->forget_reader(reader); }

std::optional<TorrentFacts> Engine::facts(const std::string& id) const {
    auto it = impl_->torrents.find(id);
    if (it == impl_->torrents.end()) return std::nullopt;
    auto ti = it->second.torrent_file();
    if (!ti) return std::nullopt;
    TorrentFacts f = facts_of(*ti, "");
    f.magnet = lt::make_magnet_uri(it->second);
    return f;
}

void Engine::announce_topic(const std::string& topic_hex, int port) {
    const auto key = topic_hash(topic_hex);
    if (port < 0 || port > 65535) throw std::invalid_argument("port " + std::to_string(port) + " is not 0 to 65535");
    auto& i = *impl_;
    if (!i.topics.count(key) && i.topics.size() >= max_topics)
        throw std::length_error("cannot announce more than " + std::to_string(max_topics) + " DHT topics");
    auto& topic = i.topics[key];
    topic.port = port;
    if (i.session) i.announce(key, topic);
}

void Engine::withdraw_topic(const std::string& topic_hex) { impl_->topics.erase(topic_hash(topic_hex)); }

void Engine::lookup_topic(const std::string& topic_hex, std::function<void(std::vector<Endpoint>)> found,
                          std::function<void()> done) {
    const auto key = topic_hash(topic_hex);
    auto& i = *impl_;
    if (!i.session || i.stopping || i.lookups.size() >= max_topic_lookups) {
        if (i.lookups.size() >= max_topic_lookups)
            spdlog::warn("{} DHT lookups are running already; not looking up {}", max_topic_lookups, topic_hex);
        if (done) boost::asio::post(i.io, std::move(done));
        return;
    }
    Impl::Lookup lookup{key, std::move(found), std::move(done), {},
                        std::chrono::steady_clock::now() + topic_lookup_limit, i.stats_posted + 1};
    i.lookups.emplace(i.next_lookup++, std::move(lookup));
    i.session->dht_get_peers(key);
}

bool Engine::ledger_enabled() const { return impl_->ledger_wire != nullptr; }

void Engine::send_ledger(const Identity::PublicKey& peer, std::string message) {
    impl_->on_network_thread([peer, message = std::move(message)](LedgerWire& wire) {
        if (!wire.send(peer, message)) spdlog::debug("ledger: no connection to send on");
    });
}

void Engine::release_ledger(const Identity::PublicKey& peer) {
    impl_->on_network_thread([peer](LedgerWire& wire) { wire.release(peer); });
}

void Engine::set_upload_priorities(const std::map<std::string, int>& levels) {
    std::map<std::string, int> clamped;
    for (const auto& [address, level] : levels)
        if (level > 1) clamped[address] = std::min(level, 255);
    if (clamped == impl_->upload_priorities) return;
    impl_->upload_priorities = std::move(clamped);
    if (impl_->session) impl_->apply_class_filter();
}

void Engine::checkpoint() { impl_->checkpoint(); }

void Engine::shutdown(std::function<void(std::string)> done) {
    auto& i = *impl_;
    i.stopping = true;
    i.timer.cancel();
    i.on_stopped = std::move(done);
    i.session->pause();
    // Wait for every save in flight, the earlier checkpoints' as well as
    // these final ones, so the last word on each torrent is the newest.
    for (auto& [id, h] : i.torrents)
        if (h.is_valid()) i.save(h, lt::torrent_handle::flush_disk_cache | lt::torrent_handle::save_info_dict);
    if (i.saves_in_flight == 0) return i.finish_stop();
    i.stop_timer = std::make_unique<boost::asio::steady_timer>(i.io, shutdown_deadline);
    std::weak_ptr<Impl> weak = impl_;
    i.stop_timer->async_wait([weak](const boost::system::error_code& ec) {
        if (ec) return;
        if (auto self = weak.lock()) {
            spdlog::warn("{} resume saves still pending at shutdown; giving up on them", self->saves_in_flight);
            self->finish_stop();
        }
    });
}

}  // namespace coop::agent
