// Planning for people (core/cli/plan_text.hpp): prices as typed and shown,
// schedule points, and plan.show as text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/cli/plan_text.hpp"

namespace {

using coop::cli::format_price;
using coop::cli::parse_point;
using coop::cli::parse_price;
using nlohmann::json;

TEST(PlanText, PricesAreExactMillionths) {
    EXPECT_EQ(parse_price("2"), 2'000'000);
    EXPECT_EQ(parse_price("0.5"), 500'000);
    EXPECT_EQ(parse_price(".25"), 250'000);
    EXPECT_EQ(parse_price("1.000001"), 1'000'001);
    EXPECT_FALSE(parse_price("1.0000001"));
    EXPECT_FALSE(parse_price("1."));
    EXPECT_FALSE(parse_price("-1"));
    EXPECT_FALSE(parse_price("1e3"));
    EXPECT_FALSE(parse_price(""));
    EXPECT_FALSE(parse_price("2000000"));  // above 2^40 millionths
    EXPECT_EQ(format_price(1'000'000), "1.00");
    EXPECT_EQ(format_price(250'000), "0.25");
    EXPECT_EQ(format_price(1'000), "0.001");
    EXPECT_EQ(format_price(3'141'593), "3.141593");
    EXPECT_EQ(parse_point("1.5:200"), json::array({1'500'000, 200}));
    EXPECT_FALSE(parse_point("1.5"));
    EXPECT_FALSE(parse_point("1.5:-2"));
}

TEST(PlanText, ShowSaysTheOutcomeAndEachMembersPart) {
    const std::string a(64, 'a'), b(64, 'b');
    json p = {{"plan", std::string(64, 'c')}, {"title", "this week"}, {"starter", a}, {"started_ms", 0},
              {"resources", {{{"name", "storage"}, {"unit", "GB·day"}}}}, {"rounds", 5}, {"round", 1},
              {"days", 7}, {"members", 2}, {"status", "adopted"}, {"offers", json::object()},
              {"requests", json::object()}, {"closed", json::array()}};
    p["adopted"] = {{"outcome", "converged"}, {"iterations", 12}, {"prices", {{"storage", 1'250'000}}},
                    {"tallies", {{"storage", {{"supply", 90}, {"demand", 90}, {"excess", 0}, {"balanced", true}}}}},
                    {"members", {{a, {{"provides", {{"storage", 90}}}, {"receives", {{"storage", 0}}}, {"clipped", false}}},
                                 {b, {{"provides", {{"storage", 0}}}, {"receives", {{"storage", 90}}}, {"clipped", true}}}}}};
    const std::string text = coop::cli::plan_show_text(p, {a, 0});
    EXPECT_NE(text.find("round 1 of 5, adopted, converged after 12 steps"), std::string::npos) << text;
    EXPECT_NE(text.find("1.25"), std::string::npos) << text;
    EXPECT_NE(text.find("aaaaaaaa (you)"), std::string::npos) << text;
    EXPECT_NE(text.find("cut to its share"), std::string::npos) << text;
    // Wrong types read as empty, never throw.
    EXPECT_NO_THROW(coop::cli::plan_show_text(json{{"status", 3}, {"adopted", "x"}, {"offers", {{"k", 1}}}}, {}));
}

}  // namespace
