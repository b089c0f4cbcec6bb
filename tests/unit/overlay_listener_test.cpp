// coop::overlay::Listener and dial/dial_link over loopback, on one
// io_context that the test runs until what it waits for has happened.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/identity.hpp"
#include "core/overlay/dial.hpp"
#include "core/overlay/listener.hpp"
#include "run_until.hpp"

namespace {

using namespace std::chrono_literals;
using boost::asio::ip::tcp;
using coop::Identity;
using coop::overlay::Link;
using coop::overlay::LinkOptions;
using coop::overlay::LinkStats;
using coop::overlay::Listener;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const tcp::endpoint any_loopback_port(boost::asio::ip::make_address("127.0.0.1"), 0);

class OverlayTest : public ::testing::Test {
protected:
    template <class Done>
    bool run_until(Done done, std::chrono::milliseconds limit = 2000ms) {
        return coop::test::run_until(io_, done, limit);
    }

    // What a dial_link came back with.
    struct Dialed {
        bool done = false;
        std::shared_ptr<Link> link;
        std::string error;
    };
    std::shared_ptr<Dialed> dial_link(const tcp::endpoint& to, std::optional<Identity::PublicKey> expected,
                                      LinkOptions options = {}) {
        auto out = std::make_shared<Dialed>();
        coop::overlay::dial_link(io_, to, alice_, expected, options,
                                 [out](std::shared_ptr<Link> link, const std::string& error) {
                                     EXPECT_FALSE(out->done) << "done twice";
                                     out->done = true;
                                     out->link = std::move(link);
                                     out->error = error;
                                 });
        return out;
    }

    // Reads (and drops) whatever comes until the other end hangs up.
    bool hung_up(tcp::socket& socket) {
        bool ended = false;
        std::vector<char> sink(4096);
        std::function<void()> next = [&] {
            socket.async_read_some(boost::asio::buffer(sink), [&](const boost::system::error_code& ec, std::size_t) {
                if (ec) ended = true;
                else next();
            });
        };
        next();
        const bool in_time = run_until([&] { return ended; });
        if (!in_time) socket.close();
        run_until([&] { return ended; });  // the read ends, aborted, before `sink` goes
        return in_time;
    }

    // A port nothing listens on (it just did, and stopped).
    tcp::endpoint closed_port() {
        tcp::acceptor probe(io_, any_loopback_port);
        return probe.local_endpoint();
    }

    boost::asio::io_context io_;
    Identity alice_ = Identity::generate(), bob_ = Identity::generate();
};

TEST_F(OverlayTest, ListenerHandsOverOpenLinks) {
    std::vector<std::shared_ptr<Link>> accepted;
    std::vector<std::string> frames;
    Listener listener(io_, bob_, {}, [&](std::shared_ptr<Link> link) {
        EXPECT_TRUE(link->is_open());
        link->on_frame([&frames, raw = link.get()](std::string frame) {
            frames.push_back(frame);
            raw->send("echo " + frame);
        });
        accepted.push_back(std::move(link));
    });
    listener.listen(any_loopback_port);
    const auto dialed = dial_link(listener.local_endpoint(), bob_.public_key());
    ASSERT_TRUE(run_until([&] { return dialed->done && !accepted.empty(); }));
    ASSERT_TRUE(dialed->link) << dialed->error;
    EXPECT_EQ(dialed->link->peer(), bob_.public_key());
    EXPECT_EQ(accepted[0]->peer(), alice_.public_key());
    EXPECT_EQ(listener.handshaking(), 0u);

    std::vector<std::string> echoes;
    dialed->link->on_frame([&](std::string frame) { echoes.push_back(frame); });
    dialed->link->send("ping?");
    ASSERT_TRUE(run_until([&] { return !echoes.empty(); }));
    EXPECT_EQ(frames, std::vector<std::string>{"ping?"});
    EXPECT_EQ(echoes, std::vector<std::string>{"echo ping?"});
}

TEST_F(OverlayTest, PortInUseIsAOneLineReason) {
    Listener first(io_, bob_, {}, nullptr);
    first.listen(any_loopback_port);
    const auto port = first.local_endpoint().port();
    Listener second(io_, bob_, {}, nullptr);
    try {
        second.listen(first.local_endpoint());
        FAIL() << "two listeners on one port";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("cannot listen on 127.0.0.1:" + std::to_string(port) + ": the port is in use; ", 0), 0u)
            << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
}

TEST_F(OverlayTest, AddressNotOfThisMachineIsAOneLineReason) {
    Listener listener(io_, bob_, {}, nullptr);
    try {
        // TEST-NET-1: no interface has it.
        listener.listen(tcp::endpoint(boost::asio::ip::make_address("192.0.2.1"), 0));
        FAIL() << "listened on an address this machine does not have";
    } catch (const std::runtime_error& e) {
        EXPECT_TRUE(contains(e.what(), "cannot listen on 192.0.2.1:0: no interface")) << e.what();
    }
}

TEST_F(OverlayTest, FloodOfSilentConnectionsIsBounded) {
    LinkOptions quick;
    quick.handshake_timeout = 150ms;
    quick.tally = std::make_shared<LinkStats>();
    std::vector<std::string> failures;
    std::vector<std::shared_ptr<Link>> accepted;
    Listener listener(io_, bob_, quick, [&](std::shared_ptr<Link> link) { accepted.push_back(std::move(link)); }, 2);
    listener.on_failure([&](const std::string& reason) { failures.push_back(reason); });
    listener.listen(any_loopback_port);

    // Three connections that never say a word; room for two.
    std::vector<std::unique_ptr<tcp::socket>> silent;
    for (int i = 0; i < 3; ++i) {
        silent.push_back(std::make_unique<tcp::socket>(io_));
        silent.back()->connect(listener.local_endpoint());
    }
    ASSERT_TRUE(run_until([&] { return listener.refused() == 1; }));
    EXPECT_EQ(listener.handshaking(), 2u);
    EXPECT_EQ(quick.tally->faults.refused, 1u);
    EXPECT_TRUE(hung_up(*silent[2])) << "the one turned away is hung up on";

    // The other two time out, and room is made.
    ASSERT_TRUE(run_until([&] { return listener.handshaking() == 0; }));
    EXPECT_EQ(quick.tally->faults.timeouts, 2u);
    ASSERT_EQ(failures.size(), 3u);
    EXPECT_TRUE(contains(failures[0], "connections are handshaking already")) << failures[0];
    EXPECT_TRUE(contains(failures[1], "did not finish the handshake within 150 ms")) << failures[1];

    const auto dialed = dial_link(listener.local_endpoint(), bob_.public_key());
    ASSERT_TRUE(run_until([&] { return dialed->done && accepted.size() == 1; }));
    EXPECT_TRUE(dialed->link) << dialed->error;
}

TEST_F(OverlayTest, ClosingTheListenerDropsHandshakesNotOpenLinks) {
    std::vector<std::shared_ptr<Link>> accepted;
    auto listener = std::make_unique<Listener>(io_, bob_, LinkOptions{},
                                               [&](std::shared_ptr<Link> link) { accepted.push_back(std::move(link)); });
    listener->listen(any_loopback_port);
    const auto to = listener->local_endpoint();
    const auto dialed = dial_link(to, bob_.public_key());
    ASSERT_TRUE(run_until([&] { return dialed->done && accepted.size() == 1; }));
    tcp::socket silent(io_);
    silent.connect(to);
    ASSERT_TRUE(run_until([&] { return listener->handshaking() == 1; }));
    listener.reset();
    EXPECT_TRUE(hung_up(silent)) << "a handshake the listener left behind";
    EXPECT_TRUE(accepted[0]->is_open());
    EXPECT_TRUE(dialed->link->send("still here"));
    const auto again = dial_link(to, bob_.public_key());
    ASSERT_TRUE(run_until([&] { return again->done; }));
    EXPECT_FALSE(again->link);
    EXPECT_TRUE(contains(again->error, "Connection refused")) << again->error;
}

TEST_F(OverlayTest, DialToAClosedPortIsAOneLineReason) {
    const auto to = closed_port();
    bool done = false;
    std::string error;
    coop::overlay::dial(io_, to, 1000ms, [&](const std::string& e, tcp::socket socket) {
        done = true;
        error = e;
        EXPECT_FALSE(socket.is_open());
    });
    ASSERT_TRUE(run_until([&] { return done; }));
    EXPECT_EQ(error, "cannot reach 127.0.0.1:" + std::to_string(to.port()) + ": Connection refused");
}

TEST_F(OverlayTest, DialLinkToTheWrongPeerComesBackWithTheReason) {
    Listener listener(io_, bob_, {}, nullptr);
    listener.listen(any_loopback_port);
    const Identity carol = Identity::generate();
    const auto dialed = dial_link(listener.local_endpoint(), carol.public_key());
    ASSERT_TRUE(run_until([&] { return dialed->done; }));
    EXPECT_FALSE(dialed->link);
    EXPECT_TRUE(contains(dialed->error, "not the one expected")) << dialed->error;
}

TEST_F(OverlayTest, DialLinkToASilentListenerTimesOut) {
    // Accepts, never speaks: the handshake clock runs out.
    tcp::acceptor mute(io_, any_loopback_port);
    tcp::socket held(io_);
    mute.async_accept(held, [](const boost::system::error_code&) {});
    LinkOptions quick;
    quick.handshake_timeout = 100ms;
    const auto dialed = dial_link(mute.local_endpoint(), bob_.public_key(), quick);
    ASSERT_TRUE(run_until([&] { return dialed->done; }));
    EXPECT_FALSE(dialed->link);
    EXPECT_TRUE(contains(dialed->error, "did not finish the handshake within 100 ms")) << dialed->error;
}

}  // namespace
