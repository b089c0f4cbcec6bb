// coop share: seed files or folders from where they lie and print their
// magnet links, also into a group's catalog; list and stop shares.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "core/cli/group_text.hpp"
#include "core/cli/output.hpp"
#include "core/cli/progress.hpp"
#include "core/cli/table.hpp"
#include "core/rpc/client.hpp"
#include "core/units.hpp"

using coop::rpc::json;
namespace cli = coop::cli;

namespace {

const std::string program = "coop share";

int list(coop::rpc::Client& client, bool as_json) {
    const json r = client.call("share.list");
    if (as_json) {
        cli::print_json(r["shares"]);
        return cli::ok;
    }
    cli::Table table({"ID", "NAME", "SIZE>", "PEERS>", "UPLOADED>", "RATIO>", "STATE", "PATH"});
    for (const auto& s : r["shares"]) {
        char ratio[32];
        std::snprintf(ratio, sizeof ratio, "%.2f", s.value("ratio", 0.0));
        table.add({s.value("id", ""), s.value("name", ""), coop::format_bytes(s.value("size", 0)),
                   std::to_string(s.value("peers", 0)), coop::format_bytes(s.value("uploaded", 0)), ratio,
                   s.value("state", ""), s.value("path", "")});
    }
    if (table.empty()) std::cout << "no shares yet; share something with coop share PATH\n";
    else table.print(std::cout);
    return cli::ok;
}

// Where a share also goes: a group's catalog, with a title and tags.
struct CatalogEntry {
    std::string group, title;
    std::vector<std::string> tags;
};

// Adds the share `id` to the group's catalog; returns group.share's answer.
json add_to_catalog(coop::rpc::Client& client, const json& shared, const CatalogEntry& entry) {
    json params = {{"group", entry.group}, {"id", shared.value("id", "")}};
    if (!entry.title.empty()) params["title"] = entry.title;
    if (!entry.tags.empty()) params["tags"] = entry.tags;
    try {
        return client.call("group.share", params);
    } catch (const coop::rpc::RpcError& e) {
        throw coop::rpc::RpcError(e.code(), std::string(e.what()) + "; " + shared.value("name", "") + " is shared as " +
                                                shared.value("id", "") + ": run the same command again to add it to the group");
    }
}

int share(coop::rpc::Client& client, const std::string& given, const std::vector<std::string>& trackers, bool v1,
          const CatalogEntry& entry, bool as_json) {
    std::error_code ec;
    const auto path = std::filesystem::absolute(given, ec).lexically_normal();
    json params = {{"path", path.string()}};
    if (!trackers.empty()) params["trackers"] = trackers;
    if (v1) params["v1"] = true;
    const bool bar = !as_json && cli::stdout_is_tty();
    const json r = client.call("share.add", params, [&](const std::string& method, const json& p) {
        if (method != "share.progress" || !bar) return;
        cli::Progress progress;
        progress.label = "hashing " + path.filename().string();
        progress.state = "hashing";
        progress.done = p.value("hashed", 0);
        progress.size = p.value("total", 0);
        std::cout << "\r" << cli::render_bar(progress, cli::terminal_width()).substr(0, cli::terminal_width() - 1) << std::flush;
    });
    if (bar) std::cout << "\r\033[K" << std::flush;
    json added;
    if (!entry.group.empty()) added = add_to_catalog(client, r, entry);
    if (as_json) {
        json out = r;
        if (!added.is_null()) {
            out["group"] = added.value("group", "");
            out["entry"] = added.value("entry", "");
        }
        cli::print_json(out);
    } else {
        std::cout << (r.value("existing", false) ? "already shared: " : "shared: ") << r.value("name", "") << " ("
                  << coop::format_bytes(r.value("size", 0)) << ") as " << r.value("id", "") << "\n"
                  << r.value("magnet", "") << "\n";
        if (!added.is_null())
            std::cout << "in the catalog of group " << cli::short_id(added.value("group", "")) << " as "
                      << cli::short_id(added.value("entry", "")) << "\n";
    }
    return cli::ok;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Share files or folders over BitTorrent, seeded from where they lie (no copy)", "coop share"};
    std::vector<std::string> paths, trackers;
    std::string stop_id;
    CatalogEntry entry;
    bool as_json = false, do_list = false, v1 = false;
    app.add_option("PATH", paths, "file or folder to share (several make several shares)");
    app.add_flag("--list", do_list, "list shares with size, peers, uploaded bytes and ratio");
    app.add_option("--stop", stop_id, "stop seeding the share with this id (a prefix will do)");
    // Repeated options take one value each, so `--tag live PATH` leaves PATH a path.
    app.add_option("--tracker", trackers, "announce URL to put in the torrent and magnet (repeat)")->allow_extra_args(false);
    app.add_flag("--v1", v1, "make a v1-only torrent, for clients that cannot read v2 or hybrid ones (aria2 before 1.37)");
    app.add_option("--group", entry.group, "also add each share to the catalog of group G (its name or an id prefix)")
        ->type_name("G");
    app.add_option("--title", entry.title, "the catalog entry's title (default: the file or folder name)")->type_name("TITLE");
    app.add_option("--tag", entry.tags, "a tag for the catalog entry, for coop group catalog --tag (repeat)")
        ->type_name("TAG")
        ->allow_extra_args(false);
    app.add_flag("--json", as_json, "print JSON (one object per share) instead of text");
    if (int code = cli::parse(app, program, argc, argv); code >= 0) return code;
    const int modes = (paths.empty() ? 0 : 1) + (do_list ? 1 : 0) + (stop_id.empty() ? 0 : 1);
    if (modes != 1) {
        cli::error(program, modes == 0 ? "nothing to share: give a PATH (or --list, --stop ID); see coop share --help"
                                       : "give PATHs, --list or --stop ID, one at a time");
        return cli::usage;
    }
    if (entry.group.empty() && (!entry.title.empty() || !entry.tags.empty())) {
        cli::error(program, "--title and --tag describe a catalog entry: give --group G too");
        return cli::usage;
    }
    if (!entry.group.empty() && paths.empty()) {
        cli::error(program, "--group adds shares to a catalog: give the PATHs to share");
        return cli::usage;
    }
    if (!entry.title.empty() && paths.size() > 1) {
        cli::error(program, "--title names one entry: give one PATH with it");
        return cli::usage;
    }

    return cli::guarded(program, [&] {
        auto client = coop::rpc::Client::connect(coop::Home::resolve());
        if (do_list) return list(client, as_json);
        if (!stop_id.empty()) {
            const json r = client.call("share.stop", {{"id", stop_id}});
            if (as_json) cli::print_json(r);
            else std::cout << "stopped sharing " << r.value("name", "") << " (" << r.value("id", "") << ")\n";
            return cli::ok;
        }
        int code = cli::ok;
        for (const auto& p : paths) {
            try {
                share(client, p, trackers, v1, entry, as_json);
            } catch (const coop::rpc::RpcError& e) {
                cli::error(program, e.what());
                code = cli::failure;
            }
        }
        return code;
    });
}
