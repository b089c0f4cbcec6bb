// The overlay's links, the sync clock, and finding members on the DHT:
// each group is announced under its topic and looked up now and then, the
// agents found are dialled, and each new link subscribes the groups its
// peer may have.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/agent/every.hpp"
#include "core/agent/groups.hpp"
#include "core/group/topic.hpp"
#include "core/overlay/reason_text.hpp"

namespace coop::agent {

using group::Id;
using group::Membership;

namespace {

// The sync engine's announce interval wants ticks this often; the rest
// (saving, discovery, joins) runs every slow_tick_interval.
constexpr auto tick_interval = std::chrono::milliseconds(100);
constexpr auto slow_tick_interval = std::chrono::seconds(1);
// How often each group is looked up on the DHT: rarely once we sync it
// with someone, more often while nobody is linked for it (the wait doubles
// from the first to the last).
constexpr auto lookup_interval = std::chrono::minutes(5);
constexpr auto lonely_first = std::chrono::seconds(10);
constexpr auto lonely_last = std::chrono::seconds(60);
constexpr auto lookup_give_up = std::chrono::seconds(60);  // a lookup whose end never came
constexpr int max_dials_per_lookup = 16;
constexpr std::size_t max_purposes = 256;
constexpr std::size_t max_tried = 8;

}  // namespace

// ---- the overlay's links ---------------------------------------------------

void Groups::link_opened(LinkId link, const Identity::PublicKey& key, const std::string& remote) {
    try {
        opened(link, key, remote);
    } catch (const std::exception& e) {
        spdlog::error("after a link opened: {}", e.what());
    }
}

void Groups::opened(LinkId link, const Identity::PublicKey& key, const std::string& remote) {
    Peer& p = peers_[link];
    p.key = key;
    p.remote = remote;
    for (const auto& info : overlay_.links())
        if (info.id == link) p.outgoing = info.outgoing;
    sync_.peer_opened(link, key);

    if (auto it = purposes_.find(link); it != purposes_.end()) {
        const Purpose purpose = std::move(it->second);
        purposes_.erase(it);
        serve_purpose(link, purpose);
    }
    if (p.outgoing) learn_address(key, remote);
    // Every group whose state names the peer a member: it may have news.
    for (auto& [id, h] : groups_) {
        if (h.record.status != Membership::member) continue;
        const auto* s = folded_for_access(h);
        if (!s || !s->is_member(key)) continue;
        if (p.outgoing) remember_address(h, remote);
        sync_.subscribe(link, id);
    }
}

void Groups::link_frame(LinkId link, std::string frame) { sync_.frame(link, frame); }

void Groups::link_closed(LinkId link, const std::string& reason) {
    auto it = peers_.find(link);
    if (it != peers_.end())
        spdlog::debug("link to {} ({}) closed: {}", overlay::short_key(it->second.key), it->second.remote, reason);
    sync_.peer_closed(link);
    peers_.erase(link);
    purposes_.erase(link);
    // A joining group keeps its links' refusals: they name what went wrong.
}

void Groups::dial(const std::string& address, const std::optional<Id>& group, const std::optional<std::uint64_t>& find) {
    std::string error;
    auto endpoint = parse_endpoint(address, error);
    if (!endpoint || endpoint->port == 0) return;
    if (endpoint->to_string() == overlay_.endpoint().to_string()) return;  // ourselves
    if (group)
        if (Held* h = held(*group)) {
            ++h->dialing;
            if (h->tried.size() < max_tried && std::find(h->tried.begin(), h->tried.end(), address) == h->tried.end())
                h->tried.push_back(address);
        }
    if (find)
        if (PendingFind* f = pending_find(*find)) ++f->dialing;
    std::weak_ptr<int> alive = alive_;
    overlay_.dial(*endpoint, [this, alive, address, group, find](std::optional<LinkId> link, const std::string& why) {
        if (alive.expired() || closed_) return;
        try {
            dialed(address, link, why, group, find);
        } catch (const std::exception& e) {
            spdlog::error("after dialling {}: {}", address, e.what());
        }
    });
}

void Groups::dialed(const std::string& address, std::optional<LinkId> link, const std::string& error,
                    const std::optional<Id>& group, const std::optional<std::uint64_t>& find) {
    if (group)
        if (Held* h = held(*group)) h->dialing = std::max(0, h->dialing - 1);
    if (find)
        if (PendingFind* f = pending_find(*find)) f->dialing = std::max(0, f->dialing - 1);
    if (!link) {
        spdlog::debug("overlay: {}", error);
        if (group) check_joins(Clock::now());
        if (find) check_finds(Clock::now());
        return;
    }
    Purpose purpose;
    if (group) purpose.groups.insert(*group);
    if (find) purpose.finds.insert(*find);
    if (auto p = peers_.find(*link); p != peers_.end()) {
        // A link it dialled us on, which the overlay keeps: the address
        // dialled reaches it all the same, and is where it listens.
        if (!p->second.outgoing) learn_address(p->second.key, address);
        return serve_purpose(*link, purpose);
    }
    // Open, but not yet reported: served once it is.
    if (!purposes_.count(*link) && purposes_.size() >= max_purposes) purposes_.erase(purposes_.begin());
    Purpose& later = purposes_[*link];
    later.groups.insert(purpose.groups.begin(), purpose.groups.end());
    later.finds.insert(purpose.finds.begin(), purpose.finds.end());
}

void Groups::serve_purpose(LinkId link, const Purpose& purpose) {
    for (const auto& id : purpose.groups) {
        Held* h = held(id);
        if (!h || !serving(*h)) continue;
        if (h->join) {
            if (h->join_links.size() < max_purposes && sync_.subscribe(link, id, *h->join)) h->join_links.insert(link);
        } else {
            sync_.subscribe(link, id);
        }
    }
    for (const auto number : purpose.finds)
        if (PendingFind* f = pending_find(number)) ask(link, *f);
}

// ---- the clock and the DHT -------------------------------------------------

void Groups::schedule_tick() {
    every(clock_, tick_interval, [this] { return closed_; }, [this] { tick(); }, "groups");
}

void Groups::tick() {
    const auto now = Clock::now();
    sync_.tick(now);
    if (now < next_slow_tick_) return;
    next_slow_tick_ = now + slow_tick_interval;
    std::vector<Id> ids;
    for (const auto& [id, h] : groups_) ids.push_back(id);
    for (const auto& id : ids) {
        Held* h = held(id);
        if (!h) continue;
        if (h->unsaved) {
            h->unsaved = false;
            std::vector<group::Event> all;
            for (const auto& e : h->log->arrival_order()) all.push_back(*h->log->get(e));
            save(*h, all);
        }
        discover(*h, now);
        review(*h, now);
    }
    check_joins(now);
    check_finds(now);
}

void Groups::review(Held& h, Clock::time_point now) {
    if (h.record.status != Membership::member) return;
    if (h.stale && now - h.reviewed < std::chrono::seconds(10)) return;
    h.reviewed = now;
    const auto* s = folded(h);
    if (!s || !s->is_member(identity_.public_key())) return;
    review_decisions(h, *s);
    review_plans(h, *s);
}

void Groups::discover(Held& h, Clock::time_point now) {
    if (!serving(h)) return;
    if (h.lookup_running && now - h.lookup_started > lookup_give_up) h.lookup_running = false;
    if (h.lookup_running || now < h.next_lookup) return;
    const Id id = h.record.group;
    const bool lonely = sync_.subscribers(id).empty();
    if (lonely) {
        h.lonely_wait = std::clamp<Clock::duration>(h.lonely_wait * 2, lonely_first, lonely_last);
        h.next_lookup = now + h.lonely_wait;
    } else {
        h.lonely_wait = {};
        h.next_lookup = now + lookup_interval;
    }
    // The engine announces again by itself until withdrawn.
    if (h.record.status == Membership::member && h.announced.empty()) announce(h);
    if (lonely)
        for (const auto& a : member_addresses(h, max_group_addresses_kept)) dial(a, id, std::nullopt);
    lookup(id);
}

void Groups::announce(Held& h) {
    const int port = overlay_.endpoint().port;
    std::vector<std::string> topics = {group::topic_of_group(h.record.group)};
    if (const auto* s = folded(h); s && s->open)
        for (const auto& tag : s->topics) topics.push_back(group::topic_of_tag(tag));
    for (const auto& t : topics) {
        try {
            topics_.announce(t, port);
            h.announced.insert(t);
        } catch (const std::exception& e) {
            spdlog::warn("group {}: cannot announce it on the DHT: {}", group::hex(h.record.group), e.what());
        }
    }
}

void Groups::withdraw(Held& h) {
    for (const auto& t : std::exchange(h.announced, {})) {
        // A topic another group of ours still carries stays announced.
        bool shared = false;
        for (const auto& [id, other] : groups_)
            if (&other != &h && other.announced.count(t)) shared = true;
        if (shared) continue;
        try {
            topics_.withdraw(t);
        } catch (const std::exception& e) {
            spdlog::warn("cannot withdraw a DHT topic: {}", e.what());
        }
    }
}

void Groups::lookup(const Id& group) {
    Held* h = held(group);
    if (!h) return;
    h->lookup_running = true;
    h->lookup_started = Clock::now();
    std::weak_ptr<int> alive = alive_;
    auto dialled = std::make_shared<int>(0);
    auto found = [this, alive, group, dialled](std::vector<Endpoint> endpoints) {
        if (alive.expired() || closed_) return;
        try {
            for (const auto& e : endpoints) {
                if (*dialled >= max_dials_per_lookup) break;
                ++*dialled;
                dial(e.to_string(), group, std::nullopt);
            }
        } catch (const std::exception& e) {
            spdlog::error("group {}: after a DHT lookup: {}", group::hex(group), e.what());
        }
    };
    auto done = [this, alive, group] {
        if (alive.expired() || closed_) return;
        if (Held* g = held(group)) g->lookup_running = false;
        check_joins(Clock::now());
    };
    try {
        topics_.lookup(group::topic_of_group(group), found, done);
    } catch (const std::exception& e) {
        h->lookup_running = false;
        spdlog::warn("group {}: cannot look it up on the DHT: {}", group::hex(group), e.what());
    }
}

}  // namespace coop::agent
