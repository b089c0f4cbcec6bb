#pragma once
// What the sync engine needs from its owner, the agent: the logs and their
// folds, durable storage, and the links. The engine holds no socket, no
// database and no clock of its own.
//
// The engine calls these from inside its own entry points, so none of them
// may call back into the engine: post the work to the loop instead (the
// agent's links already report closes later, never from inside a call).
// The wall clock too is the host's: the engine's own is a steady one.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/group/log.hpp"
#include "core/group/state.hpp"
#include "core/group/sync_messages.hpp"

namespace coop::group {

// The host's name for one overlay link, unique while it is open.
using PeerId = std::uint64_t;

struct SyncHost {
    // The group's log, or nullptr if we hold no such group. The engine adds
    // the events peers send to it.
    virtual GroupLog* log(const Id& group) = 0;
    // The fold of log(group) as it is now (after every accepted() so far);
    // nullptr if none. Decides who may have a closed group's events.
    virtual const GroupState* state(const Id& group) = 0;
    // Our open groups carrying the tag, for a peer's FIND. The engine leaves
    // out any group whose state is not open.
    virtual std::vector<GroupSummary> open_groups_with_tag(const std::string& tag) = 0;
    // These events just entered log(group), parents first. Store them
    // durably before returning: the engine passes them on only after.
    virtual void accepted(const Id& group, const std::vector<Id>& ids) = 0;
    // A frame for the peer's link (at most sync::max_frame_bytes).
    virtual void send(PeerId peer, std::string frame) = 0;
    // Close the peer's link; the engine ignores it until peer_closed.
    virtual void drop(PeerId peer, const std::string& reason) = 0;
    // The answer to our find(peer, tag).
    virtual void found(const std::string& tag, PeerId peer, std::vector<GroupSummary> groups) = 0;
    // The peer refused our subscribe(peer, group), or stopped serving it.
    virtual void refused(PeerId peer, const Id& group, sync::RefuseReason reason) = 0;
    // Milliseconds since the Unix epoch. Peers' events stamped more than
    // max_future_ms (log.hpp) past it are refused until then.
    virtual std::int64_t now_ms() {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }

    virtual ~SyncHost() = default;
};

}  // namespace coop::group
