#include "core/agent/engine/torrent_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <libtorrent/bencode.hpp>
#include <libtorrent/create_torrent.hpp>
#include <stdexcept>

#include "core/agent/engine/lt_convert.hpp"
#include "core/version.hpp"

namespace coop::agent {

namespace {

// libtorrent's hashing error does not say which file failed: open each
// first so the user learns exactly what cannot be read.
void check_readable(const lt::file_storage& fs, const std::filesystem::path& parent) {
    for (lt::file_index_t i : fs.file_range()) {
        if (fs.pad_file_at(i)) continue;
        const std::string file = (parent / fs.file_path(i)).string();
        const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw std::runtime_error("cannot read " + file + ": " + std::strerror(errno));
        ::close(fd);
    }
}

}  // namespace

TorrentFacts make_torrent(const std::filesystem::path& path, const std::vector<std::string>& trackers, bool v1_only,
                          const std::function<void(int, int)>& progress) {
    lt::file_storage fs;
    lt::add_files(fs, path.string());
    if (fs.num_files() == 0 || fs.total_size() == 0)
        throw std::runtime_error("nothing to share: " + path.string() + " holds no data (empty file or folder)");
    const auto parent = path.parent_path();
    check_readable(fs, parent);

    // v1+v2 hybrid by default; piece size chosen by libtorrent from the size.
    lt::create_torrent ct(fs, 0, v1_only ? lt::create_torrent::v1_only : lt::create_flags_t{});
    ct.set_creator((std::string("coop ") + coop::version).c_str());
    for (const auto& url : trackers) ct.add_tracker(url);
    lt::error_code ec;
    const int total = ct.num_pieces();
    lt::set_piece_hashes(
        ct, parent.string(), [&](lt::piece_index_t p) { progress(static_cast<int>(p) + 1, total); }, ec);
    if (ec) throw std::runtime_error("cannot hash " + path.string() + ": " + ec.message());

    std::string torrent;
    lt::bencode(std::back_inserter(torrent), ct.generate());
    lt::torrent_info ti(lt::span<char const>(torrent.data(), static_cast<long>(torrent.size())), ec, lt::from_span);
    if (ec) throw std::runtime_error("made an unreadable torrent of " + path.string() + ": " + ec.message());
    return facts_of(ti, std::move(torrent));
}

}  // namespace coop::agent
