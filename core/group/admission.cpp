#include "core/group/admission.hpp"

#include "core/group/body.hpp"

namespace coop::group {

std::string closed_join_problem(const Id& group, const Event& join) {
    auto body = parse_join(join.body);
    if (!body) return "malformed join body";
    if (!body->invite) return "join without an invite";
    const Invite& invite = *body->invite;
    if (invite.group != group) return "invite for another group";
    if (invite.expired_at(join.time_ms)) return "invite expired";
    if (!invite.signature_valid()) return "bad invite signature";
    return {};
}

bool in_group_after(Kind kind, bool was_in) {
    switch (kind) {
        case Kind::genesis:
        case Kind::join: return true;
        case Kind::leave: return false;
        default: return was_in;
    }
}

}  // namespace coop::group
