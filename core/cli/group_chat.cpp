#include "core/cli/group_chat.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "core/cli/group_text.hpp"
#include "core/cli/line_editor.hpp"
#include "core/cli/output.hpp"
#include "core/cli/raw_terminal.hpp"
#include "core/rpc/client.hpp"

namespace coop::cli {

using rpc::json;

namespace {

constexpr int history_lines = 20;
constexpr std::size_t max_input_line = 64 * 1024;  // longer lines in line mode are refused whole

const char* const help_text =
    "/members   who is in the group and who is online\n"
    "/leave     leave the group and quit\n"
    "/quit      quit; you stay a member (also Ctrl-D, Ctrl-C)\n"
    "/help      this help\n"
    "//TEXT     post TEXT that starts with /";

// The self-pipe that wakes the loop: for signals and for the follower.
int wake_fds[2] = {-1, -1};
volatile std::sig_atomic_t signal_seen = 0;

void on_signal(int sig) {
    signal_seen = sig;
    const int saved = errno;
    [[maybe_unused]] const auto n = ::write(wake_fds[1], "s", 1);
    errno = saved;
}

void wake() { [[maybe_unused]] const auto n = ::write(wake_fds[1], "e", 1); }

void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the terminal or pipe went away: nothing to tell it
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Follows the group's log on its own connection and thread; the loop takes
// what arrived when woken.
class Follower {
public:
    Follower(rpc::Client client, json params) : client_(std::move(client)) {
        thread_ = std::thread([this, params = std::move(params)] { run(params); });
    }

    ~Follower() {
        stopping_ = true;
        ::shutdown(client_.fd(), SHUT_RDWR);  // the blocked read returns
        thread_.join();
    }

    std::deque<json> take() {
        std::lock_guard lock(mutex_);
        return std::exchange(events_, {});
    }

    // Why the follow ended, once it has: "" when the group was left.
    std::optional<std::string> ended() {
        std::lock_guard lock(mutex_);
        return ended_;
    }

private:
    void run(const json& params) {
        std::string why;
        try {
            client_.call("group.log", params, [this](const std::string& method, const json& p) {
                if (method != "group.event") return;
                {
                    std::lock_guard lock(mutex_);
                    events_.push_back(p);
                }
                wake();
            });
        } catch (const rpc::AgentLost& e) {
            why = std::string(e.what()) + ": the agent stopped or crashed; see " + Home::resolve().log().string();
        } catch (const std::exception& e) {
            why = e.what();
        }
        if (stopping_) return;
        {
            std::lock_guard lock(mutex_);
            ended_ = why;
        }
        wake();
    }

    rpc::Client client_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::deque<json> events_;
    std::optional<std::string> ended_;
};

class Chat {
public:
    Chat(const Home& home, const std::string& given) : client_(rpc::Client::connect(home)) {
        viewer_.self_key = client_.call("agent.status").value("peer_id", "");
        const json group = client_.call("group.show", {{"group", given}});
        id_ = group.value("group", given);
        name_ = printable(group.value("name", given));
        // The last lines first, before anything typed; the follow brings
        // them again (shown once) and then each new one.
        history_ = client_.call("group.log", {{"group", id_}, {"limit", history_lines}}).value("events", json::array());
        follower_ = std::make_unique<Follower>(rpc::Client::connect(home),
                                               json{{"group", id_}, {"follow", true}, {"limit", history_lines}});
    }

    int run() {
        const bool terminal = ::isatty(0) == 1 && ::isatty(1) == 1;
        std::unique_ptr<RawTerminal> raw;
        if (terminal) {
            raw = std::make_unique<RawTerminal>(0);
            editor_ = std::make_unique<LineEditor>(clipped(name_, 24) + "> ", 4096);
            editor_->set_width(raw->width());
            show("chatting in " + name_ + "; /help lists the commands, Ctrl-D quits");
        }
        for (const auto& e : history_) show_event(e);
        try {
            const int code = loop(raw.get());
            if (editor_) write_all(1, editor_->erase());
            return code;
        } catch (...) {
            if (editor_) write_all(1, editor_->erase());  // the error goes on a clean line
            throw;
        }
    }

private:
    int loop(RawTerminal* raw) {
        std::string partial;  // line mode: input not ended by a newline yet
        bool skipping = false;  // line mode: the rest of a line too long to post
        for (;;) {
            pollfd fds[2] = {{0, POLLIN, 0}, {wake_fds[0], POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0 && errno != EINTR)
                throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
            if (fds[1].revents & POLLIN) {
                char drain[256];
                while (::read(wake_fds[0], drain, sizeof drain) > 0) {
                }
            }
            if (signal_seen == SIGWINCH) {
                signal_seen = 0;
                if (raw && editor_) {
                    editor_->set_width(raw->width());
                    write_all(1, editor_->render());
                }
            } else if (signal_seen != 0) {
                return interrupted;
            }
            for (auto& e : follower_->take()) show_event(e);
            if (const auto why = follower_->ended()) {
                if (!why->empty()) throw std::runtime_error(*why);
                show("you left " + name_);
                return failed_ ? failure : ok;
            }
            if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;

            char buf[4096];
            const ssize_t n = ::read(0, buf, sizeof buf);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) return failed_ ? failure : ok;  // end of input
            const std::string_view bytes(buf, static_cast<std::size_t>(n));
            if (editor_) {
                const EditorStep step = editor_->feed(bytes);
                write_all(1, step.output);
                for (const auto& input : step.inputs) {
                    if (input.kind != EditorInput::Kind::line) return ok;  // Ctrl-D, Ctrl-C
                    if (auto code = handle(input.text)) return *code;
                }
                continue;
            }
            for (char c : bytes) {
                if (c != '\n') {
                    if (!skipping && partial.size() < max_input_line) partial += c;
                    else if (!skipping) {
                        report("a line over 64 KiB was not posted");
                        partial.clear();
                        skipping = true;
                    }
                    continue;
                }
                if (skipping) {
                    skipping = false;
                    continue;
                }
                std::string line = std::exchange(partial, {});
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (line.find_first_not_of(" \t") == std::string::npos) continue;
                if (auto code = handle(line)) return *code;
            }
        }
    }

    // A line typed: a command or a post. Returns an exit code to quit with.
    std::optional<int> handle(const std::string& line) {
        if (line[0] == '/' && line.rfind("//", 0) != 0) {
            const std::string command = line.substr(0, line.find(' '));
            if (command == "/quit" || command == "/exit") return ok;
            if (command == "/help") {
                show(help_text);
            } else if (command == "/members") {
                try {
                    const json group = client_.call("group.show", {{"group", id_}});
                    std::ostringstream table;
                    members_table(group.value("members", json::array()), group.value("online", json::array()), now())
                        .print(table);
                    std::string text = table.str();
                    if (!text.empty() && text.back() == '\n') text.pop_back();
                    show(text);
                } catch (const rpc::RpcError& e) {
                    report(e.what());
                }
            } else if (command == "/leave") {
                try {
                    client_.call("group.leave", {{"group", id_}});
                    show("you left " + name_);
                    return ok;
                } catch (const rpc::RpcError& e) {
                    report(e.what());
                }
            } else {
                report("no command " + printable(command) + "; /help lists them, and //TEXT posts TEXT starting with /");
            }
            return std::nullopt;
        }
        const std::string text = line.rfind("//", 0) == 0 ? line.substr(1) : line;
        try {
            const json r = client_.call("group.post", {{"group", id_}, {"text", text}});
            // Shown now, and not again when the follow brings it back.
            show_event({{"event", r.value("event", "")},
                        {"kind", "post"},
                        {"author", viewer_.self_key},
                        {"time_ms", now_ms()},
                        {"text", text}});
        } catch (const rpc::RpcError& e) {
            report(e.what());
            failed_ = true;
        }
        return std::nullopt;
    }

    Viewer now() const {
        Viewer v = viewer_;
        v.now_ms = now_ms();
        return v;
    }

    void show_event(const json& e) {
        const std::string id = e.is_object() && e.contains("event") && e["event"].is_string() ? e["event"].get<std::string>() : "";
        if (!id.empty() && !seen_.insert(id).second) return;
        show(event_text(e, now()));
    }

    void show(const std::string& text) {
        if (editor_) {
            write_all(1, editor_->print_above(text));
        } else {
            std::cout << text << std::endl;
        }
    }

    // Errors: above the input line on a terminal, else on stderr.
    void report(const std::string& message) {
        if (editor_) write_all(1, editor_->print_above("coop group chat: " + message));
        else error("coop group chat", message);
    }

    rpc::Client client_;
    Viewer viewer_;
    std::string id_, name_;
    json history_;
    std::unique_ptr<Follower> follower_;
    std::unique_ptr<LineEditor> editor_;
    std::set<std::string> seen_;
    bool failed_ = false;
};

}  // namespace

int run_group_chat(const Home& home, const std::string& group) {
    if (wake_fds[0] < 0 && ::pipe2(wake_fds, O_CLOEXEC | O_NONBLOCK) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGWINCH}) ::sigaction(sig, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    Chat chat(home, group);
    return chat.run();
}

}  // namespace coop::cli
