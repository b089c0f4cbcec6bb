#pragma once
// The agent's overlay: it listens for links from other agents, dials the
// addresses it is given, keeps at most one open link per identity, and hands
// each link's frames to one handler (the groups). A link to ourselves is
// hung up on. Everything runs on the agent's io_context.
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/endpoint.hpp"
#include "core/identity.hpp"
#include "core/overlay/link.hpp"
#include "core/overlay/link_stats.hpp"

namespace coop::agent {

// The overlay's name for one open link, never reused while the agent runs.
using LinkId = std::uint64_t;

struct OverlayOptions {
    Endpoint listen;                  // the address is the agent's; port 0: any free one
    std::size_t max_links = 64;       // open links; more are hung up on
    std::size_t max_handshaking = 64; // incoming connections mid-handshake
    overlay::LinkOptions link;        // frame bound, timeouts (tally is set by the node)
};

// What the overlay tells its owner. Called on the loop, never from inside a
// call into the node (a link's close is reported later).
struct OverlayHandler {
    virtual void link_opened(LinkId link, const Identity::PublicKey& peer, const std::string& remote) = 0;
    virtual void link_frame(LinkId link, std::string frame) = 0;
    virtual void link_closed(LinkId link, const std::string& reason) = 0;
    virtual ~OverlayHandler() = default;
};

struct OverlayLinkInfo {
    LinkId id = 0;
    Identity::PublicKey peer{};
    std::string remote;  // "127.0.0.3:41234"
    bool outgoing = false;
    overlay::LinkTraffic traffic;
};

class OverlayNode {
public:
    OverlayNode(boost::asio::io_context& io, const Identity& identity, OverlayOptions options);
    ~OverlayNode();  // close()
    OverlayNode(const OverlayNode&) = delete;
    OverlayNode& operator=(const OverlayNode&) = delete;

    void set_handler(OverlayHandler* handler) { handler_ = handler; }

    // Binds and listens. Throws std::runtime_error with a one-line reason
    // naming the address and the way out (the port is in use: choose
    // another with --overlay-port).
    void start();
    // Where others reach us (the bound port, after start()).
    Endpoint endpoint() const;

    // Opens a link to `address` unless one to it is open or being dialled.
    // `done` (optional) gets the link, or nullopt and a one-line reason; an
    // address whose identity already has an open link gets that link.
    using Dialed = std::function<void(std::optional<LinkId> link, const std::string& error)>;
    void dial(const Endpoint& address, Dialed done = {});

    // Queues a frame; false if the link is gone or the frame too big.
    bool send(LinkId link, std::string frame);
    // Closes the link with `reason` (sent to the peer as its bye).
    void drop(LinkId link, const std::string& reason);

    std::optional<LinkId> link_to(const Identity::PublicKey& peer) const;
    std::vector<OverlayLinkInfo> links() const;
    // Every link's counts, closed ones included; plus the listener's refusals.
    const overlay::LinkStats& totals() const { return *tally_; }
    std::uint64_t refused() const;

    // Stops listening and closes every link. Nothing is reported after
    // it: no link_closed, no dial's `done`.
    void close();

private:
    struct Impl;
    // Shared so the loop's pending work can tell the node is gone.
    std::shared_ptr<Impl> impl_;
    OverlayHandler* handler_ = nullptr;
    std::shared_ptr<overlay::LinkStats> tally_;
};

}  // namespace coop::agent
