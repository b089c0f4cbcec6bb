// coop: the dispatcher. `coop NAME ARGS...` runs `coop-NAME ARGS...`, found
// beside this program or on PATH, like git; any coop-* on PATH is a command.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/version.hpp"

namespace {

struct Command {
    const char* name;
    const char* summary;
};

// The commands coop ships, in the order --help lists them.
constexpr Command commands[] = {
    {"agent", "start, stop and inspect the background agent (coopd)"},
    {"share", "share files or folders over BitTorrent and print their magnet links"},
    {"fetch", "download a magnet link, .torrent or id, verified, with progress"},
    {"stream", "play a video while it downloads (mpv, ffplay), or pipe its bytes"},
    {"group", "groups: chat and a shared catalog, kept by every member, found by interest"},
    {"ledger", "effort ledger: signed records of what members gave, and effort per group"},
    {"vote", "decisions: proposals and ballots tallied by every member, and planning of shared resources"},
};

std::vector<std::filesystem::path> search_dirs() {
    std::vector<std::filesystem::path> dirs;
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back(self.parent_path());
    if (const char* path = std::getenv("PATH")) {
        std::stringstream ss(path);
        std::string dir;
        while (std::getline(ss, dir, ':'))
            if (!dir.empty()) dirs.emplace_back(dir);
    }
    return dirs;
}

std::string find_program(const std::string& name) {
    for (const auto& dir : search_dirs()) {
        const auto candidate = dir / ("coop-" + name);
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return "";
}

// coop-* programs on PATH that are not among ours: commands too.
std::set<std::string> other_commands() {
    std::set<std::string> found;
    for (const auto& dir : search_dirs()) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
            const std::string file = entry.path().filename().string();
            if (file.rfind("coop-", 0) != 0 || ::access(entry.path().c_str(), X_OK) != 0) continue;
            const std::string name = file.substr(5);
            bool ours = false;
            for (const auto& c : commands) ours |= name == c.name;
            if (!ours) found.insert(name);
        }
    }
    return found;
}

void usage(std::ostream& out) {
    out << "usage: coop [--version] [--help] COMMAND [ARGS...]\n\n"
           "coop is a peer-to-peer media network: share, fetch and stream over BitTorrent,\n"
           "talk and share in groups, with one background agent (coopd) per COOP_HOME\n"
           "doing the work.\n\n"
           "commands:\n";
    for (const auto& c : commands) out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
    const auto others = other_commands();
    if (!others.empty()) {
        out << "\nother coop-* commands on PATH:\n";
        for (const auto& name : others) out << "  " << name << "\n";
    }
    out << "\n'coop COMMAND --help' describes a command; 'man coop-COMMAND' has the full page.\n"
           "COOP_HOME selects the agent (default: $XDG_DATA_HOME/coop, else ~/.local/share/coop).\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage(std::cerr);
        return 2;
    }
    std::string name = argv[1];
    if (name == "--help" || name == "-h") {
        usage(std::cout);
        return 0;
    }
    if (name == "--version" || name == "-V") {
        std::cout << "coop " << coop::version << "\n";
        return 0;
    }
    std::vector<char*> args(argv + 1, argv + argc);
    std::string help = "--help";
    if (name == "help") {
        if (argc < 3) {
            usage(std::cout);
            return 0;
        }
        name = argv[2];
        args = {argv[2], help.data()};
    }
    if (!name.empty() && name[0] == '-') {
        std::cerr << "coop: unknown option '" << name << "'; see coop --help\n";
        return 2;
    }
    const std::string program = find_program(name);
    if (program.empty()) {
        std::cerr << "coop: '" << name << "' is not a coop command; see coop --help\n";
        return 2;
    }
    std::string argv0 = "coop-" + name;
    args[0] = argv0.data();
    args.push_back(nullptr);
    ::execv(program.c_str(), args.data());
    std::cerr << "coop: cannot run " << program << ": " << std::strerror(errno) << "\n";
    return 1;
}
