#include "core/vote/tally.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "core/vote/check.hpp"
#include "core/vote/tie_order.hpp"

namespace coop::vote {

namespace {

bool quorum_met(const Proposal& proposal, Say eligible, Say cast) {
    if (proposal.quorum > 0 && cast == 0) return false;
    return static_cast<__int128>(cast) * full_say >= static_cast<__int128>(proposal.quorum) * eligible;
}

// The options with the highest support, in tie order; the winner when that
// support is above 0.
Outcome most_support(const Proposal& proposal, const std::map<std::string, Say>& support) {
    Say top = 0;
    for (const auto& [option, say] : support) top = std::max(top, say);
    Outcome out;
    if (top == 0) {
        out.status = Status::no_winner;
        return out;
    }
    std::vector<std::string> best;
    for (const auto& [option, say] : support)
        if (say == top) best.push_back(option);
    best = in_tie_order(proposal, std::move(best));
    out.status = Status::won;
    out.winner = best.front();
    if (best.size() > 1) out.tied = std::move(best);
    return out;
}

Outcome majority(const Tally& t) {
    Outcome out;
    out.status = Status::no_majority;
    for (const auto& [option, say] : t.support)
        if (static_cast<__int128>(say) * 2 > t.cast) {
            out.status = Status::won;
            out.winner = option;
        }
    return out;
}

Outcome ranked(const Tally& t) {
    Outcome out;
    if (t.cast == 0 || !t.schulze || t.schulze->tiers.empty()) {
        out.status = Status::no_winner;
        return out;
    }
    const auto& first = t.schulze->tiers.front();
    out.status = Status::won;
    out.winner = first.front();
    if (first.size() > 1) out.tied = first;
    return out;
}

Outcome decide(const Proposal& proposal, const Tally& t) {
    if (!t.quorum_met) return Outcome{Status::no_quorum, std::nullopt, {}};
    switch (proposal.method) {
        case Method::majority: return majority(t);
        case Method::approval:
        case Method::score: return most_support(proposal, t.support);
        case Method::ranked: return ranked(t);
        case Method::consent:
            return Outcome{t.objections.empty() ? Status::passed : Status::blocked, std::nullopt, {}};
    }
    return Outcome{Status::invalid, std::nullopt, {}};
}

// Adds one counted choice to the sums of its method.
void count(Tally& t, Say say, const Choice& choice, std::vector<WeightedRanking>& rankings, const std::string& voter) {
    if (const auto* pick = std::get_if<Pick>(&choice)) {
        t.support[pick->option] += say;
    } else if (const auto* approve = std::get_if<Approve>(&choice)) {
        for (const auto& option : approve->options) t.support[option] += say;
    } else if (const auto* consent = std::get_if<Consent>(&choice)) {
        if (consent->objects)
            t.objections.push_back(Objection{voter, consent->reason});
        else
            t.consents += say;
    } else if (const auto* rank = std::get_if<Rank>(&choice)) {
        rankings.push_back(WeightedRanking{say, rank->order});
    } else {
        for (const auto& [option, points] : std::get<Score>(choice).scores) t.support[option] += say * points;
    }
}

}  // namespace

std::string_view status_name(Status status) {
    switch (status) {
        case Status::invalid: return "invalid";
        case Status::no_quorum: return "no_quorum";
        case Status::won: return "won";
        case Status::no_majority: return "no_majority";
        case Status::no_winner: return "no_winner";
        case Status::passed: return "passed";
        case Status::blocked: return "blocked";
    }
    return "invalid";
}

Say say_of(const Proposal& proposal, const std::set<std::string>& members, const std::string& key) {
    if (!members.contains(key)) return 0;
    if (proposal.affected.empty() || proposal.affected.contains(key)) return full_say;
    return proposal.unaffected_say;
}

Tally tally(const Proposal& proposal, const std::set<std::string>& members, const std::vector<Ballot>& ballots,
            std::int64_t now_ms) {
    Tally t;
    t.closed = now_ms >= proposal.closes_ms;
    t.problem = proposal_problem(proposal);
    if (t.problem) {
        t.outcome.status = Status::invalid;
        return t;
    }
    for (const auto& member : members) t.eligible += say_of(proposal, members, member);
    if (proposal.method == Method::majority || proposal.method == Method::approval || proposal.method == Method::score)
        for (const auto& option : proposal.options) t.support[option] = 0;

    // One canonical order, whatever order the ballots came in: by voter,
    // then sequence, then event id; the same event held twice counts once.
    std::vector<const Ballot*> order;
    for (const auto& b : ballots) order.push_back(&b);
    const auto key = [](const Ballot* b) { return std::tie(b->voter, b->sequence, b->event_id); };
    std::sort(order.begin(), order.end(), [&](const Ballot* a, const Ballot* b) { return key(a) < key(b); });
    order.erase(std::unique(order.begin(), order.end(),
                            [](const Ballot* a, const Ballot* b) { return a->event_id == b->event_id; }),
                order.end());

    // The last countable ballot of each voter.
    std::map<std::string, const Ballot*> last;
    for (const Ballot* b : order) {
        const Say say = say_of(proposal, members, b->voter);
        std::optional<std::string> reason;
        if (!members.contains(b->voter))
            reason = "not a member";
        else if (say == 0)
            reason = "no say: not affected, and the unaffected have none";
        else if (b->signed_ms >= proposal.closes_ms) {
            t.late.push_back(LateBallot{b->event_id, b->voter, b->signed_ms});
            continue;
        } else
            reason = choice_problem(proposal, b->choice);
        if (reason) {
            t.ignored.push_back(IgnoredBallot{b->event_id, b->voter, *reason});
            continue;
        }
        auto& slot = last[b->voter];
        if (slot) t.superseded.push_back(slot->event_id);
        slot = b;
    }
    std::sort(t.superseded.begin(), t.superseded.end());
    std::sort(t.ignored.begin(), t.ignored.end(),
              [](const IgnoredBallot& a, const IgnoredBallot& b) { return a.event_id < b.event_id; });

    std::vector<WeightedRanking> rankings;
    for (const auto& [voter, b] : last) {
        const Say say = say_of(proposal, members, voter);
        t.counted.push_back(CountedBallot{voter, b->event_id, say});
        t.cast += say;
        count(t, say, b->choice, rankings, voter);
    }
    if (proposal.method == Method::ranked) t.schulze = schulze(proposal, rankings);
    t.quorum_met = quorum_met(proposal, t.eligible, t.cast);
    t.outcome = decide(proposal, t);
    return t;
}

}  // namespace coop::vote
