#pragma once
// Accepts links on one endpoint: each connection shakes hands as the
// listener, and only an open link reaches the caller. At most
// max_handshaking connections may be mid-handshake at once; more are hung
// up on at once (counted as refused), so a flood of connections that say
// nothing costs a bounded amount of memory, each for at most
// handshake_timeout.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/identity.hpp"
#include "core/overlay/link.hpp"

namespace coop::overlay {

class Listener {
public:
    // An open link: set its on_frame and on_closed here.
    using Accepted = std::function<void(std::shared_ptr<Link> link)>;

    Listener(boost::asio::io_context& io, const Identity& identity, LinkOptions options, Accepted on_link,
             std::size_t max_handshaking = 64);
    ~Listener();  // close(); links already handed over live on
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // A connection that did not become a link, and why (for the log).
    void on_failure(std::function<void(const std::string& reason)> handler) { on_failure_ = std::move(handler); }

    // Binds and listens. Throws std::runtime_error with a one-line reason
    // ("cannot listen on 127.0.0.1:4444: the port is in use; ...").
    void listen(const boost::asio::ip::tcp::endpoint& endpoint);
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    // Stops accepting and hangs up on connections still handshaking.
    void close();

    std::size_t handshaking() const { return handshaking_.size(); }
    std::uint64_t refused() const { return refused_; }

private:
    void accept();
    void admit(boost::asio::ip::tcp::socket socket);
    std::shared_ptr<Link> release(Link* link);  // out of handshaking_

    Identity identity_;
    LinkOptions options_;
    Accepted on_link_;
    std::size_t max_handshaking_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;  // after an accept error such as too many open files
    std::unordered_map<Link*, std::shared_ptr<Link>> handshaking_;
    std::function<void(const std::string&)> on_failure_;
    std::uint64_t refused_ = 0;
};

}  // namespace coop::overlay
