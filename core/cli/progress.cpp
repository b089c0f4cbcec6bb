#include "core/cli/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "core/units.hpp"

namespace coop::cli {
namespace {

std::string percent(const Progress& p) {
    if (p.size <= 0) return "  --%";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%5.1f%%", 100.0 * static_cast<double>(p.done) / static_cast<double>(p.size));
    return buf;
}

std::string peers(int n) { return std::to_string(n) + (n == 1 ? " peer" : " peers"); }

}  // namespace

std::string render_bar(const Progress& p, int width) {
    std::string tail = "  " + percent(p) + "  " + format_rate(p.rate) + "  ETA " + format_duration(p.eta) + "  " +
                       peers(p.peers);
    if (p.state != "downloading" && !p.state.empty()) tail += "  (" + p.state + ")";
    std::string label = p.label;
    const int room = width - static_cast<int>(tail.size()) - 4;
    const int label_width = std::clamp(room / 3, 0, 30);
    if (static_cast<int>(label.size()) > label_width)
        label = label_width > 1 ? label.substr(0, static_cast<std::size_t>(label_width - 1)) + "~" : "";
    const int bar_width = std::max(0, room - static_cast<int>(label.size()));
    std::string bar;
    if (bar_width >= 4) {
        const double f = p.size > 0 ? std::clamp(static_cast<double>(p.done) / static_cast<double>(p.size), 0.0, 1.0) : 0.0;
        const int filled = static_cast<int>(f * bar_width);
        bar = " [" + std::string(static_cast<std::size_t>(filled), '#') +
              std::string(static_cast<std::size_t>(bar_width - filled), '-') + "]";
    }
    std::string line = label + bar + tail;
    if (width > 0 && static_cast<int>(line.size()) > width) line.resize(static_cast<std::size_t>(width));
    return line;
}

std::string render_line(const Progress& p) {
    std::string line = p.label + ": " + p.state;
    if (p.size > 0) line += " " + percent(p).substr(percent(p).find_first_not_of(' '));
    if (p.size > 0) line += " (" + format_bytes(p.done) + " of " + format_bytes(p.size) + ")";
    line += ", " + format_rate(p.rate) + ", ETA " + format_duration(p.eta) + ", " + peers(p.peers);
    return line;
}

int terminal_width() {
    winsize ws{};
    if (::ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
    return 80;
}

}  // namespace coop::cli
