// group.join (by invite, or an open group found by tag) and group.find.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/agent/groups.hpp"
#include "core/ascii.hpp"
#include "core/group/invite.hpp"
#include "core/group/topic.hpp"

namespace coop::agent {

using group::Id;
using group::Membership;
using group::sync::RefuseReason;
using nlohmann::json;

namespace {

constexpr std::size_t max_pending_joins = 16;
constexpr std::size_t max_pending_finds = 16;
constexpr std::size_t max_found_kept = 256;
constexpr int max_find_dials = 32;

std::int64_t seconds_param(const json& params, const char* name, std::int64_t fallback, std::int64_t max) {
    const std::int64_t v = params.value(name, fallback);
    if (v < 1 || v > max)
        throw RpcFailure(rpc::bad_input, std::string(name) + " must be 1 to " + std::to_string(max) + " seconds");
    return v;
}

// What a refusal tells the user, and how telling it is (lower: more).
std::pair<int, std::string> refusal_text(RefuseReason reason) {
    switch (reason) {
        case RefuseReason::invite_used:
            return {0, "the invite was used already (it was for one person); ask a member for a new one"};
        case RefuseReason::invite_expired: return {1, "the invite expired; ask a member for a new one"};
        case RefuseReason::invite_invalid:
            return {2, "the invite is not valid there (forged, for another group, or its inviter is no longer a "
                       "member); ask a member for a new one"};
        case RefuseReason::not_member:
            return {3, "the group is closed: it takes members and people with an invite only"};
        case RefuseReason::bad_join: return {4, "our join was refused as malformed; ask for a new invite"};
        case RefuseReason::too_many_groups:
            return {5, "the member syncs as many groups with us as it allows; try again later"};
        case RefuseReason::unknown_group:
            return {6, "the agents reached do not hold the group (its members are elsewhere, or the id is wrong)"};
    }
    return {7, "refused (" + group::sync::to_string(reason) + ")"};
}

}  // namespace

void Groups::join(const CallPtr& call) {
    const auto& p = call->params();
    const std::int64_t wait_s = seconds_param(p, "wait_s", 30, 600);
    std::optional<group::Invite> invite;
    std::vector<std::string> addresses;
    Id id{};
    if (p.contains("token")) {
        std::string why;
        auto token = group::decode_token(call->string_param("token"), &why);
        if (!token) throw RpcFailure(rpc::bad_input, why);
        if (token->invite.expired_at(now_ms()))
            throw RpcFailure(rpc::not_member, "the invite expired; ask a member for a new one");
        invite = token->invite;
        id = invite->group;
        addresses = token->addresses;
    } else if (p.contains("group")) {
        const std::string given = ascii_lower(call->string_param("group"));
        std::vector<Id> matches;
        for (const auto& [gid, f] : found_)
            if (group::hex(gid).rfind(given, 0) == 0) matches.push_back(gid);
        if (matches.empty())
            if (auto full = group::parse_id(given)) matches.push_back(*full);
        if (matches.empty())
            throw RpcFailure(rpc::not_found, "no group found with id '" + given +
                                                 "'; look for one with coop group find TAG, or join with an invite");
        if (matches.size() > 1)
            throw RpcFailure(rpc::ambiguous, "id '" + given + "' matches " + std::to_string(matches.size()) +
                                                 " groups found; give more of the id");
        id = matches.front();
        if (auto it = found_.find(id); it != found_.end())
            addresses.assign(it->second.peers.begin(), it->second.peers.end());
    } else {
        throw RpcFailure(rpc::invalid_params, "group.join needs a token (coop-invite:...) or a group id from group.find");
    }

    Held* h = held(id);
    if (h && h->record.status == Membership::member) {
        if (const auto* s = folded(*h); s && s->is_member(identity_.public_key()))
            return call->reply({{"group", group::hex(id)}, {"name", s->name}, {"events", h->log->size()}});
    }
    if (joins_.size() >= max_pending_joins)
        throw RpcFailure(rpc::bad_input, "this agent is already waiting for " + std::to_string(max_pending_joins) +
                                             " joins; wait for them first");

    const std::string body = group::to_body(group::JoinBody{invite});
    // A join already sent stays ours unless everyone refused it: two
    // different joins would be two events with one sequence number.
    const bool replace = !h || !h->join || h->join_links.empty() ||
                         std::all_of(h->join_links.begin(), h->join_links.end(),
                                     [&](LinkId l) { return h->refusals.count(l) || !peers_.count(l); });
    if (!h) h = &add_held({id, "", Membership::joining, now_ms(), json::object()});
    if (replace) {
        // A newcomer's join names the genesis, the only event it knows; one
        // back after leaving carries on its own history.
        const auto next = h->log->next_for(identity_.public_key(), now_ms());
        const std::vector<Id> parents = h->log->has(id) ? next.parents : std::vector<Id>{id};
        const std::uint64_t seq = h->log->has(id) ? next.seq : 1;
        h->join = group::make_event(identity_, id, seq, next.time_ms, group::Kind::join, parents, body);
        h->join_links.clear();
        h->refusals.clear();
    }
    h->record.status = Membership::joining;
    const std::string raw = h->join->encode();
    h->record.settings["join"] = coop::to_hex(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size());
    for (auto it = addresses.rbegin(); it != addresses.rend(); ++it) remember_address(*h, *it);
    put_record(*h);
    h->tried.clear();

    joins_.push_back({call, id, wait_s, Clock::now() + std::chrono::seconds(wait_s)});
    std::weak_ptr<Call> weak = call;
    call->on_disconnect([this, weak] {
        // Joining goes on in the background: coop group list shows it.
        const auto gone = weak.lock();
        joins_.remove_if([&](const PendingJoin& j) { return j.call == gone; });
    });
    spdlog::info("joining group {}: trying {} addresses and the DHT", group::hex(id), addresses.size());
    for (const auto& a : addresses) dial(a, id, std::nullopt);
    if (Held* again = held(id)) {
        if (!again->lookup_running) lookup(id);
        again->next_lookup = Clock::now() + std::chrono::seconds(10);
        join_progress(*again);
    }
}

void Groups::join_progress(Held& h) {
    const Id id = h.record.group;
    std::size_t linked = 0;
    for (const auto l : h.join_links) linked += peers_.count(l);
    for (auto& j : joins_)
        if (j.group == id)
            j.call->notify("group.progress", {{"group", group::hex(id)}, {"events", h.log->size()}, {"peers", linked}});
    const auto* s = folded(h);
    if (!s) return;
    if (s->is_member(identity_.public_key())) return became_member(h);
    if (s->applicants.count(group::hex(identity_.public_key()))) {
        // Admission by vote: we applied, and stay joining until a vote
        // admits us (the fold then makes us a member, and this says so).
        for (auto it = joins_.begin(); it != joins_.end();) {
            if (it->group != id) {
                ++it;
                continue;
            }
            it->call->reply({{"group", group::hex(id)}, {"name", s->name}, {"events", h.log->size()}, {"applied", true}});
            it = joins_.erase(it);
        }
        return;
    }
    if (h.join && h.log->has(h.join->id())) {
        // Our join is in the log, and the group's rules ignore it: someone
        // used the invite first in the canonical order.
        finish_joins(id, "the group's history did not accept our join: the invite was used first by someone else, or "
                         "expired; ask a member for a new one",
                     rpc::not_member);
        forget_group(id, true);
    }
}

std::optional<Groups::JoinFailure> Groups::join_failure(const Held& h, bool at_deadline, std::int64_t wait_s) const {
    if (!h.join) return std::nullopt;
    std::size_t open = 0;
    for (const auto l : h.join_links)
        if (peers_.count(l) && !h.refusals.count(l)) ++open;
    const bool settled = h.dialing == 0 && !h.lookup_running;
    const bool all_refused = !h.refusals.empty() && open == 0 && settled;
    if (!all_refused && !at_deadline) return std::nullopt;

    if (!h.refusals.empty() && open == 0) {
        std::pair<int, std::string> best{99, ""};
        for (const auto& [link, reason] : h.refusals) best = std::min(best, refusal_text(reason));
        return JoinFailure{"the group refused us: " + best.second, rpc::not_member, all_refused};
    }
    const std::string waited = std::to_string(wait_s) + " s";
    const std::string background = "; the agent keeps trying (coop group list shows it joining)";
    if (open == 0) {
        std::string tried;
        for (const auto& a : h.tried) tried += (tried.empty() ? "" : ", ") + a;
        return JoinFailure{"nobody in the group was reachable within " + waited +
                               (tried.empty() ? " (the invite named no address and the DHT found no one)"
                                              : " (tried " + tried + ", and the DHT)") +
                               background,
                           rpc::not_found, false};
    }
    return JoinFailure{"linked to " + std::to_string(open) + " member" + (open == 1 ? "" : "s") +
                           ", but the group's log did not arrive within " + waited + background,
                       rpc::not_found, false};
}

void Groups::check_joins(Clock::time_point now) {
    std::set<Id> forget;
    for (auto it = joins_.begin(); it != joins_.end();) {
        const Held* h = held(it->group);
        std::optional<JoinFailure> failure;
        if (!h) failure = JoinFailure{"the group was removed while joining", rpc::not_found, false};
        else failure = join_failure(*h, now >= it->deadline, it->wait_s);
        if (!failure) {
            ++it;
            continue;
        }
        spdlog::info("joining group {}: {}", group::hex(it->group), failure->message);
        it->call->fail(failure->code, failure->message);
        if (failure->refused) forget.insert(it->group);
        it = joins_.erase(it);
    }
    // Refused by everyone: nothing to wait for; a new invite starts afresh.
    for (const auto& id : forget) {
        Held* h = held(id);
        if (!h || h->record.status != Membership::joining) continue;
        if (!h->log->has(id)) {
            forget_group(id, true);
            continue;
        }
        // Back to where it was before this try: left, with its history.
        h->record.status = Membership::left;
        h->record.settings.erase("join");
        h->join.reset();
        put_record(*h);
        forget_group(id, false);
    }
}

void Groups::finish_joins(const Id& group, const std::optional<std::string>& failure, int code) {
    const Held* h = held(group);
    for (auto it = joins_.begin(); it != joins_.end();) {
        if (it->group != group) {
            ++it;
            continue;
        }
        if (failure)
            it->call->fail(code, *failure);
        else
            it->call->reply({{"group", group::hex(group)},
                             {"name", h ? h->record.name : ""},
                             {"events", h ? h->log->size() : 0}});
        it = joins_.erase(it);
    }
}

// ---- find -------------------------------------------------------------------

Groups::PendingFind* Groups::pending_find(std::uint64_t number) {
    for (auto& f : finds_)
        if (f.number == number) return &f;
    return nullptr;
}

void Groups::ask(LinkId link, PendingFind& f) {
    if (f.asked.count(link)) return;
    const bool waiting = std::any_of(finds_.begin(), finds_.end(), [&](const PendingFind& g) {
        return &g != &f && g.tag == f.tag && g.asked.count(link) && !g.answered.count(link);
    });
    if (waiting || sync_.find(link, f.tag)) f.asked.insert(link);
}

void Groups::find(const CallPtr& call) {
    const std::string tag = call->string_param("tag");
    if (!group::sync::valid_label(tag, group::max_tag_bytes))
        throw RpcFailure(rpc::bad_input, "a tag is 1 to " + std::to_string(group::max_tag_bytes) + " bytes on one line");
    const std::int64_t wait_s = seconds_param(call->params(), "wait_s", 5, 60);
    if (finds_.size() >= max_pending_finds)
        throw RpcFailure(rpc::bad_input, "this agent is already running " + std::to_string(max_pending_finds) +
                                             " searches; wait for them first");
    const std::uint64_t number = next_find_++;
    PendingFind& pending = finds_.emplace_back();
    pending.number = number;
    pending.call = call;
    pending.tag = tag;
    pending.deadline = Clock::now() + std::chrono::seconds(wait_s);
    std::weak_ptr<Call> weak = call;
    call->on_disconnect([this, weak] {
        const auto gone = weak.lock();
        finds_.remove_if([&](const PendingFind& f) { return f.call == gone; });
    });
    // The agents we are linked to may hold such groups too.
    for (const auto& [link, p] : peers_)
        if (PendingFind* f = pending_find(number)) ask(link, *f);

    std::weak_ptr<int> alive = alive_;
    auto dialled = std::make_shared<int>(0);
    auto found = [this, alive, number, dialled](std::vector<Endpoint> endpoints) {
        if (alive.expired() || closed_ || !pending_find(number)) return;
        try {
            for (const auto& e : endpoints) {
                if (*dialled >= max_find_dials) break;
                ++*dialled;
                dial(e.to_string(), std::nullopt, number);
            }
        } catch (const std::exception& e) {
            spdlog::error("group.find: after a DHT lookup: {}", e.what());
        }
    };
    auto done = [this, alive, number] {
        if (alive.expired() || closed_) return;
        if (PendingFind* f = pending_find(number)) f->lookup_done = true;
        check_finds(Clock::now());
    };
    try {
        topics_.lookup(group::topic_of_tag(tag), found, done);
    } catch (const std::exception& e) {
        spdlog::warn("group.find: cannot look up '{}' on the DHT: {}", tag, e.what());
        if (PendingFind* f = pending_find(number)) f->lookup_done = true;
    }
}

void Groups::check_finds(Clock::time_point now) {
    for (auto it = finds_.begin(); it != finds_.end();) {
        const bool all_answered = std::all_of(it->asked.begin(), it->asked.end(),
                                              [&](LinkId l) { return it->answered.count(l) || !peers_.count(l); });
        if (now < it->deadline && !(it->lookup_done && it->dialing == 0 && all_answered)) {
            ++it;
            continue;
        }
        answer_find(*it);
        it = finds_.erase(it);
    }
}

void Groups::answer_find(PendingFind& f) {
    json out = json::array();
    for (auto& [id, g] : f.groups) {
        // Where those that answered listen: the address we dialled them at.
        g.peers.clear();
        for (const auto& key : g.answered_by) {
            std::string address = address_of(key);
            for (const auto& [link, p] : peers_)
                if (p.key == key && p.outgoing) address = p.remote;
            if (!address.empty() && std::find(g.peers.begin(), g.peers.end(), address) == g.peers.end())
                g.peers.push_back(address);
        }
        std::sort(g.peers.begin(), g.peers.end());
        out.push_back({{"group", group::hex(id)},
                       {"name", g.summary.name},
                       {"about", g.summary.about},
                       {"topics", g.summary.topics},
                       {"members", g.summary.members},
                       {"peers", g.peers}});
        if (!found_.count(id) && found_.size() >= max_found_kept) found_.erase(found_.begin());
        found_[id] = g;
    }
    f.call->reply({{"groups", out}});
}

}  // namespace coop::agent
