#include "core/vote/tie_order.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

#include <sodium.h>

#include "core/identity.hpp"

namespace coop::vote {

namespace {

constexpr std::string_view domain = "coop-vote-tie";

}  // namespace

std::string tie_lot(const Proposal& proposal, const std::string& option) {
    std::string message(domain);
    message.push_back('\0');
    message += proposal.id;
    message.push_back('\0');
    message += option;
    std::array<std::uint8_t, 32> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), nullptr, 0);
    return coop::to_hex(digest.data(), digest.size());
}

std::vector<std::string> in_tie_order(const Proposal& proposal, std::vector<std::string> options) {
    std::map<std::string, std::pair<std::string, std::ptrdiff_t>> key;
    for (const auto& option : options) {
        const auto at = std::find(proposal.options.begin(), proposal.options.end(), option);
        key.emplace(option, std::pair{tie_lot(proposal, option), at - proposal.options.begin()});
    }
    std::sort(options.begin(), options.end(),
              [&](const std::string& a, const std::string& b) { return key.at(a) < key.at(b); });
    return options;
}

std::vector<std::string> tie_order(const Proposal& proposal) { return in_tie_order(proposal, proposal.options); }

}  // namespace coop::vote
