// What makes a proposal countable (core/vote/check.hpp).
#include <gtest/gtest.h>

#include "core/vote/check.hpp"

namespace {

using coop::vote::Method;
using coop::vote::Proposal;
using coop::vote::proposal_problem;

Proposal of(Method method, std::vector<std::string> options) {
    Proposal p;
    p.id = "p1";
    p.method = method;
    p.options = std::move(options);
    return p;
}

TEST(VoteCheck, Proposals) {
    EXPECT_FALSE(proposal_problem(of(Method::consent, {})));
    EXPECT_FALSE(proposal_problem(of(Method::majority, {"yes", "no"})));
    EXPECT_EQ(proposal_problem(of(Method::consent, {"yes"})), "a consent proposal has no options");
    EXPECT_EQ(proposal_problem(of(Method::score, {"A"})), "a score proposal needs at least 2 options");
    EXPECT_EQ(proposal_problem(of(Method::approval, {"A", "A"})), "option \"A\" given twice");
    EXPECT_EQ(proposal_problem(of(Method::approval, {"A", ""})), "an option is empty");
    auto p = of(Method::majority, {"yes", "no"});
    p.quorum = coop::vote::full_say + 1;
    EXPECT_EQ(proposal_problem(p), "quorum is not between 0 and 100%");
    p.quorum = 0;
    p.unaffected_say = -1;
    EXPECT_EQ(proposal_problem(p), "the say of unaffected members is not between none and full");
}

TEST(VoteCheck, MethodNames) {
    for (const Method m : {Method::majority, Method::approval, Method::consent, Method::ranked, Method::score})
        EXPECT_EQ(coop::vote::method_from_name(coop::vote::method_name(m)), m);
    EXPECT_FALSE(coop::vote::method_from_name("borda"));
}

}  // namespace
