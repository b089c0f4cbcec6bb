#pragma once
// Which pieces a torrent fetches while streams read it, and the reads that
// wait for them. A stream wants its bytes in order, from wherever its
// readers are: so while one reads, the torrent fetches only the next few
// pieces missing after each reader (more as the reader goes on in order),
// and the pieces a read waits for first, by deadline. libtorrent's own
// order (rarest first, or its loose sequential mode) would queue seconds
// of other bytes at a slow peer ahead of what the player needs now. When
// nothing is missing after any reader, or no stream reads, the rest of the
// torrent fills in, so it ends up complete and seeded.
//
// Engine-internal (includes libtorrent); everything runs on the agent's
// event loop.
#include <libtorrent/alert_types.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/torrent_handle.hpp>

#include <boost/shared_array.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <set>

#include "core/agent/engine/engine.hpp"

namespace coop::agent {

class StreamPieces {
public:
    // `local`: every peer can reach every other (only leechers dial there).
    StreamPieces(lt::session& session, bool local);

    // For a stream's torrent just added with every file at "not yet": it
    // stays focused (fetching only what readers ask) until starting(false).
    void starting(const lt::torrent_handle& h, bool on);
    void read(const lt::torrent_handle& h, const ReadRequest& request, ReadDone done);
    std::uint64_t new_reader() { return ++last_reader_; }
    void forget_reader(std::uint64_t reader);

    // From the engine's alert loop.
    void piece_read(const lt::read_piece_alert& alert);
    void piece_finished(const lt::torrent_handle& h);
    void removed(const lt::torrent_handle& h);

    // Priorities to restore after a crash never come from us: see
    // Engine::add, which clears piece and file priorities of resume data.

private:
    struct PendingRead {
        lt::torrent_handle handle;
        std::int64_t start = 0;  // offset in the torrent
        std::int64_t length = 0;
        int first = 0, last = 0;  // its pieces
        std::uint64_t reader = 0;
        bool partial = false;
        ReadDone done;
    };
    struct Reader {
        lt::torrent_handle handle;
        std::int64_t run_start = 0;  // where its current in-order run began
        std::int64_t end = 0;        // where its last read ended
        int last_piece = 0;          // the last piece of its file
        std::int64_t ahead_max = 0;  // bytes it may have fetched ahead
    };
    struct Torrent {
        bool starting = false;
        bool focused = false;
        std::set<int> wanted;  // what we let it fetch while focused
    };

    void remember(const lt::torrent_handle& h, int piece, boost::shared_array<char> data, int size);
    void serve_reads();
    void fail_reads(const lt::torrent_handle& h, int piece, const std::string& error);
    // Works out what `h` may fetch now and tells libtorrent what changed.
    void update(const lt::torrent_handle& h);
    void set_focus(const lt::torrent_handle& h, Torrent& t, bool on, const lt::typed_bitfield<lt::piece_index_t>& have);
    void apply_settings();

    lt::session& session_;
    bool local_;
    std::map<lt::torrent_handle, Torrent> torrents_;
    std::map<std::uint64_t, Reader> readers_;
    std::uint64_t last_reader_ = 0;
    std::list<PendingRead> reads_;
    std::set<std::pair<lt::torrent_handle, int>> deadlined_;  // asked for with an alert, not yet here
    std::map<std::pair<lt::torrent_handle, int>, std::pair<boost::shared_array<char>, int>> cache_;
    std::deque<std::pair<lt::torrent_handle, int>> cache_order_;
    std::int64_t cache_bytes_ = 0;
};

}  // namespace coop::agent
