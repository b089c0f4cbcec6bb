#pragma once
// The agent's ledger: the book of each counterparty (core/ledger/
// ledger_book.hpp), fed by the engine's ledger extension with the payload
// counted on connections and the messages that came on them; each
// countersigned transfer posted into the groups both parties are members
// of; upload priority from the effort those groups compute; and the
// ledger.* RPC methods (core/rpc/protocol.hpp). Everything runs on the
// agent's loop.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <string>

#include <nlohmann/json.hpp>

#include "core/agent/engine/engine.hpp"
#include "core/agent/groups.hpp"
#include "core/agent/rpc_server.hpp"
#include "core/identity.hpp"
#include "core/ledger/ledger_book.hpp"
#include "core/ledger/ledger_store.hpp"
#include "core/store/store.hpp"

namespace coop::agent {

class Ledger {
public:
    using Key = Identity::PublicKey;

    Ledger(boost::asio::io_context& io, Store& store, const Identity& identity);
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    // Sets the engine's ledger events; call before the engine is made.
    void hook(EngineEvents& events);
    // The engine that sends our messages and the groups our transfers are
    // posted into; starts the clock.
    void attach(Engine& engine, Groups& groups);
    void register_methods(RpcServer& server);
    void close();

    // For agent.status.
    nlohmann::json status() const;

    // Upload priority of a member by its effort score in a group we share,
    // relative to the group's best (0..1): 1 + round(relative *
    // max_extra_priority), so a member with no effort still gets level 1 of
    // the bandwidth: priority, not exclusion.
    static constexpr int max_extra_priority = 15;
    static int priority_level(double relative_score);

private:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t max_hosts = 4096;  // addresses kept of keys seen bound
    // Keys cost nothing to make: past this many counterparties a new one's
    // counts and messages are dropped (and counted as wire problems).
    static constexpr std::size_t max_counterparties = 20'000;
    bool room_for(const Key& peer);
    static constexpr auto review_every = std::chrono::seconds(5);  // of the groups' proofs and effort

    void tick();
    void bound(const Key& peer, const std::string& address);
    void counted(const Key& peer, std::uint64_t gave, std::uint64_t got);
    void received(const Key& peer, const std::string& message);
    void closing(const Key& peer);
    void send_due();
    void completed(const coop::ledger::Transfer& transfer);
    // Keeps the proofs of fraud our groups hold and posts each to those of
    // our groups that lack it, so the offender scores 0 in all of them.
    void keep_proofs();
    void update_priorities();
    // Our declared capacity (coop ledger capacity) in every group we are
    // in, those joined since it was declared too.
    void declare_capacity();


    void show(const std::shared_ptr<Call>& call);
    void effort(const std::shared_ptr<Call>& call);
    void capacity(const std::shared_ptr<Call>& call);
    void verify(const std::shared_ptr<Call>& call);
    void export_records(const std::shared_ptr<Call>& call);

    boost::asio::io_context& io_;
    Store& store_;
    Identity identity_;
    coop::ledger::LedgerStore records_;
    coop::ledger::LedgerBook book_;
    Engine* engine_ = nullptr;
    Groups* groups_ = nullptr;
    boost::asio::steady_timer clock_;
    bool closed_ = false;

    std::map<Key, std::string> hosts_;            // where each key's BitTorrent connections came from
    std::map<Key, Clock::time_point> settling_;   // connections held for us to settle
    Clock::time_point next_review_{};
    std::map<std::string, int> priorities_;       // address -> level, as set in the engine
    std::uint64_t wire_problems_ = 0;
    std::uint64_t posted_ = 0;                    // ledger_record events we posted
    std::uint64_t proofs_kept_ = 0;
    std::set<std::string> kept_proofs_;           // ids of the proofs in the store
    std::optional<std::uint64_t> declared_;       // bytes/s, as coop ledger capacity --up saved it
    std::set<std::pair<group::Id, std::uint64_t>> capacity_posted_;
    std::uint64_t refused_ = 0;                   // messages the book refused or found bad
};

}  // namespace coop::agent
