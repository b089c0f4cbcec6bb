// The tie rule (core/vote/tie_order.hpp), pinned: any member, any build,
// must order tied options the same way.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/vote/tie_order.hpp"

namespace {

using coop::vote::Proposal;

Proposal lunch(std::string id) {
    Proposal p;
    p.id = std::move(id);
    p.method = coop::vote::Method::approval;
    p.options = {"pizza", "sushi", "tacos"};
    return p;
}

TEST(VoteTieOrder, LotsAreBlake2bOfTheProposalIdAndOption) {
    // BLAKE2b-256("coop-vote-tie\0p1\0pizza"), and so on.
    const auto p = lunch("p1");
    EXPECT_EQ(tie_lot(p, "pizza"), "ad67f9241dedba4aaeb40b3e2006da97b8f90490bb978ade37cc0c847abed836");
    EXPECT_EQ(tie_lot(p, "sushi"), "15ae5b32ef861d9a6065ed722c8be577073ee11ab259efe039f5245ccd251669");
    EXPECT_EQ(tie_lot(p, "tacos"), "fe93c9a1d16e306b7a2bb2a5e81aa99a211455bfca574f6b9f4f16ea6a7fb39f");
    EXPECT_EQ(tie_order(p), (std::vector<std::string>{"sushi", "pizza", "tacos"}));
}

TEST(VoteTieOrder, NotTheAuthorsOrderAndSeededByTheProposal) {
    auto p = lunch("p1");
    std::reverse(p.options.begin(), p.options.end());
    EXPECT_EQ(tie_order(p), (std::vector<std::string>{"sushi", "pizza", "tacos"}));
    EXPECT_EQ(in_tie_order(p, {"tacos", "pizza"}), (std::vector<std::string>{"pizza", "tacos"}));
    // Another proposal, another lot.
    bool differs = false;
    for (int i = 0; i < 8 && !differs; ++i) differs = tie_order(lunch("p" + std::to_string(i + 2))) != tie_order(p);
    EXPECT_TRUE(differs);
}

}  // namespace
