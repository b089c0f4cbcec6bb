#include "core/group/state.hpp"

namespace coop::group {

using nlohmann::json;

json GroupState::to_json() const {
    json j;
    j["group"] = hex(group);
    j["name"] = name;
    j["about"] = about;
    j["topics"] = topics;
    j["open"] = open;
    j["founder"] = hex(founder);
    j["events"] = events;

    j["members"] = json::object();
    for (const auto& [key, m] : members) j["members"][key] = {{"since", hex(m.since)}, {"joined_ms", m.joined_ms}};
    j["left"] = json::object();
    for (const auto& [key, d] : left) j["left"][key] = {{"event", hex(d.event)}, {"time_ms", d.time_ms}};
    j["removed"] = removed;

    j["catalog"] = json::object();
    for (const auto& [id, e] : catalog)
        j["catalog"][id] = {{"magnet", e.magnet},       {"title", e.title},
                            {"tags", e.tags},           {"size", e.size},
                            {"info_hash", e.info_hash}, {"uploader", hex(e.uploader)},
                            {"time_ms", e.time_ms},     {"media", e.media},
                            {"retracted", e.retracted}};
    j["chat"] = json::array();
    for (const auto& p : chat)
        j["chat"].push_back({{"id", hex(p.id)}, {"author", hex(p.author)}, {"time_ms", p.time_ms}, {"text", p.text}});

    j["equivocators"] = equivocators;
    j["ignored"] = ignored;
    j["invites_used"] = json::object();
    for (const auto& [id, use] : invites_used)
        j["invites_used"][id] = {
            {"inviter", hex(use.inviter)}, {"single_use", use.single_use}, {"joiners", use.joiners}};
    return j;
}

void remove_member(GroupState& state, const PublicKey& member, const std::string& reason) {
    const std::string key = hex(member);
    state.members.erase(key);
    state.left.erase(key);
    state.removed[key] = reason;
}

}  // namespace coop::group
