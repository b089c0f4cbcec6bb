#pragma once
// One authenticated, encrypted TCP connection to another agent, carrying
// frames (whole byte strings) both ways; the wire format is in wire.hpp.
// A link lives on the io_context of its socket and is used from that loop
// only, so it has no locks. Whoever holds it, it lives until it closes:
// by close() on either side, a fault of the peer, or a timeout.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/identity.hpp"
#include "core/overlay/link_stats.hpp"
#include "core/overlay/secret_channel.hpp"
#include "core/overlay/wire.hpp"

namespace coop::overlay {

struct LinkOptions {
    std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10);
    std::size_t max_frame_bytes = 1 << 20;   // a frame's size, both ways (at most 64 MiB)
    std::size_t max_queued_bytes = 8 << 20;  // waiting to be written; more closes the link
    // Dials go out from this address (the agent's own), not whichever the
    // kernel picks; unspecified: the kernel's choice.
    boost::asio::ip::address dial_from;
    // Keepalive: a ping after this long without sending anything, and the
    // link closed after this long without hearing anything. 0: off.
    std::chrono::milliseconds ping_interval = std::chrono::seconds(30);
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(90);
    // If set, the link adds everything it counts here too: one tally for
    // all the agent's links, closed ones included.
    std::shared_ptr<LinkStats> tally;
};

class Link : public std::enable_shared_from_this<Link> {
public:
    using PublicKey = Identity::PublicKey;

    // `socket` is connected; `expected`, if given, is the only identity the
    // peer may have. Nothing happens until start().
    static std::shared_ptr<Link> make(boost::asio::ip::tcp::socket socket, Role role, const Identity& identity,
                                      std::optional<PublicKey> expected = std::nullopt, LinkOptions options = {});
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    // The handlers may hold the link itself: it drops them once it closes.

    // Handshake done: peer() is known and send() works.
    void on_open(std::function<void()> handler) { on_open_ = std::move(handler); }
    // Each frame the peer sent, in order, once the link is open.
    void on_frame(std::function<void(std::string frame)> handler) { on_frame_ = std::move(handler); }
    // Exactly once, whatever closed the link, including a failed
    // handshake. It runs later on the loop, never from inside send() or
    // close(), so a caller may be walking its own list of links.
    void on_closed(std::function<void(const std::string& reason)> handler) { on_closed_ = std::move(handler); }

    // Sends our hello and starts the handshake clock.
    void start();
    // Queues a frame. False, and nothing sent, if the link is not open or
    // the frame is over max_frame_bytes. A queue over max_queued_bytes
    // closes the link ("send queue full"): a peer that stops reading must
    // not grow our memory.
    bool send(std::string frame);
    // Closes with `reason`: an open link first sends what is queued and a
    // bye with the reason (for the peer's logs), then hangs up; it gives
    // the peer 2 s to take them.
    void close(const std::string& reason);

    bool is_open() const { return state_ == State::open; }
    bool is_closed() const { return state_ >= State::closing; }
    Role role() const { return role_; }
    const PublicKey& peer() const { return peer_; }  // all zero until open
    const std::string& remote() const { return remote_; }  // "127.0.0.1:4444"
    const std::string& close_reason() const { return close_reason_; }
    std::size_t queued_bytes() const { return queued_bytes_; }
    std::size_t max_frame_bytes() const { return options_.max_frame_bytes; }
    const LinkStats& stats() const { return stats_; }

private:
    enum class State { idle, hello, header, auth, open, closing, closed };
    struct Outgoing {
        std::string bytes;
        bool frame = false;  // a user frame, for frames_out
    };
    using Fault = std::uint64_t LinkFaults::*;
    using Clock = std::chrono::steady_clock;

    Link(boost::asio::ip::tcp::socket socket, Role role, const Identity& identity, std::optional<PublicKey> expected,
         LinkOptions options);

    void read();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    // Takes what it can from the inbox; false once the link closed.
    bool take_hello(std::size_t& used);
    bool take_header(std::size_t& used);
    bool take_message(std::size_t& used);
    void handle(std::string plaintext);
    void authenticate(std::string_view body);

    void enqueue(std::string bytes, bool frame);
    void write_next();
    void on_written(const boost::system::error_code& ec, std::size_t n);

    void arm_handshake_timer();
    void arm_heartbeat();
    void heartbeat();

    void fail(Fault fault, const std::string& reason);
    void lost(const boost::system::error_code& ec);
    void end(const std::string& reason);  // marks closed, posts on_closed
    void hang_up();                       // the socket, now

    template <class Change>
    void count(Change change) {
        change(stats_);
        if (options_.tally) change(*options_.tally);
    }
    std::string peer_at() const { return "the peer at " + remote_; }

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer timer_;  // handshake deadline, then keepalive, then linger
    Role role_;
    std::optional<Identity> identity_;  // dropped once we have signed
    PublicKey own_key_{};
    std::optional<PublicKey> expected_;
    LinkOptions options_;
    std::string remote_;
    State state_ = State::idle;

    std::unique_ptr<Ephemeral> ephemeral_;  // until the session keys are made
    std::optional<SessionKeys> keys_;        // until the peer's stream header is in
    std::string our_hello_, peer_hello_;
    SecretChannel channel_;
    PublicKey peer_{};

    std::string inbox_;
    std::deque<Outgoing> outbox_;
    std::size_t queued_bytes_ = 0;
    std::size_t writing_ = 0;  // messages in the write in flight
    std::vector<boost::asio::const_buffer> write_buffers_;
    Clock::time_point last_heard_, last_sent_;

    std::function<void()> on_open_;
    std::function<void(std::string)> on_frame_;
    std::function<void(const std::string&)> on_closed_;
    std::string close_reason_;
    LinkStats stats_;
};

}  // namespace coop::overlay
