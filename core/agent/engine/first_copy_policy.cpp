#include "core/agent/engine/first_copy_policy.hpp"

#include <algorithm>

namespace coop::agent {

FirstCopyPolicy::FirstCopyPolicy(int pieces, Clock::duration grace)
    : grace_(grace), pieces_(static_cast<std::size_t>(std::max(pieces, 0))), never_sent_(std::max(pieces, 0)),
      done_(never_sent_ == 0) {}

FirstCopyPolicy::PeerId FirstCopyPolicy::connected(bool fast_extension) {
    do {
        ++last_peer_;
    } while (last_peer_ == 0 || peers_.count(last_peer_) != 0);
    Peer& p = peers_[last_peer_];
    p.fast = fast_extension;
    p.suggested.fill(-1);
    return last_peer_;
}

void FirstCopyPolicy::set_fast_extension(PeerId peer, bool fast) {
    auto it = peers_.find(peer);
    if (it != peers_.end()) it->second.fast = fast;
}

void FirstCopyPolicy::disconnected(PeerId peer) {
    auto it = peers_.find(peer);
    if (it == peers_.end()) return;
    blocks_waiting_ -= std::min(blocks_waiting_, it->second.unsent.size());
    peers_.erase(it);
}

void FirstCopyPolicy::check_done(Clock::time_point now) {
    if (done_ || never_sent_ > 0) return;
    done_ = blocks_waiting_ == 0 || now - all_handed_out_at >= stall_limit;
}

FirstCopyPolicy::Answer FirstCopyPolicy::request(PeerId peer, int piece, int offset, Clock::time_point now,
                                                 const Swarm& swarm) {
    if (piece < 0 || piece >= static_cast<int>(pieces_.size())) return {};
    auto it = peers_.find(peer);
    Piece& wanted = pieces_[static_cast<std::size_t>(piece)];
    const auto served = [&](std::uint64_t& why) {
        ++why;
        serve(peer, piece, now);
        return Answer{};
    };
    check_done(now);
    if (first_copy_done()) return served(counts_.served_after_first_copy);
    if (!wanted.sent) return served(counts_.served_first);
    if (wanted.holder == peer) return served(counts_.served_own);
    if (it == peers_.end() || !it->second.fast) return served(counts_.served_no_fast);
    if (!on_its_way(wanted, now, swarm) && !swarm.another_peer_has(piece)) return served(counts_.served_only_source);
    Peer& p = it->second;
    // A reader with a deadline asks for the same block again at once,
    // whatever we suggest: it must not wait for the other peer.
    if (asked_again(p, piece, offset, now)) return served(counts_.served_insisting);

    Answer answer{true, -1};
    if (every_piece_handed_out()) {
        // Nothing to suggest, and the uplink is busy with the first copy.
        ++counts_.rejected_while_draining;
    } else if (open_suggestions(peer, p, now) < max_open_suggestions) {
        answer.suggest = pick_suggestion(peer, now, swarm);
        // No unsent piece it lacks: better a second copy than an idle uplink.
        if (answer.suggest < 0 && open_suggestions(peer, p, now) == 0) return served(counts_.served_nothing_else);
    }
    if (answer.suggest >= 0) {
        Piece& offered = pieces_[static_cast<std::size_t>(answer.suggest)];
        offered.suggested_to = peer;
        offered.suggested_at = now;
        p.suggested[p.next_suggestion] = answer.suggest;
        p.next_suggestion = (p.next_suggestion + 1) % p.suggested.size();
        ++counts_.suggested;
    }
    p.refused[p.next_refusal] = {piece, offset, now};
    p.next_refusal = (p.next_refusal + 1) % p.refused.size();
    ++counts_.rejected;
    return answer;
}

bool FirstCopyPolicy::on_its_way(const Piece& p, Clock::time_point now, const Swarm& swarm) const {
    if (p.holder == 0 || now - p.last_request >= stall_limit || !swarm.connected(p.holder)) return false;
    if (now - p.last_request < grace_) return true;
    const auto holder = peers_.find(p.holder);
    if (holder == peers_.end()) return false;
    if (holder->second.sent < p.written_end) return true;  // still in our send buffer
    return p.left_at != Clock::time_point{} && now - p.left_at < grace_;
}

void FirstCopyPolicy::block_written(PeerId peer, int piece, int length) {
    auto it = peers_.find(peer);
    if (it == peers_.end() || piece < 0 || piece >= static_cast<int>(pieces_.size()) || length <= 0) return;
    Peer& p = it->second;
    p.written += static_cast<std::uint64_t>(length);
    if (p.unsent.size() >= max_blocks_in_send_buffer) {
        p.unsent.pop_front();
        --blocks_waiting_;
    }
    p.unsent.emplace_back(piece, p.written);
    ++blocks_waiting_;
    Piece& written = pieces_[static_cast<std::size_t>(piece)];
    if (written.holder == peer) {
        written.written_end = p.written;
        written.left_at = {};
    }
}

void FirstCopyPolicy::payload_sent(PeerId peer, int bytes, Clock::time_point now) {
    auto it = peers_.find(peer);
    if (it == peers_.end() || bytes <= 0) return;
    Peer& p = it->second;
    p.sent += static_cast<std::uint64_t>(bytes);
    while (!p.unsent.empty() && p.unsent.front().second <= p.sent) {
        Piece& left = pieces_[static_cast<std::size_t>(p.unsent.front().first)];
        if (left.holder == peer && left.written_end == p.unsent.front().second) left.left_at = now;
        p.unsent.pop_front();
        --blocks_waiting_;
    }
    check_done(now);
}

void FirstCopyPolicy::serve(PeerId peer, int piece, Clock::time_point now) {
    Piece& p = pieces_[static_cast<std::size_t>(piece)];
    if (!p.sent) {
        p.sent = true;
        if (--never_sent_ == 0) all_handed_out_at = now;
    }
    if (p.holder != peer) {
        p.written_end = 0;  // what we know of the old holder's buffer is no use
        p.left_at = {};
    }
    p.holder = peer;
    p.last_request = now;
}

bool FirstCopyPolicy::asked_again(Peer& p, int piece, int offset, Clock::time_point now) {
    for (auto& r : p.refused) {
        if (r.piece != piece || r.offset != offset || now - r.at >= grace_) continue;
        r.piece = -1;
        return true;
    }
    return false;
}

bool FirstCopyPolicy::suggestion_open(const Piece& p, Clock::time_point now) const {
    return p.suggested_to != 0 && !p.sent && now - p.suggested_at < grace_;
}

std::size_t FirstCopyPolicy::open_suggestions(PeerId peer, const Peer& p, Clock::time_point now) const {
    std::size_t open = 0;
    for (int piece : p.suggested) {
        if (piece < 0) continue;
        const Piece& s = pieces_[static_cast<std::size_t>(piece)];
        if (s.suggested_to == peer && suggestion_open(s, now)) ++open;
    }
    return open;
}

// The middle of the longest run of pieces nobody has had from us or been
// offered, that the requester lacks. libtorrent asks a fast peer for a run
// of neighbouring pieces around the one it picks, so a piece deep inside
// such a run keeps that peer on unsent pieces for a while, and each later
// suggestion halves the largest run left, so peers spread out. Near the
// end of the first copy, when every unsent piece has been offered to
// someone, one offered to another peer: whoever asks first gets it, which
// beats sending a piece twice.
int FirstCopyPolicy::pick_suggestion(PeerId peer, Clock::time_point now, const Swarm& swarm) const {
    int best_start = -1, best_length = 0, start = -1;
    const int n = static_cast<int>(pieces_.size());
    for (int i = 0; i <= n; ++i) {
        const bool candidate = i < n && !pieces_[static_cast<std::size_t>(i)].sent &&
                               !suggestion_open(pieces_[static_cast<std::size_t>(i)], now) && !swarm.requester_has(i);
        if (candidate) {
            if (start < 0) start = i;
            continue;
        }
        if (start >= 0 && i - start > best_length) {
            best_start = start;
            best_length = i - start;
        }
        start = -1;
    }
    if (best_start >= 0) return best_start + best_length / 2;
    for (int i = 0; i < n; ++i) {
        const Piece& p = pieces_[static_cast<std::size_t>(i)];
        if (!p.sent && !(p.suggested_to == peer && suggestion_open(p, now)) && !swarm.requester_has(i)) return i;
    }
    return -1;
}

}  // namespace coop::agent
