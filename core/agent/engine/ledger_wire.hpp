#pragma once
// The ledger's BitTorrent extension (BEP 10, "coop_ledger"), a session
// plugin on every connection: each side proves which coop identity it is,
// the payload moving on the connection is counted against that identity,
// and the ledger's messages (core/ledger/ledger_book.hpp) travel on the
// very connection that carried the data.
//
// Binding: the extension handshake carries "coop_ledger" in its "m"
// dictionary and, under "coop", our public key and a fresh 16-byte nonce.
// Each side then sends PROVE, its signature of
//   "coop-ledger-bind/1" | the other's nonce | the other's key
// so a key is bound to a connection only by whoever holds its secret half,
// on this connection (the nonce is fresh). Payload that moved before the
// binding is credited to it once bound; a connection that never binds
// (another client, a bad signature, ourselves) counts for nobody.
//
// Messages, after the extended message header: u8 type | body
//   1 PROVE   signature[64]
//   2 LEDGER  a ledger book message, at most max_ledger_message bytes
//
// Closing: when libtorrent closes a connection because its torrent
// finished or both sides now seed (or want nothing of each other), the bytes since the last record would go
// unrecorded until the two meet again. The connection is held open (up to hold_limit) and `closing`
// is reported, so the ledger can settle on it first; release() lets it go.
//
// Engine-internal (includes libtorrent). The plugin's callbacks run on
// libtorrent's network thread, and so must send() and release(): the engine
// posts them there. The events are called there too; the engine posts them
// on to the agent's loop.
#include <libtorrent/extensions.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/identity.hpp"

namespace coop::agent {

struct LedgerWireEvents {
    using Key = Identity::PublicKey;
    std::function<void(const Key& peer, const std::string& address)> bound;
    // Payload bytes we gave the peer and got from it since the last report.
    std::function<void(const Key& peer, std::uint64_t gave, std::uint64_t got)> counted;
    std::function<void(const Key& peer, std::string message)> received;
    std::function<void(const Key& peer)> closing;
    // A message that broke the extension's rules (one line, for the log).
    std::function<void(const Key& peer, const std::string& problem)> bad;
};

class LedgerWire : public lt::plugin {
public:
    static constexpr std::size_t max_ledger_message = 512;
    static constexpr auto hold_limit = std::chrono::seconds(10);

    LedgerWire(const Identity& identity, LedgerWireEvents events);
    ~LedgerWire() override;

    lt::feature_flags_t implemented_features() override { return {}; }
    std::shared_ptr<lt::torrent_plugin> new_torrent(const lt::torrent_handle&, lt::client_data_t) override;

    // Sends on one bound connection to `peer`; false if there is none.
    bool send(const Identity::PublicKey& peer, const std::string& message);
    // The ledger has settled with `peer`: its held connections may close.
    void release(const Identity::PublicKey& peer);

    struct Shared;

private:
    std::shared_ptr<Shared> shared_;
};

}  // namespace coop::agent
