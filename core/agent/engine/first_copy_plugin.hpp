#pragma once
// FirstCopyPolicy as a libtorrent torrent plugin, for a share this agent
// seeds from the start (see Engine::add): it answers each block request a
// leecher makes while the torrent seeds, refusing a piece that is on its
// way to another peer with the fast extension's REJECT_REQUEST and a
// SUGGEST_PIECE for one nobody has had yet.
//
// Engine-internal (includes libtorrent). Its callbacks run on libtorrent's
// network thread and touch nothing but the plugin's own state.
#include <libtorrent/extensions.hpp>
#include <libtorrent/torrent_info.hpp>

#include <functional>
#include <memory>

namespace coop::agent {

using TorrentPluginFactory =
    std::function<std::shared_ptr<lt::torrent_plugin>(const lt::torrent_handle&, lt::client_data_t)>;

// For add_torrent_params::extensions of a torrent with the metadata `ti`.
TorrentPluginFactory first_copy_plugin(const lt::torrent_info& ti);

}  // namespace coop::agent
