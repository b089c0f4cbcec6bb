#pragma once
// What links count: their traffic, and the faults that closed them, by
// kind. Plain sums, so the agent can add up every link it ever had.
#include <cstdint>

namespace coop::overlay {

struct LinkTraffic {
    std::uint64_t bytes_in = 0, bytes_out = 0;    // everything on the wire, handshake included
    std::uint64_t frames_in = 0, frames_out = 0;  // the user's frames only

    LinkTraffic& operator+=(const LinkTraffic& o) {
        bytes_in += o.bytes_in;
        bytes_out += o.bytes_out;
        frames_in += o.frames_in;
        frames_out += o.frames_out;
        return *this;
    }
};

struct LinkFaults {
    std::uint64_t bad_frames = 0;       // not coop, wrong version, undecryptable, out of order
    std::uint64_t oversize = 0;         // a length over the frame bound
    std::uint64_t auth_failed = 0;      // no valid signature for this session, or not the peer expected
    std::uint64_t timeouts = 0;         // a handshake too slow, or a peer silent too long
    std::uint64_t send_queue_full = 0;  // a peer that does not read what we send
    std::uint64_t refused = 0;          // turned away by a listener with too many handshakes going

    LinkFaults& operator+=(const LinkFaults& o) {
        bad_frames += o.bad_frames;
        oversize += o.oversize;
        auth_failed += o.auth_failed;
        timeouts += o.timeouts;
        send_queue_full += o.send_queue_full;
        refused += o.refused;
        return *this;
    }
    std::uint64_t total() const { return bad_frames + oversize + auth_failed + timeouts + send_queue_full + refused; }
};

struct LinkStats {
    LinkTraffic traffic;
    LinkFaults faults;

    LinkStats& operator+=(const LinkStats& o) {
        traffic += o.traffic;
        faults += o.faults;
        return *this;
    }
};

}  // namespace coop::overlay
