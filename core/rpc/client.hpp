#pragma once
// The command side of the RPC: a blocking connection to the agent's Unix
// socket. Commands start the agent themselves when none runs.
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/home.hpp"
#include "core/rpc/protocol.hpp"

namespace coop::rpc {

// The agent answered with a JSON-RPC error; what() is its message.
class RpcError : public std::runtime_error {
public:
    RpcError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};

// The connection broke before the answer came (the agent died or stopped).
class AgentLost : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Client {
public:
    // Connects to the running agent, or nullopt when none answers. A stale
    // socket file (agent killed) counts as none.
    static std::optional<Client> try_connect(const Home& home);
    // Connects, starting the agent with its saved settings when none runs.
    static Client connect(const Home& home);

    Client(Client&& other) noexcept;
    Client& operator=(Client&&) = delete;
    Client(const Client&) = delete;
    ~Client();

    using NotificationHandler = std::function<void(const std::string& method, const json& params)>;
    // Sends a request and waits for its result, passing its notifications
    // on the way to `on_notification` (without their "request": see
    // protocol.hpp). Throws RpcError or AgentLost.
    json call(const std::string& method, json params = json::object(),
              const NotificationHandler& on_notification = {});

    // Waits at most `timeout_ms` for input; used to keep Ctrl-C responsive.
    int fd() const { return fd_; }

private:
    explicit Client(int fd) : fd_(fd) {}
    std::string read_line();
    int fd_ = -1;
    std::int64_t next_id_ = 1;
    std::string buffer_;
};

}  // namespace coop::rpc

namespace coop::rpc {

// Ctrl-C (SIGINT) or SIGTERM arrived while a call was waiting.
class Interrupted : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// From now on SIGINT and SIGTERM interrupt a waiting call with Interrupted
// instead of killing the process, so a command can say what it left behind.
void interrupt_calls_on_signals();

}  // namespace coop::rpc
