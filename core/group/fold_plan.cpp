#include "core/group/fold_plan.hpp"

#include <algorithm>
#include <limits>
#include <type_traits>
#include <stdexcept>

namespace coop::group {

using coop::plan::Quantity;
using coop::plan::Schedule;

namespace {

std::uint64_t weight_of(const GroupState& state, const std::string& member) {
    auto it = state.ledger.effort.find(member);
    return it == state.ledger.effort.end() ? 0 : coop::plan::share_weight(it->second.effort.share);
}

void ignore(GroupState& state, const std::string& reason) { ++state.ignored[reason]; }

}  // namespace

Quantity largest(const Schedule& request) {
    Quantity most = 0;
    for (const auto& p : request.points) most = std::max(most, p.quantity);
    return most;
}

ShareBound share_bound(const GroupState& state, const Planning& planning, const std::string& member,
                       const std::string& resource) {
    ShareBound b;
    __int128 declared = 0;
    for (const auto& [key, offers] : planning.offers) {
        if (!state.members.count(key)) continue;
        if (auto o = offers.find(resource); o != offers.end()) declared += o->second.capacity;
    }
    b.declared = static_cast<Quantity>(std::min<__int128>(declared, std::numeric_limits<Quantity>::max()));
    for (const auto& [key, m] : state.members) b.total += weight_of(state, key);
    if (b.total == 0) {
        b.equal = true;
        b.weight = state.members.count(member) ? 1 : 0;
        b.total = std::max<std::uint64_t>(state.members.size(), 1);
    } else {
        b.weight = state.members.count(member) ? weight_of(state, member) : 0;
    }
    b.equal = b.equal || state.ledger.transfers == 0;
    b.most = static_cast<Quantity>(static_cast<__int128>(b.declared) * b.weight / b.total);
    return b;
}

coop::plan::Economy round_economy(const GroupState& state, const Planning& planning) {
    coop::plan::Economy e;
    e.resources = planning.resources;
    const std::size_t r = planning.resources.size();
    for (const auto& [key, m] : state.members) {
        coop::plan::Member member;
        member.id = key;
        member.share = weight_of(state, key);
        member.capacity.assign(r, 0);
        member.offers.assign(r, Schedule{});
        member.requests.assign(r, Schedule{});
        if (auto offers = planning.offers.find(key); offers != planning.offers.end())
            for (const auto& [resource, o] : offers->second) {
                const std::size_t j = planning.index_of(resource);
                if (j == r) continue;
                member.capacity[j] = o.capacity;
                member.offers[j] = o.schedule;
            }
        if (auto requests = planning.requests.find(key); requests != planning.requests.end())
            for (const auto& [resource, s] : requests->second) {
                const std::size_t j = planning.index_of(resource);
                if (j < r) member.requests[j] = s;
            }
        e.members.push_back(std::move(member));
    }
    return e;
}

coop::plan::Rules round_rules(const Planning& planning) {
    coop::plan::Rules rules;
    rules.max_rounds = plan_inner_iterations;
    rules.start_prices = planning.prices;
    return rules;
}

std::string PlanFold::start(const Id& id, const Event& e) {
    std::string why;
    auto body = parse_plan_start(e.body, &why);
    if (!body) return "malformed plan start body: " + why;
    Planning p;
    p.id = id;
    p.starter = hex(e.author);
    p.started_ms = e.time_ms;
    p.title = body->title;
    for (const auto& name : body->resources) p.resources.push_back(*plan_resource(name));
    p.rounds = body->rounds;
    p.round_minutes = body->round_minutes;
    p.days = body->days;
    p.round = 1;
    p.opened_ms = e.time_ms;
    p.prices.assign(p.resources.size(), coop::plan::price_one);
    plannings_.emplace(id, std::move(p));
    return "";
}

std::string PlanFold::offer(const Event& e) {
    std::string why;
    auto body = parse_plan_offer(e.body, &why);
    if (!body) return "malformed plan offer body: " + why;
    auto p = plannings_.find(body->plan);
    if (p == plannings_.end()) return "plan offer for an unknown planning";
    for (const auto& [resource, o] : body->offers)
        if (!p->second.covers(resource)) return "plan offer of a resource the planning does not cover";
    items_[body->plan].push_back({hex(e.author), e.time_ms, std::move(*body)});
    return "";
}

std::string PlanFold::request(const Event& e) {
    std::string why;
    auto body = parse_plan_request(e.body, &why);
    if (!body) return "malformed plan request body: " + why;
    auto p = plannings_.find(body->plan);
    if (p == plannings_.end()) return "plan request for an unknown planning";
    for (const auto& [resource, s] : body->requests)
        if (!p->second.covers(resource)) return "plan request of a resource the planning does not cover";
    items_[body->plan].push_back({hex(e.author), e.time_ms, std::move(*body)});
    return "";
}

std::string PlanFold::close(const Event& e, const CloseBody& body) {
    if (!body.round) return "close of a planning without its round";
    items_[body.of].push_back({hex(e.author), e.time_ms, Close{*body.round}});
    return "";
}

namespace {

void close_round(GroupState& state, Planning& p, const std::string& author, std::int64_t time_ms) {
    // The share bound, on what members stand by at the close.
    for (auto member = p.requests.begin(); member != p.requests.end();) {
        for (auto r = member->second.begin(); r != member->second.end();) {
            if (largest(r->second) > share_bound(state, p, member->first, r->first).most) {
                ignore(state, "plan request over the member's share");
                r = member->second.erase(r);
            } else {
                ++r;
            }
        }
        member = member->second.empty() ? p.requests.erase(member) : std::next(member);
    }

    coop::plan::Plan result;
    try {
        result = coop::plan::make_plan(round_economy(state, p), round_rules(p));
    } catch (const std::invalid_argument&) {
        // The bodies' bounds are the procedure's, so this is never reached;
        // if it were, the planning ends without a plan rather than the fold failing.
        ignore(state, "close of a round that cannot be planned");
        p.ended = true;
        return;
    }
    const bool last = p.round >= p.rounds;
    const bool converged = result.outcome == coop::plan::Outcome::converged;
    p.closed.push_back({p.round, author, time_ms, p.prices, result});
    if (converged || last) {
        p.adopted = std::move(result);
        p.ended = true;
        return;
    }
    ++p.round;
    p.opened_ms = time_ms;
    p.prices = result.next_prices;
}

template <typename Map, typename Body>
void stand_by(Map& standing, const std::string& author, const Body& entries) {
    auto& mine = standing[author];
    for (const auto& [resource, value] : entries) {
        bool nothing;
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, PlanOffer>) {
            nothing = value.schedule.points.empty();
            if (!nothing) mine[resource] = StandingOffer{value.capacity, value.schedule};
        } else {
            nothing = value.points.empty();
            if (!nothing) mine[resource] = value;
        }
        if (nothing) mine.erase(resource);
    }
    if (mine.empty()) standing.erase(author);
}

}  // namespace

void PlanFold::finish(GroupState& state) const {
    for (const auto& [id, start] : plannings_) {
        Planning p = start;
        if (auto items = items_.find(id); items != items_.end())
            for (const Item& item : items->second) {
                // Members who left since take no part; what they said counted when it came.
                if (!state.members.count(item.author)) continue;
                if (const auto* offer = std::get_if<PlanOfferBody>(&item.what)) {
                    if (p.ended) ignore(state, "plan offer after the planning ended");
                    else stand_by(p.offers, item.author, offer->offers);
                } else if (const auto* request = std::get_if<PlanRequestBody>(&item.what)) {
                    if (p.ended) ignore(state, "plan request after the planning ended");
                    else stand_by(p.requests, item.author, request->requests);
                } else {
                    const Close& c = std::get<Close>(item.what);
                    if (p.ended) ignore(state, "close of a planning that has ended");
                    else if (c.round != p.round) ignore(state, "close of a round that is not open");
                    else if (item.author != p.starter && item.time_ms < p.deadline_ms())
                        ignore(state, "close of a round before its deadline by someone other than the starter");
                    else close_round(state, p, item.author, item.time_ms);
                }
            }
        state.plans[hex(id)] = std::move(p);
    }
}

}  // namespace coop::group
