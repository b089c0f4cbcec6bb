// coop agent start|stop|status: the background agent of this COOP_HOME.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "core/cli/output.hpp"
#include "core/rpc/agent_launcher.hpp"
#include "core/rpc/client.hpp"
#include "core/units.hpp"

using coop::rpc::json;
namespace cli = coop::cli;

namespace {

const std::string program = "coop agent";

void print_status(const json& s) {
    std::cout << "agent running (pid " << s.value("pid", 0) << ", coop " << s.value("version", "") << ")\n";
    auto row = [](const std::string& k, const std::string& v) {
        std::cout << "  " << k << std::string(12 - k.size(), ' ') << v << "\n";
    };
    row("peer id", s.value("peer_id", ""));
    row("listen", s.value("listen", ""));
    row("home", s.value("home", ""));
    row("public", s.value("no_public", false) ? "no (--no-public)" : "yes");
    row("torrents", std::to_string(s.value("torrents", 0)));
    row("peers", std::to_string(s.value("peers", 0)));
    row("dht nodes", std::to_string(s.value("dht_nodes", 0)));
    row("upload", coop::format_rate(s.value("upload_rate", 0)));
    row("download", coop::format_rate(s.value("download_rate", 0)));
    if (s.contains("ledger") && s["ledger"].is_object()) {
        const json& l = s["ledger"];
        row("ledger", !l.value("enabled", false)
                          ? "off"
                          : "seq " + std::to_string(l.value("seq", 0)) + ", " +
                                std::to_string(l.value("transfers", 0)) + " signed transfers with " +
                                std::to_string(l.value("counterparties", 0)) + " peers");
    }
}

int start(const std::vector<std::string>& args, bool as_json) {
    const auto home = coop::Home::resolve();
    if (auto running = coop::rpc::Client::try_connect(home)) {
        if (!args.empty()) {
            cli::error(program, "an agent already runs for " + home.root().string() +
                                    "; stop it with coop agent stop to start it with new options");
            return cli::failure;
        }
        json s = running->call("agent.status");
        if (as_json) cli::print_json(s); else print_status(s);
        return cli::ok;
    }
    coop::rpc::start_agent(home, args);
    auto client = coop::rpc::Client::connect(home);
    json s = client.call("agent.status");
    if (as_json) cli::print_json(s); else print_status(s);
    return cli::ok;
}

int stop(bool as_json) {
    const auto home = coop::Home::resolve();
    auto client = coop::rpc::Client::try_connect(home);
    if (!client) {
        if (as_json) cli::print_json({{"stopped", false}, {"running", false}});
        else std::cout << "no agent runs for " << home.root().string() << "\n";
        return cli::ok;
    }
    const json s = client->call("agent.status");
    client->call("agent.stop");
    if (!coop::rpc::wait_for_agent_exit(home, std::chrono::seconds(20))) {
        cli::error(program, "the agent (pid " + std::to_string(s.value("pid", 0)) + ") did not stop within 20 s; see " +
                                home.log().string());
        return cli::failure;
    }
    if (as_json) cli::print_json({{"stopped", true}, {"pid", s.value("pid", 0)}});
    else std::cout << "agent stopped (pid " << s.value("pid", 0) << ")\n";
    return cli::ok;
}

int status(bool as_json) {
    const auto home = coop::Home::resolve();
    auto client = coop::rpc::Client::try_connect(home);
    if (!client) {
        if (as_json) cli::print_json({{"running", false}, {"home", home.root().string()}});
        else std::cerr << "coop agent: no agent runs for " << home.root().string() << "; start one with coop agent start\n";
        return cli::failure;
    }
    json s = client->call("agent.status");
    s["running"] = true;
    if (as_json) cli::print_json(s); else print_status(s);
    return cli::ok;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Start, stop and inspect the coop agent (coopd) of this COOP_HOME", "coop agent"};
    app.require_subcommand(1);

    auto* start_cmd = app.add_subcommand("start", "start the agent in the background; returns once it answers");
    std::string listen, upload, download, log_level, stream_port, overlay_port;
    std::string answer_timeout, anti_entropy, window, idle_timeout;
    std::vector<std::string> peers;
    bool no_public = false, is_public = false, start_json = false;
    start_cmd->add_option("--listen", listen, "ADDR:PORT to listen on; port 0 picks a free one (default 0.0.0.0:6881)");
    start_cmd->add_option("--peer", peers, "ADDR:PORT of another agent to connect to and bootstrap the DHT from (repeat)");
    start_cmd->add_flag("--no-public", no_public, "private mode: no public DHT routers, UPnP, NAT-PMP or local discovery");
    start_cmd->add_flag("--public", is_public, "leave private mode saved by an earlier --no-public")->excludes("--no-public");
    start_cmd->add_option("--upload-limit", upload, "upload limit in bytes/s, e.g. 500K or 2M (0 = none)");
    start_cmd->add_option("--download-limit", download, "download limit in bytes/s, e.g. 500K or 2M (0 = none)");
    start_cmd->add_option("--stream-port", stream_port, "port of the stream server on 127.0.0.1 (default 0: any free one)");
    start_cmd->add_option("--overlay-port", overlay_port,
                          "port for links from other agents, on the --listen address (default 0: a free one, kept)");
    start_cmd->add_option("--log-level", log_level, "log detail in COOP_HOME/coopd.log")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    // Timing, for tests that wait for a timeout; coopd checks the values.
    start_cmd->add_option("--sync-answer-timeout", answer_timeout,
                          "for tests: drop a peer that leaves a group request unanswered this long (default 30s)")
        ->type_name("DUR");
    start_cmd->add_option("--sync-anti-entropy", anti_entropy,
                          "for tests: send each group's state to its peers this often (default 30s)")
        ->type_name("DUR");
    start_cmd->add_option("--sync-window", window, "for tests: the window of each peer's sync budgets (default 10s)")
        ->type_name("DUR");
    start_cmd->add_option("--link-idle-timeout", idle_timeout,
                          "for tests: close an overlay link silent this long (default 90s)")
        ->type_name("DUR");
    start_cmd->add_flag("--json", start_json, "print the agent's status as JSON");

    auto* stop_cmd = app.add_subcommand("stop", "stop the agent cleanly, saving all transfer state");
    bool stop_json = false;
    stop_cmd->add_flag("--json", stop_json, "print the result as JSON");

    auto* status_cmd = app.add_subcommand("status", "show the agent's peer id, listen address, torrents and peers");
    bool status_json = false;
    status_cmd->add_flag("--json", status_json, "print the status as JSON");

    if (int code = cli::parse(app, program, argc, argv); code >= 0) return code;

    return cli::guarded(program, [&] {
        if (*start_cmd) {
            std::vector<std::string> args;
            if (!listen.empty()) args.insert(args.end(), {"--listen", listen});
            for (const auto& p : peers) args.insert(args.end(), {"--peer", p});
            if (no_public) args.push_back("--no-public");
            if (is_public) args.push_back("--public");
            if (!upload.empty()) args.insert(args.end(), {"--upload-limit", upload});
            if (!download.empty()) args.insert(args.end(), {"--download-limit", download});
            if (!log_level.empty()) args.insert(args.end(), {"--log-level", log_level});
            if (!stream_port.empty()) args.insert(args.end(), {"--stream-port", stream_port});
            if (!overlay_port.empty()) args.insert(args.end(), {"--overlay-port", overlay_port});
            if (!answer_timeout.empty()) args.insert(args.end(), {"--sync-answer-timeout", answer_timeout});
            if (!anti_entropy.empty()) args.insert(args.end(), {"--sync-anti-entropy", anti_entropy});
            if (!window.empty()) args.insert(args.end(), {"--sync-window", window});
            if (!idle_timeout.empty()) args.insert(args.end(), {"--link-idle-timeout", idle_timeout});
            return start(args, start_json);
        }
        if (*stop_cmd) return stop(stop_json);
        return status(status_json);
    });
}
