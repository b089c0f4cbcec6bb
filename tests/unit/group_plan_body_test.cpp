// The planning kinds' bodies (core/group/body_plan.hpp) and a close's
// round (core/group/body.hpp): what they accept, their bounds, and the
// one line that says what is wrong.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/group/body.hpp"
#include "core/group/body_plan.hpp"

namespace {

using coop::group::CloseBody;
using coop::group::Id;
using coop::group::parse_close;
using coop::group::parse_plan_offer;
using coop::group::parse_plan_request;
using coop::group::parse_plan_start;
using coop::group::PlanOfferBody;
using coop::group::PlanRequestBody;
using coop::group::PlanStartBody;
using coop::group::to_body;
using coop::plan::Schedule;
using nlohmann::json;

const std::string plan_hex(64, 'a');

std::string why_start(const json& body) {
    std::string why;
    EXPECT_FALSE(parse_plan_start(body.dump(), &why)) << body.dump();
    return why;
}

std::string why_offer(const json& offers) {
    std::string why;
    EXPECT_FALSE(parse_plan_offer(json{{"plan", plan_hex}, {"offers", offers}}.dump(), &why)) << offers.dump();
    return why;
}

std::string why_request(const json& requests) {
    std::string why;
    EXPECT_FALSE(parse_plan_request(json{{"plan", plan_hex}, {"requests", requests}}.dump(), &why)) << requests.dump();
    return why;
}

TEST(GroupPlanBody, StartRoundTripsWithResourcesSorted) {
    PlanStartBody b;
    b.title = "spring";
    b.resources = {"upload", "storage"};
    b.rounds = 3;
    b.round_minutes = 90;
    b.days = 14;
    auto parsed = parse_plan_start(to_body(b));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->resources, (std::vector<std::string>{"storage", "upload"}));
    EXPECT_EQ(parsed->title, "spring");
    EXPECT_EQ(parsed->rounds, 3u);
    EXPECT_EQ(parsed->round_minutes, 90);
    EXPECT_EQ(parsed->days, 14u);

    auto defaults = parse_plan_start(R"({"resources": ["storage"]})");
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->rounds, coop::group::default_plan_rounds);
    EXPECT_EQ(defaults->round_minutes, coop::group::default_round_minutes);
    EXPECT_EQ(defaults->days, coop::group::default_plan_days);
}

TEST(GroupPlanBody, StartRefusesWhatBreaksItsBounds) {
    EXPECT_EQ(why_start({{"resources", json::array()}}), "resources must list 1 to 4 of relay, storage, transcode, upload");
    EXPECT_EQ(why_start({{"resources", {"cpu"}}}), "resources must list 1 to 4 of relay, storage, transcode, upload");
    EXPECT_EQ(why_start({{"resources", {"storage", "storage"}}}), "resources names one twice");
    EXPECT_EQ(why_start({{"resources", {"storage"}}, {"rounds", 0}}), "rounds must be a whole number from 1 to 20");
    EXPECT_EQ(why_start({{"resources", {"storage"}}, {"rounds", 21}}), "rounds must be a whole number from 1 to 20");
    EXPECT_EQ(why_start({{"resources", {"storage"}}, {"round_minutes", 43201}}),
              "round_minutes must be a whole number from 1 to 43200 (30 days)");
    EXPECT_EQ(why_start({{"resources", {"storage"}}, {"days", 366}}), "days must be a whole number from 1 to 365");
    EXPECT_EQ(why_start({{"resources", {"storage"}}, {"title", std::string(301, 'x')}}),
              "the title must be one line of at most 300 bytes");
    EXPECT_EQ(why_start({{"resources", {"storage"}}, {"title", "two\nlines"}}),
              "the title must be one line of at most 300 bytes");
    std::string why;
    EXPECT_FALSE(parse_plan_start("[1]", &why));
    EXPECT_EQ(why, "not a JSON object");
}

TEST(GroupPlanBody, OfferAndRequestRoundTrip) {
    PlanOfferBody o;
    o.plan.fill(0xaa);
    o.offers["storage"] = {500, Schedule::ramp(1'000'000, 100, 2'000'000, 500)};
    auto offer = parse_plan_offer(to_body(o));
    ASSERT_TRUE(offer);
    EXPECT_EQ(offer->plan, o.plan);
    EXPECT_EQ(offer->offers.at("storage").capacity, 500);
    EXPECT_EQ(offer->offers.at("storage").schedule, o.offers["storage"].schedule);

    PlanRequestBody r;
    r.plan.fill(0xaa);
    r.requests["upload"] = Schedule::ramp(0, 40, 3'000'000, 0);
    r.requests["storage"] = Schedule{};  // withdraws
    auto request = parse_plan_request(to_body(r));
    ASSERT_TRUE(request);
    EXPECT_EQ(request->requests, r.requests);
}

TEST(GroupPlanBody, SchedulesKeepTheirShape) {
    EXPECT_EQ(why_offer({{"storage", {{"capacity", 10}, {"schedule", {{0, 11}}}}}}),
              "the offer of storage: an offer is more than its capacity");
    EXPECT_EQ(why_offer({{"storage", {{"capacity", 10}, {"schedule", {{1, 5}, {2, 4}}}}}}),
              "the offer of storage: an offer falls as the price rises");
    EXPECT_EQ(why_offer({{"storage", {{"capacity", 10}, {"schedule", {{2, 5}, {2, 6}}}}}}),
              "the offer of storage: the price points are not in ascending order");
    EXPECT_EQ(why_offer({{"storage", {{"schedule", {{0, 1}}}}}}), "the capacity of storage must be a whole number of units");
    EXPECT_EQ(why_offer({{"storage", {{"capacity", -1}, {"schedule", {{0, 1}}}}}}),
              "the capacity of storage must be a whole number of units");
    json nine = json::array();
    for (int i = 0; i < 9; ++i) nine.push_back({i, 1});
    EXPECT_EQ(why_offer({{"storage", {{"capacity", 10}, {"schedule", nine}}}}),
              "the schedule of storage must be at most 8 [price, quantity] pairs");
    EXPECT_EQ(why_offer({{"cpu", {{"capacity", 10}, {"schedule", {{0, 1}}}}}}), "offers names an unknown resource");
    EXPECT_EQ(why_offer(json::object()), "offers names no resource");

    EXPECT_EQ(why_request({{"upload", {{1, 5}, {2, 6}}}}), "the request of upload: a request rises with the price");
    EXPECT_EQ(why_request({{"upload", {{-1, 5}}}}), "the request of upload must be at most 8 [price, quantity] pairs");
    EXPECT_EQ(why_request({{"upload", {{0, (std::int64_t{1} << 40) + 1}}}}),
              "the request of upload must be at most 8 [price, quantity] pairs");
    EXPECT_EQ(why_request({{"upload", {{(std::int64_t{1} << 40) + 1, 1}}}}),
              "the request of upload must be at most 8 [price, quantity] pairs");

    std::string why;
    EXPECT_FALSE(parse_plan_offer(R"({"plan": "xyz", "offers": {}})", &why));
    EXPECT_EQ(why, "plan must be a planning's id in hex");
}

TEST(GroupPlanBody, CloseCarriesAnOptionalRound) {
    CloseBody c;
    c.of.fill(0x11);
    auto plain = parse_close(to_body(c));
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->round);
    EXPECT_EQ(to_body(c), json({{"of", std::string(64, '1')}}).dump()) << "a proposal's close is as it was";
    c.round = 3;
    auto with_round = parse_close(to_body(c));
    ASSERT_TRUE(with_round);
    EXPECT_EQ(with_round->round, 3u);
    std::string why;
    EXPECT_FALSE(parse_close(json{{"of", std::string(64, '1')}, {"round", 0}}.dump(), &why));
    EXPECT_EQ(why, "round must be a whole number from 1 to 20");
    EXPECT_FALSE(parse_close(json{{"of", std::string(64, '1')}, {"round", 21}}.dump(), &why));
}

}  // namespace
