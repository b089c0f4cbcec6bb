// group.create, list, show, invite, leave, members, post and log.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/agent/groups.hpp"
#include "core/group/body_vote.hpp"
#include "core/group/invite.hpp"

namespace coop::agent {

using group::Id;
using group::Kind;
using group::Membership;
using nlohmann::json;

namespace {

constexpr std::int64_t max_expires_s = 10LL * 365 * 24 * 3600;
constexpr std::size_t max_log_limit = 1'000'000;
constexpr std::size_t max_follows = 64;
// An answer is one line the client reads whole (at most 1 MiB).
constexpr std::size_t max_answer_bytes = 768 * 1024;

const Kind known_kinds[] = {Kind::genesis, Kind::join,   Kind::leave,         Kind::post,     Kind::share,
                            Kind::retract, Kind::remove, Kind::ledger_record, Kind::capacity, Kind::ledger_proof,
                            Kind::proposal, Kind::ballot, Kind::close, Kind::plan_offer, Kind::plan_request,
                            Kind::plan_start};

std::set<Kind> kinds_param(const json& params) {
    std::set<Kind> out;
    auto it = params.find("kinds");
    if (it == params.end()) return out;
    if (!it->is_array()) throw RpcFailure(rpc::invalid_params, "'kinds' must be a list of kinds, e.g. [\"post\"]");
    for (const auto& k : *it) {
        const auto* name = k.is_string() ? &k.get_ref<const std::string&>() : nullptr;
        auto known = std::find_if(std::begin(known_kinds), std::end(known_kinds),
                                  [&](Kind kind) { return name && group::to_string(kind) == *name; });
        if (known == std::end(known_kinds)) {
            std::string list;
            for (Kind kind : known_kinds) list += (list.empty() ? "" : ", ") + group::to_string(kind);
            throw RpcFailure(rpc::bad_input, "unknown kind " + k.dump() + "; kinds are " + list);
        }
        out.insert(*known);
    }
    return out;
}

template <typename Body>
std::string body_text(const Body& body) {
    try {
        return group::to_body(body);
    } catch (const json::type_error&) {
        throw RpcFailure(rpc::bad_input, "the text is not valid UTF-8");
    }
}

std::size_t live_entries(const group::GroupState& s) {
    return static_cast<std::size_t>(
        std::count_if(s.catalog.begin(), s.catalog.end(), [](const auto& e) { return !e.second.retracted; }));
}

}  // namespace

void Groups::create(const CallPtr& call) {
    const auto& p = call->params();
    group::GenesisBody body;
    body.name = call->string_param("name");
    body.about = p.value("about", std::string());
    body.topics = p.value("topics", std::vector<std::string>{});
    body.open = p.value("open", false);
    const std::string admission = p.value("admission", std::string("invite"));
    auto a = group::admission_from_name(admission);
    if (!a) throw RpcFailure(rpc::bad_input, "admission is invite or vote, not '" + admission + "'");
    if (*a == group::Admission::vote && body.open)
        throw RpcFailure(rpc::bad_input, "an open group lets anyone in; admission by vote is for closed groups");
    body.admission = *a;
    const std::string text = body_text(body);
    std::string why;
    if (!group::parse_genesis(text, &why)) throw RpcFailure(rpc::bad_input, why);
    for (const auto& [id, h] : groups_)
        if (h.record.status != Membership::left && h.record.name == body.name)
            throw RpcFailure(rpc::bad_input, "you already have a group named '" + body.name + "' (" +
                                                 group::hex(id).substr(0, 12) + "); choose another name");

    const auto genesis = group::make_genesis(identity_, now_ms(), text);
    const Id id = genesis.id();
    group::GroupRecord record{id, body.name, Membership::member, genesis.time_ms, json::object()};
    Held& h = add_held(record);
    if (auto r = h.log->add(genesis); !r.accepted()) {
        groups_.erase(id);
        throw RpcFailure(rpc::internal_error, "the new group's genesis was refused: " + r.reason);
    }
    save(h, {genesis});
    if (h.unsaved) {
        groups_.erase(id);
        throw RpcFailure(rpc::io_error, "cannot save the new group (see coopd.log); free some disk space");
    }
    put_record(h);
    h.next_lookup = Clock::now();  // announced on the next tick
    spdlog::info("created group {} ({}), {}", group::hex(id), body.name, body.open ? "open" : "closed");
    call->reply({{"group", group::hex(id)}, {"name", body.name}, {"open", body.open}});
}

void Groups::list(const CallPtr& call) {
    json out = json::array();
    for (auto& [id, h] : groups_) {
        json j = {{"group", group::hex(id)}, {"name", h.record.name},      {"status", group::to_string(h.record.status)},
                  {"open", false},           {"about", ""},                {"topics", json::array()},
                  {"members", 0},            {"online", 0},                {"catalog", 0},
                  {"events", h.log->size()}};
        if (const auto* s = folded(h)) {
            std::size_t on = 0;
            for (const auto& [key, m] : s->members)
                if (auto k = group::from_hex<32>(key); k && online(*k)) ++on;
            j["name"] = s->name;
            j["open"] = s->open;
            j["about"] = s->about;
            j["topics"] = s->topics;
            j["members"] = s->members.size();
            j["online"] = on;
            j["catalog"] = live_entries(*s);
        }
        out.push_back(std::move(j));
    }
    call->reply({{"groups", out}});
}

json Groups::members_json(Held& h) const {
    json out = json::array();
    if (!h.folded) return out;
    for (const auto& [key, m] : h.folded->members) {
        const auto k = group::from_hex<32>(key);
        out.push_back({{"key", key},
                       {"since", group::hex(m.since)},
                       {"joined_ms", m.joined_ms},
                       {"online", k && online(*k)},
                       {"you", k && *k == identity_.public_key()}});
    }
    return out;
}

void Groups::show(const CallPtr& call) {
    Held& h = resolve(call->string_param("group"));
    const auto* s = &arrived(h);
    json left = json::array();
    for (const auto& [key, d] : s->left) left.push_back(key);
    json on = json::array();
    std::set<Identity::PublicKey> listed;
    for (const auto& [link, p] : peers_)
        if (s->is_member(p.key) && listed.insert(p.key).second) {
            const std::string known = address_of(p.key);
            on.push_back({{"key", group::hex(p.key)}, {"address", p.outgoing || known.empty() ? p.remote : known}});
        }
    json heads = json::array();
    for (const auto& id : h.log->heads()) heads.push_back(group::hex(id));
    call->reply({{"group", group::hex(h.record.group)},
                 {"name", s->name},
                 {"about", s->about},
                 {"topics", s->topics},
                 {"open", s->open},
                 {"founder", group::hex(s->founder)},
                 {"members", members_json(h)},
                 {"admission", s->open ? "open" : group::to_string(s->admission)},
                 {"applicants", s->applicants},
                 {"left", left},
                 {"online", on},
                 {"catalog", live_entries(*s)},
                 {"chat", s->chat.size()},
                 {"events", s->events},
                 {"heads", heads},
                 {"ignored", s->ignored},
                 {"equivocators", s->equivocators},
                 {"state_hash", group::hex(group::hash_id(s->to_json().dump()))}});
}

void Groups::members(const CallPtr& call) {
    Held& h = resolve(call->string_param("group"));
    arrived(h);
    call->reply({{"members", members_json(h)}});
}

void Groups::invite(const CallPtr& call) {
    Held& h = resolve_member(call->string_param("group"));
    const auto* s = folded(h);
    if (!s || !s->is_member(identity_.public_key()))
        throw RpcFailure(rpc::not_member, "you are not a member of " + h.record.name + " any more");
    const auto& p = call->params();
    const std::int64_t expires_s = p.value("expires_s", std::int64_t{86400});
    const std::int64_t uses = p.value("uses", std::int64_t{1});
    if (expires_s < 0 || expires_s > max_expires_s)
        throw RpcFailure(rpc::bad_input, "expires_s must be 0 (never) or a number of seconds up to ten years");
    if (uses != 0 && uses != 1) throw RpcFailure(rpc::bad_input, "uses must be 1 (one person) or 0 (anyone holding it)");
    const std::int64_t expires_ms = expires_s == 0 ? 0 : now_ms() + expires_s * 1000;
    // Ours first: we are the one member surely there as the invite is made.
    std::vector<std::string> addresses = own_addresses(max_own_addresses);
    for (auto& a : member_addresses(h, group::max_token_addresses))
        if (addresses.size() < group::max_token_addresses && std::find(addresses.begin(), addresses.end(), a) == addresses.end())
            addresses.push_back(std::move(a));
    group::InviteToken token{group::make_invite(identity_, h.record.group, expires_ms, uses == 1), std::move(addresses)};
    std::string text;
    try {
        text = group::encode_token(token);
    } catch (const std::invalid_argument& e) {
        spdlog::warn("group {}: an invite without addresses ({})", h.record.name, e.what());
        token.addresses.clear();
        text = group::encode_token(token);
    }
    call->reply({{"token", text},
                 {"group", group::hex(h.record.group)},
                 {"expires_ms", expires_ms},
                 {"single_use", uses == 1},
                 {"addresses", token.addresses}});
}

void Groups::leave(const CallPtr& call) {
    Held& h = resolve(call->string_param("group"));
    const Id id = h.record.group;
    const std::string name = h.record.name;
    if (h.record.status == Membership::left) throw RpcFailure(rpc::bad_input, "you left " + name + " already");
    if (h.record.status == Membership::joining) {
        finish_joins(id, "you stopped joining it (coop group leave)", rpc::not_member);
        forget_group(id, true);
        spdlog::info("stopped joining group {}", group::hex(id));
        return call->reply({{"group", group::hex(id)}, {"name", name}});
    }
    if (const auto* s = folded(h); s && s->is_member(identity_.public_key())) publish(h, Kind::leave, "{}");
    h.record.status = Membership::left;
    put_record(h);
    forget_group(id, false);
    spdlog::info("left group {} ({})", group::hex(id), name);
    call->reply({{"group", group::hex(id)}, {"name", name}});
}

void Groups::post(const CallPtr& call) {
    Held& h = resolve_member(call->string_param("group"));
    const auto* s = folded_for_access(h);
    if (!s || !s->is_member(identity_.public_key()))
        throw RpcFailure(rpc::not_member, "you are not a member of " + h.record.name + " any more");
    const std::string given = call->string_param("text");
    if (auto problem = group::post_text_problem(given); !problem.empty()) throw RpcFailure(rpc::bad_input, problem);
    const std::string text = body_text(group::PostBody{given});
    std::string why;
    if (!group::parse_post(text, &why)) throw RpcFailure(rpc::bad_input, why);
    const auto e = publish(h, Kind::post, text);
    call->reply({{"group", group::hex(h.record.group)}, {"event", group::hex(e.id())}});
}

json Groups::event_json(const group::Event& e, const Id& id) const {
    json j = {{"event", group::hex(id)},
              {"kind", group::to_string(e.kind)},
              {"author", group::hex(e.author)},
              {"time_ms", e.time_ms},
              {"seq", e.seq}};
    switch (e.kind) {
        case Kind::post:
            if (auto b = group::parse_post(e.body)) j["text"] = b->text;
            break;
        case Kind::share:
            j["entry"] = group::hex(id);
            if (auto b = group::parse_share(e.body)) j["title"] = b->title;
            break;
        case Kind::retract:
            if (auto b = group::parse_retract(e.body)) j["entry"] = group::hex(b->entry);
            break;
        case Kind::genesis:
            if (auto b = group::parse_genesis(e.body)) j["name"] = b->name;
            break;
        case Kind::proposal:
            j["proposal"] = group::hex(id);
            if (auto b = group::parse_proposal(e.body)) j["title"] = b->title;
            break;
        case Kind::ballot:
            if (auto b = group::parse_ballot(e.body)) j["proposal"] = group::hex(b->proposal);
            break;
        case Kind::close:
            if (auto b = group::parse_close(e.body)) j["proposal"] = group::hex(b->of);
            break;
        default: break;
    }
    return j;
}

void Groups::history(const CallPtr& call) {
    Held& h = resolve(call->string_param("group"));
    const auto& p = call->params();
    const std::int64_t limit = p.value("limit", std::int64_t{100});
    if (limit < 1 || limit > static_cast<std::int64_t>(max_log_limit))
        throw RpcFailure(rpc::bad_input, "limit must be 1 to " + std::to_string(max_log_limit));
    const auto kinds = kinds_param(p);
    const bool follow = p.value("follow", false);
    if (follow && !serving(h))
        throw RpcFailure(rpc::not_member, "you left " + h.record.name + "; nothing new comes to it");
    if (follow && follows_.size() >= max_follows)
        throw RpcFailure(rpc::bad_input, "this agent already has " + std::to_string(max_follows) +
                                             " logs followed; stop one first");

    // The newest `limit` of the kinds asked for, oldest first.
    const auto order = h.log->canonical_order();
    std::vector<json> picked;
    std::size_t bytes = 0;
    for (auto it = order.rbegin(); it != order.rend() && picked.size() < static_cast<std::size_t>(limit); ++it) {
        const auto* e = h.log->get(*it);
        if (!kinds.empty() && !kinds.count(e->kind)) continue;
        json j = event_json(*e, *it);
        bytes += j.dump().size();
        if (bytes > max_answer_bytes) break;
        picked.push_back(std::move(j));
    }
    std::reverse(picked.begin(), picked.end());
    if (!follow) return call->reply({{"events", picked}});

    const std::string group_hex = group::hex(h.record.group);
    for (auto& j : picked) {
        j["group"] = group_hex;
        call->notify("group.event", std::move(j));
    }
    follows_.push_back({call, h.record.group, kinds});
    std::weak_ptr<Call> weak = call;
    call->on_disconnect([this, weak] {
        const auto gone = weak.lock();
        follows_.remove_if([&](const Follow& f) { return f.call == gone; });
    });
}

void Groups::notify_follows(const Id& group, const std::vector<Id>& ids) {
    const Held* h = held(group);
    if (!h) return;
    for (auto& f : follows_) {
        if (f.group != group) continue;
        for (const auto& id : ids) {
            const auto* e = h->log->get(id);
            if (!e || (!f.kinds.empty() && !f.kinds.count(e->kind))) continue;
            json j = event_json(*e, id);
            j["group"] = group::hex(group);
            f.call->notify("group.event", std::move(j));
        }
    }
}

void Groups::end_follows(const Id& group) {
    for (auto it = follows_.begin(); it != follows_.end();) {
        if (it->group != group) {
            ++it;
            continue;
        }
        it->call->reply({{"events", json::array()}});
        it = follows_.erase(it);
    }
}

}  // namespace coop::agent
