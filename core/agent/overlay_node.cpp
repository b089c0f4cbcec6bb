#include "core/agent/overlay_node.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "core/overlay/dial.hpp"
#include "core/overlay/listener.hpp"
#include "core/overlay/reason_text.hpp"

namespace coop::agent {

namespace {

using PublicKey = Identity::PublicKey;

// Bounds on what the node remembers about addresses.
constexpr std::size_t max_known_addresses = 4096;
constexpr std::size_t max_self_addresses = 64;

// How a link's handshake ends when the peer turned out to be us.
bool is_self(const std::string& reason) {
    static const std::string tail = " is this agent itself";
    return reason.size() >= tail.size() && reason.compare(reason.size() - tail.size(), tail.size(), tail) == 0;
}

// The listener's reasons say "cannot listen on ADDR: ..."; ours name the
// overlay and the option that changes its port.
std::string listen_error(const Endpoint& at, const std::string& reason) {
    const std::string head = "cannot listen for overlay links on " + at.to_string() + ": ";
    if (reason.find("the port is in use") != std::string::npos)
        return head + "the port is in use; choose another with --overlay-port";
    const auto colon = reason.find(": ");
    return head + (colon == std::string::npos ? reason : reason.substr(colon + 2));
}

}  // namespace

struct OverlayNode::Impl : std::enable_shared_from_this<OverlayNode::Impl> {
    struct Entry {
        std::shared_ptr<overlay::Link> link;
        bool outgoing = false;
    };
    // What a new link came to: its id, or why it was not kept.
    struct Adopted {
        std::optional<LinkId> id;
        std::string error;
    };

    Impl(OverlayNode& owner, boost::asio::io_context& io, const Identity& identity, OverlayOptions options)
        : owner(owner), io(io), identity(identity), options(std::move(options)) {}

    OverlayNode& owner;
    boost::asio::io_context& io;
    Identity identity;
    OverlayOptions options;
    std::unique_ptr<overlay::Listener> listener;
    std::map<LinkId, Entry> links;  // open, or closing until their on_closed
    std::map<PublicKey, LinkId> by_peer;  // open links only
    std::map<std::string, std::vector<Dialed>> dialing;  // by address, each waiting caller
    std::map<std::string, PublicKey> known;  // address -> who answered there
    std::set<std::string> ourselves;         // addresses that turned out to be us
    LinkId next_id = 1;
    std::uint64_t refused_before = 0;  // by a listener since closed
    bool closed = false;

    // Runs `call` later on the loop, unless the node is closed or gone by then.
    template <class Call>
    void later(Call call) {
        boost::asio::post(io, [weak = weak_from_this(), call = std::move(call)]() mutable {
            auto self = weak.lock();
            if (self && !self->closed) call(*self);
        });
    }
    template <class Call>
    void tell(Call call) {
        later([call = std::move(call)](Impl& self) mutable {
            if (auto* handler = self.owner.handler_) call(*handler);
        });
    }
    void answer(Dialed done, std::optional<LinkId> link, std::string error) {
        if (!done) return;
        later([done = std::move(done), link, error = std::move(error)](Impl&) { done(link, error); });
    }

    std::size_t open_links() const {
        return static_cast<std::size_t>(
            std::count_if(links.begin(), links.end(), [](const auto& e) { return !e.second.link->is_closed(); }));
    }

    void listen() {
        if (listener || closed) return;  // once
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(options.listen.address, ec);
        if (ec)
            throw std::runtime_error("cannot listen for overlay links on " + options.listen.to_string() +
                                     ": not an IP address");
        listener = std::make_unique<overlay::Listener>(
            io, identity, options.link,
            [weak = weak_from_this()](std::shared_ptr<overlay::Link> link) {
                if (auto self = weak.lock()) self->adopt(std::move(link), false);
                else link->close("the agent is stopping");
            },
            options.max_handshaking);
        listener->on_failure([](const std::string& reason) { spdlog::debug("overlay: {}", reason); });
        try {
            listener->listen({address, options.listen.port});
        } catch (const std::runtime_error& e) {
            listener.reset();
            throw std::runtime_error(listen_error(options.listen, e.what()));
        }
    }

    // Both ends of two links between the same pair keep the one dialled by
    // the side with the smaller public key (bytes compared in order), so
    // simultaneous dials end with the same single link on both sides. Two
    // links dialled by the same side: the newer, as the older may be one
    // its dialler has given up on.
    bool keeps_new(bool new_outgoing, const Entry& existing, const PublicKey& peer) const {
        if (existing.outgoing == new_outgoing) return true;
        const bool we_are_smaller = identity.public_key() < peer;
        return new_outgoing == we_are_smaller;
    }

    Adopted adopt(std::shared_ptr<overlay::Link> link, bool outgoing) {
        if (closed) {
            link->close("the agent is stopping");
            return {std::nullopt, "the overlay is closed"};
        }
        const PublicKey peer = link->peer();
        if (auto have = by_peer.find(peer); have != by_peer.end()) {
            const LinkId existing = have->second;
            if (!keeps_new(outgoing, links.at(existing), peer)) {
                link->close("a link between us is open already");
                return {existing, ""};
            }
            by_peer.erase(have);
            links.at(existing).link->close("replaced by a newer link between us");
        }
        if (open_links() >= options.max_links) {
            const std::string bound = "the bound of " + std::to_string(options.max_links) + " open overlay links";
            link->close("the other agent is at " + bound);
            return {std::nullopt, "refused the link with " + link->remote() + ": already at " + bound};
        }
        const LinkId id = next_id++;
        links[id] = {link, outgoing};
        by_peer[peer] = id;
        std::weak_ptr<Impl> weak = weak_from_this();
        link->on_frame([weak, id](std::string frame) {
            if (auto self = weak.lock())
                self->tell([id, frame = std::move(frame)](OverlayHandler& h) mutable { h.link_frame(id, std::move(frame)); });
        });
        link->on_closed([weak, id](const std::string& reason) {
            if (auto self = weak.lock()) self->forget(id, reason);
        });
        tell([id, peer, remote = link->remote()](OverlayHandler& h) { h.link_opened(id, peer, remote); });
        return {id, ""};
    }

    void forget(LinkId id, const std::string& reason) {
        auto entry = links.find(id);
        if (entry == links.end()) return;
        const auto peer = by_peer.find(entry->second.link->peer());
        if (peer != by_peer.end() && peer->second == id) by_peer.erase(peer);
        links.erase(entry);
        tell([id, reason](OverlayHandler& h) { h.link_closed(id, reason); });
    }

    std::optional<LinkId> open_link_at(const std::string& address) const {
        const auto who = known.find(address);
        if (who == known.end()) return std::nullopt;
        const auto link = by_peer.find(who->second);
        if (link == by_peer.end()) return std::nullopt;
        return link->second;
    }

    bool is_our_address(const std::string& address) const {
        if (ourselves.count(address)) return true;
        return listener && owner.endpoint().to_string() == address;
    }

    void dial(const Endpoint& to, Dialed done) {
        const std::string address = to.to_string();
        if (closed) return;
        if (is_our_address(address)) return answer(std::move(done), std::nullopt, address + " is this agent itself");
        if (auto open = open_link_at(address)) return answer(std::move(done), open, "");
        if (auto waiting = dialing.find(address); waiting != dialing.end()) {
            waiting->second.push_back(std::move(done));
            return;
        }
        if (open_links() >= options.max_links)
            return answer(std::move(done), std::nullopt,
                          "cannot dial " + address + ": already at the bound of " +
                              std::to_string(options.max_links) + " open overlay links");
        if (dialing.size() >= options.max_handshaking)
            return answer(std::move(done), std::nullopt,
                          "cannot dial " + address + ": already at the bound of " +
                              std::to_string(options.max_handshaking) + " dials in progress");
        boost::system::error_code ec;
        const auto ip = boost::asio::ip::make_address(to.address, ec);
        if (ec) return answer(std::move(done), std::nullopt, "cannot dial " + address + ": not an IP address");
        dialing[address].push_back(std::move(done));
        overlay::dial_link(io, {ip, to.port}, identity, std::nullopt, options.link,
                           [weak = weak_from_this(), address](std::shared_ptr<overlay::Link> link,
                                                               const std::string& error) {
                               auto self = weak.lock();
                               if (self) return self->dialed(address, std::move(link), error);
                               if (link) link->close("the agent is stopping");
                           });
    }

    void dialed(const std::string& address, std::shared_ptr<overlay::Link> link, const std::string& error) {
        if (closed) {
            if (link) link->close("the agent is stopping");
            return;
        }
        auto waiting = dialing.extract(address);
        std::vector<Dialed> callers = waiting ? std::move(waiting.mapped()) : std::vector<Dialed>{};
        Adopted result{std::nullopt, error};
        if (link) {
            if (known.size() >= max_known_addresses && !known.count(address)) known.erase(known.begin());
            known[address] = link->peer();
            result = adopt(std::move(link), true);
        } else if (is_self(error)) {
            // Never dialled again: the DHT and peer lists keep offering it.
            if (ourselves.size() >= max_self_addresses) ourselves.erase(ourselves.begin());
            ourselves.insert(address);
            result.error = address + " is this agent itself";
        }
        for (auto& done : callers) answer(std::move(done), result.id, result.error);
    }

    void close() {
        if (closed) return;
        closed = true;
        if (listener) {
            refused_before += listener->refused();
            listener->close();
            // An accept that completed before close() may still be queued on
            // the loop, and its handler uses the listener: it goes after it.
            boost::asio::post(io, [gone = std::shared_ptr<overlay::Listener>(std::move(listener))] {});
        }
        auto all = std::move(links);
        links.clear();
        by_peer.clear();
        dialing.clear();
        for (auto& [id, entry] : all) entry.link->close("the agent is stopping");
    }
};

OverlayNode::OverlayNode(boost::asio::io_context& io, const Identity& identity, OverlayOptions options)
    : tally_(std::make_shared<overlay::LinkStats>()) {
    options.link.tally = tally_;
    // Dial from our own address: peers then see the address we listen on
    // (and each agent in a test stays on its own loopback address).
    boost::system::error_code ec;
    const auto own = boost::asio::ip::make_address(options.listen.address, ec);
    if (!ec) options.link.dial_from = own;
    impl_ = std::make_shared<Impl>(*this, io, identity, std::move(options));
}

OverlayNode::~OverlayNode() { close(); }

void OverlayNode::start() { impl_->listen(); }

Endpoint OverlayNode::endpoint() const {
    Endpoint e = impl_->options.listen;
    if (impl_->listener) e.port = impl_->listener->local_endpoint().port();
    return e;
}

void OverlayNode::dial(const Endpoint& address, Dialed done) { impl_->dial(address, std::move(done)); }

bool OverlayNode::send(LinkId link, std::string frame) {
    const auto entry = impl_->links.find(link);
    return entry != impl_->links.end() && entry->second.link->send(std::move(frame));
}

void OverlayNode::drop(LinkId link, const std::string& reason) {
    const auto entry = impl_->links.find(link);
    if (entry == impl_->links.end()) return;
    const auto peer = impl_->by_peer.find(entry->second.link->peer());
    if (peer != impl_->by_peer.end() && peer->second == link) impl_->by_peer.erase(peer);
    entry->second.link->close(reason);  // reported by its on_closed, later
}

std::optional<LinkId> OverlayNode::link_to(const Identity::PublicKey& peer) const {
    const auto found = impl_->by_peer.find(peer);
    if (found == impl_->by_peer.end()) return std::nullopt;
    return found->second;
}

std::vector<OverlayLinkInfo> OverlayNode::links() const {
    std::vector<OverlayLinkInfo> out;
    for (const auto& [id, entry] : impl_->links) {
        const auto& link = *entry.link;
        if (link.is_closed()) continue;
        out.push_back({id, link.peer(), link.remote(), entry.outgoing, link.stats().traffic});
    }
    return out;
}

std::uint64_t OverlayNode::refused() const {
    return impl_->refused_before + (impl_->listener ? impl_->listener->refused() : 0);
}

void OverlayNode::close() {
    if (impl_) impl_->close();
}

}  // namespace coop::agent
