#pragma once
// Making a v2/hybrid torrent of a file or folder where it lies.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/agent/engine/engine.hpp"

namespace coop::agent {

// Hashes `path` (blocking: run it off the event loop) and returns the
// torrent's facts with its bencoded form. `progress(done, total)` is called
// per piece. `trackers` are announce URLs to put in the torrent and its
// magnet. `v1_only` makes a v1 torrent for clients that cannot read v2 or
// hybrid ones. Throws std::runtime_error naming the unreadable file.
TorrentFacts make_torrent(const std::filesystem::path& path, const std::vector<std::string>& trackers, bool v1_only,
                          const std::function<void(int done, int total)>& progress);

}  // namespace coop::agent
