// Planning in the group's state (core/group/fold_plan.hpp): plannings with
// offers and requests from several members converge, the same on every
// member whatever the delivery order; the round limit and the fallback;
// requests over a member's share and events of non-members are ignored;
// seeded random economies through the events give make_plan's plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/group/body.hpp"
#include "core/group/body_plan.hpp"
#include "core/group/fold.hpp"
#include "core/group/fold_plan.hpp"
#include "core/group/log.hpp"
#include "core/group/pending_pool.hpp"
#include "core/plan/procedure.hpp"
#include "core/plan/random_economy.hpp"

namespace {

using coop::Identity;
using coop::group::Event;
using coop::group::GroupLog;
using coop::group::GroupState;
using coop::group::hex;
using coop::group::Id;
using coop::group::Kind;
using coop::group::Planning;
using coop::group::to_body;
using coop::plan::Outcome;
using coop::plan::price_one;
using coop::plan::Schedule;

constexpr std::int64_t minute = 60'000;

// An open group whose members post as agents would.
struct PlanGroup {
    std::vector<Identity> people;
    Event genesis;
    GroupLog log;
    std::vector<Event> events;

    explicit PlanGroup(std::size_t members)
        : people(1, Identity::generate()),
          genesis(coop::group::make_genesis(people[0], 1000,
                                            to_body(coop::group::GenesisBody{"planners", "", {}, true}))),
          log(genesis.id()) {
        add(genesis);
        for (std::size_t i = 1; i < members; ++i) {
            people.push_back(Identity::generate());
            append(i, Kind::join, to_body(coop::group::JoinBody{}));
        }
    }

    Event add(const Event& e) {
        const auto r = log.add(e);
        EXPECT_TRUE(r.accepted()) << r.reason;
        events.push_back(e);
        return e;
    }
    Event append(std::size_t who, Kind kind, std::string body, std::int64_t now = 0) {
        const auto next = log.next_for(people[who].public_key(), now);
        return add(coop::group::make_event(people[who], log.group(), next.seq, next.time_ms, kind, next.parents,
                                           std::move(body)));
    }
    Id start(std::size_t who, std::vector<std::string> resources, std::uint32_t rounds = 5) {
        coop::group::PlanStartBody b;
        b.title = "this week";
        b.resources = std::move(resources);
        b.rounds = rounds;
        b.round_minutes = 60;
        return append(who, Kind::plan_start, to_body(b)).id();
    }
    void offer(std::size_t who, const Id& plan, const std::string& resource, std::int64_t capacity, Schedule s) {
        coop::group::PlanOfferBody b{plan, {{resource, {capacity, std::move(s)}}}};
        append(who, Kind::plan_offer, to_body(b));
    }
    void request(std::size_t who, const Id& plan, const std::string& resource, Schedule s) {
        coop::group::PlanRequestBody b{plan, {{resource, std::move(s)}}};
        append(who, Kind::plan_request, to_body(b));
    }
    void close(std::size_t who, const Id& plan, std::uint32_t round, std::int64_t now = 0) {
        append(who, Kind::close, to_body(coop::group::CloseBody{plan, round}), now);
    }
    std::string key(std::size_t who) const { return hex(people[who].public_key()); }
    GroupState state() const { return coop::group::fold(log); }
};

std::uint64_t ignored(const GroupState& s, const std::string& reason) {
    auto it = s.ignored.find(reason);
    return it == s.ignored.end() ? 0 : it->second;
}

const Planning& planning(const GroupState& s, const Id& id) { return s.plans.at(hex(id)); }

// Four members: each offers some storage and upload and asks for some.
Id four_member_planning(PlanGroup& g) {
    const Id plan = g.start(0, {"storage", "upload"});
    for (std::size_t i = 0; i < 4; ++i) {
        const std::int64_t cap = 100 + 50 * static_cast<std::int64_t>(i);
        g.offer(i, plan, "storage", cap, Schedule::ramp(200'000, cap / 4, 2'000'000, cap));
        g.offer(i, plan, "upload", 40, Schedule::ramp(100'000, 10, 1'500'000, 40));
    }
    for (std::size_t i = 0; i < 4; ++i) {
        g.request(i, plan, "storage", Schedule::ramp(300'000, 120, 3'000'000, 0));
        g.request(i, plan, "upload", Schedule::ramp(200'000, 30, 2'500'000, 5));
    }
    g.close(0, plan, 1);
    return plan;
}

TEST(GroupPlanFold, FourMembersConvergeTheSameWhateverTheDeliveryOrder) {
    PlanGroup g(4);
    const Id plan = four_member_planning(g);
    const GroupState s = g.state();
    const Planning& p = planning(s, plan);
    EXPECT_TRUE(s.ignored.empty()) << nlohmann::json(s.ignored).dump();
    ASSERT_TRUE(p.ended);
    ASSERT_TRUE(p.adopted);
    EXPECT_EQ(p.adopted->outcome, Outcome::converged);
    EXPECT_EQ(p.round, 1u);
    ASSERT_EQ(p.closed.size(), 1u);
    EXPECT_EQ(p.closed[0].closed_by, g.key(0));
    for (const auto& t : p.adopted->tallies) EXPECT_TRUE(t.balanced);
    // What is received is what is provided, per resource.
    for (std::size_t j = 0; j < 2; ++j) {
        std::int64_t provided = 0, received = 0;
        for (const auto& m : p.adopted->members) provided += m.provides[j], received += m.receives[j];
        EXPECT_EQ(provided, received);
        EXPECT_GT(received, 0);
    }

    const std::string expected = s.to_json().dump();
    std::mt19937 rng(7);
    for (int member = 0; member < 4; ++member) {
        std::vector<Event> order = g.events;
        std::shuffle(order.begin(), order.end(), rng);
        GroupLog log(g.log.group());
        coop::group::PendingPool pool;
        for (const auto& e : order) pool.offer(log, e);
        ASSERT_EQ(log.size(), g.events.size());
        EXPECT_EQ(coop::group::fold(log).to_json().dump(), expected);
    }
}

TEST(GroupPlanFold, SilenceKeepsOffersAndTheLastRoundFallsBackToRationing) {
    // Supply jumps from nothing to all of it between two neighbouring
    // prices, so no price balances it: every round fails, and the last one
    // is rationed.
    PlanGroup g(2);
    const Id plan = g.start(0, {"storage"}, 2);
    g.offer(0, plan, "storage", 1000, Schedule{{{price_one, 0}, {price_one + 1, 1000}}});
    g.request(1, plan, "storage", Schedule::fixed(500));
    g.close(0, plan, 1);
    {
        const GroupState s = g.state();
        const Planning& p = planning(s, plan);
        EXPECT_FALSE(p.ended);
        EXPECT_EQ(p.round, 2u);
        ASSERT_EQ(p.closed.size(), 1u);
        EXPECT_EQ(p.closed[0].result.outcome, Outcome::rationed);
        EXPECT_EQ(p.prices, p.closed[0].result.next_prices) << "the next round opens at the board's next prices";
        EXPECT_EQ(p.offers.at(g.key(0)).at("storage").capacity, 1000) << "silence keeps the offer";
    }
    g.close(0, plan, 2);
    const GroupState s = g.state();
    const Planning& p = planning(s, plan);
    EXPECT_TRUE(p.ended);
    ASSERT_TRUE(p.adopted);
    EXPECT_EQ(p.adopted->outcome, Outcome::rationed);
    EXPECT_EQ(p.closed.size(), 2u);
    const auto& t = p.adopted->tallies[0];
    std::int64_t provided = 0, received = 0;
    for (const auto& m : p.adopted->members) provided += m.provides[0], received += m.receives[0];
    EXPECT_EQ(provided, received);
    EXPECT_EQ(received, std::min(t.supply, t.demand));

    // Nothing changes an ended planning.
    g.offer(1, plan, "storage", 10, Schedule::fixed(10));
    g.close(0, plan, 3);
    const GroupState after = g.state();
    EXPECT_EQ(ignored(after, "plan offer after the planning ended"), 1u);
    EXPECT_EQ(ignored(after, "close of a planning that has ended"), 1u);
    EXPECT_EQ(coop::group::plan_json(*planning(after, plan).adopted), coop::group::plan_json(*p.adopted));
}

TEST(GroupPlanFold, CloseRules) {
    PlanGroup g(3);
    const Id plan = g.start(0, {"upload"});
    const std::int64_t opened = planning(g.state(), plan).opened_ms;
    g.offer(1, plan, "upload", 100, Schedule::fixed(100));
    g.request(2, plan, "upload", Schedule::ramp(0, 33, 5 * price_one, 0));
    g.close(1, plan, 1);  // not the starter, before the deadline
    g.close(0, plan, 2);  // not the open round
    EXPECT_EQ(planning(g.state(), plan).closed.size(), 0u);
    g.close(2, plan, 1, opened + 60 * minute);  // anyone, at the deadline
    const GroupState s = g.state();
    EXPECT_EQ(ignored(s, "close of a round before its deadline by someone other than the starter"), 1u);
    EXPECT_EQ(ignored(s, "close of a round that is not open"), 1u);
    ASSERT_EQ(planning(s, plan).closed.size(), 1u);
    EXPECT_EQ(planning(s, plan).closed[0].closed_by, g.key(2));

    // A close of something that is neither a planning nor a proposal, and one without its round.
    g.append(0, Kind::close, to_body(coop::group::CloseBody{Id{}, std::nullopt}));
    g.append(0, Kind::close, to_body(coop::group::CloseBody{plan, std::nullopt}));
    const GroupState later = g.state();
    EXPECT_EQ(ignored(later, "close of an unknown proposal or planning"), 1u);
    EXPECT_EQ(ignored(later, "close of a planning without its round"), 1u);
}

TEST(GroupPlanFold, RequestsOverTheMemberShareAreIgnored) {
    PlanGroup g(2);
    const Id plan = g.start(0, {"storage", "upload"});
    g.offer(0, plan, "storage", 100, Schedule::fixed(100));
    g.request(1, plan, "storage", Schedule::fixed(80));  // the share is half of 100
    g.request(0, plan, "storage", Schedule::fixed(50));
    {
        const GroupState s = g.state();
        const auto bound = coop::group::share_bound(s, planning(s, plan), g.key(1), "storage");
        EXPECT_EQ(bound.most, 50);
        EXPECT_EQ(bound.declared, 100);
        EXPECT_TRUE(bound.equal);
        EXPECT_EQ(coop::group::share_bound(s, planning(s, plan), g.key(1), "upload").most, 0);
    }
    g.close(0, plan, 1);
    const GroupState s = g.state();
    EXPECT_EQ(ignored(s, "plan request over the member's share"), 1u);
    const Planning& p = planning(s, plan);
    EXPECT_FALSE(p.requests.count(g.key(1))) << "the request is dropped";
    ASSERT_TRUE(p.adopted);
    for (const auto& m : p.adopted->members)
        if (m.id == g.key(1)) {
            EXPECT_EQ(m.receives[0], 0);
        }
}

TEST(GroupPlanFold, NonMembersAndStrayEventsAreIgnored) {
    PlanGroup g(3);
    const Id plan = g.start(0, {"storage"});
    g.append(2, Kind::leave, "{}");
    g.offer(2, plan, "storage", 10, Schedule::fixed(10));  // left: not a member
    g.offer(1, plan, "upload", 10, Schedule::fixed(10));   // not covered
    Id unknown{};
    unknown.fill(7);
    g.request(1, unknown, "storage", Schedule::fixed(1));
    g.append(1, Kind::plan_offer, R"({"plan": "zz"})");
    g.append(1, Kind::plan_start, R"({"resources": ["cpu"]})");
    const GroupState s = g.state();
    EXPECT_EQ(ignored(s, "not a member"), 1u);
    EXPECT_EQ(ignored(s, "plan offer of a resource the planning does not cover"), 1u);
    EXPECT_EQ(ignored(s, "plan request for an unknown planning"), 1u);
    EXPECT_EQ(ignored(s, "malformed plan offer body: plan must be a planning's id in hex"), 1u);
    EXPECT_EQ(ignored(s, "malformed plan start body: resources must list 1 to 4 of relay, storage, transcode, upload"),
              1u);
    EXPECT_EQ(s.plans.size(), 1u);
    EXPECT_TRUE(planning(s, plan).offers.empty());
}

// A random economy (core/plan/random_economy.hpp) with equal shares, its
// resources renamed to the planning's and each request held to the share
// bound, as the fold does.
TEST(GroupPlanFold, SeededRandomEconomiesThroughTheEventsGiveMakePlansPlan) {
    const auto& names = coop::group::plan_resources();
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        const std::size_t members = 3 + seed % 4, resources = 1 + seed % 4;
        coop::plan::Economy e = coop::plan::random_economy({members, resources, seed, true});
        PlanGroup g(members);
        std::vector<std::string> covered;
        for (std::size_t j = 0; j < resources; ++j) covered.push_back(names[j].name);
        const Id plan = g.start(0, covered);

        // Renamed: resource j is names[j], member i is person i.
        coop::plan::Economy expected;
        for (std::size_t j = 0; j < resources; ++j) expected.resources.push_back(names[j]);
        std::vector<std::int64_t> declared(resources, 0);
        for (const auto& m : e.members)
            for (std::size_t j = 0; j < resources; ++j)
                if (j < m.offers.size() && !m.offers[j].points.empty()) declared[j] += m.capacity[j];
        for (std::size_t i = 0; i < members; ++i) {
            coop::plan::Member m = e.members[i];
            m.id = g.key(i);
            m.share = 0;
            m.capacity.resize(resources);
            m.offers.resize(resources);
            m.requests.resize(resources);
            for (std::size_t j = 0; j < resources; ++j) {
                if (!m.offers[j].points.empty()) g.offer(i, plan, names[j].name, m.capacity[j], m.offers[j]);
                else m.capacity[j] = 0;
                if (m.requests[j].points.empty()) continue;
                g.request(i, plan, names[j].name, m.requests[j]);
                if (coop::group::largest(m.requests[j]) > declared[j] / static_cast<std::int64_t>(members))
                    m.requests[j] = Schedule{};  // over the share: the fold drops it
            }
            expected.members.push_back(std::move(m));
        }
        g.close(0, plan, 1);
        const GroupState s = g.state();
        const Planning& p = planning(s, plan);
        ASSERT_EQ(p.closed.size(), 1u);
        coop::plan::Rules rules;
        rules.max_rounds = coop::group::plan_inner_iterations;
        EXPECT_EQ(coop::plan::serialize(p.closed[0].result), coop::plan::serialize(coop::plan::make_plan(expected, rules)));
        EXPECT_EQ(p.closed[0].result.outcome, Outcome::converged);
    }
}

}  // namespace
