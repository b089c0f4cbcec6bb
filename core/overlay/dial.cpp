#include "core/overlay/dial.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/overlay/reason_text.hpp"

namespace coop::overlay {

using boost::asio::ip::tcp;

namespace {

struct Attempt {
    explicit Attempt(boost::asio::io_context& io) : socket(io), timer(io) {}
    tcp::socket socket;
    boost::asio::steady_timer timer;
    bool timed_out = false;
};

}  // namespace

void dial(boost::asio::io_context& io, const tcp::endpoint& endpoint, std::chrono::milliseconds timeout, Dialed done,
          const boost::asio::ip::address& from) {
    auto attempt = std::make_shared<Attempt>(io);
    if (!from.is_unspecified() && from.is_v4() == endpoint.address().is_v4()) {
        boost::system::error_code ec;
        attempt->socket.open(endpoint.protocol(), ec);
        if (!ec) attempt->socket.bind({from, 0}, ec);
        if (ec) {
            boost::system::error_code ignored;
            attempt->socket.close(ignored);
            return boost::asio::post(io, [attempt, endpoint, from, ec, done = std::move(done)] {
                done("cannot dial " + address_text(endpoint) + " from " + from.to_string() + ": " + ec.message(),
                     std::move(attempt->socket));
            });
        }
    }
    attempt->timer.expires_after(timeout);
    attempt->timer.async_wait([attempt](const boost::system::error_code& ec) {
        if (ec) return;
        attempt->timed_out = true;
        boost::system::error_code ignored;
        attempt->socket.close(ignored);  // the connect then ends, aborted
    });
    attempt->socket.async_connect(endpoint, [attempt, endpoint, timeout, done = std::move(done)](
                                                const boost::system::error_code& ec) {
        attempt->timer.cancel();
        if (!ec && !attempt->timed_out) return done("", std::move(attempt->socket));
        boost::system::error_code ignored;
        attempt->socket.close(ignored);
        const std::string why = attempt->timed_out ? "no answer within " + duration_text(timeout) : ec.message();
        done("cannot reach " + address_text(endpoint) + ": " + why, std::move(attempt->socket));
    });
}

void dial_link(boost::asio::io_context& io, const tcp::endpoint& endpoint, const Identity& identity,
               std::optional<Identity::PublicKey> expected, LinkOptions options, LinkOpened done) {
    const auto timeout = options.handshake_timeout;
    const auto from = options.dial_from;
    dial(io, endpoint, timeout,
         [identity, expected, options = std::move(options), done = std::move(done)](const std::string& error,
                                                                                     tcp::socket socket) mutable {
             if (!error.empty()) return done(nullptr, error);
             auto link = Link::make(std::move(socket), Role::dialer, identity, expected, std::move(options));
             auto shared_done = std::make_shared<LinkOpened>(std::move(done));
             // A plain pointer: a link must not own itself through its handlers.
             Link* raw = link.get();
             link->on_open([raw, shared_done] {
                 raw->on_closed(nullptr);  // from now on the caller's to set
                 (*shared_done)(raw->shared_from_this(), "");
             });
             link->on_closed([shared_done](const std::string& reason) { (*shared_done)(nullptr, reason); });
             link->start();
         },
         from);
}

}  // namespace coop::overlay
