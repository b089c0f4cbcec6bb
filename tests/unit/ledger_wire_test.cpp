// The ledger's BitTorrent extension (core/agent/engine/ledger_wire.hpp) on
// real libtorrent sessions in this process, over loopback (127.0.77.1 seeds,
// 127.0.77.2 fetches): two honest agents, and peers that break its rules,
// played by a plugin of this file that speaks the extension by a script.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/bdecode.hpp>
#include <libtorrent/bencode.hpp>
#include <libtorrent/create_torrent.hpp>
#include <libtorrent/entry.hpp>
#include <libtorrent/extensions.hpp>
#include <libtorrent/peer_connection_handle.hpp>
#include <libtorrent/posix_disk_io.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/agent/engine/ledger_wire.hpp"
#include "core/identity.hpp"
#include "run_until.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using coop::Identity;
using coop::agent::LedgerWire;
using coop::agent::LedgerWireEvents;
using Key = Identity::PublicKey;

constexpr std::uint64_t share_size = 2 << 20;
constexpr auto share_size_lt = static_cast<std::int64_t>(share_size);  // as libtorrent counts
constexpr auto limit = 10s;  // for any one wait; a transfer takes well under a second

std::string bytes_of(const Key& k) { return std::string(reinterpret_cast<const char*>(k.data()), k.size()); }

// What a LedgerWire told one side, in the order it came.
struct Seen {
    std::vector<std::pair<Key, std::string>> bound;  // key, address
    std::map<Key, std::pair<std::uint64_t, std::uint64_t>> counted;  // key -> sums of gave, got
    std::vector<std::pair<Key, std::string>> received;
    std::vector<std::pair<Key, std::string>> bad;
    int closing = 0;

    std::uint64_t gave() const {
        std::uint64_t sum = 0;
        for (const auto& [key, c] : counted) sum += c.first;
        return sum;
    }
    std::uint64_t got() const {
        std::uint64_t sum = 0;
        for (const auto& [key, c] : counted) sum += c.second;
        return sum;
    }
};

// ---------------------------------------------------------------------------
// A peer that speaks coop_ledger by a script, written only against
// libtorrent's plugin API and the format in ledger_wire.hpp: it claims
// `claimed` in its handshake, signs PROVE with `signer` (who may or may not
// hold `claimed`), then sends `after_prove` as they are (each a type byte
// and a body). Every whole message of the extension it gets goes to `heard`
// (on libtorrent's thread).
struct Script {
    Key claimed{};
    Identity signer;
    std::array<std::uint8_t, 16> nonce{};
    std::vector<std::string> after_prove;
    std::function<void(std::string)> heard;
};

constexpr const char* extension_name = "coop_ledger";
constexpr int scripted_message_id = 44;  // ours, in the peer's messages to us: clear of libtorrent's own
constexpr std::uint8_t bt_extended = 20;

std::string bind_message(std::string_view verifier_nonce, std::string_view verifier_key) {
    return "coop-ledger-bind/1" + std::string(verifier_nonce) + std::string(verifier_key);
}

class ScriptedPeer final : public lt::peer_plugin {
public:
    ScriptedPeer(std::shared_ptr<const Script> script, lt::peer_connection_handle pc)
        : script_(std::move(script)), pc_(std::move(pc)) {}

    lt::string_view type() const override { return extension_name; }

    void add_handshake(lt::entry& h) override {
        h["m"][extension_name] = scripted_message_id;
        h["coop"] = bytes_of(script_->claimed) +
                    std::string(reinterpret_cast<const char*>(script_->nonce.data()), script_->nonce.size());
    }

    bool on_extension_handshake(const lt::bdecode_node& h) override {
        if (h.type() != lt::bdecode_node::dict_t) return false;
        const auto m = h.dict_find_dict("m");
        if (!m) return false;
        their_id_ = static_cast<int>(m.dict_find_int_value(extension_name, 0));
        const auto theirs = h.dict_find_string_value("coop");
        if (their_id_ <= 0 || their_id_ > 255 || theirs.size() != 32 + 16) return false;
        const std::string_view their_key(theirs.data(), 32), their_nonce(theirs.data() + 32, 16);
        const auto signature = script_->signer.sign(bind_message(their_nonce, their_key));
        write("\x01" + std::string(reinterpret_cast<const char*>(signature.data()), signature.size()));
        for (const auto& message : script_->after_prove) write(message);
        return true;
    }

    bool on_extended(int, int msg, lt::span<char const> body) override {
        if (msg != scripted_message_id) return false;
        if (!lt::bt_peer_connection_handle(pc_).packet_finished()) return true;
        if (script_->heard) script_->heard(std::string(body.data(), static_cast<std::size_t>(body.size())));
        return true;
    }

private:
    // length (4, big-endian) | 20 | their id for the extension | message
    void write(const std::string& message) {
        const auto length = static_cast<std::uint32_t>(2 + message.size());
        std::string out;
        for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xff);
        out += static_cast<char>(bt_extended);
        out += static_cast<char>(their_id_);
        out += message;
        pc_.send_buffer(out.data(), static_cast<int>(out.size()));
    }

    std::shared_ptr<const Script> script_;
    lt::peer_connection_handle pc_;
    int their_id_ = 0;
};

class ScriptedWire final : public lt::plugin {
public:
    explicit ScriptedWire(Script script) : script_(std::make_shared<const Script>(std::move(script))) {}

    std::shared_ptr<lt::torrent_plugin> new_torrent(const lt::torrent_handle&, lt::client_data_t) override {
        struct Torrent final : lt::torrent_plugin {
            explicit Torrent(std::shared_ptr<const Script> s) : script(std::move(s)) {}
            std::shared_ptr<lt::peer_plugin> new_connection(const lt::peer_connection_handle& pc) override {
                if (pc.type() != lt::connection_type::bittorrent) return nullptr;
                return std::make_shared<ScriptedPeer>(script, pc);
            }
            std::shared_ptr<const Script> script;
        };
        return std::make_shared<Torrent>(script_);
    }

private:
    std::shared_ptr<const Script> script_;
};

// ---------------------------------------------------------------------------
// One libtorrent session on its own loopback address, set up as the engine
// sets one up on loopback (make_settings): TCP only (uTP costs 10x there),
// several connections per address allowed, nothing public.
struct Node {
    Node(const std::string& address, std::shared_ptr<lt::plugin> extension) : session(params(address)) {
        session.add_extension(std::move(extension));
    }

    static lt::session_params params(const std::string& address) {
        lt::session_params sp;
        lt::settings_pack& p = sp.settings;
        p.set_str(lt::settings_pack::listen_interfaces, address + ":0");
        p.set_str(lt::settings_pack::outgoing_interfaces, address);
        p.set_bool(lt::settings_pack::enable_outgoing_utp, false);
        p.set_bool(lt::settings_pack::enable_incoming_utp, false);
        p.set_bool(lt::settings_pack::allow_multiple_connections_per_ip, true);
        p.set_bool(lt::settings_pack::enable_dht, false);
        p.set_bool(lt::settings_pack::enable_lsd, false);
        p.set_bool(lt::settings_pack::enable_upnp, false);
        p.set_bool(lt::settings_pack::enable_natpmp, false);
        p.set_int(lt::settings_pack::alert_mask, static_cast<int>(lt::alert_category::error));
        sp.disk_io_constructor = lt::posix_disk_io_constructor;
        return sp;
    }

    lt::torrent_status status() const { return torrent.status(lt::torrent_handle::status_flags_t{}); }

    lt::session session;
    lt::torrent_handle torrent;
};

class LedgerWireTest : public ::testing::Test {
protected:
    void SetUp() override {
        // 2 MiB of random bytes, shared as a v1+v2 torrent as coop shares.
        std::filesystem::create_directories(dir_.path() / "seed");
        std::filesystem::create_directories(dir_.path() / "leech");
        std::mt19937_64 random(std::random_device{}());
        std::string data(share_size, '\0');
        for (std::size_t i = 0; i < data.size(); i += 8) {
            const std::uint64_t v = random();
            std::memcpy(&data[i], &v, 8);
        }
        std::ofstream(dir_.path() / "seed" / "share.bin", std::ios::binary) << data;
        lt::file_storage fs;
        lt::add_files(fs, (dir_.path() / "seed" / "share.bin").string());
        lt::create_torrent ct(fs);
        lt::set_piece_hashes(ct, (dir_.path() / "seed").string());
        std::vector<char> bytes;
        lt::bencode(std::back_inserter(bytes), ct.generate());
        info_ = std::make_shared<lt::torrent_info>(bytes, lt::from_span);
    }

    LedgerWireEvents events_into(Seen& seen) {
        auto& io = io_;
        LedgerWireEvents e;
        e.bound = [&io, &seen](const Key& k, const std::string& address) {
            boost::asio::post(io, [&seen, k, address] { seen.bound.emplace_back(k, address); });
        };
        e.counted = [&io, &seen](const Key& k, std::uint64_t gave, std::uint64_t got) {
            boost::asio::post(io, [&seen, k, gave, got] {
                seen.counted[k].first += gave;
                seen.counted[k].second += got;
            });
        };
        e.received = [&io, &seen](const Key& k, std::string message) {
            boost::asio::post(io, [&seen, k, message = std::move(message)] { seen.received.emplace_back(k, message); });
        };
        e.closing = [&io, &seen](const Key&) { boost::asio::post(io, [&seen] { ++seen.closing; }); };
        e.bad = [&io, &seen](const Key& k, const std::string& problem) {
            boost::asio::post(io, [&seen, k, problem] { seen.bad.emplace_back(k, problem); });
        };
        return e;
    }

    std::shared_ptr<LedgerWire> honest(const Identity& identity, Seen& seen) {
        return std::make_shared<LedgerWire>(identity, events_into(seen));
    }

    // `heard` of a script, on to the test's thread.
    std::function<void(std::string)> heard_into(std::vector<std::string>& heard) {
        auto& io = io_;
        return [&io, &heard](std::string m) {
            boost::asio::post(io, [&heard, m = std::move(m)] { heard.push_back(m); });
        };
    }

    // The seeder is up and has checked its copy before the leecher dials it.
    void start(std::shared_ptr<lt::plugin> seeder_wire, std::shared_ptr<lt::plugin> leecher_wire) {
        seeder_ = std::make_unique<Node>("127.0.77.1", std::move(seeder_wire));
        leecher_ = std::make_unique<Node>("127.0.77.2", std::move(leecher_wire));

        lt::add_torrent_params seed;
        seed.ti = std::make_shared<lt::torrent_info>(*info_);
        seed.save_path = (dir_.path() / "seed").string();
        // Not auto-managed, so never resumed for us: paused must go too.
        seed.flags &= ~(lt::torrent_flags::auto_managed | lt::torrent_flags::paused);
        seeder_->torrent = seeder_->session.add_torrent(std::move(seed));
        ASSERT_TRUE(coop::test::run_until(
            io_, [&] { return seeder_->session.listen_port() != 0 && seeder_->status().is_seeding; }, limit))
            << "the seeder never listened and checked its copy";

        lt::add_torrent_params fetch;
        fetch.ti = std::make_shared<lt::torrent_info>(*info_);
        fetch.save_path = (dir_.path() / "leech").string();
        // Added paused and resumed once its peer is known, as the engine
        // does: libtorrent dials the peers it knows when a torrent resumes.
        fetch.flags &= ~lt::torrent_flags::auto_managed;
        fetch.flags |= lt::torrent_flags::paused;
        leecher_->torrent = leecher_->session.add_torrent(std::move(fetch));
        // With the v2 hash: over a connection made with the v1 hash of a
        // hybrid torrent, libtorrent 2.0.8 still asks for v2 hashes and the
        // other side drops it (engine.cpp, connect_to).
        leecher_->torrent.connect_peer(lt::tcp::endpoint(lt::make_address("127.0.77.1"), seeder_->session.listen_port()),
                                       {}, lt::pex_encryption | lt::pex_lt_v2);
        leecher_->torrent.resume();
    }

    bool downloaded() const { return leecher_->status().is_seeding; }

    // The leecher has it all and the connection is gone at both ends: every
    // event of that connection is in io_ (status() is answered on the
    // network thread, after the events it posted before), and this runs
    // them.
    bool over() {
        if (!downloaded() || leecher_->status().num_peers != 0 || seeder_->status().num_peers != 0) return false;
        io_.restart();
        io_.poll();
        return true;
    }

    // Runs send() where it must run, on the session's network thread.
    std::optional<bool>& send(Node& from, const std::shared_ptr<LedgerWire>& wire, const Key& to, std::string message) {
        auto& result = sent_.emplace_back();
        boost::asio::post(from.session.get_context(), [&io = io_, &result, wire, to, message = std::move(message)] {
            const bool ok = wire->send(to, message);
            boost::asio::post(io, [&result, ok] { result = ok; });
        });
        return result;
    }

    coop::testing::TempDir dir_;
    std::shared_ptr<lt::torrent_info> info_;
    boost::asio::io_context io_;  // where the events land: declared before the sessions, gone after them
    std::list<std::optional<bool>> sent_;
    Seen seeder_seen_, leecher_seen_;
    std::unique_ptr<Node> seeder_, leecher_;
};

TEST_F(LedgerWireTest, HonestAgentsBindCountThePayloadAndCarryMessages) {
    const Identity seeder_id = Identity::generate(), leecher_id = Identity::generate();
    const auto seeder_wire = honest(seeder_id, seeder_seen_), leecher_wire = honest(leecher_id, leecher_seen_);
    ASSERT_NO_FATAL_FAILURE(start(seeder_wire, leecher_wire));

    ASSERT_TRUE(coop::test::run_until(
        io_, [&] { return !seeder_seen_.bound.empty() && !leecher_seen_.bound.empty(); }, limit))
        << "bound: seeder " << seeder_seen_.bound.size() << ", leecher " << leecher_seen_.bound.size();
    ASSERT_EQ(seeder_seen_.bound.size(), 1u);
    ASSERT_EQ(leecher_seen_.bound.size(), 1u);
    EXPECT_EQ(seeder_seen_.bound[0].first, leecher_id.public_key());
    EXPECT_EQ(seeder_seen_.bound[0].second, "127.0.77.2");
    EXPECT_EQ(leecher_seen_.bound[0].first, seeder_id.public_key());
    EXPECT_EQ(leecher_seen_.bound[0].second, "127.0.77.1");

    // Both ways, with every byte value, at the size limit one way.
    std::string to_leecher(LedgerWire::max_ledger_message, '\0');
    for (std::size_t i = 0; i < to_leecher.size(); ++i) to_leecher[i] = static_cast<char>(i * 7);
    const std::string to_seeder = std::string("record\0\xff\x01 of", 12) + bytes_of(seeder_id.public_key());
    auto& sent_to_leecher = send(*seeder_, seeder_wire, leecher_id.public_key(), to_leecher);
    auto& sent_to_seeder = send(*leecher_, leecher_wire, seeder_id.public_key(), to_seeder);
    ASSERT_TRUE(coop::test::run_until(
        io_, [&] { return !leecher_seen_.received.empty() && !seeder_seen_.received.empty(); }, limit))
        << "received: seeder " << seeder_seen_.received.size() << ", leecher " << leecher_seen_.received.size();
    EXPECT_EQ(sent_to_leecher, std::optional<bool>(true));
    EXPECT_EQ(sent_to_seeder, std::optional<bool>(true));
    ASSERT_EQ(leecher_seen_.received.size(), 1u);
    EXPECT_EQ(leecher_seen_.received[0].first, seeder_id.public_key());
    EXPECT_EQ(leecher_seen_.received[0].second, to_leecher);
    ASSERT_EQ(seeder_seen_.received.size(), 1u);
    EXPECT_EQ(seeder_seen_.received[0].first, leecher_id.public_key());
    EXPECT_EQ(seeder_seen_.received[0].second, to_seeder);

    // The leecher reports its final counts as the finished torrent would
    // close the connection (`closing`); the seeder's come on its next tick.
    ASSERT_TRUE(coop::test::run_until(
        io_,
        [&] {
            return downloaded() && seeder_seen_.gave() >= share_size && leecher_seen_.got() >= share_size &&
                   leecher_seen_.closing >= 1;
        },
        limit))
        << "gave " << seeder_seen_.gave() << ", got " << leecher_seen_.got() << " of " << share_size
        << "; closings reported " << leecher_seen_.closing;
    // The payload is counted exactly: one seeder and one leecher on one
    // connection leave no room for redundant blocks (no end game between
    // peers, no failed piece), so the leecher received each byte of the
    // file once, and libtorrent's own payload counters say the same.
    const auto leecher_status = leecher_->status();
    const auto seeder_status = seeder_->status();
    EXPECT_EQ(leecher_status.total_payload_download, share_size_lt);
    EXPECT_EQ(seeder_status.total_payload_upload, share_size_lt);
    EXPECT_EQ(seeder_seen_.gave(), static_cast<std::uint64_t>(leecher_status.total_payload_download));
    EXPECT_EQ(leecher_seen_.got(), static_cast<std::uint64_t>(leecher_status.total_payload_download));
    EXPECT_EQ(seeder_seen_.got(), 0u);
    EXPECT_EQ(leecher_seen_.gave(), 0u);
    EXPECT_EQ(seeder_seen_.counted.size(), 1u) << "counted for a key other than the leecher's";
    EXPECT_EQ(leecher_seen_.counted.size(), 1u) << "counted for a key other than the seeder's";
    EXPECT_GE(leecher_seen_.closing, 1);
    EXPECT_TRUE(seeder_seen_.bad.empty());
    EXPECT_TRUE(leecher_seen_.bad.empty());
}

TEST_F(LedgerWireTest, AnImpostorIsNeverBoundAndCountsForNobody) {
    const Identity seeder_id = Identity::generate(), victim = Identity::generate(), impostor = Identity::generate();
    std::vector<std::string> impostor_heard;
    Script script{victim.public_key(), impostor, {}, {}, heard_into(impostor_heard)};
    const auto seeder_wire = honest(seeder_id, seeder_seen_);
    ASSERT_NO_FATAL_FAILURE(start(seeder_wire, std::make_shared<ScriptedWire>(std::move(script))));

    ASSERT_TRUE(coop::test::run_until(
        io_, [&] { return !seeder_seen_.bad.empty() || !seeder_seen_.bound.empty() || over(); }, limit));
    EXPECT_TRUE(seeder_seen_.bound.empty()) << "the impostor was bound";
    ASSERT_FALSE(seeder_seen_.bad.empty()) << "no `bad` for the impostor";
    EXPECT_EQ(seeder_seen_.bad[0].first, victim.public_key());
    EXPECT_NE(seeder_seen_.bad[0].second.find("PROVE does not verify"), std::string::npos) << seeder_seen_.bad[0].second;

    // The data is fine: only the binding is refused.
    ASSERT_TRUE(coop::test::run_until(io_, [&] { return over() || !seeder_seen_.bound.empty(); }, limit))
        << "the transfer did not end: " << leecher_->status().total_done << " of " << share_size;
    EXPECT_TRUE(seeder_seen_.bound.empty());
    EXPECT_TRUE(seeder_seen_.counted.empty()) << "gave " << seeder_seen_.gave() << ", got " << seeder_seen_.got();
    EXPECT_TRUE(seeder_seen_.received.empty());
    EXPECT_EQ(seeder_seen_.closing, 0);
    EXPECT_EQ(seeder_seen_.bad.size(), 1u);
    EXPECT_EQ(leecher_->status().total_done, share_size_lt);
    // Still the seeder proved itself to the impostor, as to anyone.
    ASSERT_FALSE(impostor_heard.empty());
    EXPECT_EQ(impostor_heard[0][0], '\x01');
}

TEST_F(LedgerWireTest, GarbageAfterAHonestBindingIsReportedAndSkipped) {
    const Identity seeder_id = Identity::generate(), peer = Identity::generate();
    const std::string too_long = "\x02" + std::string(LedgerWire::max_ledger_message + 1, 'x');
    const std::string unknown_type = "\x09whatever this is";
    const std::string valid = "\x02" + std::string(LedgerWire::max_ledger_message, 'v');
    std::vector<std::string> peer_heard;
    Script script{peer.public_key(), peer, {}, {too_long, unknown_type, valid}, heard_into(peer_heard)};
    script.nonce.fill(0x5a);
    const auto nonce = std::string(16, '\x5a');
    const auto seeder_wire = honest(seeder_id, seeder_seen_);
    ASSERT_NO_FATAL_FAILURE(start(seeder_wire, std::make_shared<ScriptedWire>(std::move(script))));

    ASSERT_TRUE(coop::test::run_until(
        io_, [&] { return (!seeder_seen_.received.empty() && seeder_seen_.bad.size() >= 2) || over(); }, limit))
        << "received " << seeder_seen_.received.size() << ", bad " << seeder_seen_.bad.size();
    ASSERT_EQ(seeder_seen_.bound.size(), 1u);
    EXPECT_EQ(seeder_seen_.bound[0].first, peer.public_key());
    ASSERT_EQ(seeder_seen_.bad.size(), 2u);
    EXPECT_EQ(seeder_seen_.bad[0].first, peer.public_key());
    EXPECT_NE(seeder_seen_.bad[0].second.find("of " + std::to_string(too_long.size()) + " bytes"), std::string::npos)
        << seeder_seen_.bad[0].second;
    EXPECT_EQ(seeder_seen_.bad[1].first, peer.public_key());
    EXPECT_NE(seeder_seen_.bad[1].second.find("unknown type 9"), std::string::npos) << seeder_seen_.bad[1].second;
    ASSERT_EQ(seeder_seen_.received.size(), 1u);
    EXPECT_EQ(seeder_seen_.received[0].first, peer.public_key());
    EXPECT_EQ(seeder_seen_.received[0].second, valid.substr(1));

    // The seeder's own PROVE, checked against the format as written.
    ASSERT_TRUE(coop::test::run_until(io_, [&] { return !peer_heard.empty(); }, limit));
    ASSERT_EQ(peer_heard[0].size(), 1u + 64u);
    EXPECT_EQ(peer_heard[0][0], '\x01');
    Identity::Signature signature{};
    std::memcpy(signature.data(), peer_heard[0].data() + 1, signature.size());
    EXPECT_TRUE(Identity::verify(seeder_id.public_key(), bind_message(nonce, bytes_of(peer.public_key())), signature));

    // The connection lived on and kept counting, to the last byte.
    ASSERT_TRUE(coop::test::run_until(io_, [&] { return over(); }, limit))
        << "the transfer did not end: " << leecher_->status().total_done << " of " << share_size;
    EXPECT_EQ(seeder_seen_.gave(), share_size);
    EXPECT_EQ(seeder_seen_.got(), 0u);
    EXPECT_EQ(seeder_seen_.bad.size(), 2u);
}

TEST_F(LedgerWireTest, APeerWithOurOwnKeyIsNotBound) {
    const Identity us = Identity::generate();
    ASSERT_NO_FATAL_FAILURE(start(honest(us, seeder_seen_), honest(us, leecher_seen_)));

    ASSERT_TRUE(coop::test::run_until(
        io_, [&] { return over() || !seeder_seen_.bound.empty() || !leecher_seen_.bound.empty(); }, limit))
        << "the transfer did not end: " << leecher_->status().total_done << " of " << share_size;
    for (const Seen* seen : {&seeder_seen_, &leecher_seen_}) {
        EXPECT_TRUE(seen->bound.empty());
        EXPECT_TRUE(seen->counted.empty()) << "gave " << seen->gave() << ", got " << seen->got();
        EXPECT_TRUE(seen->bad.empty());  // not a rule broken: the extension just stays off
    }
    EXPECT_EQ(leecher_->status().total_done, share_size_lt);
}

}  // namespace
