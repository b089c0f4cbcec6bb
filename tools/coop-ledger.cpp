// coop ledger: the effort ledger. Our signed records of what we gave and
// got with each peer, effort per group, a check of everything held, an
// export, and the upload capacity we offer; the agent does the work
// (ledger.* in protocol.hpp).
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>

#include "core/cli/ledger_text.hpp"
#include "core/cli/output.hpp"
#include "core/group/body.hpp"
#include "core/rpc/client.hpp"
#include "core/units.hpp"

using coop::rpc::json;
namespace cli = coop::cli;

namespace {

const std::string program = "coop ledger";

coop::rpc::Client connect() { return coop::rpc::Client::connect(coop::Home::resolve()); }

int show(int limit, bool as_json) {
    auto client = connect();
    const json r = client.call("ledger.show", {{"limit", limit}});
    if (as_json) cli::print_json(r);
    else std::cout << cli::ledger_show_text(r, {r.value("key", ""), cli::now_ms()});
    return cli::ok;
}

int effort(const std::string& group, bool as_json) {
    auto client = connect();
    json params = json::object();
    if (!group.empty()) params["group"] = group;
    const json r = client.call("ledger.effort", params);
    if (as_json) cli::print_json(r);
    else std::cout << cli::effort_text(r, {client.call("agent.status").value("peer_id", ""), cli::now_ms()});
    return cli::ok;
}

int verify(bool as_json) {
    auto client = connect();
    const json r = client.call("ledger.verify");
    if (as_json) cli::print_json(r);
    else std::cout << cli::verify_text(r);
    const std::string problems = cli::verify_problems(r);
    if (problems.empty()) return cli::ok;
    if (!as_json) cli::error(program, problems);
    return cli::failure;
}

// To FILE, or stdout for "" and "-".
void write_out(const std::string& text, const std::string& path) {
    if (path.empty() || path == "-") {
        std::cout << text << std::flush;
        return;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (out) out << text;
    if (out) out.close();
    if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
}

int export_ledger(const std::string& format, const std::string& path) {
    auto client = connect();
    const json r = client.call("ledger.export");
    write_out(format == "csv" ? cli::records_csv(r) : r.dump(-1, ' ', false, json::error_handler_t::replace) + "\n", path);
    return cli::ok;
}

int capacity(std::optional<std::int64_t> up, bool as_json) {
    auto client = connect();
    json params = json::object();
    if (up) params["up"] = *up;
    const json r = client.call("ledger.capacity", params);
    if (as_json) cli::print_json(r);
    else std::cout << cli::capacity_text(r, up.has_value());
    return cli::ok;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"The effort ledger: signed records of what members gave, and effort per group (default: show)",
                 "coop ledger"};
    app.require_subcommand(0, 1);

    // `coop ledger` alone is `coop ledger show`: its options work on both.
    bool as_json = false;
    int limit = 20;
    auto show_options = [&](CLI::App* cmd) {
        cmd->add_option("-n,--limit", limit, "list our newest N records (default 20; 0 = all)")
            ->type_name("N")
            ->check(CLI::Range(0, 1000000));
        cmd->add_flag("--json", as_json, "print the ledger as JSON");
    };
    show_options(&app);
    auto* show_cmd = app.add_subcommand("show", "our records, each counterparty's totals, and the counters (the default)");
    show_options(show_cmd);

    auto* effort_cmd = app.add_subcommand("effort", "effort per group: given, received, capacity, availability, score, share");
    std::string group;
    effort_cmd->add_option("--group", group, "only group G: its name or an id prefix (default: every group we are in)")
        ->type_name("G");
    effort_cmd->add_flag("--json", as_json, "print the groups' effort as JSON");

    auto* verify_cmd = app.add_subcommand("verify", "check every chain and proof held; exit 1 if anything is wrong");
    verify_cmd->add_flag("--json", as_json, "print the report as JSON");

    auto* export_cmd = app.add_subcommand("export", "write all our records, and the pairs they form, as CSV or JSON");
    std::string format, output;
    export_cmd->add_option("--format", format, "csv (one row per record, with a header) or json")
        ->type_name("FORMAT")
        ->required()
        ->check(CLI::Validator(
            [](std::string& v) { return v == "csv" || v == "json" ? std::string() : "takes csv or json, not '" + v + "'"; },
            ""));
    export_cmd->add_option("-o,--output", output, "write to FILE instead of standard output (- is standard output)")
        ->type_name("FILE");

    auto* capacity_cmd = app.add_subcommand("capacity", "show the upload capacity we offer, or declare it with --up");
    std::string up_text;
    capacity_cmd->add_option("--up", up_text, "declare RATE, like 2MiB/s, 500KiB/s, 20Mbit/s or 250000 (bytes/s)")
        ->type_name("RATE");
    capacity_cmd->add_flag("--json", as_json, "print the result as JSON");

    if (int code = cli::parse(app, program, argc, argv); code >= 0) return code;

    const bool other = *effort_cmd || *verify_cmd || *export_cmd || *capacity_cmd;
    if (other && app.count("--limit")) {
        cli::error(program, "--limit goes with coop ledger show");
        return cli::usage;
    }
    std::optional<std::int64_t> up;
    if (!up_text.empty()) {
        up = coop::parse_rate(up_text);
        if (!up || *up > static_cast<std::int64_t>(coop::group::max_capacity_up)) {
            cli::error(program, "--up '" + up_text + "' is not a rate like 2MiB/s, 500KiB/s, 20Mbit/s or 250000 (bytes/s), at most 1 TB/s");
            return cli::usage;
        }
    }

    return cli::guarded(program, [&] {
        if (*effort_cmd) return effort(group, as_json);
        if (*verify_cmd) return verify(as_json);
        if (*export_cmd) return export_ledger(format, output);
        if (*capacity_cmd) return capacity(up, as_json);
        return show(limit, as_json);
    });
}
