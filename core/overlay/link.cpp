#include "core/overlay/link.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <utility>

#include "core/overlay/reason_text.hpp"
#include "core/units.hpp"

namespace coop::overlay {

using boost::asio::ip::tcp;

namespace {

constexpr std::size_t read_chunk = 64 * 1024;
constexpr std::size_t max_messages_per_write = 64;
// Keeps a length in 32 bits, and a typo in a setting from costing gigabytes.
constexpr std::size_t frame_cap = 64 << 20;
// After close(): how long what is queued, and the bye, may take to leave.
constexpr auto linger = std::chrono::seconds(2);

}  // namespace

std::shared_ptr<Link> Link::make(tcp::socket socket, Role role, const Identity& identity,
                                 std::optional<PublicKey> expected, LinkOptions options) {
    return std::shared_ptr<Link>(new Link(std::move(socket), role, identity, expected, std::move(options)));
}

Link::Link(tcp::socket socket, Role role, const Identity& identity, std::optional<PublicKey> expected,
           LinkOptions options)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      role_(role),
      identity_(identity),
      own_key_(identity.public_key()),
      expected_(expected),
      options_(std::move(options)) {
    options_.max_frame_bytes = std::min(options_.max_frame_bytes, frame_cap);
    // The biggest frame allowed must fit an empty queue.
    options_.max_queued_bytes =
        std::max(options_.max_queued_bytes, length_bytes + message_overhead + options_.max_frame_bytes);
    boost::system::error_code ec;
    const auto endpoint = socket_.remote_endpoint(ec);
    remote_ = ec ? std::string("an unknown address") : address_text(endpoint);
    // Frames are whole messages, wanted now: Nagle would only delay them.
    socket_.set_option(tcp::no_delay(true), ec);
}

void Link::start() {
    if (state_ != State::idle) return;
    ephemeral_ = std::make_unique<Ephemeral>();
    our_hello_ = ephemeral_->hello().encode();
    state_ = State::hello;
    last_heard_ = last_sent_ = Clock::now();
    enqueue(our_hello_, false);
    arm_handshake_timer();
    read();
}

bool Link::send(std::string frame) {
    if (state_ != State::open || frame.size() > options_.max_frame_bytes) return false;
    if (queued_bytes_ + length_bytes + message_overhead + frame.size() > options_.max_queued_bytes) {
        const std::string waiting = format_bytes(static_cast<std::int64_t>(queued_bytes_));
        fail(&LinkFaults::send_queue_full,
             "send queue full: " + waiting + " waiting for " + peer_at() + ", which is not reading");
        return false;
    }
    enqueue(channel_.seal(MessageType::data, frame), true);
    return true;
}

void Link::close(const std::string& reason) {
    if (is_closed()) return;
    const bool was_open = state_ == State::open;
    end(reason);
    if (!was_open) return hang_up();
    enqueue(channel_.seal(MessageType::bye, printable_reason(reason)), false);
    timer_.expires_after(linger);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec && self->state_ == State::closing) self->hang_up();
    });
}

// ---- reading ----------------------------------------------------------

void Link::read() {
    const std::size_t have = inbox_.size();
    inbox_.resize(have + read_chunk);
    socket_.async_read_some(boost::asio::buffer(inbox_.data() + have, read_chunk),
                            [self = shared_from_this(), have](const boost::system::error_code& ec, std::size_t n) {
                                self->inbox_.resize(have + n);
                                self->on_read(ec, n);
                            });
}

void Link::on_read(const boost::system::error_code& ec, std::size_t n) {
    if (state_ == State::closed || (ec && state_ == State::closing)) {
        inbox_ = {};
        return hang_up();
    }
    if (ec) return lost(ec);
    count([n](LinkStats& s) { s.traffic.bytes_in += n; });
    last_heard_ = Clock::now();
    std::size_t used = 0;
    for (bool more = true; more;) {
        switch (state_) {
            case State::hello: more = take_hello(used); break;
            case State::header: more = take_header(used); break;
            case State::auth:
            case State::open: more = take_message(used); break;
            default: more = false;
        }
    }
    if (state_ == State::closed) return;
    // Closing: read on (and drop) until the peer hangs up, as hanging up
    // on unread bytes would reset the connection before our bye arrives.
    if (state_ == State::closing) inbox_.clear();
    inbox_.erase(0, used);
    if (inbox_.empty() && inbox_.capacity() > 4 * read_chunk) inbox_.shrink_to_fit();
    read();
}

bool Link::take_hello(std::size_t& used) {
    const std::string_view bytes = std::string_view(inbox_).substr(used);
    const HelloRead hello = read_hello(bytes);
    switch (hello.result) {
        case HelloRead::incomplete: return false;
        case HelloRead::not_coop:
            fail(&LinkFaults::bad_frames, peer_at() + " does not speak coop-link: what it sent is no hello");
            return false;
        case HelloRead::wrong_version:
            fail(&LinkFaults::bad_frames, peer_at() + " speaks coop-link version " + std::to_string(hello.version) +
                                              "; this agent speaks version " + std::to_string(link_version));
            return false;
        case HelloRead::ok: break;
    }
    peer_hello_ = std::string(bytes.substr(0, hello_bytes));
    used += hello_bytes;
    keys_ = ephemeral_->session_keys(role_, hello.hello);
    ephemeral_.reset();
    if (!keys_) {
        fail(&LinkFaults::bad_frames, peer_at() + " sent a hello with an unusable key");
        return false;
    }
    const bool dialer = role_ == Role::dialer;
    const auto signed_over = transcript(dialer ? our_hello_ : peer_hello_, dialer ? peer_hello_ : our_hello_, role_);
    std::string out = channel_.start_push(keys_->tx);
    out += channel_.seal(MessageType::auth, auth_body(*identity_, signed_over));
    identity_.reset();
    enqueue(std::move(out), false);
    state_ = State::header;
    return true;
}

bool Link::take_header(std::size_t& used) {
    if (inbox_.size() - used < stream_header_bytes) return false;
    const bool ok = channel_.start_pull(keys_->rx, std::string_view(inbox_).substr(used, stream_header_bytes));
    keys_.reset();
    used += stream_header_bytes;
    if (!ok) {
        fail(&LinkFaults::bad_frames, peer_at() + " sent an unusable stream header");
        return false;
    }
    state_ = State::auth;
    return true;
}

bool Link::take_message(std::size_t& used) {
    const std::string_view bytes = std::string_view(inbox_).substr(used);
    if (bytes.size() < length_bytes) return false;
    const std::uint32_t length = read_length(bytes);
    if (length > options_.max_frame_bytes + message_overhead) {
        fail(&LinkFaults::oversize, peer_at() + " sent a frame of " + std::to_string(length - message_overhead) +
                                        " bytes, over the bound of " +
                                        format_bytes(static_cast<std::int64_t>(options_.max_frame_bytes)));
        return false;
    }
    if (bytes.size() < length_bytes + length) return false;
    std::string plaintext;
    const auto opened = channel_.open(bytes.substr(length_bytes, length), plaintext);
    used += length_bytes + length;
    switch (opened) {
        case SecretChannel::Opened::message: break;
        case SecretChannel::Opened::forged:
            if (state_ == State::auth)
                fail(&LinkFaults::auth_failed, "the handshake of " + peer_at() +
                                                   " does not decrypt with this session's keys"
                                                   " (replayed, or tampered with)");
            else
                fail(&LinkFaults::bad_frames,
                     "a frame from " + peer_at() + " does not decrypt (tampered with, or garbage)");
            return false;
        case SecretChannel::Opened::final:
            fail(&LinkFaults::bad_frames, peer_at() + " ended its stream (TAG_FINAL), which coop-link never does");
            return false;
        case SecretChannel::Opened::other_tag:
            fail(&LinkFaults::bad_frames, peer_at() + " sent a message with a secretstream tag coop-link never uses");
            return false;
    }
    handle(std::move(plaintext));
    return state_ == State::auth || state_ == State::open;
}

void Link::handle(std::string plaintext) {
    const auto type = static_cast<MessageType>(plaintext[0]);  // open() leaves at least the type
    const std::string_view body = std::string_view(plaintext).substr(1);
    if (state_ == State::auth) {
        if (type != MessageType::auth)
            return fail(&LinkFaults::bad_frames, peer_at() + " sent a message before authenticating");
        return authenticate(body);
    }
    switch (type) {
        case MessageType::data:
            count([](LinkStats& s) { ++s.traffic.frames_in; });
            plaintext.erase(0, 1);
            // A copy, so the handler may replace itself while it runs.
            if (auto handler = on_frame_) handler(std::move(plaintext));
            return;
        case MessageType::ping: return;  // hearing it was the point
        case MessageType::bye:
            end(peer_at() + " closed the link" + (body.empty() ? "" : ": " + printable_reason(body)));
            return hang_up();
        case MessageType::auth: return fail(&LinkFaults::bad_frames, peer_at() + " authenticated twice");
    }
    fail(&LinkFaults::bad_frames,
         peer_at() + " sent a message of unknown type " + std::to_string(static_cast<unsigned>(type)));
}

void Link::authenticate(std::string_view body) {
    const bool dialer = role_ == Role::dialer;
    const auto signed_over = transcript(dialer ? our_hello_ : peer_hello_, dialer ? peer_hello_ : our_hello_,
                                        dialer ? Role::listener : Role::dialer);
    our_hello_.clear();
    peer_hello_.clear();
    const auto key = verify_auth(body, signed_over);
    if (!key)
        return fail(&LinkFaults::auth_failed,
                    peer_at() + " did not prove who it is: its signature is not over this session");
    if (expected_ && *key != *expected_)
        return fail(&LinkFaults::auth_failed,
                    peer_at() + " is " + short_key(*key) + ", not the one expected (" + short_key(*expected_) + ")");
    if (*key == own_key_) {
        end(peer_at() + " is this agent itself");
        return hang_up();
    }
    peer_ = *key;
    state_ = State::open;
    arm_heartbeat();
    // It runs once: dropped now, so nothing it holds outlives its use.
    if (auto handler = std::exchange(on_open_, nullptr)) handler();
}

// ---- writing ----------------------------------------------------------

void Link::enqueue(std::string bytes, bool frame) {
    queued_bytes_ += bytes.size();
    outbox_.push_back({std::move(bytes), frame});
    last_sent_ = Clock::now();
    if (!writing_) write_next();
}

// Writes what is queued in one go (up to a bound), so many small frames
// cost one system call rather than one each.
void Link::write_next() {
    writing_ = std::min(outbox_.size(), max_messages_per_write);
    write_buffers_.clear();
    for (std::size_t i = 0; i < writing_; ++i) write_buffers_.push_back(boost::asio::buffer(outbox_[i].bytes));
    boost::asio::async_write(socket_, write_buffers_,
                             [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                 self->on_written(ec, n);
                             });
}

void Link::on_written(const boost::system::error_code& ec, std::size_t n) {
    count([n](LinkStats& s) { s.traffic.bytes_out += n; });
    const std::size_t written = writing_;
    writing_ = 0;
    if (ec || state_ == State::closed) {
        outbox_.clear();
        queued_bytes_ = 0;
        if (state_ == State::closing) return hang_up();
        if (state_ != State::closed) lost(ec);
        return;
    }
    for (std::size_t i = 0; i < written; ++i) {
        if (outbox_.front().frame) count([](LinkStats& s) { ++s.traffic.frames_out; });
        queued_bytes_ -= outbox_.front().bytes.size();
        outbox_.pop_front();
    }
    if (!outbox_.empty()) return write_next();
    if (state_ == State::closing) {
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);  // the peer reads our end, then hangs up
    }
}

// ---- time -------------------------------------------------------------

void Link::arm_handshake_timer() {
    if (options_.handshake_timeout.count() <= 0) return;
    timer_.expires_after(options_.handshake_timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec || self->state_ >= State::open) return;
        self->fail(&LinkFaults::timeouts, self->peer_at() + " did not finish the handshake within " +
                                              duration_text(self->options_.handshake_timeout));
    });
}

void Link::arm_heartbeat() {
    const auto ping = options_.ping_interval, idle = options_.idle_timeout;
    if (ping.count() <= 0 && idle.count() <= 0) {
        timer_.cancel();
        return;
    }
    auto due = Clock::time_point::max();
    if (ping.count() > 0) due = std::min(due, last_sent_ + ping);
    if (idle.count() > 0) due = std::min(due, last_heard_ + idle);
    timer_.expires_at(due);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec && self->state_ == State::open) self->heartbeat();
    });
}

void Link::heartbeat() {
    const auto now = Clock::now();
    const auto ping = options_.ping_interval, idle = options_.idle_timeout;
    if (idle.count() > 0 && now - last_heard_ >= idle) {
        // Bytes waiting unread mean our own loop was slow, not the peer.
        boost::system::error_code ec;
        if (socket_.available(ec) > 0) last_heard_ = now;
        else return fail(&LinkFaults::timeouts, peer_at() + " was silent for " + duration_text(idle));
    }
    if (ping.count() > 0 && now - last_sent_ >= ping) {
        // While a write is still going, a ping would only queue behind it.
        if (outbox_.empty()) enqueue(channel_.seal(MessageType::ping, {}), false);
        else last_sent_ = now;
    }
    arm_heartbeat();
}

// ---- closing ----------------------------------------------------------

void Link::fail(Fault fault, const std::string& reason) {
    if (is_closed()) return;
    count([fault](LinkStats& s) { ++(s.faults.*fault); });
    end(reason);
    hang_up();
}

void Link::lost(const boost::system::error_code& ec) {
    if (is_closed()) return;
    if (ec == boost::asio::error::eof)
        end(peer_at() + " hung up" + (state_ < State::open ? " during the handshake" : ""));
    else
        end("lost the link to " + peer_at() + ": " + ec.message());
    hang_up();
}

void Link::end(const std::string& reason) {
    state_ = State::closing;
    close_reason_ = reason;
    boost::asio::post(socket_.get_executor(), [self = shared_from_this()] {
        // Dropped here, not in end(): end() may run inside one of them.
        self->on_open_ = nullptr;
        self->on_frame_ = nullptr;
        auto handler = std::move(self->on_closed_);
        self->on_closed_ = nullptr;
        if (handler) handler(self->close_reason_);
    });
}

void Link::hang_up() {
    state_ = State::closed;
    ephemeral_.reset();
    keys_.reset();
    identity_.reset();
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

}  // namespace coop::overlay
