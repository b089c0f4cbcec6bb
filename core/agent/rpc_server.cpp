#include "core/agent/rpc_server.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <vector>

namespace coop::agent {

using boost::asio::local::stream_protocol;

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(RpcServer& server, stream_protocol::socket socket)
        : server_(server), socket_(std::move(socket)), input_(rpc::max_line_bytes) {}

    void start() { read(); }

    void send(const json& message) {
        if (closed_) return;
        // File names are bytes, not always UTF-8: never let one throw here.
        queue_.push_back(message.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        if (queue_.size() == 1) write();
    }

    // Sends one error and closes once it is written.
    void refuse(const std::string& message) {
        send(rpc::error(nullptr, rpc::peer_refused, message));
        close_after_write_ = true;
    }

    void track(const std::shared_ptr<Call>& call) {
        std::erase_if(pending_, [](const std::weak_ptr<Call>& w) {
            auto c = w.lock();
            return !c || c->answered();
        });
        pending_.push_back(call);
    }

private:
    void read() {
        auto self = shared_from_this();
        boost::asio::async_read_until(socket_, input_, '\n', [self](const boost::system::error_code& ec, std::size_t n) {
            if (ec) {
                if (ec == boost::asio::error::not_found) {
                    self->send(rpc::error(nullptr, rpc::invalid_request, "request line over 1 MiB"));
                    self->close_after_write_ = true;
                    return;
                }
                return self->closed();
            }
            std::string line(boost::asio::buffers_begin(self->input_.data()),
                             boost::asio::buffers_begin(self->input_.data()) + static_cast<long>(n) - 1);
            self->input_.consume(n);
            self->server_.dispatch(self, line);
            self->read();
        });
    }

    void write() {
        auto self = shared_from_this();
        boost::asio::async_write(socket_, boost::asio::buffer(queue_.front()),
                                 [self](const boost::system::error_code& ec, std::size_t) {
                                     if (ec) return self->closed();
                                     self->queue_.pop_front();
                                     if (!self->queue_.empty()) return self->write();
                                     if (self->close_after_write_) {
                                         boost::system::error_code ignored;
                                         self->socket_.shutdown(stream_protocol::socket::shutdown_both, ignored);
                                         self->closed();
                                     }
                                 });
    }

    // The client is gone: tell the calls it left unanswered.
    void closed() {
        if (closed_) return;
        closed_ = true;
        boost::system::error_code ignored;
        socket_.close(ignored);
        auto pending = std::move(pending_);
        for (auto& weak : pending)
            if (auto call = weak.lock(); call && !call->answered() && call->on_disconnect_) {
                try {
                    std::exchange(call->on_disconnect_, nullptr)();
                } catch (const std::exception& e) {
                    spdlog::error("after a client went away: {}", e.what());
                }
            }
    }

    RpcServer& server_;
    stream_protocol::socket socket_;
    boost::asio::streambuf input_;
    std::deque<std::string> queue_;
    std::vector<std::weak_ptr<Call>> pending_;
    bool closed_ = false;
    bool close_after_write_ = false;
};

Call::Call(std::weak_ptr<Connection> connection, json id, json params)
    : connection_(std::move(connection)), id_(std::move(id)), params_(std::move(params)) {}

Call::~Call() = default;

std::string Call::string_param(const std::string& name) const {
    if (!params_.is_object() || !params_.contains(name) || !params_[name].is_string())
        throw RpcFailure(rpc::invalid_params, "missing string parameter '" + name + "'");
    return params_[name].get<std::string>();
}

void Call::reply(json result) {
    if (std::exchange(answered_, true)) return;
    on_disconnect_ = nullptr;  // it may hold this call: break the cycle
    if (auto c = connection_.lock()) c->send(rpc::result(id_, std::move(result)));
}

void Call::fail(int code, const std::string& message) {
    if (std::exchange(answered_, true)) return;
    on_disconnect_ = nullptr;
    if (auto c = connection_.lock()) c->send(rpc::error(id_, code, message));
}

void Call::notify(const std::string& method, json params) {
    if (answered_) return;
    if (!params.is_object()) params = json{{"value", std::move(params)}};
    // Here, so that no notification can lack it (protocol.hpp).
    params[rpc::notification_request_key] = id_;
    if (auto c = connection_.lock()) c->send(rpc::notification(method, std::move(params)));
}

RpcServer::RpcServer(boost::asio::io_context& io, std::filesystem::path socket_path)
    : io_(io), path_(std::move(socket_path)), acceptor_(io) {}

RpcServer::~RpcServer() { close(); }

void RpcServer::handle(const std::string& method, Handler handler) { handlers_[method] = std::move(handler); }

void RpcServer::listen() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    const mode_t old = ::umask(0177);  // the socket is born 0600
    stream_protocol::endpoint endpoint(path_.string());
    boost::system::error_code bec;
    acceptor_.open(endpoint.protocol(), bec);
    if (!bec) acceptor_.bind(endpoint, bec);
    ::umask(old);
    if (!bec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, bec);
    if (bec) throw std::runtime_error("cannot listen on " + path_.string() + ": " + bec.message());
    ::chmod(path_.c_str(), 0600);
    accept();
}

void RpcServer::close() {
    if (!acceptor_.is_open()) return;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

void RpcServer::accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, stream_protocol::socket socket) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (!ec) {
            ucred cred{};
            socklen_t len = sizeof cred;
            const bool known = ::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0;
            auto connection = std::make_shared<Connection>(*this, std::move(socket));
            if (!known || cred.uid != ::geteuid()) {
                ++refused_;
                spdlog::warn("refused a connection from uid {}", known ? static_cast<long>(cred.uid) : -1L);
                connection->refuse("this agent belongs to uid " + std::to_string(::geteuid()) +
                                   "; use your own agent (set COOP_HOME to a folder of yours)");
            } else {
                connection->start();
            }
        }
        if (acceptor_.is_open()) accept();
    });
}

void RpcServer::dispatch(const std::shared_ptr<Connection>& connection, const std::string& line) {
    json msg = json::parse(line, nullptr, false);
    if (msg.is_discarded() || !msg.is_object())
        return connection->send(rpc::error(nullptr, rpc::parse_error, "request is not a JSON object"));
    // A request without an id is a notification: JSON-RPC answers none, and
    // the agent has no method that makes sense without an answer.
    if (!msg.contains("id")) {
        spdlog::debug("ignored a notification from a client");
        return;
    }
    const json id = msg["id"];
    if (!msg.contains("method") || !msg["method"].is_string())
        return connection->send(rpc::error(id, rpc::invalid_request, "request has no method"));
    const std::string method = msg["method"];
    auto it = handlers_.find(method);
    if (it == handlers_.end())
        return connection->send(rpc::error(id, rpc::method_not_found, "unknown method '" + method + "'"));
    json params = msg.value("params", json::object());
    if (!params.is_object()) return connection->send(rpc::error(id, rpc::invalid_params, "params must be an object"));
    auto call = std::make_shared<Call>(connection, id, std::move(params));
    connection->track(call);
    try {
        it->second(call);
    } catch (const RpcFailure& e) {
        call->fail(e.code(), e.what());
    } catch (const nlohmann::json::exception& e) {
        call->fail(rpc::invalid_params, "malformed parameters for " + method + ": " + e.what());
    } catch (const std::invalid_argument& e) {
        call->fail(rpc::bad_input, e.what());
    } catch (const std::exception& e) {
        spdlog::error("{} failed: {}", method, e.what());
        call->fail(rpc::internal_error, e.what());
    }
}

}  // namespace coop::agent
