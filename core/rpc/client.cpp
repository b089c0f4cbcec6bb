#include "core/rpc/client.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/rpc/agent_launcher.hpp"

namespace coop::rpc {

namespace {
volatile std::sig_atomic_t interrupted = 0;
void on_signal(int) { interrupted = 1; }
}  // namespace

void interrupt_calls_on_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;  // no SA_RESTART: a blocked read returns EINTR
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

std::optional<Client> Client::try_connect(const Home& home) {
    const std::string path = home.socket().string();
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path))
        throw std::runtime_error("socket path too long: " + path + "; choose a shorter COOP_HOME");
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd);
        if (err == ENOENT || err == ECONNREFUSED) return std::nullopt;
        throw std::runtime_error("cannot connect to " + path + ": " + std::strerror(err));
    }
    return Client(fd);
}

Client Client::connect(const Home& home) {
    if (auto c = try_connect(home)) return std::move(*c);
    start_agent(home, {});
    if (auto c = try_connect(home)) return std::move(*c);
    throw std::runtime_error("the agent started but its socket " + home.socket().string() +
                             " does not answer; see " + home.log().string());
}

Client::Client(Client&& other) noexcept
    : fd_(other.fd_), next_id_(other.next_id_), buffer_(std::move(other.buffer_)) {
    other.fd_ = -1;
}

Client::~Client() {
    if (fd_ >= 0) ::close(fd_);
}

std::string Client::read_line() {
    for (;;) {
        if (interrupted) throw Interrupted("interrupted");
        if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (buffer_.size() > max_line_bytes) throw AgentLost("the agent sent a line over 1 MiB");
        char chunk[65536];
        const ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n > 0) {
            buffer_.append(chunk, static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            if (interrupted) throw Interrupted("interrupted");
            continue;
        } else {
            throw AgentLost("the agent closed the connection");
        }
    }
}

json Client::call(const std::string& method, json params, const NotificationHandler& on_notification) {
    const std::int64_t id = next_id_++;
    std::string line = request(id, method, std::move(params)).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t n = ::send(fd_, p, left, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // closed: the agent may have said why; read it below
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    for (;;) {
        json msg = json::parse(read_line(), nullptr, false);
        if (msg.is_discarded() || !msg.is_object()) throw AgentLost("the agent sent a line that is not JSON");
        if (!msg.contains("id")) {
            json params = msg.value("params", json::object());
            if (params.is_object()) {
                auto request = params.find(notification_request_key);
                if (request != params.end()) {
                    if (*request != id) continue;  // another call's
                    params.erase(request);
                }
            }
            if (on_notification) on_notification(msg.value("method", ""), params);
            continue;
        }
        if (msg["id"].is_null() || msg["id"] == id) {
            if (msg.contains("error")) {
                const auto& e = msg["error"];
                throw RpcError(e.value("code", 0), e.value("message", std::string("unknown error")));
            }
            return msg.value("result", json::object());
        }
    }
}

}  // namespace coop::rpc
