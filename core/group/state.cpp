#include "core/group/state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/group/body.hpp"
#include "core/group/body_vote.hpp"
#include "core/vote/tally_json.hpp"

namespace coop::group {

using nlohmann::json;

namespace {

constexpr double decimals_scale = 1e6;

// A fraction as 6 decimals: one IEEE division of a whole number, so any
// member writes the same digits; never NaN or -0.
double fixed(double x) {
    if (!std::isfinite(x)) return 0.0;
    const double rounded = std::round(x * decimals_scale) / decimals_scale;
    return rounded == 0 ? 0.0 : rounded;
}

// A setting in 0..1; NaN is 0.
double unit_setting(double x) { return fixed(std::clamp(std::isnan(x) ? 0.0 : x, 0.0, 1.0)); }

// Bytes to the nearest whole one; 2^64 itself does not fit.
std::uint64_t whole_bytes(double bytes) {
    const double rounded = std::round(bytes);
    if (!(rounded > 0)) return 0;
    if (rounded >= 18446744073709551616.0) return std::numeric_limits<std::uint64_t>::max();
    return static_cast<std::uint64_t>(rounded);
}

json ledger_json(const LedgerState& l) {
    json j;
    j["settings"] = {{"window_days", l.settings.window_days},
                     {"floor_capacity", l.settings.floor_capacity},
                     {"weights",
                      {{"bandwidth", fixed(l.settings.weights.bandwidth)},
                       {"availability", fixed(l.settings.weights.availability)},
                       {"duties", fixed(l.settings.weights.duties)}}},
                     {"cap_share", fixed(l.settings.cap_share)}};
    j["capacities"] = l.capacities;
    j["offenders"] = l.offenders;
    j["transfers"] = l.transfers;
    j["window"] = {{"start_ms", l.window_start_ms}, {"end_ms", l.window_end_ms}};
    j["effort"] = json::object();
    for (const auto& [key, m] : l.effort)
        j["effort"][key] = {{"declared_capacity", m.input.declared_capacity},
                            {"observed_capacity", m.input.observed_capacity},
                            {"available_seconds", m.input.available_seconds},
                            {"capacity", m.effort.capacity},
                            {"given", m.effort.given},
                            {"received", m.effort.received},
                            {"credited", whole_bytes(m.effort.credited)},
                            {"bandwidth", fixed(m.effort.bandwidth_effort)},
                            {"availability", fixed(m.effort.availability)},
                            {"duties", fixed(m.effort.duties)},
                            {"score", fixed(m.effort.score)},
                            {"share", fixed(m.effort.share)},
                            {"offender", m.effort.offender}};
    return j;
}

json ballot_json(const coop::vote::Ballot& b) {
    return {{"ballot", b.event_id}, {"voter", b.voter}, {"signed_ms", b.signed_ms}};
}

json decision_json(const Decision& d) {
    json j;
    j["title"] = d.title;
    j["text"] = d.text;
    j["author"] = hex(d.author);
    j["time_ms"] = d.time_ms;
    j["method"] = std::string(coop::vote::method_name(d.proposal.method));
    j["options"] = d.proposal.options;
    j["closes_ms"] = d.proposal.closes_ms;
    j["quorum"] = d.proposal.quorum;
    j["affects"] = d.proposal.affected;
    j["unaffected_say"] = d.proposal.unaffected_say;
    j["action"] = action_json(d.action);
    j["ballots"] = json::array();
    for (const auto& b : d.ballots) j["ballots"].push_back(ballot_json(b));
    j["after_close"] = json::array();
    for (const auto& b : d.after_close) j["after_close"].push_back(ballot_json(b));
    j["close"] = d.close.empty() ? json(nullptr) : json(d.close);
    j["result"] = d.tally ? coop::vote::to_json(d.proposal, *d.tally) : json(nullptr);
    j["effect"] = d.effect;
    return j;
}

}  // namespace

const char* to_string(Admission a) { return a == Admission::vote ? "vote" : "invite"; }

std::optional<Admission> admission_from_name(std::string_view name) {
    if (name == "invite") return Admission::invite;
    if (name == "vote") return Admission::vote;
    return std::nullopt;
}

json GroupState::to_json() const {
    json j;
    j["group"] = hex(group);
    j["name"] = name;
    j["about"] = about;
    j["topics"] = topics;
    j["open"] = open;
    j["founder"] = hex(founder);
    j["events"] = events;

    j["members"] = json::object();
    for (const auto& [key, m] : members) j["members"][key] = {{"since", hex(m.since)}, {"joined_ms", m.joined_ms}};
    j["left"] = json::object();
    for (const auto& [key, d] : left) j["left"][key] = {{"event", hex(d.event)}, {"time_ms", d.time_ms}};
    j["removed"] = removed;

    j["catalog"] = json::object();
    for (const auto& [id, e] : catalog)
        j["catalog"][id] = {{"magnet", e.magnet},       {"title", e.title},
                            {"tags", e.tags},           {"size", e.size},
                            {"info_hash", e.info_hash}, {"uploader", hex(e.uploader)},
                            {"time_ms", e.time_ms},     {"media", e.media},
                            {"retracted", e.retracted}, {"pinned_by", e.pinned_by}};
    j["chat"] = json::array();
    for (const auto& p : chat)
        j["chat"].push_back({{"id", hex(p.id)}, {"author", hex(p.author)}, {"time_ms", p.time_ms}, {"text", p.text}});

    j["equivocators"] = equivocators;
    j["ignored"] = ignored;
    j["invites_used"] = json::object();
    for (const auto& [id, use] : invites_used)
        j["invites_used"][id] = {
            {"inviter", hex(use.inviter)}, {"single_use", use.single_use}, {"joiners", use.joiners}};
    j["admission"] = to_string(admission);
    j["applicants"] = applicants;
    j["admitted"] = admitted;
    j["decisions"] = json::object();
    for (const auto& [id, d] : decisions) j["decisions"][id] = decision_json(d);
    j["ledger"] = ledger_json(ledger);
    j["plans"] = plans_json(plans);
    return j;
}

void remove_member(GroupState& state, const PublicKey& member, const std::string& reason) {
    const std::string key = hex(member);
    state.members.erase(key);
    state.left.erase(key);
    state.removed[key] = reason;
}

void set_ledger_settings(GroupState& state, const LedgerSettings& settings) {
    LedgerSettings& s = state.ledger.settings;
    s.window_days = std::clamp<std::uint32_t>(settings.window_days, 1, max_window_days);
    s.floor_capacity = std::min(settings.floor_capacity, max_capacity_up);
    s.weights.bandwidth = unit_setting(settings.weights.bandwidth);
    s.weights.availability = unit_setting(settings.weights.availability);
    s.weights.duties = unit_setting(settings.weights.duties);
    s.cap_share = unit_setting(settings.cap_share);
}

}  // namespace coop::group
