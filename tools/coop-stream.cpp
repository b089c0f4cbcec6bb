// coop stream: play a torrent's video while it downloads, in mpv or
// ffplay, or write its bytes in order to stdout or a file.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "core/cli/output.hpp"
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

// Runs the player on the URL and returns its exit status.
int play(const std::string& player, const std::string& url) {
    std::vector<std::string> args{player};
    if (player.ends_with("ffplay")) args.insert(args.end(), {"-autoexit", "-loglevel", "error"});
    args.push_back(url);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    // The player owns the terminal now; Ctrl-C is for it.
    ::signal(SIGINT, SIG_IGN);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Play a video (or any file) of a torrent while it downloads, or write its bytes in order", "coop stream"};
    std::string source, file, player = "auto", output;
    std::vector<std::string> peers;
    bool as_json = false;
    app.add_option("SOURCE", source, "magnet link, .torrent file, hex info-hash, or the id of a known share or download")
        ->required();
    app.add_option("--file", file, "which file of a multi-file torrent: its number (from 0) or name (default: the largest playable)");
    app.add_option("--player", player, "auto (mpv, else ffplay), mpv, ffplay, or none to print the stream URL")
        ->check(CLI::IsMember({"auto", "mpv", "ffplay", "none"}));
    app.add_option("-o,--output", output, "write the file's bytes in order to PATH, or to stdout with -o -");
    app.add_option("--peer", peers, "ADDR:PORT of a peer that has it (repeat)");
    app.add_flag("--json", as_json, "print the stream (id, file, size, url) as JSON");
    if (int code = cli::parse(app, program, argc, argv); code >= 0) return code;

    return cli::guarded(program, [&] {
        json params = {{"source", source}};
        if (source.rfind("magnet:", 0) != 0 && std::filesystem::exists(source))
            params["source"] = std::filesystem::absolute(source).lexically_normal().string();
        if (!file.empty()) params["file"] = file;
        if (!peers.empty()) params["peers"] = peers;
        auto client = coop::rpc::Client::connect(coop::Home::resolve());
        const json s = client.call("stream.open", params);
        const std::string url = s.value("url", "");

        if (!output.empty()) {
            const bool to_stdout = output == "-";
            const int fd = to_stdout ? 1 : ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd < 0) throw std::runtime_error("cannot write " + output + ": " + std::strerror(errno));
            ::signal(SIGPIPE, SIG_IGN);  // a player that quits early is not an error
            const auto r = coop::net::http_get(url, fd);
            if (!to_stdout) ::close(fd);
            if (r.output_closed) return cli::ok;
            if (!r.error.empty()) throw std::runtime_error(r.error + "; run the same command to try again");
            if (r.status != 200) throw std::runtime_error("the agent's stream answered HTTP " + std::to_string(r.status));
            return cli::ok;
        }
        if (as_json) {
            cli::print_json(s);
            if (player == "none") return cli::ok;
        }
        if (player == "none") {
            std::cout << url << "\n";
            return cli::ok;
        }
        std::string path;
        if (player == "auto") {
            path = find_on_path("mpv");
            if (path.empty()) path = find_on_path("ffplay");
            if (path.empty())
                throw std::runtime_error("no player found: install mpv (apt-get install mpv) or ffplay (apt-get install ffmpeg), "
                                         "or use --player none, or -o - | your-player -");
        } else {
            path = find_on_path(player);
            if (path.empty()) throw std::runtime_error(player + " is not installed (apt-get install " +
                                                       (player == "ffplay" ? "ffmpeg" : player) + "), or use --player auto");
        }
        if (!as_json)
            std::cout << "playing " << s.value("file_name", "") << " (" << coop::format_bytes(s.value("size", 0)) << ") in "
                      << std::filesystem::path(path).filename().string() << "\n";
        return play(path, url);
    });
}
