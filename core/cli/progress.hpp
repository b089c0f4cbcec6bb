#pragma once
// Progress of a long transfer, drawn as a bar on a terminal or as plain
// lines for logs and pipes.
#include <cstdint>
#include <string>

namespace coop::cli {

struct Progress {
    std::string label;     // what moves, e.g. the torrent's name
    std::string state;     // "metadata", "checking", "downloading", ...
    std::int64_t done = 0;
    std::int64_t size = 0;  // 0 while unknown (magnet without metadata)
    std::int64_t rate = 0;  // bytes per second
    int peers = 0;
    std::int64_t eta = -1;  // seconds, -1 unknown
};

// "name  [#########-------]  56.2%  12.3 MiB/s  ETA 0:05  3 peers",
// fitted to `width` columns.
std::string render_bar(const Progress& p, int width);
// "name: 56.2% (576.0 MiB of 1.0 GiB), 12.3 MiB/s, ETA 0:05, 3 peers"
std::string render_line(const Progress& p);
// Width of the terminal on stdout, 80 when unknown.
int terminal_width();

}  // namespace coop::cli
