#include "core/agent/engine/stream_pieces.hpp"

#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace coop::agent {

namespace {

// The priority of what streams may fetch. Not libtorrent's top one, which
// it picks before anything else in random order.
constexpr lt::download_priority_t wanted_priority = lt::default_priority;
// Read pieces kept in memory for reads that span them or come back soon:
// bounded in bytes (pieces run from 16 KiB to 16 MiB), never below two.
constexpr std::int64_t cache_max_bytes = 32 << 20;

bool has(const lt::typed_bitfield<lt::piece_index_t>& have, int piece) {
    return piece < have.size() && have.get_bit(lt::piece_index_t(piece));
}

}  // namespace

StreamPieces::StreamPieces(lt::session& session, bool local) : session_(session), local_(local) {}

void StreamPieces::starting(const lt::torrent_handle& h, bool on) {
    auto& t = torrents_[h];
    t.starting = on;
    if (on && !t.focused && !h.torrent_file()) {
        // A magnet added for a stream: its files are all "not yet" already.
        t.focused = true;
        apply_settings();
        return;
    }
    update(h);
}

void StreamPieces::read(const lt::torrent_handle& h, const ReadRequest& q, ReadDone done) {
    const auto ti = h.torrent_file();
    const auto& fs = ti->files();
    const lt::file_index_t file(q.file);
    const std::int64_t file_size = fs.file_size(file);
    const std::int64_t piece_length = ti->piece_length();
    PendingRead r;
    r.handle = h;
    r.start = fs.file_offset(file) + q.offset;
    r.length = std::min(q.length, file_size - q.offset);
    r.first = static_cast<int>(r.start / piece_length);
    r.last = static_cast<int>((r.start + r.length - 1) / piece_length);
    r.reader = q.reader;
    r.partial = q.partial;
    r.done = std::move(done);
    if (q.reader != 0) {
        auto& reader = readers_[q.reader];
        if (!(reader.handle == h) || reader.end != r.start) reader.run_start = r.start;  // it jumped
        reader.handle = h;
        reader.end = r.start + r.length;
        reader.last_piece = static_cast<int>((fs.file_offset(file) + std::max<std::int64_t>(file_size, 1) - 1) / piece_length);
        reader.ahead_max = q.readahead;
    }
    // What a read waits for is due now, and comes back as an alert with its
    // bytes. A piece keeps the deadline it first got: set again, "now"
    // would put it behind pieces due later.
    for (int p = r.first; p <= r.last; ++p) {
        if (cache_.count({h, p}) || deadlined_.count({h, p})) continue;
        h.set_piece_deadline(lt::piece_index_t(p), 0, lt::torrent_handle::alert_when_available);
        deadlined_.insert({h, p});
    }
    reads_.push_back(std::move(r));
    update(h);
    serve_reads();
}

void StreamPieces::forget_reader(std::uint64_t reader) {
    auto it = readers_.find(reader);
    if (it == readers_.end()) return;
    const auto h = it->second.handle;
    readers_.erase(it);
    // Its reads still waiting: nobody wants their bytes now.
    std::vector<PendingRead> gone;
    for (auto r = reads_.begin(); r != reads_.end();) {
        if (r->reader == reader) {
            gone.push_back(std::move(*r));
            r = reads_.erase(r);
        } else {
            ++r;
        }
    }
    for (auto& r : gone) r.done("", "the reader went away");
    if (h.is_valid()) update(h);
}

void StreamPieces::piece_read(const lt::read_piece_alert& a) {
    const int p = static_cast<int>(a.piece);
    const auto& h = a.handle;
    if (a.error == boost::asio::error::operation_aborted || a.error == boost::system::errc::operation_canceled) {
        // Its deadline was dropped under it: ask again if a read still waits.
        for (const auto& r : reads_)
            if (r.handle == h && p >= r.first && p <= r.last) {
                h.set_piece_deadline(a.piece, 0, lt::torrent_handle::alert_when_available);
                return;
            }
        deadlined_.erase({h, p});
        return;
    }
    deadlined_.erase({h, p});
    if (a.error) return fail_reads(h, p, "cannot read piece " + std::to_string(p) + ": " + a.error.message());
    remember(h, p, a.buffer, a.size);
    serve_reads();
}

void StreamPieces::piece_finished(const lt::torrent_handle& h) {
    auto it = torrents_.find(h);
    if (it != torrents_.end() && (it->second.focused || it->second.starting)) update(h);
}

void StreamPieces::removed(const lt::torrent_handle& h) {
    fail_reads(h, -1, "the torrent was removed");
    for (auto r = readers_.begin(); r != readers_.end();) r = r->second.handle == h ? readers_.erase(r) : std::next(r);
    for (auto d = deadlined_.begin(); d != deadlined_.end();) d = d->first == h ? deadlined_.erase(d) : std::next(d);
    torrents_.erase(h);
    apply_settings();
}

void StreamPieces::update(const lt::torrent_handle& h) {
    auto& t = torrents_[h];
    const auto ti = h.torrent_file();
    if (!ti) return;
    const auto st = h.status(lt::torrent_handle::query_pieces);
    const auto& have = st.pieces;
    const std::int64_t piece_length = ti->piece_length();
    bool read = false;
    std::set<int> wanted;
    for (const auto& r : reads_)
        if (r.handle == h)
            for (int p = r.first; p <= r.last; ++p)
                if (!has(have, p)) wanted.insert(p);
    for (const auto& [id, reader] : readers_) {
        if (!(reader.handle == h)) continue;
        read = true;
        // The next missing pieces after where it reads: as many as its
        // read-ahead holds (at least one), found in order.
        const auto n = std::max<std::int64_t>(1, (reader.ahead_max + piece_length - 1) / piece_length);
        std::int64_t found = 0;
        for (int p = static_cast<int>(reader.end / piece_length); p <= reader.last_piece && found < n; ++p)
            if (!has(have, p)) {
                wanted.insert(p);
                ++found;
            }
    }
    // Deadlines no read waits for any more go (a reader left or jumped).
    for (auto d = deadlined_.begin(); d != deadlined_.end();) {
        bool waited = false;
        if (d->first == h)
            for (const auto& r : reads_) waited = waited || (r.handle == h && d->second >= r.first && d->second <= r.last);
        if (d->first == h && !waited) {
            h.reset_piece_deadline(lt::piece_index_t(d->second));
            d = deadlined_.erase(d);
        } else {
            ++d;
        }
    }
    const bool sequential = static_cast<bool>(st.flags & lt::torrent_flags::sequential_download);
    if (read != sequential) {  // within what it may fetch, in order
        if (read) h.set_flags(lt::torrent_flags::sequential_download);
        else h.unset_flags(lt::torrent_flags::sequential_download);
    }
    const bool on = !st.is_seeding && (t.starting || !wanted.empty());
    if (on != t.focused) {
        t.wanted = wanted;
        return set_focus(h, t, on, have);
    }
    if (!on) return;
    for (int p : wanted)
        if (!t.wanted.count(p)) h.piece_priority(lt::piece_index_t(p), wanted_priority);
    for (int p : t.wanted)
        if (!wanted.count(p) && !has(have, p)) h.piece_priority(lt::piece_index_t(p), lt::dont_download);
    t.wanted = std::move(wanted);
}

void StreamPieces::set_focus(const lt::torrent_handle& h, Torrent& t, bool on,
                             const lt::typed_bitfield<lt::piece_index_t>& have) {
    t.focused = on;
    spdlog::debug("{}: {}", h.info_hashes().get_best().to_string().substr(0, 16),
                  on ? "fetching only what streams read next" : "fetching the rest");
    // Settings first: both run in order on libtorrent's thread, and the
    // priorities below can make the torrent look finished for a moment.
    apply_settings();
    const int pieces = h.torrent_file()->num_pieces();
    if (!on) {
        // Every file back to normal (a stream's torrent was added with none
        // wanted, and resume data keeps file priorities), then every piece
        // (libtorrent leaves those alone when file priorities don't change).
        h.prioritize_files(
            std::vector<lt::download_priority_t>(static_cast<std::size_t>(h.torrent_file()->num_files()), lt::default_priority));
        h.prioritize_pieces(std::vector<lt::download_priority_t>(static_cast<std::size_t>(pieces), lt::default_priority));
        t.wanted.clear();
        return;
    }
    std::vector<lt::download_priority_t> priorities(static_cast<std::size_t>(pieces), lt::dont_download);
    for (int p = 0; p < pieces; ++p)
        if (t.wanted.count(p) && !has(have, p)) priorities[static_cast<std::size_t>(p)] = wanted_priority;
    h.prioritize_pieces(priorities);
}

void StreamPieces::apply_settings() {
    bool focused = false;
    for (const auto& [h, t] : torrents_) focused = focused || t.focused;
    lt::settings_pack p;
    // A focused torrent can look finished: libtorrent would drop its seeds
    // as redundant (and not dial them again for a minute), and on local
    // networks, where only leechers dial, not dial them at all.
    p.set_bool(lt::settings_pack::close_redundant_connections, !focused);
    if (local_) p.set_bool(lt::settings_pack::seeding_outgoing_connections, focused);
    session_.apply_settings(std::move(p));
}

void StreamPieces::remember(const lt::torrent_handle& h, int piece, boost::shared_array<char> data, int size) {
    const auto key = std::make_pair(h, piece);
    if (cache_.emplace(key, std::make_pair(std::move(data), size)).second) {
        cache_order_.push_back(key);
        cache_bytes_ += size;
    }
    while (cache_order_.size() > 2 && cache_bytes_ > cache_max_bytes) {
        cache_bytes_ -= cache_.at(cache_order_.front()).second;
        cache_.erase(cache_order_.front());
        cache_order_.pop_front();
    }
}

// Answers every read whose pieces are all in the cache, and every partial
// one whose first piece is.
void StreamPieces::serve_reads() {
    for (auto it = reads_.begin(); it != reads_.end();) {
        int upto = it->first;  // the pieces from the first on that are here
        while (upto <= it->last && cache_.count({it->handle, upto})) ++upto;
        if (upto <= it->last && !(it->partial && upto > it->first)) {
            ++it;
            continue;
        }
        const std::int64_t piece_length = it->handle.torrent_file()->piece_length();
        std::string data;
        data.reserve(static_cast<std::size_t>(it->length));
        for (int p = it->first; p < upto; ++p) {
            const auto& [buf, size] = cache_.at({it->handle, p});
            const std::int64_t piece_start = static_cast<std::int64_t>(p) * piece_length;
            const std::int64_t from = std::max(it->start, piece_start) - piece_start;
            const std::int64_t to = std::min(it->start + it->length, piece_start + size) - piece_start;
            if (to > from) data.append(buf.get() + from, static_cast<std::size_t>(to - from));
        }
        auto done = std::move(it->done);
        it = reads_.erase(it);
        done(std::move(data), "");
    }
}

void StreamPieces::fail_reads(const lt::torrent_handle& h, int piece, const std::string& error) {
    for (auto k = cache_order_.begin(); k != cache_order_.end();) {  // a removed torrent's pieces go too
        if (piece < 0 && k->first == h) {
            cache_bytes_ -= cache_.at(*k).second;
            cache_.erase(*k);
            k = cache_order_.erase(k);
        } else {
            ++k;
        }
    }
    for (auto it = reads_.begin(); it != reads_.end();) {
        // piece -1: every read of the torrent
        if (it->handle == h && (piece < 0 || (piece >= it->first && piece <= it->last))) {
            auto done = std::move(it->done);
            it = reads_.erase(it);
            done("", error);
        } else {
            ++it;
        }
    }
}

}  // namespace coop::agent
