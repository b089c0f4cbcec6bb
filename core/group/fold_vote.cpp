#include "core/group/fold_vote.hpp"

#include "core/group/body_vote.hpp"

namespace coop::group {
namespace {

std::string removal_reason(const std::string& proposal, const Decision& d) {
    return "removed by proposal " + proposal.substr(0, 12) + ": " + d.title;
}

// What the passed decision `id` does to the state, in words for `effect`.
std::string act(const std::string& id, const Decision& d, const Event& close, GroupState& state) {
    const Action& a = d.action;
    switch (a.kind) {
        case ActionKind::none: break;
        case ActionKind::admit: {
            const std::string key = hex(a.member);
            if (state.members.count(key)) return "already a member";
            if (state.open) return "the group is open: anyone may join";
            state.removed.erase(key);  // a vote to admit lifts a removal
            state.admitted[key] = id;
            if (auto applied = state.applicants.find(key); applied != state.applicants.end()) {
                Member m;
                if (auto join = parse_id(applied->second)) m.since = *join;
                m.joined_ms = close.time_ms;
                state.members[key] = m;
                state.left.erase(key);
                state.applicants.erase(applied);
                return "admitted";
            }
            return "admitted; a member once they join";
        }
        case ActionKind::remove: {
            const std::string key = hex(a.member);
            const bool known = state.members.count(key) || state.applicants.count(key) || state.admitted.count(key);
            if (!known) return "not a member";
            state.applicants.erase(key);
            state.admitted.erase(key);
            remove_member(state, a.member, removal_reason(id, d));
            return "removed";
        }
        case ActionKind::settings: {
            LedgerSettings s = state.ledger.settings;
            if (a.window_days) s.window_days = *a.window_days;
            if (a.floor_capacity) s.floor_capacity = *a.floor_capacity;
            if (a.bandwidth) s.weights.bandwidth = *a.bandwidth;
            if (a.availability) s.weights.availability = *a.availability;
            if (a.duties) s.weights.duties = *a.duties;
            if (a.cap_share) s.cap_share = *a.cap_share;
            set_ledger_settings(state, s);
            if (a.admission) state.admission = *a.admission;
            return "settings changed";
        }
        case ActionKind::pin: {
            auto entry = state.catalog.find(hex(a.entry));
            if (entry == state.catalog.end() || entry->second.retracted) return "no such catalog entry";
            entry->second.pinned_by = id;
            return "pinned";
        }
    }
    return "decided";
}

}  // namespace

bool passed(const Decision& d) {
    if (!d.tally) return false;
    const auto& o = d.tally->outcome;
    if (d.proposal.method == coop::vote::Method::consent) return o.status == coop::vote::Status::passed;
    return o.status == coop::vote::Status::won && o.winner && !d.proposal.options.empty() &&
           *o.winner == d.proposal.options.front() && o.tied.empty();
}

std::string VoteFold::proposal(const Id& id, const Event& e, GroupState& state) {
    std::string why;
    auto body = parse_proposal(e.body, &why);
    if (!body) return "malformed proposal body: " + why;
    if (body->closes_ms <= e.time_ms) return "proposal closing before it was made";
    if (body->closes_ms - e.time_ms > max_open_ms) return "proposal open for more than a year";
    Decision d;
    d.title = body->title;
    d.text = body->text;
    d.author = e.author;
    d.time_ms = e.time_ms;
    d.proposal.id = hex(id);
    d.proposal.options = effective_options(*body);
    d.proposal.method = body->method;
    d.proposal.quorum = body->quorum;
    d.proposal.closes_ms = body->closes_ms;
    for (const auto& k : body->affects) d.proposal.affected.insert(hex(k));
    d.proposal.unaffected_say = body->unaffected_say;
    d.action = body->action;
    state.decisions[hex(id)] = std::move(d);
    return "";
}

std::string VoteFold::ballot(const Id& id, const Event& e, GroupState& state) {
    std::string why;
    auto body = parse_ballot(e.body, &why);
    if (!body) return "malformed ballot body: " + why;
    auto it = state.decisions.find(hex(body->proposal));
    if (it == state.decisions.end()) return "ballot for an unknown proposal";
    Decision& d = it->second;
    coop::vote::Ballot b{hex(id), hex(e.author), e.time_ms, e.seq, std::move(body->choice)};
    (d.close.empty() ? d.ballots : d.after_close).push_back(std::move(b));
    return "";
}

bool VoteFold::holds(const Id& of, const GroupState& state) const { return state.decisions.count(hex(of)) != 0; }

std::string VoteFold::close(const Id& of, const Id& id, const Event& e, GroupState& state) {
    const std::string key = hex(of);
    Decision& d = state.decisions.at(key);
    if (!d.close.empty()) return "proposal already closed";
    if (e.time_ms < d.proposal.closes_ms) return "close before the closing time";
    d.close = hex(id);
    for (const auto& [member, m] : state.members) d.voters_at_close.insert(member);
    d.tally = coop::vote::tally(d.proposal, d.voters_at_close, d.ballots, d.proposal.closes_ms);
    if (d.action.kind == ActionKind::none) d.effect = "decided";
    else if (passed(d)) d.effect = act(key, d, e, state);
    else d.effect = d.tally->outcome.tied.empty() ? "not passed" : "not passed (a tie broken by lot does not act)";
    return "";
}

}  // namespace coop::group
