#pragma once
// The agent's side of the RPC (see core/rpc/protocol.hpp): a Unix socket
// (mode 0600) that refuses other users, reads one JSON request per line and
// hands each to the handler registered for its method, on the event loop.
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/rpc/protocol.hpp"

namespace coop::agent {

using rpc::json;

// Thrown by a handler: becomes the JSON-RPC error of the call.
class RpcFailure : public std::runtime_error {
public:
    RpcFailure(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};

class Connection;

// One request in flight. A handler answers it at once or keeps it (as a
// shared_ptr) and answers later, sending notifications meanwhile.
class Call {
public:
    Call(std::weak_ptr<Connection> connection, json id, json params);
    ~Call();

    const json& params() const { return params_; }
    // A required string parameter, or RpcFailure(invalid_params).
    std::string string_param(const std::string& name) const;

    void reply(json result);
    void fail(int code, const std::string& message);
    // A notification for this call, unless it is answered: `params` (an
    // object) gets the call's id as "request".
    void notify(const std::string& method, json params);
    bool answered() const { return answered_; }
    // Runs once if the client disconnects before the call is answered.
    void on_disconnect(std::function<void()> callback) { on_disconnect_ = std::move(callback); }

private:
    friend class Connection;
    std::weak_ptr<Connection> connection_;
    json id_;
    json params_;
    bool answered_ = false;
    std::function<void()> on_disconnect_;
};

using Handler = std::function<void(const std::shared_ptr<Call>&)>;

class RpcServer {
public:
    RpcServer(boost::asio::io_context& io, std::filesystem::path socket_path);
    ~RpcServer();

    void handle(const std::string& method, Handler handler);
    // Binds the socket (the caller holds the agent lock, so an existing
    // socket file is stale and is replaced). Throws on failure.
    void listen();
    void close();
    std::size_t refused() const { return refused_; }

private:
    void accept();
    friend class Connection;
    void dispatch(const std::shared_ptr<Connection>& connection, const std::string& line);

    boost::asio::io_context& io_;
    std::filesystem::path path_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    std::map<std::string, Handler> handlers_;
    std::size_t refused_ = 0;
};

}  // namespace coop::agent
