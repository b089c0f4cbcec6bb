// The groups' side of the ledger: where the agent's countersigned transfers,
// capacity and fraud proofs are posted, and the member groups whose folded
// state says each member's effort (ledger.hpp reads them).
#include <spdlog/spdlog.h>

#include "core/agent/groups.hpp"

namespace coop::agent {

using group::Kind;

std::vector<std::string> Groups::post_transfer(const coop::ledger::Transfer& transfer) {
    const Identity::PublicKey& us = identity_.public_key();
    const Identity::PublicKey& other = transfer.proposer() == us ? transfer.countersigner() : transfer.proposer();
    const std::string body = group::to_body(group::LedgerRecordBody{transfer});
    std::vector<std::string> posted;
    for (auto& [id, h] : groups_) {
        const auto* s = folded_for_access(h);
        if (!s || !s->is_member(other)) continue;
        try {
            if (post_to_group(id, Kind::ledger_record, body)) posted.push_back(s->name);
        } catch (const std::exception& e) {
            spdlog::warn("cannot post a ledger record into {}: {}", s->name, e.what());
        }
    }
    return posted;
}

std::vector<std::string> Groups::post_to_member_groups(Kind kind, const std::string& body) {
    std::vector<std::string> posted;
    for (auto& [id, h] : groups_)
        if (post_to_group(id, kind, body)) posted.push_back(h.folded ? h.folded->name : h.record.name);
    return posted;
}

bool Groups::post_to_group(const group::Id& group, Kind kind, const std::string& body) {
    Held* h = held(group);
    if (!h || h->record.status != group::Membership::member) return false;
    const auto* s = folded_for_access(*h);
    if (!s || !s->is_member(identity_.public_key())) return false;
    publish(*h, kind, body);
    return true;
}

std::vector<Groups::MemberGroup> Groups::member_groups(const std::string& given) {
    std::vector<MemberGroup> out;
    auto add = [&](Held& h) {
        const auto* s = folded(h);
        if (s && s->is_member(identity_.public_key())) out.push_back({h.record.group, s->name, s});
    };
    if (!given.empty()) {
        Held& h = resolve_member(given);
        add(h);
        if (out.empty()) throw RpcFailure(rpc::not_member, "you are not a member of " + given);
        return out;
    }
    for (auto& [id, h] : groups_)
        if (h.record.status == group::Membership::member) add(h);
    return out;
}

std::map<Identity::PublicKey, std::string> Groups::member_hosts() const {
    std::map<Identity::PublicKey, std::string> out;
    for (const auto& [link, p] : peers_) {
        std::string error;
        const auto e = parse_endpoint(p.remote, error);
        if (!e) continue;
        for (const auto& [id, h] : groups_)
            if (h.folded && h.folded->is_member(p.key)) {
                out[p.key] = e->address;
                break;
            }
    }
    return out;
}

}  // namespace coop::agent
