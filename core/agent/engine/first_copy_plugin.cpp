#include "core/agent/engine/first_copy_plugin.hpp"

#include <libtorrent/peer_connection_handle.hpp>
#include <libtorrent/peer_request.hpp>
#include <libtorrent/torrent_status.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <string>

#include "core/agent/engine/first_copy_policy.hpp"
#include "core/group/binary.hpp"

namespace coop::agent {

namespace {

// Fast extension (BEP 6): its bit in the handshake and its message ids.
constexpr int fast_extension_byte = 7;
constexpr char fast_extension_bit = 0x04;
constexpr std::uint8_t msg_suggest_piece = 0x0d;
constexpr std::uint8_t msg_reject_request = 0x10;

// What the torrent's plugin and its peers' plugins share; all of it is
// touched on the network thread only.
struct PieceLayout {
    std::string name;
    int pieces = 0;
    int piece_length = 0;
    int last_piece_size = 0;
};

struct FirstCopyState {
    explicit FirstCopyState(const PieceLayout& layout)
        : policy(layout.pieces), name(layout.name), pieces(layout.pieces), piece_length(layout.piece_length),
          last_piece_size(layout.last_piece_size) {}

    FirstCopyPolicy policy;
    std::string name;
    int pieces;
    int piece_length;
    int last_piece_size;
    bool seeding = false;  // libtorrent says the torrent seeds: every piece is ours
    bool reported = false;
    std::map<FirstCopyPolicy::PeerId, lt::peer_connection_handle> peers;

    int piece_size(int piece) const { return piece == pieces - 1 ? last_piece_size : piece_length; }

    // Once, when the first copy is out (info: it says the policy worked)
    // or when the torrent closes before that (debug).
    void report() {
        if (reported) return;
        reported = true;
        const auto& c = policy.counts();
        const bool done = policy.first_copy_done();
        spdlog::log(done ? spdlog::level::info : spdlog::level::debug,
                    "{}: first copy {}: refused {} requests for pieces on their way to or held by other peers ({} "
                    "while the last pieces were still in our buffers), {} suggestions; served {} first, {} to their "
                    "holder, {} as the only source, {} asked again, {} with nothing else to suggest, {} without the "
                    "fast extension",
                    name, done ? "sent" : "not sent yet", c.rejected, c.rejected_while_draining, c.suggested,
                    c.served_first, c.served_own, c.served_only_source, c.served_insisting, c.served_nothing_else,
                    c.served_no_fast);
    }
};

class SwarmOfTorrent : public FirstCopyPolicy::Swarm {
public:
    SwarmOfTorrent(const FirstCopyState& state, FirstCopyPolicy::PeerId requester, const lt::peer_connection_handle& pc)
        : state_(state), requester_(requester), pc_(pc) {}

    bool requester_has(int piece) const override { return pc_.has_piece(lt::piece_index_t(piece)); }

    bool another_peer_has(int piece) const override {
        for (const auto& [id, peer] : state_.peers) {
            // Before its handshake a peer's bitfield is not sized yet.
            if (id == requester_ || peer.in_handshake() || peer.is_disconnecting()) continue;
            if (peer.has_piece(lt::piece_index_t(piece))) return true;
        }
        return false;
    }

    bool connected(FirstCopyPolicy::PeerId peer) const override {
        const auto it = state_.peers.find(peer);
        return it != state_.peers.end() && !it->second.is_disconnecting();
    }

private:
    const FirstCopyState& state_;
    FirstCopyPolicy::PeerId requester_;
    const lt::peer_connection_handle& pc_;
};

class FirstCopyPeer : public lt::peer_plugin {
public:
    FirstCopyPeer(std::shared_ptr<FirstCopyState> state, lt::peer_connection_handle pc)
        : state_(std::move(state)), pc_(std::move(pc)), id_(state_->policy.connected(false)) {
        state_->peers.emplace(id_, pc_);
    }
    ~FirstCopyPeer() override { forget(); }

    lt::string_view type() const override { return "coop_first_copy"; }

    bool on_handshake(lt::span<char const> reserved) override {
        const bool fast = reserved.size() > fast_extension_byte && (reserved[fast_extension_byte] & fast_extension_bit);
        state_->policy.set_fast_extension(id_, fast);
        return true;
    }

    void on_disconnect(const lt::error_code&) override { forget(); }

    bool on_request(const lt::peer_request& r) override {
        FirstCopyState& s = *state_;
        if (!s.seeding || s.policy.first_copy_done() || pc_.is_choked()) return false;
        const int piece = static_cast<int>(r.piece);
        // Anything malformed is libtorrent's to refuse and count.
        if (piece < 0 || piece >= s.pieces || r.start < 0 || r.length <= 0 || r.length > s.piece_size(piece) ||
            r.start > s.piece_size(piece) - r.length)
            return false;
        const auto answer = s.policy.request(id_, piece, r.start, FirstCopyPolicy::Clock::now(), SwarmOfTorrent(s, id_, pc_));
        if (s.policy.first_copy_done()) s.report();
        if (!answer.reject) return false;
        // The suggestion first: the reject makes the peer pick again at
        // once when its queue runs short, and it picks suggestions first.
        if (answer.suggest >= 0) send_suggest(answer.suggest);
        send_reject(r);
        return true;
    }

    // libtorrent writes an accepted block into the send buffer here, and
    // reports piece bytes as they leave it: the policy sees what waits.
    void sent_piece(const lt::peer_request& r) override {
        if (state_->seeding && !state_->policy.first_copy_done())
            state_->policy.block_written(id_, static_cast<int>(r.piece), r.length);
    }

    void sent_payload(int bytes) override {
        if (!state_->seeding || state_->policy.first_copy_done()) return;
        state_->policy.payload_sent(id_, bytes, FirstCopyPolicy::Clock::now());
        if (state_->policy.first_copy_done()) state_->report();
    }

private:
    void forget() {
        if (forgotten_) return;
        forgotten_ = true;
        state_->peers.erase(id_);
        state_->policy.disconnected(id_);
    }

    // Raw messages through the connection's send buffer, which libtorrent
    // encrypts as it sends when the connection negotiated encryption.
    void send_suggest(int piece) {
        std::string msg;
        coop::group::Writer w(msg);
        w.u32(5);
        w.u8(msg_suggest_piece);
        w.u32(static_cast<std::uint32_t>(piece));
        if (pc_.should_log(lt::peer_log_alert::outgoing_message))
            log("SUGGEST", "piece: " + std::to_string(piece) + " (first copy)");
        pc_.send_buffer(msg.data(), static_cast<int>(msg.size()));
    }

    void send_reject(const lt::peer_request& r) {
        std::string msg;
        coop::group::Writer w(msg);
        w.u32(13);
        w.u8(msg_reject_request);
        w.u32(static_cast<std::uint32_t>(static_cast<int>(r.piece)));
        w.u32(static_cast<std::uint32_t>(r.start));
        w.u32(static_cast<std::uint32_t>(r.length));
        if (pc_.should_log(lt::peer_log_alert::outgoing_message))
            log("REJECT_PIECE", fmt::format("piece: {} s: {:x} l: {:x} (first copy)", static_cast<int>(r.piece), r.start, r.length));
        pc_.send_buffer(msg.data(), static_cast<int>(msg.size()));
    }

    // libtorrent 2.0.8's peer_connection_handle::peer_log hands its
    // arguments on as a va_list where a variadic call expects values, so
    // they print as garbage: the text goes in whole, as a format with no
    // conversions.
    void log(const char* event, const std::string& text) const {
        if (text.find('%') != std::string::npos) return;
        pc_.peer_log(lt::peer_log_alert::outgoing_message, event, text.c_str());
    }

    std::shared_ptr<FirstCopyState> state_;
    lt::peer_connection_handle pc_;
    FirstCopyPolicy::PeerId id_;
    bool forgotten_ = false;
};

class FirstCopyTorrent : public lt::torrent_plugin {
public:
    explicit FirstCopyTorrent(const PieceLayout& layout) : state_(std::make_shared<FirstCopyState>(layout)) {}
    ~FirstCopyTorrent() override { state_->report(); }

    std::shared_ptr<lt::peer_plugin> new_connection(const lt::peer_connection_handle& pc) override {
        if (pc.type() != lt::connection_type::bittorrent) return nullptr;
        return std::make_shared<FirstCopyPeer>(state_, pc);
    }

    void on_state(lt::torrent_status::state_t state) override {
        state_->seeding = state == lt::torrent_status::seeding;
    }

private:
    std::shared_ptr<FirstCopyState> state_;
};

}  // namespace

TorrentPluginFactory first_copy_plugin(const lt::torrent_info& ti) {
    PieceLayout layout;
    layout.name = ti.name();
    layout.pieces = ti.num_pieces();
    layout.piece_length = ti.piece_length();
    if (layout.pieces > 0) layout.last_piece_size = ti.piece_size(lt::piece_index_t(layout.pieces - 1));
    return [layout](const lt::torrent_handle&, lt::client_data_t) -> std::shared_ptr<lt::torrent_plugin> {
        return std::make_shared<FirstCopyTorrent>(layout);
    };
}

}  // namespace coop::agent
