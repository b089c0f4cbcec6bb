#include "core/agent/engine/ledger_wire.hpp"

#include <libtorrent/bdecode.hpp>
#include <libtorrent/entry.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/peer_connection_handle.hpp>
#include <libtorrent/peer_request.hpp>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "core/agent/engine/lt_convert.hpp"
#include "core/group/binary.hpp"

namespace coop::agent {

namespace {

using Key = Identity::PublicKey;
using Clock = std::chrono::steady_clock;

constexpr const char* extension_name = "coop_ledger";
constexpr int our_message_id = 33;  // what peers put in the header of messages to us
constexpr std::uint8_t bt_extended = 20;
constexpr std::uint8_t type_prove = 1;
constexpr std::uint8_t type_ledger = 2;
constexpr std::size_t nonce_size = 16;
constexpr std::string_view bind_context = "coop-ledger-bind/1";
// After the ledger settles, what it sent last gets this long to leave the
// send buffer before a held connection closes.
constexpr auto quiet_before_close = std::chrono::seconds(2);

std::string bind_message(const std::array<std::uint8_t, nonce_size>& verifier_nonce, const Key& verifier) {
    std::string m(bind_context);
    m.append(reinterpret_cast<const char*>(verifier_nonce.data()), verifier_nonce.size());
    m.append(reinterpret_cast<const char*>(verifier.data()), verifier.size());
    return m;
}

class LedgerPeer;

// Closes libtorrent makes once nothing is left to fetch: the leecher's when
// its torrent finishes, either side's when both seed or neither wants
// anything of the other.
bool settles_first(const lt::error_code& ec) {
    return ec == lt::errors::torrent_finished || ec == lt::errors::upload_upload_connection ||
           ec == lt::errors::uninteresting_upload_peer || ec == lt::errors::timed_out_no_interest;
}

}  // namespace

struct LedgerWire::Shared {
    Shared(const Identity& identity, LedgerWireEvents events) : identity(identity), events(std::move(events)) {}
    Identity identity;
    LedgerWireEvents events;
    std::map<Key, std::set<LedgerPeer*>> bound;  // network thread only
};

namespace {

class LedgerPeer : public lt::peer_plugin {
public:
    LedgerPeer(std::shared_ptr<LedgerWire::Shared> shared, lt::peer_connection_handle pc)
        : shared_(std::move(shared)), pc_(std::move(pc)) {
        randombytes_buf(nonce_.data(), nonce_.size());
    }
    ~LedgerPeer() override { unbind(); }

    lt::string_view type() const override { return extension_name; }

    void add_handshake(lt::entry& h) override {
        h["m"][extension_name] = our_message_id;
        const Key& key = shared_->identity.public_key();
        std::string mine(reinterpret_cast<const char*>(key.data()), key.size());
        mine.append(reinterpret_cast<const char*>(nonce_.data()), nonce_.size());
        h["coop"] = mine;
    }

    // False detaches the extension from this connection: the peer is no
    // coop agent, or it is us.
    bool on_extension_handshake(const lt::bdecode_node& h) override {
        if (their_id_ != 0) return true;  // a repeated handshake changes nothing
        if (h.type() != lt::bdecode_node::dict_t) return false;
        const auto m = h.dict_find_dict("m");
        if (!m) return false;
        const auto id = m.dict_find_int_value(extension_name, 0);
        const auto theirs = h.dict_find_string_value("coop");
        if (id <= 0 || id > 255 || theirs.size() != their_key_.size() + their_nonce_.size()) return false;
        std::memcpy(their_key_.data(), theirs.data(), their_key_.size());
        std::memcpy(their_nonce_.data(), theirs.data() + their_key_.size(), their_nonce_.size());
        if (their_key_ == shared_->identity.public_key()) return false;
        their_id_ = static_cast<int>(id);
        const auto signature = shared_->identity.sign(bind_message(their_nonce_, their_key_));
        write(type_prove, std::string_view(reinterpret_cast<const char*>(signature.data()), signature.size()));
        return true;
    }

    bool on_extended(int length, int msg, lt::span<char const> body) override {
        if (msg != our_message_id) return false;
        if (!lt::bt_peer_connection_handle(pc_).packet_finished()) return true;  // called again with more of it
        if (length < 1 || static_cast<std::size_t>(length) > 1 + LedgerWire::max_ledger_message) {
            problem("a ledger message of " + std::to_string(length) + " bytes");
            return true;
        }
        const std::string_view m(body.data(), static_cast<std::size_t>(body.size()));
        const auto type = static_cast<std::uint8_t>(m[0]);
        if (type == type_prove) on_prove(m.substr(1));
        else if (type == type_ledger) on_ledger(m.substr(1));
        else problem("a ledger message of unknown type " + std::to_string(type));
        return true;
    }

    void sent_payload(int bytes) override {
        if (bytes > 0) gave_ += static_cast<std::uint64_t>(bytes);
    }

    bool on_piece(const lt::peer_request& piece, lt::span<char const>) override {
        if (piece.length > 0) got_ += static_cast<std::uint64_t>(piece.length);
        return false;
    }

    void tick() override {
        report_counts();
        if (!held_since_) return;
        const auto now = Clock::now();
        if ((released_ && now - last_message_ >= quiet_before_close) || now - *held_since_ >= LedgerWire::hold_limit) {
            released_ = true;
            pc_.disconnect(held_for_, lt::operation_t::bittorrent);
        }
    }

    bool can_disconnect(const lt::error_code& ec) override {
        if (!bound_ || released_ || !settles_first(ec)) return true;
        const auto now = Clock::now();
        if (!held_since_) {
            held_since_ = now;
            held_for_ = ec;
            last_message_ = now;
            report_counts();  // the ledger settles on the final counts
            if (shared_->events.closing) shared_->events.closing(their_key_);
        }
        return false;
    }

    void on_disconnect(const lt::error_code&) override { unbind(); }

    bool send(const std::string& message) {
        if (!bound_ || pc_.is_disconnecting()) return false;
        write(type_ledger, message);
        last_message_ = Clock::now();
        return true;
    }
    void release() { released_ = true; }
    bool usable() const { return bound_ && !pc_.is_disconnecting(); }

private:
    void on_prove(std::string_view signature) {
        if (bound_) return;
        if (their_id_ == 0) return problem("PROVE before the extension handshake");
        Identity::Signature s{};
        if (signature.size() != s.size()) return problem("PROVE of the wrong size");
        std::memcpy(s.data(), signature.data(), s.size());
        if (!Identity::verify(their_key_, bind_message(nonce_, shared_->identity.public_key()), s))
            return problem("PROVE does not verify: the peer does not hold the key it claims");
        bound_ = true;
        shared_->bound[their_key_].insert(this);
        if (shared_->events.bound) shared_->events.bound(their_key_, endpoint_of(pc_.remote()).address);
        report_counts();
    }

    void on_ledger(std::string_view message) {
        if (!bound_) return problem("a ledger message before PROVE");
        last_message_ = Clock::now();
        // What came before the message on this connection is counted before
        // the ledger reads it: a proposal is checked against all of it.
        report_counts();
        if (shared_->events.received) shared_->events.received(their_key_, std::string(message));
    }

    void report_counts() {
        if (!bound_ || (gave_ == 0 && got_ == 0)) return;
        if (shared_->events.counted) shared_->events.counted(their_key_, gave_, got_);
        gave_ = got_ = 0;
    }

    void unbind() {
        report_counts();
        if (!bound_) return;
        bound_ = false;
        auto it = shared_->bound.find(their_key_);
        if (it == shared_->bound.end()) return;
        it->second.erase(this);
        if (it->second.empty()) shared_->bound.erase(it);
    }

    void problem(const std::string& what) {
        if (shared_->events.bad) shared_->events.bad(their_key_, what);
    }

    // An extended message: length | 20 | their id for the extension | type | body.
    void write(std::uint8_t type, std::string_view body) {
        std::string msg;
        coop::group::Writer w(msg);
        w.u32(static_cast<std::uint32_t>(3 + body.size()));
        w.u8(bt_extended);
        w.u8(static_cast<std::uint8_t>(their_id_));
        w.u8(type);
        msg.append(body);
        pc_.send_buffer(msg.data(), static_cast<int>(msg.size()));
    }

    std::shared_ptr<LedgerWire::Shared> shared_;
    lt::peer_connection_handle pc_;
    std::array<std::uint8_t, nonce_size> nonce_{};
    Key their_key_{};
    std::array<std::uint8_t, nonce_size> their_nonce_{};
    int their_id_ = 0;  // 0 until their extension handshake
    bool bound_ = false;
    std::uint64_t gave_ = 0, got_ = 0;  // not yet reported
    std::optional<Clock::time_point> held_since_;
    lt::error_code held_for_;  // the close held back
    Clock::time_point last_message_{};
    bool released_ = false;
};

class LedgerTorrent : public lt::torrent_plugin {
public:
    explicit LedgerTorrent(std::shared_ptr<LedgerWire::Shared> shared) : shared_(std::move(shared)) {}
    std::shared_ptr<lt::peer_plugin> new_connection(const lt::peer_connection_handle& pc) override {
        if (pc.type() != lt::connection_type::bittorrent) return nullptr;
        return std::make_shared<LedgerPeer>(shared_, pc);
    }

private:
    std::shared_ptr<LedgerWire::Shared> shared_;
};

}  // namespace

LedgerWire::LedgerWire(const Identity& identity, LedgerWireEvents events)
    : shared_(std::make_shared<Shared>(identity, std::move(events))) {}

LedgerWire::~LedgerWire() = default;

std::shared_ptr<lt::torrent_plugin> LedgerWire::new_torrent(const lt::torrent_handle&, lt::client_data_t) {
    return std::make_shared<LedgerTorrent>(shared_);
}

bool LedgerWire::send(const Identity::PublicKey& peer, const std::string& message) {
    if (message.size() > max_ledger_message) return false;
    const auto it = shared_->bound.find(peer);
    if (it == shared_->bound.end()) return false;
    for (LedgerPeer* p : it->second)
        if (p->usable()) return p->send(message);
    return false;
}

void LedgerWire::release(const Identity::PublicKey& peer) {
    const auto it = shared_->bound.find(peer);
    if (it == shared_->bound.end()) return;
    for (LedgerPeer* p : it->second) p->release();
}

}  // namespace coop::agent
