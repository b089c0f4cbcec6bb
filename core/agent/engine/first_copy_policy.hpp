#pragma once
// A seeder's answer to each block request while a share is new to the
// swarm: its uplink is the swarm's bottleneck, so it should carry every
// piece about once and leave the rest to the leechers. Leechers cannot see
// which pieces are on their way to one another (rarest first sends them
// all to the seeder for the same pieces), so a request for a piece that
// another peer got from us a moment ago, or already has, is refused with a
// suggestion of a piece nobody has had yet. Once every piece has gone out
// once, or when we are the only source of a piece, every request is served.
//
// Free of libtorrent types so it can be tested alone; FirstCopyPlugin feeds
// it. State is one entry per piece and one small entry per connected peer.
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <utility>
#include <unordered_map>
#include <vector>

namespace coop::agent {

class FirstCopyPolicy {
public:
    using Clock = std::chrono::steady_clock;
    using PeerId = std::uint32_t;  // never 0

    // What the policy asks about the swarm at the moment of a request.
    class Swarm {
    public:
        virtual ~Swarm() = default;
        virtual bool requester_has(int piece) const = 0;
        // Some connected peer other than the requester has the piece.
        virtual bool another_peer_has(int piece) const = 0;
        virtual bool connected(PeerId peer) const = 0;
    };

    struct Answer {
        bool reject = false;
        int suggest = -1;  // a piece to suggest with the reject, or -1
    };

    // How each request was answered, for the log and the tests.
    struct Counts {
        std::uint64_t served_first = 0;         // nobody had it from us yet
        std::uint64_t served_own = 0;           // the peer we are sending it to asks for more of it
        std::uint64_t served_only_source = 0;   // we are its only source now
        std::uint64_t served_insisting = 0;     // asked again for a block we refused it
        std::uint64_t served_nothing_else = 0;  // no unsent piece it lacks
        std::uint64_t served_no_fast = 0;       // cannot be refused (no fast extension)
        std::uint64_t served_after_first_copy = 0;
        std::uint64_t rejected = 0;
        std::uint64_t rejected_while_draining = 0;  // every piece handed out, not all sent yet
        std::uint64_t suggested = 0;
    };

    // A piece handed to a peer is on its way while its blocks wait in our
    // send buffer for that peer, and for this long after the last of them
    // left it, or after the last was asked for if they never reached the
    // buffer: the kernel's unsent bytes (up to 512 KiB a socket), the
    // link, the hash check and the HAVE, with room to spare.
    static constexpr Clock::duration default_grace = std::chrono::seconds(3);
    // A holder that has sat on a piece this long is not waited for.
    static constexpr Clock::duration stall_limit = std::chrono::seconds(30);
    // Blocks written and not yet sent, remembered per peer (libtorrent
    // queues at most 2000 requests a peer); beyond, the oldest count as sent.
    static constexpr std::size_t max_blocks_in_send_buffer = 4096;
    // Suggestions a peer may hold from us that it has not asked for yet
    // (libtorrent keeps 16); more would only reserve pieces it cannot use.
    static constexpr std::size_t max_open_suggestions = 8;
    // Refused blocks remembered per peer, to notice one asked again.
    static constexpr std::size_t remembered_refusals = 16;

    explicit FirstCopyPolicy(int pieces, Clock::duration grace = default_grace);

    PeerId connected(bool fast_extension);
    // The peer's handshake said whether it can take a REJECT_REQUEST.
    void set_fast_extension(PeerId peer, bool fast);
    void disconnected(PeerId peer);

    // A valid request for bytes at `offset` of `piece` from an unchoked peer.
    Answer request(PeerId peer, int piece, int offset, Clock::time_point now, const Swarm& swarm);
    // A block of `length` bytes of `piece` went into the peer's send buffer.
    void block_written(PeerId peer, int piece, int length);
    // `bytes` of piece data left the peer's send buffer.
    void payload_sent(PeerId peer, int bytes, Clock::time_point now);

    // Every piece has left our send buffers at least once (or the last of
    // them has waited there stall_limit): nothing is refused any more.
    // Until then a repeat would share the uplink with the first copy's last
    // pieces, and only delay them.
    bool first_copy_done() const { return done_; }
    // No piece is left that nobody has asked us for.
    bool every_piece_handed_out() const { return never_sent_ == 0; }
    int never_sent() const { return never_sent_; }
    const Counts& counts() const { return counts_; }

private:
    struct Piece {
        bool sent = false;  // a request for it was accepted once
        PeerId holder = 0;  // whom we sent it to last
        Clock::time_point last_request{};
        std::uint64_t written_end = 0;  // the holder's bytes written up to its last block of it
        Clock::time_point left_at{};    // when that block left our send buffer
        PeerId suggested_to = 0;
        Clock::time_point suggested_at{};
    };
    struct Refusal {
        int piece = -1;
        int offset = 0;
        Clock::time_point at{};
    };
    struct Peer {
        bool fast = false;
        std::array<Refusal, remembered_refusals> refused{};
        std::size_t next_refusal = 0;
        std::array<int, max_open_suggestions> suggested{};  // pieces, -1 for none
        std::size_t next_suggestion = 0;
        std::uint64_t written = 0, sent = 0;  // piece bytes into and out of its send buffer
        std::deque<std::pair<int, std::uint64_t>> unsent;  // (piece, `written` after the block)
    };

    void serve(PeerId peer, int piece, Clock::time_point now);
    bool on_its_way(const Piece& p, Clock::time_point now, const Swarm& swarm) const;
    void check_done(Clock::time_point now);
    bool asked_again(Peer& p, int piece, int offset, Clock::time_point now);
    std::size_t open_suggestions(PeerId peer, const Peer& p, Clock::time_point now) const;
    bool suggestion_open(const Piece& p, Clock::time_point now) const;
    int pick_suggestion(PeerId peer, Clock::time_point now, const Swarm& swarm) const;

    Clock::duration grace_;
    std::vector<Piece> pieces_;
    int never_sent_ = 0;
    Clock::time_point all_handed_out_at{};
    std::size_t blocks_waiting_ = 0;  // in every peer's send buffer
    bool done_ = false;
    std::unordered_map<PeerId, Peer> peers_;
    PeerId last_peer_ = 0;
    Counts counts_;
};

}  // namespace coop::agent
