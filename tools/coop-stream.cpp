// coop stream: play a torrent's video while it downloads, in mpv or
// ffplay, or write its bytes in order to stdout or a file; --info tells
// what FFmpeg makes of it, --stats how the agent's streams went.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "core/cli/media_text.hpp"
#include "core/cli/output.hpp"
#include "core/cli/table.hpp"
#include "core/net/http_get.hpp"
#include "core/rpc/client.hpp"
#include "core/units.hpp"

using coop::rpc::json;
namespace cli = coop::cli;

namespace {

const std::string program = "coop stream";

std::string find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const auto end = dirs.find(':', start);
        const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
        const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return "";
}

std::string find_player(const std::string& wanted) {
    if (wanted == "auto") {
        for (const char* p : {"mpv", "ffplay"})
            if (auto path = find_on_path(p); !path.empty()) return path;
        throw std::runtime_error("no player found: install mpv (apt-get install mpv) or ffplay (apt-get install ffmpeg), "
                                 "or use --player none, or -o - | your-player -");
    }
    auto path = find_on_path(wanted);
    if (path.empty())
        throw std::runtime_error(wanted + " is not installed (apt-get install " + (wanted == "ffplay" ? "ffmpeg" : wanted) +
                                 "), or use --player auto");
    return path;
}

volatile sig_atomic_t player_pid = 0;

// SIGTERM or SIGHUP to coop stream ends its player too (no orphans).
void forward_signal(int sig) {
    if (player_pid > 0) ::kill(player_pid, sig);
}

// Runs the player on the URL; returns its wait status.
int play(const std::string& player, const std::string& url, double start) {
    std::vector<std::string> args{player};
    const bool ffplay = player.ends_with("ffplay");
    if (ffplay) args.insert(args.end(), {"-autoexit", "-loglevel", "error"});
    if (start > 0) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.3f", start);
        if (ffplay) args.insert(args.end(), {"-ss", seconds});
        else args.push_back(std::string("--start=") + seconds);
    }
    args.push_back(url);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        // If coop stream dies however it dies, the player goes with it.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(1);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    player_pid = pid;
    ::signal(SIGINT, SIG_IGN);  // the player owns the terminal now; Ctrl-C is for it
    ::signal(SIGTERM, forward_signal);
    ::signal(SIGHUP, forward_signal);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    player_pid = 0;
    return status;
}

std::string ms_text(const json& v) {
    if (!v.is_number()) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2fs", v.get<double>() / 1000);
    return buf;
}

int show_stats(bool as_json) {
    auto client = coop::rpc::Client::connect(coop::Home::resolve());
    const json streams = client.call("stream.stats", json::object()).value("streams", json::array());
    if (as_json) {
        cli::print_json(streams);
        return cli::ok;
    }
    if (streams.empty()) {
        std::cout << "no streams since the agent started\n";
        return cli::ok;
    }
    cli::Table table({"STREAM>", "FILE", "SIZE>", "BITRATE>", "FIRST BYTE>", "FIRST FRAME>", "STALLS>", "STALLED>", "SERVED>"});
    for (const auto& s : streams)
        table.add({std::to_string(s.value("stream", 0)), std::filesystem::path(s.value("file_name", "")).filename().string(),
                   coop::format_bytes(s.value("size", 0)), cli::format_bitrate(s.value("bitrate", 0)),
                   ms_text(s["ttfb_ms"]), ms_text(s["first_frame_ms"]), std::to_string(s.value("stalls", 0)),
                   ms_text(s["stall_ms"]), coop::format_bytes(s.value("bytes_served", 0))});
    table.print(std::cout);
    return cli::ok;
}

void print_info(const json& s) {
    std::cout << "file       " << s.value("file_name", "") << " (" << coop::format_bytes(s.value("size", 0)) << ")\n";
    for (const auto& [key, value] : cli::media_lines(s.value("media", json::object())))
        std::cout << key << std::string(key.size() < 11 ? 11 - key.size() : 1, ' ') << value << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Play a video (or any file) of a torrent while it downloads, or write its bytes in order", "coop stream"};
    std::string source, file, player = "auto", output, start_text;
    std::vector<std::string> peers;
    bool as_json = false, info = false, stats = false, pause_on_quit = false;
    app.add_option("SOURCE", source, "magnet link, .torrent file, hex info-hash, or the id (prefix) of a known share, download or group catalog entry");
    app.add_option("--file", file, "which file of a multi-file torrent: its number (from 0) or name (default: the largest playable)");
    app.add_option("--player", player, "auto (mpv, else ffplay), mpv, ffplay, or none to print the stream URL")
        ->check(CLI::IsMember({"auto", "mpv", "ffplay", "none"}));
    app.add_option("-o,--output", output, "write the file's bytes in order to PATH, or to stdout with -o -");
    app.add_option("--start", start_text, "start playing at TIME: seconds, M:SS or H:MM:SS (its pieces come first)");
    app.add_option("--peer", peers, "ADDR:PORT of a peer that has it (repeat)")->allow_extra_args(false);
    app.add_flag("--pause-on-quit", pause_on_quit,
                 "when the player quits or crashes before the file is complete, pause its download (default: it goes on and seeds)");
    app.add_flag("--info", info, "print what FFmpeg reads of the file (container, duration, bitrate, codecs) and exit");
    app.add_flag("--stats", stats, "show how this agent's streams went: time to first byte and frame, stalls");
    app.add_flag("--json", as_json, "print the stream, --info or --stats as JSON");
    if (int code = cli::parse(app, program, argc, argv); code >= 0) return code;

    auto usage = [](const std::string& message) {
        cli::error(program, message);
        return cli::usage;
    };
    if (stats) {
        if (!source.empty() || info) return usage("--stats takes no SOURCE and no --info; run coop stream --stats");
        return cli::guarded(program, [&] { return show_stats(as_json); });
    }
    if (source.empty()) return usage("SOURCE is required: a magnet link, .torrent file, info-hash, or a transfer or catalog entry id (or use --stats)");
    double start = 0;
    if (!start_text.empty()) {
        const auto t = coop::parse_time(start_text);
        if (!t) return usage("--start '" + start_text + "' is not a time like 90, 1:30 or 1:02:03");
        start = *t;
        if (!output.empty()) return usage("--start needs a player: a file's bytes from the middle do not play on their own; drop -o or --start");
    }

    return cli::guarded(program, [&] {
        json params = {{"source", source}};
        if (source.rfind("magnet:", 0) != 0 && std::filesystem::exists(source))
            params["source"] = std::filesystem::absolute(source).lexically_normal().string();
        if (!file.empty()) params["file"] = file;
        if (!peers.empty()) params["peers"] = peers;
        if (start > 0) params["start"] = start;
        if (info) params["info"] = true;
        // Fail before fetching anything when the player is missing.
        const bool to_player = !info && output.empty() && player != "none";
        const std::string player_path = to_player ? find_player(player) : "";

        auto client = coop::rpc::Client::connect(coop::Home::resolve());
        const json s = client.call("stream.open", params);
        const std::string url = s.value("url", "");
        const json media = s.value("media", json::object());
        const bool parsed = media.value("parsed", false);
        const std::string name = s.value("file_name", "");
        const std::string why = media.value("error", std::string("unknown format"));

        if (info) {
            if (as_json) cli::print_json(s);
            else print_info(s);
            if (!parsed) throw std::runtime_error(name + " is not audio or video FFmpeg can read (" + why + ")");
            return cli::ok;
        }
        if (!parsed) {
            if (to_player)
                throw std::runtime_error(name + " is not audio or video FFmpeg can read (" + why +
                                         "); get its bytes with -o PATH or coop fetch");
            std::cerr << program << ": warning: FFmpeg cannot read " << name << " (" << why << "); streaming it as plain bytes"
                      << std::endl;
        }
        // The agent pauses the download only if it is not complete yet.
        auto finish = [&] {
            try {
                client.call("stream.close", {{"stream", s.value("stream", 0)}, {"pause", pause_on_quit}});
            } catch (const std::exception&) {
                // the agent went away: nothing left to tell it
            }
        };

        if (!output.empty()) {
            const bool to_stdout = output == "-";
            const int fd = to_stdout ? 1 : ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd < 0) throw std::runtime_error("cannot write " + output + ": " + std::strerror(errno));
            ::signal(SIGPIPE, SIG_IGN);  // a player that quits early is not an error
            const auto r = coop::net::http_get(url, fd);
            if (!to_stdout) ::close(fd);
            finish();
            if (r.output_closed) return cli::ok;
            if (!r.error.empty()) throw std::runtime_error(r.error + "; run the same command to try again");
            if (r.status != 200) throw std::runtime_error("the agent's stream answered HTTP " + std::to_string(r.status));
            return cli::ok;
        }
        if (as_json) cli::print_json(s);
        if (player == "none") {
            if (!as_json) std::cout << url << "\n";
            return cli::ok;
        }
        const std::string player_name = std::filesystem::path(player_path).filename().string();
        if (!as_json)
            std::cout << "playing " << name << " (" << coop::format_bytes(s.value("size", 0)) << ") in " << player_name
                      << std::endl;
        const int status = play(player_path, url, start);
        const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        finish();
        if (clean) return cli::ok;
        const std::string after = pause_on_quit ? "its download is paused (coop fetch " + s.value("id", std::string()) + " resumes it)"
                                                : "its download goes on (coop fetch --list)";
        if (WIFSIGNALED(status))
            throw std::runtime_error(player_name + " was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                                     strsignal(WTERMSIG(status)) + "); " + after);
        if (WEXITSTATUS(status) == 127) throw std::runtime_error("could not run " + player_path);
        throw std::runtime_error(player_name + " exited with status " + std::to_string(WEXITSTATUS(status)) + "; " + after);
    });
}
