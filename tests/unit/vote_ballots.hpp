#pragma once
// A proposal and its ballots built up in a test: members by short names,
// each ballot a fresh event id and the voter's next sequence number.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/vote/proposal.hpp"
#include "core/vote/tally.hpp"

namespace coop::testing {

inline constexpr std::int64_t vote_closes_ms = 1'000'000;

class Votes {
public:
    Votes(vote::Method method, std::vector<std::string> options) {
        proposal.id = "p1";
        proposal.method = method;
        proposal.options = std::move(options);
        proposal.closes_ms = vote_closes_ms;
    }

    // Members "a", "b", ... up to `count`.
    Votes& with_members(int count) {
        for (int i = 0; i < count; ++i) members.insert(std::string(1, static_cast<char>('a' + i)));
        return *this;
    }

    // A ballot signed `before_close_ms` before the close (0 or less: at or
    // after it). Returns its event id.
    std::string cast(const std::string& voter, vote::Choice choice, std::int64_t before_close_ms = 1000) {
        const std::uint64_t sequence = ++sequences[voter];
        const std::string id = "e" + std::to_string(ballots.size() + 10);  // same width for the first 90
        ballots.push_back(vote::Ballot{id, voter, vote_closes_ms - before_close_ms, sequence, std::move(choice)});
        return id;
    }

    vote::Tally closed() const { return vote::tally(proposal, members, ballots, vote_closes_ms); }
    vote::Tally open() const { return vote::tally(proposal, members, ballots, vote_closes_ms - 1); }

    vote::Proposal proposal;
    std::set<std::string> members;
    std::vector<vote::Ballot> ballots;

private:
    std::map<std::string, std::uint64_t> sequences;
};

inline vote::Pick pick(std::string option) { return vote::Pick{std::move(option)}; }
inline vote::Approve approve(std::vector<std::string> options) { return vote::Approve{std::move(options)}; }
inline vote::Consent consent() { return vote::Consent{false, {}}; }
inline vote::Consent object(std::string reason) { return vote::Consent{true, std::move(reason)}; }
inline vote::Rank rank(std::vector<std::string> order) { return vote::Rank{std::move(order)}; }
inline vote::Score score(std::vector<std::pair<std::string, int>> scores) { return vote::Score{std::move(scores)}; }

inline constexpr vote::Say half_say = vote::full_say / 2;

}  // namespace coop::testing
