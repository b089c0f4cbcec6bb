// coop::overlay::Link over real loopback TCP, everything on one
// io_context that the test runs until what it waits for has happened.
// Misbehaving peers are written by hand from wire.hpp with libsodium alone
// (HandPeer), so they also check the format, not only that Link agrees
// with itself.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/identity.hpp"
#include "core/overlay/link.hpp"
#include "run_until.hpp"

namespace {

using namespace std::chrono_literals;
using boost::asio::ip::tcp;
using coop::Identity;
using coop::overlay::Link;
using coop::overlay::LinkOptions;
using coop::overlay::LinkStats;
using coop::overlay::Role;

template <class Done>
bool run_until(boost::asio::io_context& io, Done done, std::chrono::milliseconds limit = 2000ms) {
    return coop::test::run_until(io, done, limit);
}

std::string random_bytes(std::size_t n) {
    std::string s(n, '\0');
    randombytes_buf(s.data(), n);
    return s;
}

std::string hex8(const Identity::PublicKey& key) { return coop::to_hex(key.data(), 4); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The other end of a link, done by hand: says exactly what a test wants.
class HandPeer {
public:
    HandPeer(boost::asio::io_context& io, tcp::socket socket, Role role)
        : io_(io), socket_(std::move(socket)), role_(role) {
        socket_.set_option(tcp::no_delay(true));  // its many small writes go out at once
        crypto_kx_keypair(ephemeral_pk_, ephemeral_sk_);
        hello_ = "coop-link";
        hello_ += '\x01';
        hello_.append(reinterpret_cast<const char*>(ephemeral_pk_), 32);
        hello_ += random_bytes(32);
    }

    tcp::socket& socket() { return socket_; }
    const std::string& hello() const { return hello_; }

    void write(const std::string& bytes) {
        bool done = false;
        boost::asio::async_write(socket_, boost::asio::buffer(bytes), [&](const boost::system::error_code&, std::size_t) {
            done = true;
        });
        ASSERT_TRUE(run_until(io_, [&] { return done; })) << "could not write " << bytes.size() << " bytes";
    }

    // Exactly n bytes, or "" if the link hung up first.
    std::string read(std::size_t n) {
        std::string out(n, '\0');
        bool done = false;
        boost::system::error_code error;
        boost::asio::async_read(socket_, boost::asio::buffer(out), [&](const boost::system::error_code& ec, std::size_t) {
            error = ec;
            done = true;
        });
        EXPECT_TRUE(run_until(io_, [&] { return done; })) << "nothing to read";
        return error ? std::string() : out;
    }

    // Hellos and stream headers both ways: after this, messages.
    void exchange_keys() {
        write(hello_);
        peer_hello_ = read(74);
        ASSERT_EQ(peer_hello_.size(), 74u);
        const auto* peer_pk = reinterpret_cast<const unsigned char*>(peer_hello_.data() + 10);
        unsigned char rx[32], tx[32];
        const int rc = role_ == Role::dialer
                           ? crypto_kx_client_session_keys(rx, tx, ephemeral_pk_, ephemeral_sk_, peer_pk)
                           : crypto_kx_server_session_keys(rx, tx, ephemeral_pk_, ephemeral_sk_, peer_pk);
        ASSERT_EQ(rc, 0);
        std::string header(24, '\0');
        crypto_secretstream_xchacha20poly1305_init_push(&push_, reinterpret_cast<unsigned char*>(header.data()), tx);
        write(header);
        const std::string peer_header = read(24);
        ASSERT_EQ(peer_header.size(), 24u);
        ASSERT_EQ(crypto_secretstream_xchacha20poly1305_init_pull(
                      &pull_, reinterpret_cast<const unsigned char*>(peer_header.data()), rx),
                  0);
    }

    // BLAKE2b-256("coop-link/1 handshake transcript" | dialer hello |
    // listener hello | "D" or "L"), as wire.hpp has it.
    std::string transcript(Role signer, const std::string& dialer_hello, const std::string& listener_hello) const {
        unsigned char out[32];
        crypto_generichash_state state;
        crypto_generichash_init(&state, nullptr, 0, sizeof out);
        for (const std::string& part : {std::string("coop-link/1 handshake transcript"), dialer_hello, listener_hello,
                                        std::string(signer == Role::dialer ? "D" : "L")})
            crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
        crypto_generichash_final(&state, out, sizeof out);
        return std::string(reinterpret_cast<const char*>(out), sizeof out);
    }
    std::string transcript(Role signer) const {
        return role_ == Role::dialer ? transcript(signer, hello_, peer_hello_) : transcript(signer, peer_hello_, hello_);
    }

    static std::string auth_body(const Identity& id, const std::string& transcript) {
        const auto sig = id.sign(transcript);
        return std::string(reinterpret_cast<const char*>(id.public_key().data()), 32) +
               std::string(reinterpret_cast<const char*>(sig.data()), 64);
    }

    // length | ciphertext of type | body
    std::string seal(std::uint8_t type, const std::string& body,
                     unsigned char tag = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
        const std::string plain = std::string(1, static_cast<char>(type)) + body;
        std::string cipher(plain.size() + crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
        crypto_secretstream_xchacha20poly1305_push(&push_, reinterpret_cast<unsigned char*>(cipher.data()), nullptr,
                                                   reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                                                   nullptr, 0, tag);
        return length(cipher.size()) + cipher;
    }
    static std::string length(std::uint32_t n) {
        return {static_cast<char>(n >> 24), static_cast<char>(n >> 16 & 0xff), static_cast<char>(n >> 8 & 0xff),
                static_cast<char>(n & 0xff)};
    }

    // The next message's plaintext (type | body), or "" if it fails.
    std::string open_next() {
        const std::string len = read(4);
        if (len.size() != 4) return "";
        const std::uint32_t n = static_cast<std::uint8_t>(len[0]) << 24 | static_cast<std::uint8_t>(len[1]) << 16 |
                                static_cast<std::uint8_t>(len[2]) << 8 | static_cast<std::uint8_t>(len[3]);
        const std::string cipher = read(n);
        if (cipher.size() != n || n < crypto_secretstream_xchacha20poly1305_ABYTES) return "";
        std::string plain(n - crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(&pull_, reinterpret_cast<unsigned char*>(plain.data()), nullptr,
                                                       &tag, reinterpret_cast<const unsigned char*>(cipher.data()), n,
                                                       nullptr, 0) != 0)
            return "";
        return plain;
    }

    // A whole honest handshake as `id`; checks the Link's auth on the way.
    void handshake(const Identity& id, const Identity::PublicKey& link_key) {
        exchange_keys();
        const Role mine = role_, theirs = role_ == Role::dialer ? Role::listener : Role::dialer;
        write(seal(1, auth_body(id, transcript(mine))));
        const std::string auth = open_next();
        ASSERT_EQ(auth.size(), 1u + 96u);
        ASSERT_EQ(auth[0], '\x01');
        EXPECT_EQ(auth.substr(1, 32), std::string(reinterpret_cast<const char*>(link_key.data()), 32));
        Identity::Signature sig{};
        std::copy_n(auth.data() + 33, 64, sig.begin());
        EXPECT_TRUE(Identity::verify(link_key, transcript(theirs), sig)) << "the link's signature is not over this session";
    }

private:
    boost::asio::io_context& io_;
    tcp::socket socket_;
    Role role_;
    unsigned char ephemeral_pk_[32], ephemeral_sk_[32];
    std::string hello_, peer_hello_;
    crypto_secretstream_xchacha20poly1305_state push_{}, pull_{};
};

class LinkTest : public ::testing::Test {
protected:
    // What one link reported, kept for the checks.
    struct End {
        std::shared_ptr<Link> link;
        bool opened = false;
        std::vector<std::string> frames;
        std::vector<std::string> closed;  // every on_closed call, to see there is one
    };

    bool run_until_(auto done, std::chrono::milliseconds limit = 2000ms) { return run_until(io_, done, limit); }

    // The two ends of one loopback TCP connection: {dialer's, listener's}.
    std::pair<tcp::socket, tcp::socket> connection() {
        tcp::acceptor acceptor(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
        tcp::socket dialer(io_), listener(io_);
        bool accepted = false, connected = false;
        acceptor.async_accept(listener, [&](const boost::system::error_code& ec) {
            EXPECT_FALSE(ec) << ec.message();
            accepted = true;
        });
        dialer.async_connect(acceptor.local_endpoint(), [&](const boost::system::error_code& ec) {
            EXPECT_FALSE(ec) << ec.message();
            connected = true;
        });
        EXPECT_TRUE(run_until_([&] { return accepted && connected; }));
        return {std::move(dialer), std::move(listener)};
    }

    End& watch(std::shared_ptr<Link> link) {
        ends_.push_back(std::make_unique<End>());
        End& end = *ends_.back();
        end.link = std::move(link);
        end.link->on_open([&end] { end.opened = true; });
        end.link->on_frame([&end](std::string frame) { end.frames.push_back(std::move(frame)); });
        end.link->on_closed([&end](const std::string& reason) { end.closed.push_back(reason); });
        return end;
    }

    // Alice dials Bob; both started, not yet waited for.
    std::pair<End*, End*> start_pair(LinkOptions a = {}, LinkOptions b = {},
                                     std::optional<Identity::PublicKey> expected = std::nullopt) {
        auto [d, l] = connection();
        End& dialer = watch(Link::make(std::move(d), Role::dialer, alice_, expected, a));
        End& listener = watch(Link::make(std::move(l), Role::listener, bob_, std::nullopt, b));
        dialer.link->start();
        listener.link->start();
        return {&dialer, &listener};
    }
    std::pair<End*, End*> open_pair(LinkOptions a = {}, LinkOptions b = {}) {
        auto ends = start_pair(a, b, bob_.public_key());
        EXPECT_TRUE(run_until_([&] { return ends.first->opened && ends.second->opened; })) << "no handshake";
        return ends;
    }

    // Our Link as the listener, a HandPeer dialing it.
    std::pair<End*, std::unique_ptr<HandPeer>> link_and_hand_peer(LinkOptions options = {}) {
        auto [d, l] = connection();
        End& end = watch(Link::make(std::move(l), Role::listener, bob_, std::nullopt, options));
        end.link->start();
        return {&end, std::make_unique<HandPeer>(io_, std::move(d), Role::dialer)};
    }

    bool closed(const End& end) { return run_until_([&] { return !end.closed.empty(); }); }

    boost::asio::io_context io_;
    Identity alice_ = Identity::generate(), bob_ = Identity::generate();
    std::vector<std::unique_ptr<End>> ends_;
};

// ---- handshake --------------------------------------------------------

TEST_F(LinkTest, HandshakeShowsEachSideTheOthersIdentity) {
    auto [a, b] = open_pair();
    EXPECT_TRUE(a->link->is_open() && b->link->is_open());
    EXPECT_EQ(a->link->peer(), bob_.public_key());
    EXPECT_EQ(b->link->peer(), alice_.public_key());
    EXPECT_EQ(a->link->role(), Role::dialer);
    EXPECT_EQ(b->link->role(), Role::listener);
    EXPECT_TRUE(contains(b->link->remote(), "127.0.0.1:")) << b->link->remote();
    EXPECT_GT(a->link->stats().traffic.bytes_out, 0u);
    EXPECT_EQ(a->link->stats().traffic.frames_out, 0u);
    EXPECT_TRUE(a->closed.empty() && b->closed.empty());
}

TEST_F(LinkTest, HandPeerHandshakeIsAccepted) {
    auto [end, peer] = link_and_hand_peer();
    peer->handshake(alice_, bob_.public_key());
    ASSERT_TRUE(run_until_([&] { return end->opened; }));
    EXPECT_EQ(end->link->peer(), alice_.public_key());
    peer->write(peer->seal(0, "hi from the hand peer"));
    ASSERT_TRUE(run_until_([&] { return !end->frames.empty(); }));
    EXPECT_EQ(end->frames[0], "hi from the hand peer");
    ASSERT_TRUE(end->link->send("and back"));
    EXPECT_EQ(peer->open_next(), std::string(1, '\0') + "and back");
}

TEST_F(LinkTest, SendBeforeTheHandshakeIsRefused) {
    auto [a, b] = start_pair();
    EXPECT_FALSE(a->link->send("too early"));
    ASSERT_TRUE(run_until_([&] { return a->opened && b->opened; }));
    EXPECT_TRUE(a->link->send("now"));
}

TEST_F(LinkTest, ExpectedKeyMismatchFailsOnTheDialer) {
    const Identity carol = Identity::generate();
    auto [a, b] = start_pair({}, {}, carol.public_key());
    ASSERT_TRUE(closed(*a));
    EXPECT_FALSE(a->opened);
    const std::string& reason = a->closed[0];
    EXPECT_TRUE(contains(reason, "the peer at 127.0.0.1:")) << reason;
    EXPECT_TRUE(contains(reason, " is " + hex8(bob_.public_key()) + "…, not the one expected (" +
                                     hex8(carol.public_key()) + "…)"))
        << reason;
    EXPECT_EQ(a->link->stats().faults.auth_failed, 1u);
    // Alice's signature was good, so Bob may have opened; either way he
    // then sees her hang up.
    ASSERT_TRUE(closed(*b));
    EXPECT_TRUE(contains(b->closed[0], "hung up")) << b->closed[0];
}

TEST_F(LinkTest, ALinkToItselfIsRefused) {
    auto [d, l] = connection();
    End& a = watch(Link::make(std::move(d), Role::dialer, alice_));
    End& b = watch(Link::make(std::move(l), Role::listener, alice_));
    a.link->start();
    b.link->start();
    ASSERT_TRUE(closed(a) && closed(b));
    EXPECT_TRUE(contains(a.closed[0], "is this agent itself")) << a.closed[0];
    EXPECT_FALSE(a.opened || b.opened);
}

// ---- frames -----------------------------------------------------------

TEST_F(LinkTest, FramesOfEverySizeArriveIntactAndInOrder) {
    auto [a, b] = open_pair();
    const std::size_t max = a->link->max_frame_bytes();
    ASSERT_EQ(max, 1u << 20);
    std::vector<std::string> sent;
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{64 * 1024}, max}) sent.push_back(random_bytes(size));
    for (const auto& f : sent) ASSERT_TRUE(a->link->send(f));
    for (const auto& f : sent) ASSERT_TRUE(b->link->send(f));
    ASSERT_TRUE(run_until_([&] { return a->frames.size() == sent.size() && b->frames.size() == sent.size(); }));
    EXPECT_EQ(b->frames, sent);
    EXPECT_EQ(a->frames, sent);
    EXPECT_EQ(a->link->stats().traffic.frames_out, sent.size());
    EXPECT_EQ(b->link->stats().traffic.frames_in, sent.size());
    EXPECT_EQ(a->link->stats().traffic.bytes_out, b->link->stats().traffic.bytes_in);
}

TEST_F(LinkTest, ManyFramesInterleavedBothWays) {
    auto [a, b] = open_pair();
    std::vector<std::string> from_a, from_b;
    for (int i = 0; i < 3000; ++i) {
        from_a.push_back("a" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 97), 'x'));
        from_b.push_back("b" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 53), 'y'));
        ASSERT_TRUE(a->link->send(from_a.back()));
        ASSERT_TRUE(b->link->send(from_b.back()));
        if (i % 100 == 0) io_.poll();  // let some go while more are queued
    }
    ASSERT_TRUE(run_until_([&] { return a->frames.size() == from_b.size() && b->frames.size() == from_a.size(); }));
    EXPECT_EQ(b->frames, from_a);
    EXPECT_EQ(a->frames, from_b);
    EXPECT_TRUE(run_until_([&] { return a->link->queued_bytes() == 0; })) << "the queue drains";
}

TEST_F(LinkTest, FrameOverTheBoundIsNotSent) {
    LinkOptions small;
    small.max_frame_bytes = 1000;
    auto [a, b] = open_pair(small);
    EXPECT_FALSE(a->link->send(std::string(1001, 'x')));
    EXPECT_TRUE(a->link->is_open());
    EXPECT_TRUE(a->link->send(std::string(1000, 'x')));
    ASSERT_TRUE(run_until_([&] { return b->frames.size() == 1; }));
}

// ---- peers that misbehave ---------------------------------------------

TEST_F(LinkTest, GarbageInsteadOfAHelloIsDropped) {
    auto [end, peer] = link_and_hand_peer();
    peer->write("GET / HTTP/1.1\r\nHost: example\r\n\r\n");
    ASSERT_TRUE(closed(*end));
    EXPECT_TRUE(contains(end->closed[0], "does not speak coop-link")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.bad_frames, 1u);
    EXPECT_FALSE(end->opened);
}

TEST_F(LinkTest, WrongVersionIsDropped) {
    auto [end, peer] = link_and_hand_peer();
    peer->write("coop-link" + std::string(1, '\x02') + random_bytes(64));
    ASSERT_TRUE(closed(*end));
    EXPECT_TRUE(contains(end->closed[0], "speaks coop-link version 2; this agent speaks version 1")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.bad_frames, 1u);
}

TEST_F(LinkTest, LengthOverTheBoundIsDroppedBeforeItsBytesCome) {
    LinkOptions options;
    options.max_frame_bytes = 1024;
    auto [end, peer] = link_and_hand_peer(options);
    peer->handshake(alice_, bob_.public_key());
    ASSERT_TRUE(run_until_([&] { return end->opened; }));
    peer->write(peer->seal(0, std::string(1024, 'k')));  // the largest allowed
    ASSERT_TRUE(run_until_([&] { return end->frames.size() == 1; }));
    peer->write(HandPeer::length(1024 + 18 + 1));  // one byte more, announced
    ASSERT_TRUE(closed(*end));
    EXPECT_TRUE(contains(end->closed[0], "sent a frame of 1025 bytes, over the bound of 1.0 KiB")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.oversize, 1u);
}

TEST_F(LinkTest, HugeLengthInTheHandshakeIsDropped) {
    auto [end, peer] = link_and_hand_peer();
    peer->exchange_keys();
    peer->write(HandPeer::length(0xffffffff));
    ASSERT_TRUE(closed(*end));
    EXPECT_EQ(end->link->stats().faults.oversize, 1u);
}

TEST_F(LinkTest, FlippedBitInACiphertextIsDropped) {
    auto [end, peer] = link_and_hand_peer();
    peer->handshake(alice_, bob_.public_key());
    ASSERT_TRUE(run_until_([&] { return end->opened; }));
    peer->write(peer->seal(0, "fine"));
    std::string tampered = peer->seal(0, "pay alice 10");
    tampered[4 + 5] ^= 0x20;
    peer->write(tampered);
    ASSERT_TRUE(closed(*end));
    EXPECT_EQ(end->frames, std::vector<std::string>{"fine"});
    EXPECT_TRUE(contains(end->closed[0], "does not decrypt (tampered with, or garbage)")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.bad_frames, 1u);
}

TEST_F(LinkTest, ReplayedHandshakeIsDropped) {
    // Session one: a real dialer talks to a hand peer that records what it says.
    std::string recorded;
    {
        auto [d, l] = connection();
        End& dialer = watch(Link::make(std::move(d), Role::dialer, alice_));
        dialer.link->start();
        HandPeer listener(io_, std::move(l), Role::listener);
        listener.write(listener.hello());
        recorded = listener.read(74 + 24 + 4 + 18 + 96);  // hello, header, auth
        ASSERT_EQ(recorded.size(), 74u + 24 + 4 + 18 + 96);
        dialer.link->close("done recording");
    }
    // Session two: the same bytes, word for word, into a fresh listener.
    auto [end, peer] = link_and_hand_peer();
    peer->write(recorded);
    ASSERT_TRUE(closed(*end));
    EXPECT_FALSE(end->opened);
    EXPECT_TRUE(contains(end->closed[0], "does not decrypt with this session's keys")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.auth_failed, 1u);
}

TEST_F(LinkTest, SignatureFromAnotherSessionIsRefused) {
    // Fresh keys, but the signature covers other hellos: what a peer in the
    // middle holding an old auth message could offer.
    auto [end, peer] = link_and_hand_peer();
    peer->exchange_keys();
    const std::string old = peer->transcript(Role::dialer, peer->hello(), random_bytes(74));
    peer->write(peer->seal(1, HandPeer::auth_body(alice_, old)));
    ASSERT_TRUE(closed(*end));
    EXPECT_TRUE(contains(end->closed[0], "did not prove who it is")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.auth_failed, 1u);
}

TEST_F(LinkTest, SignatureForTheOtherRoleIsRefused) {
    // The listener's own signature sent back at it: a reflection.
    auto [end, peer] = link_and_hand_peer();
    peer->exchange_keys();
    peer->write(peer->seal(1, HandPeer::auth_body(alice_, peer->transcript(Role::listener))));
    ASSERT_TRUE(closed(*end));
    EXPECT_EQ(end->link->stats().faults.auth_failed, 1u);
}

TEST_F(LinkTest, FrameBeforeAuthIsDropped) {
    auto [end, peer] = link_and_hand_peer();
    peer->exchange_keys();
    peer->write(peer->seal(0, "let me in"));
    ASSERT_TRUE(closed(*end));
    EXPECT_TRUE(contains(end->closed[0], "sent a message before authenticating")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.bad_frames, 1u);
    EXPECT_TRUE(end->frames.empty());
}

TEST_F(LinkTest, FinalTagIsDropped) {
    auto [end, peer] = link_and_hand_peer();
    peer->handshake(alice_, bob_.public_key());
    ASSERT_TRUE(run_until_([&] { return end->opened; }));
    peer->write(peer->seal(0, "the end", crypto_secretstream_xchacha20poly1305_TAG_FINAL));
    ASSERT_TRUE(closed(*end));
    EXPECT_TRUE(contains(end->closed[0], "TAG_FINAL")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.bad_frames, 1u);
    EXPECT_TRUE(end->frames.empty());
}

TEST_F(LinkTest, UnknownTypeAndSecondAuthAreDropped) {
    for (std::uint8_t type : {std::uint8_t{1}, std::uint8_t{9}}) {
        auto [end, peer] = link_and_hand_peer();
        peer->handshake(alice_, bob_.public_key());
        ASSERT_TRUE(run_until_([&] { return end->opened; }));
        peer->write(peer->seal(type, HandPeer::auth_body(alice_, peer->transcript(Role::dialer))));
        ASSERT_TRUE(closed(*end));
        EXPECT_EQ(end->link->stats().faults.bad_frames, 1u) << end->closed[0];
    }
}

// ---- time -------------------------------------------------------------

TEST_F(LinkTest, PeerThatSaysNothingTimesOut) {
    LinkOptions options;
    options.handshake_timeout = 100ms;
    auto [end, peer] = link_and_hand_peer(options);
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(closed(*end));
    EXPECT_GE(std::chrono::steady_clock::now() - started, 90ms);
    EXPECT_TRUE(contains(end->closed[0], "did not finish the handshake within 100 ms")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.timeouts, 1u);
    EXPECT_EQ(peer->read(74).size(), 74u) << "our hello went out";
}

TEST_F(LinkTest, PingsKeepAnIdleLinkOpen) {
    LinkOptions lively;
    lively.ping_interval = 20ms;
    lively.idle_timeout = 150ms;
    auto [a, b] = open_pair(lively, lively);
    // Two and a half idle timeouts with nothing sent by either user.
    EXPECT_FALSE(run_until_([&] { return !a->closed.empty() || !b->closed.empty(); }, 400ms));
    EXPECT_TRUE(a->link->is_open() && b->link->is_open());
    EXPECT_TRUE(a->frames.empty() && b->frames.empty());  // pings are not frames
    EXPECT_GT(b->link->stats().traffic.bytes_in, 74u + 24 + 4 + 18 + 96);
}

TEST_F(LinkTest, SilentPeerIsClosed) {
    LinkOptions waiting, mute;
    waiting.idle_timeout = 100ms;
    mute.ping_interval = 0ms;
    auto [a, b] = open_pair(waiting, mute);
    ASSERT_TRUE(closed(*a));
    EXPECT_TRUE(contains(a->closed[0], "was silent for 100 ms")) << a->closed[0];
    EXPECT_EQ(a->link->stats().faults.timeouts, 1u);
    ASSERT_TRUE(closed(*b));
}

// ---- a peer that does not read ----------------------------------------

TEST_F(LinkTest, PeerThatNeverReadsFillsTheQueueAndIsClosed) {
    auto [d, l] = connection();
    // Small kernel buffers, so the queue fills after a few frames.
    d.set_option(boost::asio::socket_base::receive_buffer_size(8 * 1024));
    l.set_option(boost::asio::socket_base::send_buffer_size(8 * 1024));
    LinkOptions options;
    options.max_frame_bytes = 64 * 1024;
    options.max_queued_bytes = 256 * 1024;
    End& end = watch(Link::make(std::move(l), Role::listener, bob_, std::nullopt, options));
    end.link->start();
    HandPeer peer(io_, std::move(d), Role::dialer);
    peer.handshake(alice_, bob_.public_key());
    ASSERT_TRUE(run_until_([&] { return end.opened; }));

    const std::string frame(64 * 1024, 'q');
    std::size_t most_queued = 0;
    int sent = 0;
    while (end.link->is_open() && sent < 2000) {  // 2000 frames: 125 MiB, far past any buffer
        if (end.link->send(frame)) ++sent;
        most_queued = std::max(most_queued, end.link->queued_bytes());
        io_.poll();
    }
    ASSERT_TRUE(closed(end));
    EXPECT_TRUE(end.closed[0].rfind("send queue full", 0) == 0) << end.closed[0];
    EXPECT_EQ(end.link->stats().faults.send_queue_full, 1u);
    EXPECT_LE(most_queued, options.max_queued_bytes);
    EXPECT_LT(sent, 100);
}

// ---- closing ----------------------------------------------------------

TEST_F(LinkTest, CloseFromEitherSideCallsOnClosedOnce) {
    for (bool dialer_closes : {true, false}) {
        auto [a, b] = open_pair();
        End& closer = dialer_closes ? *a : *b;
        End& other = dialer_closes ? *b : *a;
        ASSERT_TRUE(closer.link->send("last words"));
        closer.link->close("done for today");
        closer.link->close("again");  // no second call
        EXPECT_FALSE(closer.link->send("after close"));
        EXPECT_TRUE(closer.closed.empty()) << "on_closed ran inside close()";
        ASSERT_TRUE(closed(closer) && closed(other));
        // More time on the loop: still one call each.
        run_until_([] { return false; }, 50ms);
        EXPECT_EQ(closer.closed, std::vector<std::string>{"done for today"});
        ASSERT_EQ(other.closed.size(), 1u);
        EXPECT_TRUE(contains(other.closed[0], "closed the link: done for today")) << other.closed[0];
        EXPECT_EQ(other.frames, std::vector<std::string>{"last words"}) << "what was queued went out first";
        EXPECT_EQ(other.link->stats().faults.total(), 0u);
    }
}

TEST_F(LinkTest, PeerThatVanishesIsReported) {
    auto [end, peer] = link_and_hand_peer();
    peer->handshake(alice_, bob_.public_key());
    ASSERT_TRUE(run_until_([&] { return end->opened; }));
    peer->socket().close();
    ASSERT_TRUE(closed(*end));
    EXPECT_TRUE(contains(end->closed[0], "hung up")) << end->closed[0];
    EXPECT_EQ(end->link->stats().faults.total(), 0u);
}

TEST_F(LinkTest, CloseInsideOnFrameStopsDelivery) {
    auto [a, b] = open_pair();
    int seen = 0;
    b->link->on_frame([&](std::string) {
        ++seen;
        b->link->close("enough");
    });
    for (int i = 0; i < 10; ++i) a->link->send("frame " + std::to_string(i));
    ASSERT_TRUE(closed(*b) && closed(*a));
    EXPECT_EQ(seen, 1);
    EXPECT_EQ(b->closed, std::vector<std::string>{"enough"});
}

TEST_F(LinkTest, CloseBeforeStartStillReportsOnce) {
    auto [d, l] = connection();
    End& end = watch(Link::make(std::move(d), Role::dialer, alice_));
    end.link->close("changed my mind");
    end.link->start();
    ASSERT_TRUE(closed(end));
    run_until_([] { return false; }, 20ms);
    EXPECT_EQ(end.closed, std::vector<std::string>{"changed my mind"});
}

TEST_F(LinkTest, TallyAddsUpEveryLink) {
    LinkOptions counted;
    counted.tally = std::make_shared<LinkStats>();
    auto [a, b] = open_pair(counted, counted);
    auto [c, d] = open_pair(counted, counted);
    a->link->send("one");
    c->link->send("two");
    ASSERT_TRUE(run_until_([&] { return b->frames.size() == 1 && d->frames.size() == 1; }));
    LinkStats sum;
    for (auto* e : {a, b, c, d}) sum += e->link->stats();
    EXPECT_EQ(counted.tally->traffic.frames_in, 2u);
    EXPECT_EQ(counted.tally->traffic.frames_out, 2u);
    EXPECT_EQ(counted.tally->traffic.bytes_in, sum.traffic.bytes_in);
    EXPECT_EQ(counted.tally->traffic.bytes_out, sum.traffic.bytes_out);
}

}  // namespace
