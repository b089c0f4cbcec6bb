// vote.propose, cast, list and show, and closing what is due: the
// decisions of the groups we are in, as their folded state holds them
// (core/group/fold_vote.hpp), with a live tally while a vote is open.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/agent/groups.hpp"
#include "core/ascii.hpp"
#include "core/group/body_vote.hpp"
#include "core/vote/check.hpp"
#include "core/vote/tally_json.hpp"

namespace coop::agent {

using group::Kind;
using nlohmann::json;
namespace vote = coop::vote;

namespace {

// The author closes its proposal once the closing time has passed; the
// others wait longer, so one close is the rule and theirs the fallback for
// an author that is away.
constexpr std::int64_t author_close_delay_ms = 1000;
constexpr std::int64_t member_close_delay_ms = 60'000;

std::set<std::string> member_keys(const group::GroupState& s) {
    std::set<std::string> keys;
    for (const auto& [key, m] : s.members) keys.insert(key);
    return keys;
}

std::string status_of(const group::Decision& d, std::int64_t now) {
    if (!d.close.empty()) return "closed";
    return now >= d.proposal.closes_ms ? "closing" : "open";
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

// A member key from a hex prefix: among `keys`, or a whole key. Throws
// RpcFailure naming the matches or the way out.
std::string key_from(const std::string& given, const std::set<std::string>& keys, const std::string& what) {
    const std::string prefix = ascii_lower(given);
    if (auto whole = group::from_hex<32>(prefix)) return prefix;
    std::vector<std::string> matches;
    for (const auto& k : keys)
        if (k.rfind(prefix, 0) == 0) matches.push_back(k);
    if (prefix.empty() || !is_hex(prefix) || matches.empty())
        throw RpcFailure(rpc::bad_input, "no " + what + " '" + given +
                                             "' in the group; give a key (or a prefix of one) from coop group members");
    if (matches.size() > 1) {
        std::vector<std::string> shown;
        for (const auto& m : matches) shown.push_back(m.substr(0, 16));
        throw RpcFailure(rpc::ambiguous, "'" + given + "' matches " + std::to_string(matches.size()) + " " + what +
                                             "s (" + join_words(shown) + "); give more of the key");
    }
    return matches.front();
}

// The option of `d` that `given` names: exactly, else the one option it
// starts (ignoring case).
std::string option_from(const std::string& given, const vote::Proposal& p, const std::string& title) {
    if (std::find(p.options.begin(), p.options.end(), given) != p.options.end()) return given;
    std::vector<std::string> matches;
    for (const auto& o : p.options)
        if (ascii_lower(o).rfind(ascii_lower(given), 0) == 0) matches.push_back(o);
    if (matches.size() == 1 && !given.empty()) return matches.front();
    throw RpcFailure(rpc::bad_input, "no option '" + given + "' in \"" + title + "\"; its options are " +
                                         join_words(p.options));
}

// The ballot's choice from the command line's words, by the method.
vote::Choice choice_from(const std::vector<std::string>& words, const group::Decision& d) {
    const vote::Proposal& p = d.proposal;
    switch (p.method) {
        case vote::Method::majority:
            if (words.size() != 1)
                throw RpcFailure(rpc::bad_input, "a majority vote takes one option; the options are " +
                                                     join_words(p.options));
            return vote::Pick{option_from(words[0], p, d.title)};
        case vote::Method::approval: {
            vote::Approve a;
            for (const auto& w : words)
                if (!(words.size() == 1 && w == "none")) a.options.push_back(option_from(w, p, d.title));
            return a;
        }
        case vote::Method::ranked: {
            vote::Rank r;
            for (const auto& w : words) r.order.push_back(option_from(w, p, d.title));
            return r;
        }
        case vote::Method::consent: {
            if (words.size() == 1 && words[0] == "consent") return vote::Consent{};
            if (!words.empty() && words[0] == "object") {
                std::string reason;
                for (std::size_t i = 1; i < words.size(); ++i) reason += (i > 1 ? " " : "") + words[i];
                return vote::Consent{true, reason};
            }
            throw RpcFailure(rpc::bad_input, "a consent vote takes 'consent', or 'object' and your reason");
        }
        case vote::Method::score: {
            vote::Score s;
            for (const auto& w : words) {
                const auto eq = w.rfind('=');
                int points = -1;
                if (eq != std::string::npos && eq + 2 == w.size() && w[eq + 1] >= '0' && w[eq + 1] <= '9')
                    points = w[eq + 1] - '0';
                if (points < vote::min_score || points > vote::max_score)
                    throw RpcFailure(rpc::bad_input, "a score vote takes OPTION=N for every option, N from 0 to 5 (not '" +
                                                         w + "')");
                s.scores.emplace_back(option_from(w.substr(0, eq), p, d.title), points);
            }
            return s;
        }
    }
    throw RpcFailure(rpc::bad_input, "unknown method");
}

vote::Say say_param(const json& params, const char* name) {
    auto it = params.find(name);
    if (it == params.end()) return 0;
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > vote::full_say)
        throw RpcFailure(rpc::invalid_params, std::string("'") + name + "' must be millionths, 0 to 1000000");
    return it->get<vote::Say>();
}

}  // namespace

Groups::FoundDecision Groups::resolve_decision(const std::string& given) {
    const std::string prefix = ascii_lower(given);
    if (prefix.empty() || !is_hex(prefix))
        throw RpcFailure(rpc::bad_input, "'" + given + "' is not a proposal id; coop vote list shows them");
    std::vector<FoundDecision> matches;
    for (auto& [id, h] : groups_) {
        if (h.record.status != group::Membership::member) continue;
        const auto* s = folded(h);
        if (!s) continue;
        for (auto it = s->decisions.lower_bound(prefix); it != s->decisions.end() && it->first.rfind(prefix, 0) == 0;
             ++it)
            matches.push_back({&h, s, it->first, &it->second});
    }
    if (matches.empty())
        throw RpcFailure(rpc::not_found, "no proposal " + given + " in your groups; coop vote list shows them");
    if (matches.size() > 1)
        throw RpcFailure(rpc::ambiguous, "'" + given + "' matches " + std::to_string(matches.size()) +
                                             " proposals; give more of the id");
    return matches.front();
}

void Groups::propose(const CallPtr& call) {
    const auto& p = call->params();
    Held& h = resolve_member(call->string_param("group"));
    const group::GroupState& s = arrived(h);
    if (!s.is_member(identity_.public_key()))
        throw RpcFailure(rpc::not_member, "you are not a member of " + s.name + " (yet)");
    group::ProposalBody body;
    body.title = call->string_param("title");
    body.text = p.value("text", std::string());
    const std::string method = p.value("method", std::string("majority"));
    auto m = vote::method_from_name(method);
    if (!m)
        throw RpcFailure(rpc::bad_input, "unknown method '" + method +
                                             "'; methods are majority, approval, consent, ranked and score");
    body.method = *m;
    body.options = p.value("options", std::vector<std::string>{});
    if (!p.contains("closes_ms") || !p["closes_ms"].is_number_integer())
        throw RpcFailure(rpc::invalid_params, "'closes_ms' must be a time in unix milliseconds");
    body.closes_ms = p["closes_ms"].get<std::int64_t>();
    const std::int64_t now = now_ms();
    if (body.closes_ms <= now) throw RpcFailure(rpc::bad_input, "the closing time has passed; give a time to come");
    if (body.closes_ms - now > group::max_open_ms)
        throw RpcFailure(rpc::bad_input, "a vote closes within a year; give an earlier closing time");
    body.quorum = say_param(p, "quorum");
    body.unaffected_say = say_param(p, "unaffected_say");
    const std::set<std::string> members = member_keys(s);
    for (const auto& given : p.value("affects", std::vector<std::string>{})) {
        if (given == "all") continue;
        body.affects.push_back(*group::from_hex<32>(key_from(given, members, "member")));
    }
    std::sort(body.affects.begin(), body.affects.end());
    body.affects.erase(std::unique(body.affects.begin(), body.affects.end()), body.affects.end());

    if (auto a = p.find("action"); a != p.end() && a->is_object()) {
        std::set<std::string> candidates = members;
        for (const auto& [key, join] : s.applicants) candidates.insert(key);
        if (a->contains("admit")) {
            const std::string key = key_from(a->value("admit", ""), candidates, "applicant");
            if (s.members.count(key)) throw RpcFailure(rpc::bad_input, key.substr(0, 16) + " is already a member");
            if (s.open) throw RpcFailure(rpc::bad_input, s.name + " is open: anyone may join without a vote");
            body.action.kind = group::ActionKind::admit;
            body.action.member = *group::from_hex<32>(key);
        } else if (a->contains("remove")) {
            const std::string key = key_from(a->value("remove", ""), candidates, "member");
            body.action.kind = group::ActionKind::remove;
            body.action.member = *group::from_hex<32>(key);
        } else if (a->contains("pin")) {
            const std::string given = ascii_lower(a->value("pin", ""));
            std::vector<std::string> matches;
            for (const auto& [id, e] : s.catalog)
                if (!e.retracted && !given.empty() && id.rfind(given, 0) == 0) matches.push_back(id);
            if (matches.size() != 1)
                throw RpcFailure(matches.empty() ? rpc::bad_input : rpc::ambiguous,
                                 matches.empty() ? "no catalog entry '" + given + "' in " + s.name +
                                                       "; coop group catalog " + s.name + " lists them"
                                                 : "'" + given + "' matches " + std::to_string(matches.size()) +
                                                       " entries; give more of the id");
            body.action.kind = group::ActionKind::pin;
            body.action.entry = *group::parse_id(matches.front());
        } else if (a->contains("settings")) {
            // The body's own parser judges the settings: one rule for all.
            if (auto why = group::parse_action(*a, body.action); !why.empty()) throw RpcFailure(rpc::bad_input, why);
        }
    }

    std::string text;
    try {
        text = group::to_body(body);
    } catch (const json::type_error&) {
        throw RpcFailure(rpc::bad_input, "the text is not valid UTF-8");
    }
    std::string why;
    if (!group::parse_proposal(text, &why)) throw RpcFailure(rpc::bad_input, why);
    const auto e = publish(h, Kind::proposal, text);
    call->reply({{"proposal", group::hex(e.id())},
                 {"group", group::hex(h.record.group)},
                 {"name", s.name},
                 {"closes_ms", body.closes_ms},
                 {"options", group::effective_options(body)}});
}

void Groups::cast(const CallPtr& call) {
    const auto& p = call->params();
    FoundDecision f = resolve_decision(call->string_param("proposal"));
    const group::Decision& d = *f.d;
    if (!f.s->is_member(identity_.public_key()))
        throw RpcFailure(rpc::not_member, "you are not a member of " + f.s->name + " (yet): your ballot would not count");
    const std::int64_t now = now_ms();
    if (!d.close.empty() || now >= d.proposal.closes_ms)
        throw RpcFailure(rpc::bad_input, "\"" + d.title + "\" closed at " + std::to_string(d.proposal.closes_ms) +
                                             " (unix ms); a ballot now would not count");
    if (vote::say_of(d.proposal, member_keys(*f.s), group::hex(identity_.public_key())) == 0)
        throw RpcFailure(rpc::bad_input, "\"" + d.title + "\" gives you no say: it affects other members only");
    const vote::Choice choice = choice_from(p.value("choice", std::vector<std::string>{}), d);
    if (auto problem = vote::choice_problem(d.proposal, choice)) throw RpcFailure(rpc::bad_input, *problem);
    const bool again = std::any_of(d.ballots.begin(), d.ballots.end(), [&](const vote::Ballot& b) {
        return b.voter == group::hex(identity_.public_key());
    });
    const std::string id = f.id;
    const std::string name = f.s->name;
    const auto e = publish(*f.h, Kind::ballot, group::to_body(group::BallotBody{*group::parse_id(id), choice}));
    call->reply({{"proposal", id}, {"ballot", group::hex(e.id())}, {"name", name}, {"replaced", again}});
}

vote::Tally Groups::current_tally(const group::GroupState& s, const group::Decision& d, std::int64_t now) {
    return d.tally ? *d.tally : vote::tally(d.proposal, member_keys(s), d.ballots, now);
}

json Groups::decision_summary(const group::GroupState& s, const std::string& id, const group::Decision& d,
                              const vote::Tally& t, std::int64_t now) const {
    const std::string us = group::hex(identity_.public_key());
    json outcome = {{"status", vote::status_name(t.outcome.status)},
                    {"winner", t.outcome.winner ? json(*t.outcome.winner) : json(nullptr)},
                    {"tied", t.outcome.tied}};
    const bool voted = std::any_of(d.ballots.begin(), d.ballots.end(), [&](const auto& b) { return b.voter == us; });
    return {{"proposal", id},
            {"group", group::hex(s.group)},
            {"name", s.name},
            {"title", d.title},
            {"method", std::string(vote::method_name(d.proposal.method))},
            {"options", d.proposal.options},
            {"author", group::hex(d.author)},
            {"closes_ms", d.proposal.closes_ms},
            {"status", status_of(d, now)},
            {"outcome", outcome},
            {"action", group::action_json(d.action)},
            {"effect", d.effect},
            {"voters", t.counted.size()},
            {"voted", voted}};
}

void Groups::decisions(const CallPtr& call) {
    const auto& p = call->params();
    const std::string which = p.value("state", std::string("all"));
    if (which != "all" && which != "open" && which != "closed")
        throw RpcFailure(rpc::invalid_params, "'state' is all, open or closed");
    const std::int64_t now = now_ms();
    json list = json::array();
    for (const auto& g : member_groups(p.value("group", std::string()))) {
        for (const auto& [id, d] : g.state->decisions) {
            const bool closed = !d.close.empty();
            if ((which == "open" && closed) || (which == "closed" && !closed)) continue;
            list.push_back(decision_summary(*g.state, id, d, current_tally(*g.state, d, now), now));
        }
    }
    std::stable_sort(list.begin(), list.end(),
                     [](const json& a, const json& b) { return a["closes_ms"].get<std::int64_t>() < b["closes_ms"].get<std::int64_t>(); });
    call->reply({{"proposals", list}});
}

void Groups::decision(const CallPtr& call) {
    FoundDecision f = resolve_decision(call->string_param("proposal"));
    const group::Decision& d = *f.d;
    const std::int64_t now = now_ms();
    const vote::Tally t = current_tally(*f.s, d, now);
    json j = decision_summary(*f.s, f.id, d, t, now);
    j["text"] = d.text;
    j["time_ms"] = d.time_ms;
    j["quorum"] = d.proposal.quorum;
    j["affects"] = d.proposal.affected;
    j["unaffected_say"] = d.proposal.unaffected_say;
    j["close"] = d.close.empty() ? json(nullptr) : json(d.close);
    j["tally"] = vote::to_json(d.proposal, t);
    json after = json::array();
    for (const auto& b : d.after_close) after.push_back({{"ballot", b.event_id}, {"voter", b.voter}, {"signed_ms", b.signed_ms}});
    j["after_close"] = after;
    call->reply(j);
}

void Groups::review_decisions(Held& h, const group::GroupState& s) {
    const std::int64_t now = now_ms();
    const auto us = identity_.public_key();
    std::vector<group::Id> due;
    for (const auto& [key, d] : s.decisions) {
        if (!d.close.empty() || closes_sent_.count(key)) continue;
        const std::int64_t delay = d.author == us ? author_close_delay_ms : member_close_delay_ms;
        if (now >= d.proposal.closes_ms + delay) due.push_back(*group::parse_id(key));
    }
    for (const auto& of : due) {
        closes_sent_.insert(group::hex(of));
        try {
            publish(h, Kind::close, group::to_body(group::CloseBody{of, std::nullopt}));
            spdlog::info("group {}: closed proposal {}", h.record.name, group::hex(of).substr(0, 12));
        } catch (const std::exception& e) {
            spdlog::warn("group {}: cannot close proposal {}: {}", h.record.name, group::hex(of).substr(0, 12),
                         e.what());
        }
    }
}

}  // namespace coop::agent
