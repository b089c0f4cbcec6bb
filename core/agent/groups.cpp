// The groups we hold, in memory and in the store, and the sync host they
// need. The links and the DHT are in group_links.cpp.
#include "core/agent/groups.hpp"

#include <arpa/inet.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/ascii.hpp"
#include "core/group/fold.hpp"
#include "core/overlay/reason_text.hpp"

namespace coop::agent {

using group::Id;
using group::Membership;
using nlohmann::json;

Groups::Groups(boost::asio::io_context& io, Store& store, const Identity& identity, OverlayNode& overlay,
               TopicDirectory topics, group::SyncOptions sync_options)
    : io_(io),
      store_(store),
      events_(store.database()),
      identity_(identity),
      overlay_(overlay),
      topics_(std::move(topics)),
      sync_(identity.public_key(), *this, sync_options),
      clock_(io) {}

Groups::~Groups() { close(); }

void Groups::start() {
    for (auto& record : events_.groups()) {
        const Id id = record.group;
        Held& h = add_held(std::move(record));
        for (const auto& e : events_.load(id)) {
            const auto r = h.log->add(e);
            if (!r.accepted() && r.status != group::AddResult::Status::duplicate)
                spdlog::warn("group {}: a stored event is refused ({}); skipping it", group::hex(id), r.reason);
        }
        if (h.record.status == Membership::joining) {
            if (auto it = h.record.settings.find("join"); it != h.record.settings.end() && it->is_string()) {
                std::string raw;
                const auto& text = it->get_ref<const std::string&>();
                raw.resize(text.size() / 2);
                if (group::hex_to_bytes(text, reinterpret_cast<std::uint8_t*>(raw.data()), raw.size()))
                    h.join = group::Event::decode(raw);
            }
            if (const auto* s = folded(h); s && s->is_member(identity_.public_key())) became_member(h);
        }
        spdlog::info("group {} ({}): {} events, {}", group::hex(id), h.record.name, h.log->size(),
                     group::to_string(h.record.status));
    }
    // The engine's clock starts now: a deadline set before its first tick
    // would be counted from the clock's zero and expire at once.
    sync_.tick(group::SyncClock::now());
    schedule_tick();
}

void Groups::register_methods(RpcServer& server) {
    using Method = void (Groups::*)(const CallPtr&);
    const std::pair<const char*, Method> methods[] = {
        {"group.create", &Groups::create},   {"group.list", &Groups::list},       {"group.show", &Groups::show},
        {"group.invite", &Groups::invite},   {"group.join", &Groups::join},       {"group.leave", &Groups::leave},
        {"group.members", &Groups::members}, {"group.find", &Groups::find},       {"group.post", &Groups::post},
        {"group.log", &Groups::history},     {"group.catalog", &Groups::catalog}, {"group.share", &Groups::share},
        {"group.retract", &Groups::retract}, {"vote.propose", &Groups::propose}, {"vote.cast", &Groups::cast},
        {"vote.list", &Groups::decisions},   {"vote.show", &Groups::decision},
        {"plan.start", &Groups::plan_start}, {"plan.offer", &Groups::plan_offer}, {"plan.request", &Groups::plan_request},
        {"plan.close", &Groups::plan_close}, {"plan.show", &Groups::plan_show},
    };
    for (const auto& [name, method] : methods)
        server.handle(name, [this, method](const CallPtr& call) {
            if (closed_) throw RpcFailure(rpc::shutting_down, "the agent is shutting down; try again once it is back");
            (this->*method)(call);
        });
}

void Groups::close() {
    if (std::exchange(closed_, true)) return;
    clock_.cancel();
    probing_.stop();
    probing_.join();
    const std::string why = "the agent is shutting down";
    for (auto& j : std::exchange(joins_, {}))
        j.call->fail(rpc::shutting_down, why + "; it goes on joining when it starts again (coop group list)");
    for (auto& f : std::exchange(finds_, {})) f.call->fail(rpc::shutting_down, why + "; search again later");
    for (auto& f : std::exchange(follows_, {})) f.call->fail(rpc::shutting_down, why);
}

// ---- the groups we hold ----------------------------------------------------

Groups::Held* Groups::held(const Id& group) {
    auto it = groups_.find(group);
    return it == groups_.end() ? nullptr : &it->second;
}

const Groups::Held* Groups::held(const Id& group) const {
    auto it = groups_.find(group);
    return it == groups_.end() ? nullptr : &it->second;
}

Groups::Held& Groups::add_held(group::GroupRecord record) {
    const Id id = record.group;
    Held& h = groups_[id];
    h.record = std::move(record);
    if (!h.log) h.log = std::make_unique<group::GroupLog>(id);
    h.stale = h.members_stale = true;
    return h;
}

const group::GroupState* Groups::folded(Held& h) {
    if (!h.log->has(h.record.group)) return nullptr;
    if (h.stale || !h.folded) {
        h.folded = group::fold(*h.log);
        h.stale = h.members_stale = false;
    }
    return &*h.folded;
}

const group::GroupState* Groups::folded_for_access(Held& h) {
    if (h.members_stale || !h.folded) return folded(h);
    return &*h.folded;
}

void Groups::changed(Held& h, const std::vector<group::Event>& events) {
    h.stale = true;
    for (const auto& e : events)
        if (e.kind != group::Kind::post && e.kind != group::Kind::share && e.kind != group::Kind::retract)
            h.members_stale = true;
}

bool Groups::serving(const Held& h) const { return h.record.status != Membership::left; }

Groups::Held& Groups::resolve(const std::string& given) {
    std::vector<Held*> matches;
    for (auto& [id, h] : groups_)
        if (h.record.name == given) matches.push_back(&h);
    if (matches.empty() && is_hex(given)) {
        const std::string prefix = ascii_lower(given);
        for (auto& [id, h] : groups_)
            if (group::hex(id).rfind(prefix, 0) == 0) matches.push_back(&h);
    }
    if (matches.size() == 1) return *matches.front();
    if (matches.empty())
        throw RpcFailure(rpc::not_found, "no group '" + given +
                                             "' here; coop group list shows yours (join one with coop group join TOKEN)");
    std::string list;
    for (const Held* h : matches)
        list += (list.empty() ? "" : ", ") + group::hex(h->record.group).substr(0, 12) + " (" + h->record.name + ")";
    throw RpcFailure(rpc::ambiguous, "group '" + given + "' matches " + list + "; give more of the id");
}

Groups::Held& Groups::resolve_member(const std::string& given) {
    Held& h = resolve(given);
    const std::string name = h.record.name.empty() ? group::hex(h.record.group).substr(0, 12) : h.record.name;
    if (h.record.status == Membership::joining)
        throw RpcFailure(rpc::not_member, "still joining " + name +
                                              ": its log has not arrived yet (coop group list shows it joining)");
    if (h.record.status == Membership::left)
        throw RpcFailure(rpc::not_member, "you left " + name + "; join it again with a new invite");
    return h;
}

const group::GroupState& Groups::arrived(Held& h) {
    if (const auto* s = folded(h)) return *s;
    throw RpcFailure(rpc::not_found, "still joining " + group::hex(h.record.group).substr(0, 12) +
                                         ": its log has not arrived yet (coop group list shows it joining)");
}

void Groups::put_record(Held& h) {
    try {
        events_.put_group(h.record);
    } catch (const std::exception& e) {
        spdlog::error("group {}: cannot save its record: {}", group::hex(h.record.group), e.what());
    }
}

void Groups::save(Held& h, const std::vector<group::Event>& events, group::EventStore::Durability durability) {
    try {
        events_.save_all(h.record.group, events, durability);
    } catch (const std::exception& e) {
        // In the log but not on disk: retried on the clock, and never lost
        // while the agent runs.
        h.unsaved = true;
        spdlog::error("group {}: cannot save {} events: {}", group::hex(h.record.group), events.size(), e.what());
    }
}

group::Event Groups::publish(Held& h, group::Kind kind, std::string body) {
    auto made = h.log->append(identity_, kind, std::move(body), now_ms());
    if (!made.result.accepted())
        throw RpcFailure(rpc::internal_error, "our own event was refused: " + made.result.reason);
    save(h, {made.event});
    if (h.unsaved) throw RpcFailure(rpc::io_error, "cannot save the event (see coopd.log); free some disk space");
    changed(h, {made.event});
    const Id id = made.result.id;
    sync_.published(h.record.group, {id});
    notify_follows(h.record.group, {id});
    return made.event;
}

void Groups::became_member(Held& h) {
    h.record.status = Membership::member;
    if (const auto* s = folded(h)) h.record.name = s->name;
    h.record.settings.erase("join");
    put_record(h);
    h.join.reset();
    h.join_links.clear();
    h.refusals.clear();
    h.next_lookup = Clock::now();  // announce ourselves, and find the other members
    h.lonely_wait = {};
    spdlog::info("joined group {} ({}): {} events", group::hex(h.record.group), h.record.name, h.log->size());
    finish_joins(h.record.group, std::nullopt, 0);
}

void Groups::forget_group(const Id& group, bool remove) {
    Held* h = held(group);
    if (!h) return;
    withdraw(*h);
    sync_.forget(group);
    end_follows(group);
    if (!remove) return;
    try {
        events_.remove_group(group);
    } catch (const std::exception& e) {
        spdlog::error("group {}: cannot remove it from the store: {}", group::hex(group), e.what());
    }
    groups_.erase(group);
}

// ---- where members are ---------------------------------------------------

bool Groups::online(const Identity::PublicKey& key) const {
    return std::any_of(peers_.begin(), peers_.end(), [&](const auto& p) { return p.second.key == key; });
}

std::string Groups::address_of(const Identity::PublicKey& key) const {
    auto it = addresses_.find(key);
    return it == addresses_.end() ? "" : it->second;
}

void Groups::learn_address(const Identity::PublicKey& key, const std::string& address) {
    if (addresses_.size() >= max_known_addresses && !addresses_.count(key)) addresses_.erase(addresses_.begin());
    addresses_[key] = address;
}

void Groups::remember_address(Held& h, const std::string& address) {
    json& list = h.record.settings["addresses"];
    if (!list.is_array()) list = json::array();
    if (!list.empty() && list.front() == address) return;
    json updated = json::array({address});
    for (const auto& a : list)
        if (a.is_string() && a != address && updated.size() < max_group_addresses_kept) updated.push_back(a);
    list = std::move(updated);
    put_record(h);
}

std::vector<std::string> reachable_addresses(const Endpoint& listen, const std::vector<std::string>& interfaces,
                                             std::size_t max) {
    if (!listen.is_unspecified()) return max > 0 ? std::vector<std::string>{listen.to_string()} : std::vector<std::string>{};
    // Ranked: the listener's own family, then IPv4 on a dual-stack ::, then loopback.
    std::vector<std::pair<int, std::string>> ranked;
    for (const auto& text : interfaces) {
        boost::system::error_code ec;
        const auto a = boost::asio::ip::make_address(text, ec);
        if (ec || a.is_unspecified() || a.is_multicast()) continue;
        if (a.is_v6() && (a.to_v6().is_link_local() || a.to_v6().is_v4_mapped())) continue;
        if (a.is_v6() && !listen.is_v6()) continue;  // 0.0.0.0 takes IPv4 alone
        const int rank = a.is_loopback() ? 2 : a.is_v6() == listen.is_v6() ? 0 : 1;
        ranked.emplace_back(rank, Endpoint{a.to_string(), listen.port}.to_string());
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (auto& [rank, address] : ranked)
        if (out.size() < max && std::find(out.begin(), out.end(), address) == out.end()) out.push_back(std::move(address));
    return out;
}

std::vector<std::string> Groups::own_addresses(std::size_t max) const {
    const Endpoint listen = overlay_.endpoint();
    std::vector<std::string> interfaces;
    if (listen.is_unspecified()) {
        ifaddrs* list = nullptr;
        if (::getifaddrs(&list) != 0) {
            spdlog::warn("cannot list the network interfaces: {}; invites hold no address of ours", std::strerror(errno));
            return {};
        }
        for (const ifaddrs* i = list; i; i = i->ifa_next) {
            if (!i->ifa_addr || !(i->ifa_flags & IFF_UP)) continue;
            char text[INET6_ADDRSTRLEN] = {};
            if (i->ifa_addr->sa_family == AF_INET)
                ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text);
            else if (i->ifa_addr->sa_family == AF_INET6)
                ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr, text, sizeof text);
            if (text[0]) interfaces.emplace_back(text);
        }
        ::freeifaddrs(list);
    }
    return reachable_addresses(listen, interfaces, max);
}

std::vector<std::string> Groups::member_addresses(Held& h, std::size_t max) {
    std::vector<std::string> out;
    auto add = [&](const std::string& a) {
        if (!a.empty() && out.size() < max && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    };
    if (const auto* s = folded(h)) {
        for (const auto& [link, p] : peers_)
            if (p.outgoing && s->is_member(p.key)) add(p.remote);
        for (const auto& [key, address] : addresses_)
            if (s->is_member(key)) add(address);
    }
    if (auto it = h.record.settings.find("addresses"); it != h.record.settings.end() && it->is_array())
        for (const auto& a : *it)
            if (a.is_string()) add(a.get<std::string>());
    return out;
}

// ---- the sync host ---------------------------------------------------------

group::GroupLog* Groups::log(const Id& group) {
    Held* h = held(group);
    return h && serving(*h) ? h->log.get() : nullptr;
}

const group::GroupState* Groups::state(const Id& group) {
    Held* h = held(group);
    return h && serving(*h) ? folded_for_access(*h) : nullptr;
}

std::vector<group::GroupSummary> Groups::open_groups_with_tag(const std::string& tag) {
    std::vector<group::GroupSummary> out;
    for (auto& [id, h] : groups_) {
        if (h.record.status != Membership::member) continue;
        const auto* s = folded_for_access(h);
        if (!s || !s->open || std::find(s->topics.begin(), s->topics.end(), tag) == s->topics.end()) continue;
        out.push_back({id, s->name, s->about, s->topics, static_cast<std::uint32_t>(s->members.size())});
    }
    return out;
}

void Groups::accepted(const Id& group, const std::vector<Id>& ids) {
    Held* h = held(group);
    if (!h) return;
    std::vector<group::Event> events;
    events.reserve(ids.size());
    for (const auto& id : ids)
        if (const auto* e = h->log->get(id)) events.push_back(*e);
    save(*h, events, group::EventStore::Durability::crash);  // before the engine passes them on
    changed(*h, events);
    notify_follows(group, ids);
    if (h->record.status != Membership::joining) return;
    // Joining ends outside the engine's call: it may forget the group.
    std::weak_ptr<int> alive = alive_;
    boost::asio::post(io_, [this, alive, group] {
        if (alive.expired() || closed_) return;
        if (Held* j = held(group); j && j->record.status == Membership::joining) join_progress(*j);
    });
}

void Groups::send(group::PeerId peer, std::string frame) { overlay_.send(peer, std::move(frame)); }

void Groups::drop(group::PeerId peer, const std::string& reason) {
    auto it = peers_.find(peer);
    spdlog::info("dropping the link to {}: {}", it == peers_.end() ? "?" : overlay::short_key(it->second.key), reason);
    overlay_.drop(peer, reason);
}

void Groups::found(const std::string& tag, group::PeerId peer, std::vector<group::GroupSummary> groups) {
    auto p = peers_.find(peer);
    if (p == peers_.end()) return;
    for (auto& f : finds_) {
        if (f.tag != tag || !f.asked.count(peer)) continue;
        f.answered.insert(peer);
        for (const auto& g : groups) {
            if (const Held* mine = held(g.id); mine && serving(*mine)) continue;  // ours already
            if (!f.groups.count(g.id) && f.groups.size() >= group::sync::max_found_groups * 8) break;
            FoundGroup& entry = f.groups[g.id];
            if (entry.summary.name.empty() || g.members > entry.summary.members) entry.summary = g;
            if (entry.answered_by.size() < max_group_addresses_kept) entry.answered_by.insert(p->second.key);
        }
    }
    std::weak_ptr<int> alive = alive_;
    boost::asio::post(io_, [this, alive] {
        if (!alive.expired() && !closed_) check_finds(Clock::now());
    });
}

void Groups::refused(group::PeerId peer, const Id& group, group::sync::RefuseReason reason) {
    auto p = peers_.find(peer);
    spdlog::info("{} refused group {}: {}", p == peers_.end() ? "?" : overlay::short_key(p->second.key),
                 group::hex(group), group::sync::to_string(reason));
    Held* h = held(group);
    if (!h || !h->join || !h->join_links.count(peer)) return;
    h->refusals[peer] = reason;
    std::weak_ptr<int> alive = alive_;
    boost::asio::post(io_, [this, alive] {
        if (!alive.expired() && !closed_) check_joins(Clock::now());
    });
}

// ---- status ------------------------------------------------------------------

json Groups::overlay_status() const {
    const auto& t = overlay_.totals();
    return {{"listen", overlay_.endpoint().to_string()},
            {"links", overlay_.links().size()},
            {"bytes_in", t.traffic.bytes_in},
            {"bytes_out", t.traffic.bytes_out},
            {"frames_in", t.traffic.frames_in},
            {"frames_out", t.traffic.frames_out},
            {"faults",
             {{"bad_frames", t.faults.bad_frames},
              {"oversize", t.faults.oversize},
              {"auth_failed", t.faults.auth_failed},
              {"timeouts", t.faults.timeouts},
              {"send_queue_full", t.faults.send_queue_full},
              {"refused", t.faults.refused}}},
            {"refused", overlay_.refused()}};
}

json Groups::sync_status() const {
    json j = sync_.counters().to_json();
    j["groups"] = groups_.size();
    return j;
}

}  // namespace coop::agent
