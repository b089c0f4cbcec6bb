#include "core/vote/tally_json.hpp"

#include "core/vote/tie_order.hpp"

namespace coop::vote {

using nlohmann::json;

namespace {

// Whole millionths as a decimal: the nearest double to a number of at most
// 6 places, which prints the same on every member.
double decimal(Say millionths) { return static_cast<double>(millionths) / static_cast<double>(full_say); }

// a / b to the nearest millionth (halves up), as a decimal; 0 when b is 0.
double ratio(Say a, Say b) {
    if (b <= 0) return 0.0;
    const __int128 scaled = (static_cast<__int128>(a) * full_say * 2 + b) / (static_cast<__int128>(b) * 2);
    return decimal(static_cast<Say>(scaled));
}

json outcome_json(const Outcome& outcome) {
    return {{"status", status_name(outcome.status)},
            {"winner", outcome.winner ? json(*outcome.winner) : json(nullptr)},
            {"tied", outcome.tied}};
}

json matrix_json(const Proposal& proposal, const SayMatrix& m) {
    json out = json::object();
    for (std::size_t i = 0; i < proposal.options.size(); ++i) {
        json row = json::object();
        for (std::size_t j = 0; j < proposal.options.size(); ++j)
            if (i != j) row[proposal.options[j]] = decimal(m[i][j]);
        out[proposal.options[i]] = std::move(row);
    }
    return out;
}

void method_json(json& j, const Proposal& proposal, const Tally& t) {
    switch (proposal.method) {
        case Method::majority:
        case Method::approval: {
            json support = json::object();
            for (const auto& [option, say] : t.support) support[option] = decimal(say);
            j["support"] = std::move(support);
            return;
        }
        case Method::score: {
            json scores = json::object();
            for (const auto& [option, sum] : t.support)
                scores[option] = {{"sum", decimal(sum)}, {"mean", ratio(sum, t.cast)}};
            j["scores"] = std::move(scores);
            return;
        }
        case Method::consent: {
            j["consents"] = decimal(t.consents);
            json objections = json::array();
            for (const auto& o : t.objections) objections.push_back({{"voter", o.voter}, {"reason", o.reason}});
            j["objections"] = std::move(objections);
            return;
        }
        case Method::ranked:
            if (!t.schulze) return;
            j["pairwise"] = matrix_json(proposal, t.schulze->preferences);
            j["strongest"] = matrix_json(proposal, t.schulze->strongest);
            j["ranking"] = t.schulze->tiers;
            return;
    }
}

}  // namespace

json to_json(const Proposal& proposal, const Tally& t) {
    json j;
    j["proposal"] = proposal.id;
    j["method"] = method_name(proposal.method);
    j["closes_ms"] = proposal.closes_ms;
    j["closed"] = t.closed;
    j["status"] = t.closed ? status_name(t.outcome.status) : "open";
    j[t.closed ? "outcome" : "standing"] = outcome_json(t.outcome);
    if (t.problem) {
        j["problem"] = *t.problem;
        return j;
    }
    j["eligible"] = decimal(t.eligible);
    j["cast"] = decimal(t.cast);
    j["quorum"] = decimal(proposal.quorum);
    j["turnout"] = ratio(t.cast, t.eligible);
    j["quorum_met"] = t.quorum_met;
    json counted = json::array();
    for (const auto& c : t.counted)
        counted.push_back({{"voter", c.voter}, {"ballot", c.event_id}, {"say", decimal(c.say)}});
    j["counted"] = std::move(counted);
    j["superseded"] = t.superseded;
    json late = json::array();
    for (const auto& l : t.late) late.push_back({{"ballot", l.event_id}, {"voter", l.voter}, {"signed_ms", l.signed_ms}});
    j["late"] = std::move(late);
    json ignored = json::array();
    for (const auto& i : t.ignored) ignored.push_back({{"ballot", i.event_id}, {"voter", i.voter}, {"reason", i.reason}});
    j["ignored"] = std::move(ignored);
    j["tie_order"] = tie_order(proposal);
    method_json(j, proposal, t);
    return j;
}

}  // namespace coop::vote
