#pragma once
// A group's state as the fold (fold.hpp) computes it from the event DAG:
// the same events give the same state, byte for byte in to_json().dump().
// Maps are keyed by lower-case hex (public keys, event and invite ids), so
// their order is the order of the bytes.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/group/event.hpp"

namespace coop::group {

struct Member {
    Id since{};  // the join (or genesis) event that made them a member
    std::int64_t joined_ms = 0;
};

struct Departure {
    Id event{};  // their leave event
    std::int64_t time_ms = 0;
};

struct CatalogEntry {
    std::string magnet;
    std::string title;
    std::vector<std::string> tags;
    std::int64_t size = 0;
    std::string info_hash;
    PublicKey uploader{};
    std::int64_t time_ms = 0;
    nlohmann::json media = nlohmann::json::object();
    bool retracted = false;  // kept in the history, left out of listings
};

struct ChatPost {
    Id id{};
    PublicKey author{};
    std::int64_t time_ms = 0;
    std::string text;
};

struct InviteUse {
    PublicKey inviter{};
    bool single_use = true;
    std::vector<std::string> joiners;  // public keys in hex, in canonical order
};

struct GroupState {
    Id group{};
    std::string name;
    std::string about;
    std::vector<std::string> topics;  // sorted
    bool open = false;
    PublicKey founder{};
    std::map<std::string, Member> members;
    std::map<std::string, Departure> left;        // left and not back
    std::map<std::string, std::string> removed;   // member -> reason of the vote that removed them
    std::map<std::string, CatalogEntry> catalog;  // by share event id
    std::vector<ChatPost> chat;                   // canonical order
    std::set<std::string> equivocators;           // signed two events with one sequence number
    std::map<std::string, std::uint64_t> ignored;  // reason -> events the fold ignored for it
    std::map<std::string, InviteUse> invites_used;  // by invite id
    std::uint64_t events = 0;                       // events folded

    bool is_member(const PublicKey& key) const { return members.count(hex(key)) != 0; }
    nlohmann::json to_json() const;
};

// Where a passed removal vote takes effect (issue 7): the member stops being
// one, their later events are ignored, and they cannot join again.
void remove_member(GroupState& state, const PublicKey& member, const std::string& reason);

}  // namespace coop::group
