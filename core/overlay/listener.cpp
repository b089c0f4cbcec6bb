#include "core/overlay/listener.hpp"

#include <stdexcept>

#include "core/overlay/reason_text.hpp"

namespace coop::overlay {

using boost::asio::ip::tcp;

namespace {

// Why a bind failed, and what to do, as a person reads it.
std::string bind_advice(const boost::system::error_code& ec) {
    if (ec == boost::asio::error::address_in_use) return "the port is in use; pick another port, or 0 for any free one";
    if (ec == boost::asio::error::access_denied)
        return "permission denied (ports below 1024 need privileges); pick a port above 1023, or 0 for any free one";
    if (ec == boost::system::errc::address_not_available)
        return "no interface of this machine has that address; pick one it has, or 0.0.0.0 for all";
    return ec.message();
}

constexpr auto accept_retry = std::chrono::milliseconds(100);

}  // namespace

Listener::Listener(boost::asio::io_context& io, const Identity& identity, LinkOptions options, Accepted on_link,
                   std::size_t max_handshaking)
    : identity_(identity),
      options_(std::move(options)),
      on_link_(std::move(on_link)),
      max_handshaking_(max_handshaking),
      acceptor_(io),
      retry_(io) {}

Listener::~Listener() { close(); }

void Listener::listen(const tcp::endpoint& endpoint) {
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
    if (ec) {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        throw std::runtime_error("cannot listen on " + address_text(endpoint) + ": " + bind_advice(ec));
    }
    accept();
}

tcp::endpoint Listener::local_endpoint() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec);
}

void Listener::close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
    auto links = std::move(handshaking_);
    handshaking_.clear();
    for (auto& [raw, link] : links) {
        // Their handlers point at this listener, which may be going away.
        link->on_open(nullptr);
        link->on_closed(nullptr);
        link->close("the listener closed");
    }
}

void Listener::accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (!ec) {
            admit(std::move(socket));
            if (acceptor_.is_open()) accept();
            return;
        }
        // Out of file descriptors, say: try again soon rather than spin.
        retry_.expires_after(accept_retry);
        retry_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec && acceptor_.is_open()) accept();
        });
    });
}

void Listener::admit(tcp::socket socket) {
    if (handshaking_.size() >= max_handshaking_) {
        ++refused_;
        if (options_.tally) ++options_.tally->faults.refused;
        boost::system::error_code ec;
        const auto from = socket.remote_endpoint(ec);
        socket.close(ec);
        if (on_failure_)
            on_failure_("refused " + address_text(from) + ": " + std::to_string(max_handshaking_) +
                        " connections are handshaking already");
        return;
    }
    auto link = Link::make(std::move(socket), Role::listener, identity_, std::nullopt, options_);
    Link* raw = link.get();
    handshaking_.emplace(raw, link);
    link->on_open([this, raw] {
        auto opened = release(raw);
        raw->on_closed(nullptr);  // from now on the caller's to set
        if (on_link_) on_link_(std::move(opened));
    });
    link->on_closed([this, raw](const std::string& reason) {
        release(raw);
        if (on_failure_) on_failure_(reason);
    });
    link->start();
}

std::shared_ptr<Link> Listener::release(Link* link) {
    auto found = handshaking_.find(link);
    if (found == handshaking_.end()) return nullptr;
    auto out = std::move(found->second);
    handshaking_.erase(found);
    return out;
}

}  // namespace coop::overlay
