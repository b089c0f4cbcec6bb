#include "core/vote/proposal.hpp"

#include <array>

namespace coop::vote {

namespace {

constexpr std::array<std::pair<Method, std::string_view>, 5> names{{
    {Method::majority, "majority"},
    {Method::approval, "approval"},
    {Method::consent, "consent"},
    {Method::ranked, "ranked"},
    {Method::score, "score"},
}};

}  // namespace

std::string_view method_name(Method method) {
    for (const auto& [m, name] : names)
        if (m == method) return name;
    return "unknown";
}

std::optional<Method> method_from_name(std::string_view name) {
    for (const auto& [m, n] : names)
        if (n == name) return m;
    return std::nullopt;
}

Method method_of(const Choice& choice) {
    struct Of {
        Method operator()(const Pick&) const { return Method::majority; }
        Method operator()(const Approve&) const { return Method::approval; }
        Method operator()(const Consent&) const { return Method::consent; }
        Method operator()(const Rank&) const { return Method::ranked; }
        Method operator()(const Score&) const { return Method::score; }
    };
    return std::visit(Of{}, choice);
}

}  // namespace coop::vote
