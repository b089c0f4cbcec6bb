// coop fetch: download a magnet link, .torrent file, info-hash or id, with
// progress, verified; exits 0 only when every byte is there.
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/cli/output.hpp"
#include "core/cli/progress.hpp"
#include "core/cli/table.hpp"
#include "core/rpc/client.hpp"
#include "core/units.hpp"

using coop::rpc::json;
namespace cli = coop::cli;

namespace {

const std::string program = "coop fetch";

int list(coop::rpc::Client& client, bool as_json) {
    const json r = client.call("fetch.list");
    if (as_json) {
        cli::print_json(r["downloads"]);
        return cli::ok;
    }
    cli::Table table({"ID", "NAME", "SIZE>", "DONE>", "STATE", "PEERS>", "RATE>", "PATH"});
    for (const auto& d : r["downloads"]) {
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.1f%%", 100.0 * d.value("progress", 0.0));
        table.add({d.value("id", ""), d.value("name", ""), coop::format_bytes(d.value("size", 0)), pct,
                   d.value("state", ""), std::to_string(d.value("peers", 0)),
                   coop::format_rate(d.value("download_rate", 0)), d.value("path", "")});
    }
    if (table.empty()) std::cout << "no downloads yet; fetch something with coop fetch MAGNET\n";
    else table.print(std::cout);
    return cli::ok;
}

// Magnets, hex ids (of transfers and catalog entries) and info-hashes go to
// the agent as they are, for it to tell apart; anything else names a
// .torrent file, which the agent reads by absolute path.
std::string source_of(const std::string& given) {
    if (given.rfind("magnet:", 0) == 0) return given;
    std::error_code ec;
    if (std::filesystem::exists(given, ec)) return std::filesystem::absolute(given).lexically_normal().string();
    const bool looks_like_path = given.find('/') != std::string::npos || given.ends_with(".torrent");
    if (looks_like_path) throw std::runtime_error("no such file: " + given);
    return given;
}

// Draws progress on stdout: a bar on a terminal, a line a second otherwise,
// or JSON lines. stderr carries errors only.
class ProgressView {
public:
    ProgressView(bool as_json) : json_(as_json), bar_(!as_json && cli::stdout_is_tty()) {}

    void update(const json& p) {
        if (json_) {
            json line = p;
            line["event"] = "progress";
            cli::print_json(line);
            return;
        }
        cli::Progress progress;
        progress.label = p.value("name", "");
        progress.state = p.value("state", "");
        progress.done = p.value("done", 0);
        progress.size = p.value("size", 0);
        progress.rate = p.value("download_rate", 0);
        progress.peers = p.value("peers", 0);
        progress.eta = p.value("eta", -1);
        if (bar_) {
            const int width = cli::terminal_width();
            std::cout << "\r" << cli::render_bar(progress, width).substr(0, static_cast<std::size_t>(width - 1))
                      << "\033[K" << std::flush;
            drawn_ = true;
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::seconds(1)) return;
        last_ = now;
        std::cout << cli::render_line(progress) << std::endl;
    }

    void clear() {
        if (drawn_) std::cout << "\r\033[K" << std::flush;
        drawn_ = false;
    }

private:
    bool json_;
    bool bar_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Download a magnet link, .torrent file, info-hash or id over BitTorrent, verified", "coop fetch"};
    std::string source, out_dir;
    std::vector<std::string> peers;
    bool detach = false, no_seed = false, as_json = false, do_list = false;
    app.add_option("SOURCE", source, "magnet link, .torrent file, hex info-hash, or the id (prefix) of a known share, download or group catalog entry");
    app.add_option("-o,--output", out_dir, "folder to download into (default COOP_HOME/downloads)");
    app.add_option("--peer", peers, "ADDR:PORT of a peer that has it (repeat)")->allow_extra_args(false);
    app.add_flag("--detach", detach, "start the download in the agent and return at once");
    app.add_flag("--no-seed", no_seed, "stop seeding once the download is complete");
    app.add_flag("--list", do_list, "list downloads with progress and state");
    app.add_flag("--json", as_json, "print JSON lines (progress events, then the result)");
    if (int code = cli::parse(app, program, argc, argv); code >= 0) return code;
    if (source.empty() == !do_list) {
        cli::error(program, do_list ? "give either SOURCE or --list" : "nothing to fetch: give a magnet link, .torrent file or id; see coop fetch --help");
        return cli::usage;
    }

    return cli::guarded(program, [&] {
        const auto home = coop::Home::resolve();
        if (do_list) {
            auto client = coop::rpc::Client::connect(home);
            return list(client, as_json);
        }
        json params = {{"source", source_of(source)}, {"seed", !no_seed}};
        if (!out_dir.empty()) params["save_path"] = std::filesystem::absolute(out_dir).lexically_normal().string();
        if (!peers.empty()) params["peers"] = peers;
        auto client = coop::rpc::Client::connect(home);
        const json added = client.call("fetch.add", params);
        const std::string id = added.value("id", "");
        if (detach) {
            if (as_json) cli::print_json(added);
            else std::cout << "fetching " << added.value("name", "") << " in the background as " << id
                           << "; follow it with coop fetch --list\n";
            return cli::ok;
        }
        if (added.value("resumed", false) && !as_json) std::cout << "resuming " << added.value("name", "") << "\n";
        if (params.contains("save_path") && added.value("save_path", "") != params["save_path"] && !as_json)
            std::cout << "note: " << added.value("name", "") << " is already kept in " << added.value("save_path", "")
                      << "; -o applies to new downloads only\n";

        coop::rpc::interrupt_calls_on_signals();
        ProgressView view(as_json);
        json done;
        try {
            done = client.call("fetch.watch", {{"id", id}}, [&](const std::string& method, const json& p) {
                if (method == "fetch.progress") view.update(p);
            });
        } catch (const coop::rpc::Interrupted&) {
            view.clear();
            cli::error(program, "interrupted: " + added.value("name", "") + " is paused; run the same command to resume");
            return cli::interrupted;
        } catch (...) {
            view.clear();
            throw;
        }
        view.clear();
        if (as_json) {
            done["event"] = "done";
            cli::print_json(done);
        } else {
            std::cout << "fetched " << done.value("name", "") << " (" << coop::format_bytes(done.value("size", 0))
                      << ") into " << done.value("path", "") << "\n";
            if (!no_seed) std::cout << "seeding it to others; stop with coop agent stop, list with coop fetch --list\n";
        }
        return cli::ok;
    });
}
