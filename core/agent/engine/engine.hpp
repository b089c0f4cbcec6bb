#pragma once
// The torrent engine: the agent's one libtorrent session, behind an
// interface of plain types so nothing outside engine/*.cpp includes
// libtorrent. Everything runs on the agent's io_context: libtorrent alerts
// are posted to it, and callbacks are made from it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/endpoint.hpp"
#include "core/identity.hpp"

namespace coop::agent {

struct EngineConfig {
    Endpoint listen;
    std::vector<Endpoint> peers;  // other agents: DHT bootstrap and direct connects
    bool no_public = false;
    std::int64_t upload_limit = 0;    // bytes/s, 0 = unlimited
    std::int64_t download_limit = 0;  // bytes/s, 0 = unlimited
    std::string session_state;        // saved DHT state, may be empty
    // The agent's identity, for the ledger's BitTorrent extension
    // (ledger_wire.hpp); none leaves the extension off. So does
    // COOP_LEDGER=off, for benchmarks only (bench/ledger).
    std::optional<Identity> ledger_identity;
};

// What identifies a torrent, known from a magnet or once metadata is there.
struct TorrentFacts {
    std::string id;         // 16 hex digits of the best info-hash
    std::string info_hash;  // full hex of the best info-hash
    std::string info_hash_v1;
    std::string info_hash_v2;
    std::string name;
    std::string magnet;
    std::int64_t size = 0;  // 0 until metadata
    std::string torrent;    // bencoded .torrent, empty until metadata
};

struct TorrentStats {
    std::string id;
    std::string name;
    // "checking", "metadata", "downloading", "seeding", "paused", "error"
    std::string state;
    bool has_metadata = false;
    bool finished = false;
    std::int64_t done = 0;  // verified bytes of what is wanted (all, without priorities)
    std::int64_t size = 0;  // bytes wanted
    std::int64_t download_rate = 0;
    std::int64_t upload_rate = 0;
    std::int64_t uploaded = 0;            // all time (kept in resume data)
    std::int64_t downloaded_session = 0;  // payload since this agent started it
    int peers = 0;
    std::string error;
};

// One file of a torrent, as the metadata describes it.
struct FileEntry {
    int index = 0;
    std::string path;  // relative to the torrent's save path
    std::int64_t size = 0;
    bool pad = false;  // BEP 47 padding, not user data
};

struct ReadRequest {
    std::string id;  // the torrent
    int file = 0;
    std::int64_t offset = 0, length = 0;
    std::int64_t readahead = 0;  // bytes
    double byte_rate = 0;        // the media's, bytes/s; 0 when unknown
    std::uint64_t reader = 0;    // whose read-ahead it is (0: nobody's)
    // Answer with the first bytes as soon as their piece is there (at
    // least one byte, at most `length`), not only once all of them are.
    bool partial = false;
};

// Bytes read from a torrent, or why not.
using ReadDone = std::function<void(std::string data, const std::string& error)>;

struct AddRequest {
    std::string id;       // the id to keep it under; empty: from its info-hash
    std::string resume;   // libtorrent resume data, preferred when present
    std::string torrent;  // bencoded .torrent
    std::string magnet;
    std::string save_path;
    bool seed_mode = false;  // data just hashed by us: trusted, never checked again
    bool paused = false;
    // For a stream: fetch nothing until its reads say what (see focus()).
    bool stream = false;
    std::vector<Endpoint> peers;
};

struct EngineEvents {
    std::function<void(const std::string& id, std::string resume)> resume_saved;
    std::function<void(const std::string& id)> metadata_received;
    std::function<void(const std::string& id)> finished;
    // A disk error stopped the torrent; `no_space` when the disk is full.
    std::function<void(const std::string& id, const std::string& message, bool no_space)> failed;

    // The ledger's extension: a peer proved its key on a connection from
    // `address`; payload bytes moved with it since the last report; a
    // ledger message from it; a connection with it closes once the ledger
    // has settled (release_ledger) or in 10 s; a message that broke the
    // extension's rules.
    using Key = Identity::PublicKey;
    std::function<void(const Key& peer, const std::string& address)> ledger_bound;
    std::function<void(const Key& peer, std::uint64_t gave, std::uint64_t got)> ledger_counted;
    std::function<void(const Key& peer, std::string message)> ledger_received;
    std::function<void(const Key& peer)> ledger_closing;
    std::function<void(const Key& peer, const std::string& problem)> ledger_bad;
};

class Engine {
public:
    Engine(boost::asio::io_context& io, EngineConfig config, EngineEvents events);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Opens the listen socket; `ready` gets "" or a one-line reason.
    void start(std::function<void(const std::string& error)> ready);

    Endpoint listen_endpoint() const;
    int dht_nodes() const;
    int peers() const;
    std::int64_t upload_rate() const;
    std::int64_t download_rate() const;

    // Parses a magnet link or .torrent bytes. Throws std::invalid_argument
    // with a one-line reason.
    static TorrentFacts inspect_magnet(const std::string& magnet);
    static TorrentFacts inspect_torrent(const std::string& torrent);
    // The magnet of a bare hex info-hash (40 or 64 digits), or "".
    static std::string magnet_of_info_hash(const std::string& hex);

    // Adds a torrent and returns its id. Throws std::invalid_argument.
    std::string add(const AddRequest& request);
    bool has(const std::string& id) const;
    std::size_t torrent_count() const;
    void pause(const std::string& id);
    void resume(const std::string& id);
    void remove(const std::string& id);
    void connect(const std::string& id, const std::vector<Endpoint>& peers);
    std::optional<TorrentStats> stats(const std::string& id) const;
    // While a stream starts, only the pieces its reads ask for are fetched:
    // the rest would fill the request queues (seconds of data at a slow
    // peer) ahead of the header, index and first frame. So it is whenever
    // a stream's read-ahead is not all there (after a seek). Otherwise the
    // rest fills in behind, so the whole file ends up seeded.
    void focus(const std::string& id, bool on);
    // The files of a torrent; empty until its metadata is there.
    std::vector<FileEntry> files(const std::string& id) const;
    // Bytes [offset, offset + length) of file `file` (fewer at its end),
    // passed to `done` once their pieces have arrived and passed their hash
    // check. The pieces get deadlines now, so they come before the rest,
    // and so do `readahead` bytes after them, each due when a player at
    // `byte_rate` bytes/s reaches it (0: unknown, 100 ms a piece). The
    // read-ahead belongs to `reader` (from new_reader()): its next read
    // replaces it, so a reader that jumps elsewhere (a seek) leaves no
    // deadlines behind to compete with the new place.
    void read(const ReadRequest& request, ReadDone done);
    std::uint64_t new_reader();
    // The reader is gone (its connection closed): its read-ahead is dropped.
    void forget_reader(std::uint64_t reader);
    std::optional<TorrentFacts> facts(const std::string& id) const;

    // Topics on the DHT (a group's members, an interest tag's groups): a
    // 20-byte key (40 hex digits) under which agents say where their
    // overlay listens. Each throws std::invalid_argument if topic_hex is
    // not 40 hex digits.

    // Announces `port` under the topic now, again every 10 minutes (DHT
    // nodes forget an announce after 30 to 45), and as the DHT gains nodes,
    // until withdrawn. At most 1024 topics; more throws std::length_error.
    void announce_topic(const std::string& topic_hex, int port);
    // Stops announcing; what the DHT holds expires on its own.
    void withdraw_topic(const std::string& topic_hex);
    // Asks the DHT who announced the topic. `found` gets the endpoints of
    // each reply (maybe several calls; each endpoint once per lookup, at
    // most 256, ours left out); `done` once the lookup ends: the DHT has
    // finished it, or 30 s passed. At most 64 lookups run at once: one more
    // is done at once, having found nothing. Callbacks run on the loop,
    // never from inside these calls.
    void lookup_topic(const std::string& topic_hex, std::function<void(std::vector<Endpoint>)> found,
                      std::function<void()> done = {});

    // The ledger's extension. Whether it is on; sends a ledger message on a
    // connection bound to `peer` (dropped when there is none: the ledger
    // proposes again later); lets the connections held for it close.
    bool ledger_enabled() const;
    void send_ledger(const Identity::PublicKey& peer, std::string message);
    void release_ledger(const Identity::PublicKey& peer);
    // Upload priority by the peer's address: those listed get their level
    // (2..255), everyone else 1, so under an upload limit they get that
    // many times the bandwidth of a level-1 peer, and nobody gets none. It
    // takes effect for connections made from now on (libtorrent assigns a
    // connection's peer classes when it opens), and only while an upload
    // limit is set: without one nobody waits for upload.
    void set_upload_priorities(const std::map<std::string, int>& levels);

    // Saves resume data of every torrent that changed (a checkpoint).
    void checkpoint();
    // Pauses everything, saves resume data and the session state, then
    // calls `done(session_state)`. Bounded: gives up waiting after 5 s.
    void shutdown(std::function<void(std::string session_state)> done);

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace coop::agent
