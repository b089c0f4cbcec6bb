#include "core/group/sync_counters.hpp"

namespace coop::group {

const char* to_string(SyncFault fault) {
    switch (fault) {
        case SyncFault::malformed: return "malformed";
        case SyncFault::oversize: return "oversize";
        case SyncFault::unknown_type: return "unknown_type";
        case SyncFault::bad_signature: return "bad_signature";
        case SyncFault::bad_event: return "bad_event";
        case SyncFault::not_subscribed: return "not_subscribed";
        case SyncFault::unsolicited: return "unsolicited";
        case SyncFault::flood: return "flood";
        case SyncFault::replay: return "replay";
        case SyncFault::unanswered: return "unanswered";
        case SyncFault::from_future: return "from_future";
    }
    return "unknown";
}

nlohmann::json SyncCounters::to_json() const {
    nlohmann::json j = {{"frames_in", frames_in},     {"frames_out", frames_out},
                        {"events_in", events_in},     {"events_out", events_out},
                        {"duplicates", duplicates},   {"held", held},
                        {"pool_full", pool_full},     {"pool_evicted", pool_evicted},
                        {"pool_expired", pool_expired},
                        {"subscribers", subscribers}, {"refused", refused},
                        {"drops", drops},             {"errors", errors}};
    j["faults"] = nlohmann::json::object();
    for (std::size_t i = 0; i < sync_fault_count; ++i) j["faults"][to_string(static_cast<SyncFault>(i))] = faults[i];
    j["rejections"] = nlohmann::json::object();
    for (std::size_t i = 1; i < add_reason_count; ++i)  // 0 is "none"
        j["rejections"][to_string(static_cast<AddResult::Reason>(i))] = rejections[i];
    return j;
}

}  // namespace coop::group
