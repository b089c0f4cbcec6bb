// coopd: the agent. Normally started by `coop agent start` or by any command
// that finds no agent; run it by hand to keep it in the foreground.
#include <CLI/CLI.hpp>

#include "core/agent/agent.hpp"
#include "core/cli/output.hpp"
#include "core/version.hpp"

int main(int argc, char** argv) {
    CLI::App app{"coopd: the coop agent, one per COOP_HOME; commands talk to it over COOP_HOME/agent.sock", "coopd"};
    app.set_version_flag("--version", std::string("coopd ") + coop::version);
    coop::agent::RunOptions run;
    std::string listen, upload, download, log_level, stream_port, overlay_port;
    std::string answer_timeout, anti_entropy, window, idle_timeout;
    std::vector<std::string> peers;
    bool no_public = false, is_public = false;
    app.add_option("--listen", listen, "ADDR:PORT to listen on (port 0 picks a free one)");
    app.add_option("--peer", peers, "ADDR:PORT of another agent: DHT bootstrap and direct connects (repeat)");
    app.add_flag("--no-public", no_public, "no public DHT routers, UPnP, NAT-PMP or local discovery");
    app.add_flag("--public", is_public, "undo a saved --no-public")->excludes("--no-public");
    app.add_option("--upload-limit", upload, "upload limit in bytes/s (K, M, G suffixes; 0 = none)");
    app.add_option("--download-limit", download, "download limit in bytes/s (K, M, G suffixes; 0 = none)");
    app.add_option("--stream-port", stream_port, "port of the stream server on 127.0.0.1 (0 picks a free one)");
    app.add_option("--overlay-port", overlay_port,
                   "port for links from other agents, on the --listen address (0 picks a free one and keeps it)");
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    // Timing, for tests that wait for a timeout (man coopd: TESTING).
    app.add_option("--sync-answer-timeout", answer_timeout,
                   "for tests: drop a peer that leaves a group request unanswered this long (default 30s)")
        ->type_name("DUR");
    app.add_option("--sync-anti-entropy", anti_entropy,
                   "for tests: send each group's state to its peers this often (default 30s)")
        ->type_name("DUR");
    app.add_option("--sync-window", window, "for tests: the window of each peer's sync budgets (default 10s)")
        ->type_name("DUR");
    app.add_option("--link-idle-timeout", idle_timeout,
                   "for tests: close an overlay link silent this long (default 90s)")
        ->type_name("DUR");
    app.add_option("--ready-fd", run.ready_fd, "report readiness on this file descriptor");
    app.get_option("--ready-fd")->group("");  // internal: used by coop when it starts the agent
    if (int code = coop::cli::parse(app, "coopd", argc, argv); code >= 0) return code;

    auto& o = run.overrides;
    if (!listen.empty()) o.listen = listen;
    if (!peers.empty()) o.peers = peers;
    if (no_public) o.no_public = true;
    if (is_public) o.no_public = false;
    if (!upload.empty()) o.upload_limit = upload;
    if (!download.empty()) o.download_limit = download;
    if (!log_level.empty()) o.log_level = log_level;
    if (!stream_port.empty()) o.stream_port = stream_port;
    if (!overlay_port.empty()) o.overlay_port = overlay_port;
    if (!answer_timeout.empty()) o.sync_answer_timeout = answer_timeout;
    if (!anti_entropy.empty()) o.sync_anti_entropy = anti_entropy;
    if (!window.empty()) o.sync_window = window;
    if (!idle_timeout.empty()) o.link_idle_timeout = idle_timeout;
    return coop::cli::guarded("coopd", [&] { return coop::agent::run_agent(coop::Home::resolve(), run); });
}
