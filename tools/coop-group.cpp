// coop group: communities as replicated signed logs. Create, invite, join
// and leave groups, find open ones by interest, post and chat, and list
// the shared catalog; the agent does the work (group.* in protocol.hpp).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <set>

#include "core/cli/duration.hpp"
#include "core/cli/group_chat.hpp"
#include "core/cli/group_text.hpp"
#include "core/cli/output.hpp"
#include "core/group/body.hpp"
#include "core/rpc/client.hpp"

using coop::rpc::json;
namespace cli = coop::cli;

namespace {

const std::string program = "coop group";

coop::rpc::Client connect() { return coop::rpc::Client::connect(coop::Home::resolve()); }

cli::Viewer viewer(coop::rpc::Client& client) {
    return {client.call("agent.status").value("peer_id", ""), cli::now_ms()};
}

void print_table(const cli::Table& table, const std::string& when_empty) {
    if (table.empty()) std::cout << when_empty << "\n";
    else table.print(std::cout);
}

std::string name_and_id(const json& r) {
    return cli::printable(r.value("name", "")) + " (" + cli::short_id(r.value("group", "")) + ")";
}

// An event as --json prints it: the same fields from group.log and from
// its group.event notifications.
json event_json(json e) {
    e.erase("group");
    return e;
}

int create(const std::string& name, const std::vector<std::string>& topics, bool open, const std::string& about,
           const std::string& admission, bool as_json) {
    auto client = connect();
    json params = {{"name", name}, {"open", open}};
    if (!admission.empty()) params["admission"] = admission;
    if (!topics.empty()) params["topics"] = topics;
    if (!about.empty()) params["about"] = about;
    const json r = client.call("group.create", params);
    if (as_json) {
        cli::print_json(r);
        return cli::ok;
    }
    const std::string id = cli::short_id(r.value("group", ""));
    std::cout << "created " << name_and_id(r) << ", "
              << (r.value("open", false) ? "open: anyone may join with coop group join " + id
                  : admission == "vote"  ? "admission by vote: coop group invite " + id +
                                              " lets someone apply, and coop vote propose " + id + " --admit KEY admits them"
                                         : "by invite: coop group invite " + id + " makes one")
              << "\n";
    return cli::ok;
}

int list(bool as_json) {
    auto client = connect();
    const json groups = client.call("group.list").value("groups", json::array());
    if (as_json) cli::print_json(groups);
    else print_table(cli::groups_table(groups), "no groups yet; create one with coop group create NAME or join one with coop group join TOKEN");
    return cli::ok;
}

int show(const std::string& group, bool as_json) {
    auto client = connect();
    const json r = client.call("group.show", {{"group", group}});
    if (as_json) cli::print_json(r);
    else std::cout << cli::show_text(r, viewer(client));
    return cli::ok;
}

int invite(const std::string& group, std::int64_t expires_s, int uses, bool as_json) {
    auto client = connect();
    const json r = client.call("group.invite", {{"group", group}, {"expires_s", expires_s}, {"uses", uses}});
    if (as_json) {
        cli::print_json(r);
        return cli::ok;
    }
    std::cout << r.value("token", "") << std::endl;
    // For the person at the terminal; a script reading stdout gets the token alone.
    if (cli::stderr_is_tty())
        std::cerr << "an invite to " << cli::short_id(r.value("group", "")) << ", " << cli::invite_terms(r, cli::now_ms())
                  << "; pass it on: they run coop group join TOKEN" << std::endl;
    return cli::ok;
}

int join(const std::string& what, std::optional<std::int64_t> wait_s, bool as_json) {
    auto client = connect();
    json params;
    // A token pasted with the spaces around it is still a token (the agent
    // ignores whitespace in one); anything else names a group.
    const auto start = what.find_first_not_of(" \t\r\n");
    if (start != std::string::npos && what.compare(start, coop::group::token_prefix.size(), coop::group::token_prefix) == 0)
        params["token"] = what;
    else params["group"] = what;
    if (wait_s) params["wait_s"] = *wait_s;
    coop::rpc::interrupt_calls_on_signals();
    const bool redraw = cli::stderr_is_tty();
    bool drawn = false;
    auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    json r;
    try {
        r = client.call("group.join", params, [&](const std::string& method, const json& p) {
            if (method != "group.progress") return;
            if (as_json) {
                json line = p;
                line["event"] = "progress";
                cli::print_json(line);
                return;
            }
            const auto now = std::chrono::steady_clock::now();
            if (!redraw && now - last < std::chrono::seconds(1)) return;
            last = now;
            std::cerr << (redraw ? "\r\033[K" : "") << cli::join_progress_text(p) << (redraw ? "" : "\n") << std::flush;
            drawn = redraw;
        });
    } catch (const coop::rpc::Interrupted&) {
        if (drawn) std::cerr << "\r\033[K";
        cli::error(program, "interrupted before the group's log came; coop group list shows how far the join got");
        return cli::interrupted;
    } catch (...) {
        if (drawn) std::cerr << "\r\033[K" << std::flush;
        throw;
    }
    if (drawn) std::cerr << "\r\033[K" << std::flush;
    if (as_json) {
        r["event"] = "done";
        cli::print_json(r);
    } else if (r.value("applied", false)) {
        std::cout << "applied to " << name_and_id(r) << ": its members admit you by a vote; coop group list "
                     "shows you as a member once they have\n";
    } else {
        std::cout << "joined " << name_and_id(r) << ": " << r.value("events", 0) << " events; chat with coop group chat "
                  << cli::short_id(r.value("group", "")) << "\n";
    }
    return cli::ok;
}

int leave(const std::string& group, bool as_json) {
    auto client = connect();
    const json r = client.call("group.leave", {{"group", group}});
    if (as_json) cli::print_json(r);
    else std::cout << "left " << name_and_id(r) << "\n";
    return cli::ok;
}

int members(const std::string& group, bool as_json) {
    auto client = connect();
    const json r = client.call("group.members", {{"group", group}});
    const json list = r.value("members", json::array());
    if (as_json) cli::print_json(list);
    else print_table(cli::members_table(list, json::array(), viewer(client)), "no members");
    return cli::ok;
}

int find(const std::string& tag, std::optional<std::int64_t> wait_s, bool as_json) {
    auto client = connect();
    json params = {{"tag", tag}};
    if (wait_s) params["wait_s"] = *wait_s;
    coop::rpc::interrupt_calls_on_signals();
    json r;
    try {
        r = client.call("group.find", params);
    } catch (const coop::rpc::Interrupted&) {
        cli::error(program, "interrupted");
        return cli::interrupted;
    }
    const json groups = r.value("groups", json::array());
    if (as_json) cli::print_json(groups);
    else print_table(cli::found_table(groups), "no open group about " + cli::printable(tag) + " answered; try a longer --wait or another tag");
    return cli::ok;
}

// The words of the message, or stdin for "-".
std::string message_of(const std::vector<std::string>& words) {
    if (words.size() == 1 && words[0] == "-") {
        std::string text;
        char buf[4096];
        while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
            text.append(buf, static_cast<std::size_t>(std::cin.gcount()));
            if (text.size() > coop::group::max_post_bytes + 1) break;
        }
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        return text;
    }
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    return text;
}

int post(const std::string& group, const std::string& text, bool as_json) {
    auto client = connect();
    const json r = client.call("group.post", {{"group", group}, {"text", text}});
    if (as_json) cli::print_json(r);
    else std::cout << "posted to " << cli::short_id(r.value("group", "")) << "\n";
    return cli::ok;
}

int log(const std::string& group, bool follow, int limit, const std::vector<std::string>& kinds, bool as_json) {
    auto client = connect();
    const cli::Viewer who = as_json ? cli::Viewer{} : viewer(client);
    std::set<std::string> seen;  // each event once, whatever the agent sends twice
    auto print = [&](const json& e) {
        if (!e.is_object()) return;
        const std::string id = e.contains("event") && e["event"].is_string() ? e["event"].get<std::string>() : "";
        if (!id.empty() && !seen.insert(id).second) return;
        if (as_json) {
            cli::print_json(event_json(e));
        } else {
            cli::Viewer now = who;
            now.now_ms = cli::now_ms();
            std::cout << cli::event_text(e, now) << std::endl;
        }
    };
    json params = {{"group", group}, {"limit", limit}};
    if (!kinds.empty()) params["kinds"] = kinds;
    if (!follow) {
        const json r = client.call("group.log", params);
        for (const auto& e : r.value("events", json::array())) print(e);
        return cli::ok;
    }
    // A follow streams the last `limit` events first, then each new one.
    coop::rpc::interrupt_calls_on_signals();
    try {
        params["follow"] = true;
        client.call("group.log", params, [&](const std::string& method, const json& p) {
                        if (method == "group.event") print(p);
                    });
    } catch (const coop::rpc::Interrupted&) {
        return cli::interrupted;  // Ctrl-C is how a follow usually ends
    }
    if (!as_json) std::cout << "you left the group" << std::endl;
    return cli::ok;
}

int catalog(const std::string& group, const std::string& tag, bool all, bool as_json) {
    auto client = connect();
    json params = {{"group", group}};
    if (!tag.empty()) params["tag"] = tag;
    if (all) params["all"] = true;
    const json r = client.call("group.catalog", params);
    const json entries = r.value("entries", json::array());
    if (r.value("truncated", false))
        cli::error(program, "warning: not every entry fits in one answer; narrow the list with --tag");
    if (as_json) {
        cli::print_json(entries);
        return cli::ok;
    }
    const std::string empty = tag.empty() ? "the catalog is empty; add to it with coop share PATH --group " + cli::printable(group)
                                          : "nothing in the catalog is tagged " + cli::printable(tag);
    print_table(cli::catalog_table(entries, viewer(client)), empty);
    return cli::ok;
}

int retract(const std::string& entry, bool as_json) {
    auto client = connect();
    const json r = client.call("group.retract", {{"entry", entry}});
    if (as_json) cli::print_json(r);
    else std::cout << "retracted " << cli::short_id(r.value("entry", "")) << " from the catalog of "
                   << cli::short_id(r.value("group", "")) << "\n";
    return cli::ok;
}

// --expires and --wait: DUR as parse_duration reads it.
std::optional<std::int64_t> duration_option(const std::string& option, const std::string& text, int& code) {
    if (text.empty()) return std::nullopt;
    const auto seconds = cli::parse_duration(text);
    if (!seconds) {
        cli::error(program, option + " '" + text + "' is not a duration like 90s, 30m, 1h, 2d or 1h30m");
        code = cli::usage;
    }
    return seconds;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Groups: communities with a shared chat and catalog, kept by every member, found by interest", "coop group"};
    app.require_subcommand(1);
    const std::string g_help = "the group: its name or an id prefix (coop group list shows both)";

    auto* create_cmd = app.add_subcommand("create", "create a group and become its first member");
    std::string create_name, about;
    std::vector<std::string> topics;
    bool open = false, closed = false, create_json = false;
    create_cmd->add_option("NAME", create_name, "the group's name (at most 100 bytes)")->required();
    // Repeated options take one value each: `--topic jazz NAME` leaves NAME the name.
    create_cmd->add_option("--topic", topics, "an interest tag that coop group find finds the group by, if open (repeat)")
        ->type_name("TAG")
        ->allow_extra_args(false);
    auto* open_flag = create_cmd->add_flag("--open", open, "anyone may join, and the group is announced under its topics");
    create_cmd->add_flag("--closed", closed, "members join by invite only (the default)")->excludes(open_flag);
    create_cmd->add_option("--about", about, "what the group is about, in a sentence or two")->type_name("TEXT");
    std::string admission;
    create_cmd
        ->add_option("--admission", admission,
                     "closed groups: invite (an invite lets one in, the default) or vote (an invite lets one apply; "
                     "a vote admits)")
        ->type_name("HOW")
        ->check(CLI::IsMember({"invite", "vote"}));
    create_cmd->add_flag("--json", create_json, "print the new group as JSON");

    auto* list_cmd = app.add_subcommand("list", "list the groups this agent is in or joining");
    bool list_json = false;
    list_cmd->add_flag("--json", list_json, "print the groups as JSON");

    auto* show_cmd = app.add_subcommand("show", "show a group: members, who is online, catalog size, heads");
    std::string show_group;
    bool show_json = false;
    show_cmd->add_option("G", show_group, g_help)->required();
    show_cmd->add_flag("--json", show_json, "print the group as JSON");

    auto* invite_cmd = app.add_subcommand("invite", "make an invite token and print it alone on stdout");
    std::string invite_group, expires_text;
    int uses = 1;
    bool invite_json = false;
    invite_cmd->add_option("G", invite_group, g_help)->required();
    invite_cmd->add_option("--expires", expires_text, "how long the invite works: DUR like 30m, 1h, 2d; 0 = never (default 1d)")
        ->type_name("DUR");
    invite_cmd->add_option("--uses", uses, "1 (the default): one person may join with it; 0: any number")
        ->type_name("N")
        ->check(CLI::Validator(
            [](std::string& v) {
                return v == "0" || v == "1" ? std::string() : "takes 1 (one person) or 0 (any number), not " + v;
            },
            ""));
    invite_cmd->add_flag("--json", invite_json, "print the invite as JSON");

    auto* join_cmd = app.add_subcommand("join", "join with an invite token, or an open group by id; waits for its log");
    std::string join_what, join_wait;
    bool join_json = false;
    join_cmd->add_option("TOKEN|G", join_what, "a coop-invite: token, or the id of an open group from coop group find")
        ->required();
    join_cmd->add_option("--wait", join_wait, "wait at most DUR for the group's log from its members (default 30s)")
        ->type_name("DUR");
    join_cmd->add_flag("--json", join_json, "print JSON lines (progress, then the result)");

    auto* leave_cmd = app.add_subcommand("leave", "leave a group: a signed leave event, then no more syncing");
    std::string leave_group;
    bool leave_json = false;
    leave_cmd->add_option("G", leave_group, g_help)->required();
    leave_cmd->add_flag("--json", leave_json, "print the result as JSON");

    auto* members_cmd = app.add_subcommand("members", "list a group's members and who is online");
    std::string members_group;
    bool members_json = false;
    members_cmd->add_option("G", members_group, g_help)->required();
    members_cmd->add_flag("--json", members_json, "print the members as JSON");

    auto* find_cmd = app.add_subcommand("find", "find open groups about TAG on the DHT, no index server");
    std::string find_tag, find_wait;
    bool find_json = false;
    find_cmd->add_option("TAG", find_tag, "the interest tag to look for")->required();
    find_cmd->add_option("--wait", find_wait, "look for DUR before answering (default 5s)")->type_name("DUR");
    find_cmd->add_flag("--json", find_json, "print the groups found as JSON");

    auto* post_cmd = app.add_subcommand("post", "post a chat message to a group");
    std::string post_group;
    std::vector<std::string> words;
    bool post_json = false;
    post_cmd->add_option("G", post_group, g_help)->required();
    post_cmd->add_option("MESSAGE", words, "the message: the words, joined by spaces, or - to read it from stdin")->required();
    post_cmd->add_flag("--json", post_json, "print the new event as JSON");

    auto* log_cmd = app.add_subcommand("log", "print a group's chat and events, oldest first; --follow for new ones");
    std::string log_group;
    int limit = 100;
    bool follow = false, log_json = false;
    log_cmd->add_option("G", log_group, g_help)->required();
    log_cmd->add_flag("-f,--follow", follow, "go on printing events as they arrive, until Ctrl-C or the group is left");
    log_cmd->add_option("-n,--limit", limit, "print the last N events (default 100)")
        ->type_name("N")
        ->check(CLI::Range(1, 1000000));
    std::vector<std::string> kinds;
    log_cmd->add_option("--kind", kinds, "only events of this kind: post (the chat), join, leave, share, retract, genesis (repeat)")
        ->type_name("KIND")
        ->allow_extra_args(false)
        ->check(CLI::IsMember({"post", "join", "leave", "share", "retract", "genesis"}));
    log_cmd->add_flag("--json", log_json, "print one JSON object per event, one a line");

    auto* chat_cmd = app.add_subcommand("chat", "chat in a group: messages arrive above the line you type");
    std::string chat_group;
    chat_cmd->add_option("G", chat_group, g_help)->required();

    auto* catalog_cmd = app.add_subcommand("catalog", "list a group's shared catalog: entries to fetch or stream");
    std::string catalog_group, catalog_tag;
    bool catalog_json = false;
    catalog_cmd->add_option("G", catalog_group, g_help)->required();
    catalog_cmd->add_option("--tag", catalog_tag, "only entries with this tag")->type_name("TAG");
    bool catalog_all = false;
    catalog_cmd->add_flag("--all", catalog_all, "also list retracted entries, marked so");
    catalog_cmd->add_flag("--json", catalog_json, "print the entries as JSON");

    auto* retract_cmd = app.add_subcommand("retract", "withdraw a catalog entry you shared");
    std::string entry;
    bool retract_json = false;
    retract_cmd->add_option("ENTRY", entry, "the entry's id or a prefix of it (coop group catalog shows them)")->required();
    retract_cmd->add_flag("--json", retract_json, "print the result as JSON");

    if (int code = cli::parse(app, program, argc, argv); code >= 0) return code;

    auto usage = [](const std::string& message) {
        cli::error(program, message);
        return cli::usage;
    };
    int code = cli::ok;
    const auto expires_s = duration_option("--expires", expires_text, code);
    const auto join_wait_s = duration_option("--wait", join_wait, code);
    const auto find_wait_s = duration_option("--wait", find_wait, code);
    if (code != cli::ok) return code;

    std::string text;
    if (*post_cmd) {
        if (std::find(words.begin(), words.end(), "-") != words.end() && words.size() > 1)
            return usage("give the MESSAGE as words or as - (read from stdin), not both");
        text = message_of(words);
        if (text.find_first_not_of(" \t\r\n") == std::string::npos) return usage("the message is empty");
        // Here, not only in the agent: the RPC would carry bytes that are
        // not UTF-8 as U+FFFD.
        if (auto problem = coop::group::post_text_problem(text); !problem.empty()) return usage(problem);
    }

    return cli::guarded(program, [&] {
        if (*create_cmd) return create(create_name, topics, open, about, admission, create_json);
        if (*list_cmd) return list(list_json);
        if (*show_cmd) return show(show_group, show_json);
        if (*invite_cmd) return invite(invite_group, expires_s.value_or(86400), uses, invite_json);
        if (*join_cmd) return join(join_what, join_wait_s, join_json);
        if (*leave_cmd) return leave(leave_group, leave_json);
        if (*members_cmd) return members(members_group, members_json);
        if (*find_cmd) return find(find_tag, find_wait_s, find_json);
        if (*post_cmd) return post(post_group, text, post_json);
        if (*log_cmd) return log(log_group, follow, limit, kinds, log_json);
        if (*chat_cmd) return cli::run_group_chat(coop::Home::resolve(), chat_group);
        if (*catalog_cmd) return catalog(catalog_group, catalog_tag, catalog_all, catalog_json);
        return retract(entry, retract_json);
    });
}
