// coop::agent::OverlayNode: several nodes on 127.0.0.1 in one io_context,
// each with a fresh identity, run until what the test waits for happened.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/agent/overlay_node.hpp"
#include "run_until.hpp"

namespace {

using namespace std::chrono_literals;
using coop::Endpoint;
using coop::Identity;
using coop::agent::LinkId;
using coop::agent::OverlayHandler;
using coop::agent::OverlayNode;
using coop::agent::OverlayOptions;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Everything a node told its owner.
struct Events : OverlayHandler {
    struct Opened {
        Identity::PublicKey peer;
        std::string remote;
    };
    std::map<LinkId, Opened> opened;
    std::map<LinkId, std::vector<std::string>> frames;
    std::map<LinkId, std::string> closed;

    void link_opened(LinkId link, const Identity::PublicKey& peer, const std::string& remote) override {
        EXPECT_FALSE(opened.count(link)) << "link " << link << " opened twice";
        opened[link] = {peer, remote};
    }
    void link_frame(LinkId link, std::string frame) override {
        EXPECT_TRUE(opened.count(link)) << "a frame on link " << link << " before it opened";
        frames[link].push_back(std::move(frame));
    }
    void link_closed(LinkId link, const std::string& reason) override {
        EXPECT_TRUE(opened.count(link)) << "link " << link << " closed but never opened";
        EXPECT_FALSE(closed.count(link)) << "link " << link << " closed twice";
        closed[link] = reason;
    }
    // Links reported open and not closed since.
    std::vector<LinkId> open() const {
        std::vector<LinkId> out;
        for (const auto& [id, o] : opened)
            if (!closed.count(id)) out.push_back(id);
        return out;
    }
};

// What a dial came back with.
struct Dial {
    bool done = false;
    std::optional<LinkId> link;
    std::string error;
};

class OverlayNodeTest : public ::testing::Test {
protected:
    struct Node {
        Identity identity;
        Events events;
        std::unique_ptr<OverlayNode> node;
        OverlayNode* operator->() { return node.get(); }
    };

    Node& node(OverlayOptions options = {}, std::optional<Identity> identity = std::nullopt) {
        if (options.listen.address.empty()) options.listen = {"127.0.0.1", 0};
        nodes_.push_back(std::make_unique<Node>(Node{identity ? *identity : Identity::generate(), {}, nullptr}));
        Node& n = *nodes_.back();
        n.node = std::make_unique<OverlayNode>(io_, n.identity, options);
        n.node->set_handler(&n.events);
        n.node->start();
        return n;
    }

    std::shared_ptr<Dial> dial(Node& from, const Endpoint& to) {
        auto out = std::make_shared<Dial>();
        from->dial(to, [out](std::optional<LinkId> link, const std::string& error) {
            EXPECT_FALSE(out->done) << "done twice";
            out->done = true;
            out->link = link;
            out->error = error;
        });
        return out;
    }

    template <class Done>
    bool run_until(Done done, std::chrono::milliseconds limit = 5000ms) {
        return coop::test::run_until(io_, done, limit);
    }
    // Runs what is ready now, and what that makes ready, without waiting.
    void run_ready() {
        io_.restart();
        io_.poll();
    }

    // A dials B and both see the link open.
    std::pair<LinkId, LinkId> connect(Node& a, Node& b) {
        auto d = dial(a, b->endpoint());
        EXPECT_TRUE(run_until([&] { return d->done && b.events.open().size() == 1; })) << "no link";
        EXPECT_TRUE(d->link) << d->error;
        return {d->link.value_or(0), b.events.open().empty() ? 0 : b.events.open().front()};
    }

    boost::asio::io_context io_;
    std::vector<std::unique_ptr<Node>> nodes_;
};

TEST_F(OverlayNodeTest, DialOpensOneLinkSeenByBothWithTheRightKeys) {
    Node& a = node();
    Node& b = node();
    EXPECT_NE(a->endpoint().port, 0) << "the bound port";
    EXPECT_EQ(a->endpoint().address, "127.0.0.1");
    auto [at_a, at_b] = connect(a, b);
    ASSERT_TRUE(run_until([&] { return a.events.opened.count(at_a) != 0; }));

    EXPECT_EQ(a.events.opened.at(at_a).peer, b.identity.public_key());
    EXPECT_EQ(a.events.opened.at(at_a).remote, b->endpoint().to_string());
    EXPECT_EQ(b.events.opened.at(at_b).peer, a.identity.public_key());
    EXPECT_EQ(a->link_to(b.identity.public_key()), at_a);
    EXPECT_EQ(b->link_to(a.identity.public_key()), at_b);
    EXPECT_FALSE(a->link_to(a.identity.public_key()));

    const auto links_a = a->links(), links_b = b->links();
    ASSERT_EQ(links_a.size(), 1u);
    ASSERT_EQ(links_b.size(), 1u);
    EXPECT_TRUE(links_a[0].outgoing);
    EXPECT_FALSE(links_b[0].outgoing);
    EXPECT_EQ(links_a[0].peer, b.identity.public_key());
    EXPECT_EQ(links_b[0].peer, a.identity.public_key());
}

TEST_F(OverlayNodeTest, FramesGoBothWaysInOrder) {
    Node& a = node();
    Node& b = node();
    auto [at_a, at_b] = connect(a, b);
    std::vector<std::string> from_a, from_b;
    for (int i = 0; i < 200; ++i) {
        from_a.push_back("a" + std::to_string(i) + std::string(static_cast<std::size_t>(i) * 37, 'x'));
        from_b.push_back("b" + std::to_string(i));
        ASSERT_TRUE(a->send(at_a, from_a.back()));
        ASSERT_TRUE(b->send(at_b, from_b.back()));
    }
    ASSERT_TRUE(run_until([&] {
        return b.events.frames[at_b].size() == from_a.size() && a.events.frames[at_a].size() == from_b.size();
    }));
    EXPECT_EQ(b.events.frames[at_b], from_a);
    EXPECT_EQ(a.events.frames[at_a], from_b);
    // The shared tally counts them, on both sides.
    EXPECT_EQ(a->totals().traffic.frames_out, from_a.size());
    EXPECT_EQ(a->totals().traffic.frames_in, from_b.size());
    EXPECT_GT(b->totals().traffic.bytes_in, 0u);
    EXPECT_FALSE(a->send(at_a + 1000, "nobody")) << "no such link";
}

TEST_F(OverlayNodeTest, SimultaneousDialsFromBothSidesEndWithTheSameSingleLink) {
    for (int round = 0; round < 5; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        Node& a = node();
        Node& b = node();
        auto from_a = dial(a, b->endpoint());
        auto from_b = dial(b, a->endpoint());
        // The link kept is the one dialled by the smaller key: outgoing there.
        const bool a_smaller = a.identity.public_key() < b.identity.public_key();
        auto settled = [&] {
            const auto la = a->links(), lb = b->links();
            return from_a->done && from_b->done && la.size() == 1 && lb.size() == 1 &&
                   la[0].outgoing == a_smaller && lb[0].outgoing == !a_smaller;
        };
        ASSERT_TRUE(run_until(settled));
        const LinkId at_a = a->links()[0].id, at_b = b->links()[0].id;
        // Duplicates closed by now stay closed; nothing else opens.
        ASSERT_TRUE(run_until([&] { return a.events.open().size() == 1 && b.events.open().size() == 1; }));
        EXPECT_EQ(a.events.open(), std::vector<LinkId>{at_a});
        EXPECT_EQ(b.events.open(), std::vector<LinkId>{at_b});
        // The same connection: what A sends on its link B gets on its own.
        ASSERT_TRUE(a->send(at_a, "over the one link"));
        ASSERT_TRUE(b->send(at_b, "and back"));
        ASSERT_TRUE(run_until([&] { return b.events.frames[at_b].size() == 1 && a.events.frames[at_a].size() == 1; }));
        EXPECT_EQ(b.events.frames[at_b][0], "over the one link");
        EXPECT_EQ(a.events.frames[at_a][0], "and back");
        EXPECT_EQ(a->link_to(b.identity.public_key()), at_a);
        EXPECT_EQ(b->link_to(a.identity.public_key()), at_b);
        // A duplicate that was reported open closed for being one.
        for (const Events* events : {&a.events, &b.events})
            for (const auto& [id, reason] : events->closed)
                EXPECT_TRUE(contains(reason, "a link between us is open already") ||
                            contains(reason, "replaced by a newer link between us"))
                    << reason;
    }
}

TEST_F(OverlayNodeTest, ConcurrentDialsToOneAddressMakeOneLink) {
    Node& a = node();
    Node& b = node();
    auto first = dial(a, b->endpoint());
    auto second = dial(a, b->endpoint());
    ASSERT_TRUE(run_until([&] { return first->done && second->done; }));
    ASSERT_TRUE(first->link) << first->error;
    EXPECT_EQ(first->link, second->link);
    // Once open, a dial to that address gets the open link.
    auto third = dial(a, b->endpoint());
    ASSERT_TRUE(run_until([&] { return third->done; }));
    EXPECT_EQ(third->link, first->link);
    ASSERT_TRUE(run_until([&] { return b.events.opened.size() == 1; }));
    run_ready();
    EXPECT_EQ(b.events.opened.size(), 1u) << "one connection only";
    EXPECT_EQ(a.events.opened.size(), 1u);
}

TEST_F(OverlayNodeTest, DialToOurselvesFailsAndIsNotTriedAgain) {
    // Two nodes of one identity: a dial between them reaches "ourselves"
    // only once the handshake has said who answered.
    Node& a = node();
    Node& twin = node({}, a.identity);
    auto d = dial(a, twin->endpoint());
    ASSERT_TRUE(run_until([&] { return d->done; }));
    EXPECT_FALSE(d->link);
    EXPECT_EQ(d->error, twin->endpoint().to_string() + " is this agent itself");
    EXPECT_TRUE(a->links().empty());
    EXPECT_TRUE(a.events.opened.empty());

    const auto sent = a->totals().traffic.bytes_out;
    EXPECT_GT(sent, 0u) << "the first dial did shake hands";
    auto again = dial(a, twin->endpoint());
    EXPECT_FALSE(again->done) << "done is called later, never from inside dial()";
    ASSERT_TRUE(run_until([&] { return again->done; }));
    EXPECT_FALSE(again->link);
    EXPECT_EQ(again->error, d->error);
    run_ready();
    EXPECT_EQ(a->totals().traffic.bytes_out, sent) << "no new connection";

    // Our own listening endpoint is never dialled at all.
    auto self = dial(a, a->endpoint());
    ASSERT_TRUE(run_until([&] { return self->done; }));
    EXPECT_EQ(self->error, a->endpoint().to_string() + " is this agent itself");
    EXPECT_EQ(a->totals().traffic.bytes_out, sent);
}

TEST_F(OverlayNodeTest, DialingAClosedPortGivesAOneLineError) {
    Node& a = node();
    boost::asio::ip::tcp::acceptor probe(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const Endpoint closed{"127.0.0.1", probe.local_endpoint().port()};
    probe.close();
    auto d = dial(a, closed);
    ASSERT_TRUE(run_until([&] { return d->done; }));
    EXPECT_FALSE(d->link);
    EXPECT_EQ(d->error.rfind("cannot reach " + closed.to_string() + ": ", 0), 0u) << d->error;
    EXPECT_FALSE(contains(d->error, "\n")) << d->error;
    EXPECT_TRUE(a->links().empty());

    auto bad = dial(a, {"not-an-ip", 4444});
    ASSERT_TRUE(run_until([&] { return bad->done; }));
    EXPECT_EQ(bad->error, "cannot dial not-an-ip:4444: not an IP address");
}

TEST_F(OverlayNodeTest, DropReportsLinkClosedOnBothSides) {
    Node& a = node();
    Node& b = node();
    auto [at_a, at_b] = connect(a, b);
    ASSERT_TRUE(run_until([&] { return a.events.opened.count(at_a) != 0; }));
    a->drop(at_a, "leaving the group");
    EXPECT_FALSE(a.events.closed.count(at_a)) << "reported later, not from inside drop()";
    EXPECT_FALSE(a->link_to(b.identity.public_key())) << "a dropped link is no longer the peer's";
    EXPECT_FALSE(a->send(at_a, "too late"));
    ASSERT_TRUE(run_until([&] { return a.events.closed.count(at_a) && b.events.closed.count(at_b); }));
    EXPECT_EQ(a.events.closed.at(at_a), "leaving the group");
    EXPECT_TRUE(contains(b.events.closed.at(at_b), "closed the link: leaving the group")) << b.events.closed.at(at_b);
    EXPECT_TRUE(a->links().empty());
    EXPECT_TRUE(b->links().empty());
    EXPECT_FALSE(b->link_to(a.identity.public_key()));

    // A new dial makes a new link, under a new id.
    auto again = dial(a, b->endpoint());
    ASSERT_TRUE(run_until([&] { return again->done; }));
    ASSERT_TRUE(again->link) << again->error;
    EXPECT_NE(*again->link, at_a);
}

TEST_F(OverlayNodeTest, APortInUseIsAOneLineErrorNamingTheOption) {
    Node& a = node();
    OverlayOptions clash;
    clash.listen = a->endpoint();
    Identity other = Identity::generate();
    OverlayNode b(io_, other, clash);
    try {
        b.start();
        FAIL() << "listened on a port in use";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "cannot listen for overlay links on " + a->endpoint().to_string() +
                                             ": the port is in use; choose another with --overlay-port");
    }
}

TEST_F(OverlayNodeTest, MaxLinksIsEnforced) {
    OverlayOptions one;
    one.max_links = 1;
    Node& hub = node(one);
    Node& b = node();
    Node& c = node();
    connect(b, hub);
    // The hub is full: C's link opens on C's side, then the hub hangs up.
    auto d = dial(c, hub->endpoint());
    ASSERT_TRUE(run_until([&] { return d->done && (!d->link || c.events.closed.count(*d->link)); }));
    if (d->link) {
        EXPECT_TRUE(contains(c.events.closed.at(*d->link), "at the bound of 1 open overlay links"))
            << c.events.closed.at(*d->link);
    }
    run_ready();
    EXPECT_EQ(hub->links().size(), 1u);
    EXPECT_EQ(hub.events.open().size(), 1u);
    EXPECT_EQ(hub->links()[0].peer, b.identity.public_key());

    // Nor does it dial out.
    auto out = dial(hub, c->endpoint());
    ASSERT_TRUE(run_until([&] { return out->done; }));
    EXPECT_FALSE(out->link);
    EXPECT_EQ(out->error, "cannot dial " + c->endpoint().to_string() + ": already at the bound of 1 open overlay links");
}

TEST_F(OverlayNodeTest, CloseEndsEverythingAndReportsNothingMore) {
    Node& a = node();
    Node& b = node();
    auto [at_a, at_b] = connect(a, b);
    ASSERT_TRUE(run_until([&] { return a.events.opened.count(at_a) != 0; }));
    auto pending = dial(a, node()->endpoint());  // still dialling when a closes
    a->close();
    EXPECT_TRUE(a->links().empty());
    ASSERT_TRUE(run_until([&] { return b.events.closed.count(at_b) != 0; }));
    run_ready();
    EXPECT_FALSE(a.events.closed.count(at_a)) << "nothing is reported after close()";
    EXPECT_FALSE(pending->done);
    a->dial(b->endpoint(), [](std::optional<LinkId>, const std::string&) { ADD_FAILURE() << "a dial after close()"; });
    run_ready();
}

TEST_F(OverlayNodeTest, DestroyedWhileDialingIsSafe) {
    Node& b = node();
    {
        Identity me = Identity::generate();
        OverlayOptions options;
        options.listen = {"127.0.0.1", 0};
        OverlayNode a(io_, me, options);
        a.start();
        a.dial(b->endpoint(), [](std::optional<LinkId>, const std::string&) { ADD_FAILURE() << "called after its node"; });
    }
    // B may see the link open and then closed; it must not be left open.
    run_until([&] { return !b.events.opened.empty() && b.events.open().empty(); }, 3000ms);
    EXPECT_TRUE(b.events.open().empty());
}

}  // namespace
