#pragma once
// The agent's groups: each group we hold, as a log kept in the store and
// in memory with its folded state; the sync engine that replicates the logs
// over the overlay's links; finding other members on the DHT; and the
// group.* RPC methods (core/rpc/protocol.hpp). Everything runs on the
// agent's loop. Peers are never trusted: every map that grows with what
// they or clients do is bounded.
//
// The methods live in group_methods.cpp (create, list, show, invite,
// leave, members, post, log), group_join.cpp (join, find) and
// group_catalog.cpp (catalog, share, retract), group_plan.cpp (the
// plan.* methods of planning); group_links.cpp has the
// links, the clock and the DHT; groups.cpp the logs and the sync host.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/agent/overlay_node.hpp"
#include "core/agent/rpc_server.hpp"
#include "core/endpoint.hpp"
#include "core/group/body.hpp"
#include "core/group/event_store.hpp"
#include "core/group/log.hpp"
#include "core/group/state.hpp"
#include "core/group/sync_engine.hpp"
#include "core/identity.hpp"
#include "core/ledger/agreement.hpp"
#include "core/store/store.hpp"

namespace coop::agent {

// The DHT as a directory of topics (the engine's): agents announce the
// topics they serve with their overlay port and look up who serves one.
struct TopicDirectory {
    std::function<void(const std::string& topic, int port)> announce;
    std::function<void(const std::string& topic)> withdraw;
    // `found` may run several times, then `done` once.
    std::function<void(const std::string& topic, std::function<void(std::vector<Endpoint>)> found,
                       std::function<void()> done)>
        lookup;
};

// Where a listener on `listen` is reached, as ADDR:PORT, at most `max`:
// `listen` itself, or, for 0.0.0.0 or ::, each of `interfaces` (the
// host's addresses) of a family it takes on its port: the others before
// loopback, which only this host reaches. IPv6 link-local addresses are
// left out (they need a scope).
std::vector<std::string> reachable_addresses(const Endpoint& listen, const std::vector<std::string>& interfaces,
                                             std::size_t max);

class Groups : public group::SyncHost, public OverlayHandler {
public:
    Groups(boost::asio::io_context& io, Store& store, const Identity& identity, OverlayNode& overlay,
           TopicDirectory topics, group::SyncOptions sync_options = {});
    ~Groups() override;
    Groups(const Groups&) = delete;
    Groups& operator=(const Groups&) = delete;

    // Loads every group from the store, starts the sync clock, and starts
    // announcing and looking up our groups on the DHT. Call once the
    // overlay listens. Throws std::runtime_error on a damaged store.
    void start();
    void register_methods(RpcServer& server);
    // Fails the calls still waiting, stops the clock and the probe thread.
    void close();

    // For fetch.add and stream.open: the magnet of the catalog entry (of
    // any group we hold) whose id starts with `prefix` (lower-case hex);
    // nullopt if none. Throws RpcFailure(ambiguous) if several match.
    std::optional<std::string> catalog_magnet(const std::string& prefix);

    // --- group_ledger.cpp: the ledger's use of the groups (ledger.hpp) ---
    // Posts a countersigned transfer into every group where both of its
    // parties are members; the names of those groups.
    std::vector<std::string> post_transfer(const coop::ledger::Transfer& transfer);
    // Posts an event of ours (capacity, ledger_proof) into every group we
    // are a member of; their names.
    std::vector<std::string> post_to_member_groups(group::Kind kind, const std::string& body);
    // Posts an event of ours into one group we are a member of; false if
    // we are not (or no longer) one.
    bool post_to_group(const group::Id& group, group::Kind kind, const std::string& body);
    // The groups we are a member of (the one G names, if given: RpcFailure
    // as for other group commands otherwise), with their folded state.
    struct MemberGroup {
        group::Id id{};
        std::string name;
        const group::GroupState* state = nullptr;  // valid until the next change of the groups
    };
    std::vector<MemberGroup> member_groups(const std::string& given = "");
    // Where each member of a group of ours was last reached over the
    // overlay (addresses only, no port), by key.
    std::map<Identity::PublicKey, std::string> member_hosts() const;

    // For agent.status.
    nlohmann::json overlay_status() const;
    nlohmann::json sync_status() const;

    // --- group::SyncHost ---
    group::GroupLog* log(const group::Id& group) override;
    const group::GroupState* state(const group::Id& group) override;
    std::vector<group::GroupSummary> open_groups_with_tag(const std::string& tag) override;
    void accepted(const group::Id& group, const std::vector<group::Id>& ids) override;
    void send(group::PeerId peer, std::string frame) override;
    void drop(group::PeerId peer, const std::string& reason) override;
    void found(const std::string& tag, group::PeerId peer, std::vector<group::GroupSummary> groups) override;
    void refused(group::PeerId peer, const group::Id& group, group::sync::RefuseReason reason) override;

    // --- OverlayHandler ---
    void link_opened(LinkId link, const Identity::PublicKey& peer, const std::string& remote) override;
    void link_frame(LinkId link, std::string frame) override;
    void link_closed(LinkId link, const std::string& reason) override;

private:
    using Clock = std::chrono::steady_clock;
    using CallPtr = std::shared_ptr<Call>;
    // Member addresses remembered per group (and dialled while alone).
    static constexpr std::size_t max_group_addresses_kept = 8;
    // Of our own in an invite, which leaves room for other members'.
    static constexpr std::size_t max_own_addresses = 4;
    static constexpr std::size_t max_known_addresses = 1024;  // addresses_

    // One group we hold.
    struct Held {
        group::GroupRecord record;
        std::unique_ptr<group::GroupLog> log;
        std::optional<group::GroupState> folded;  // of log, unless stale
        bool stale = true;
        // Events that may change who is a member came since the fold. The
        // sync engine's access checks refold only then: a fold per chat
        // message would make a busy group's sync quadratic.
        bool members_stale = true;
        bool unsaved = false;  // a save failed: retried on the clock
        // While joining: our join, sent with each subscription, and what
        // the attempts met.
        std::optional<group::Event> join;
        std::set<LinkId> join_links;                  // subscribed with our join
        std::map<LinkId, group::sync::RefuseReason> refusals;
        std::vector<std::string> tried;               // addresses dialled for it, for the error
        int dialing = 0;
        // The DHT.
        bool lookup_running = false;
        Clock::time_point lookup_started{};
        Clock::time_point next_lookup{};
        Clock::duration lonely_wait{};  // between lookups while nobody syncs it with us
        std::set<std::string> announced;  // topics
        Clock::time_point reviewed{};  // review(): decisions and plannings
    };
    struct Peer {
        Identity::PublicKey key{};
        std::string remote;
        bool outgoing = false;  // remote is then where it listens
    };
    // What a link was dialled for: once it is open, these are asked.
    struct Purpose {
        std::set<group::Id> groups;
        std::set<std::uint64_t> finds;  // PendingFind::number
    };
    struct PendingJoin {
        CallPtr call;
        group::Id group{};
        std::int64_t wait_s = 0;
        Clock::time_point deadline{};
    };
    // Why a join failed, for its call.
    struct JoinFailure {
        std::string message;
        int code = 0;
        bool refused = false;  // by everyone we reached: the group is forgotten
    };
    struct FoundGroup {
        group::GroupSummary summary;
        // Who answered with it, at most max_group_addresses_kept; where they
        // listen is looked up once the find ends (a link that brought an
        // answer may be one they dialled, whose address is learnt later).
        std::set<Identity::PublicKey> answered_by;
        std::vector<std::string> peers;  // ADDR:PORT, once the find ended
    };
    struct PendingFind {
        std::uint64_t number = 0;
        CallPtr call;
        std::string tag;
        Clock::time_point deadline{};
        bool lookup_done = false;
        int dialing = 0;
        std::set<LinkId> asked, answered;
        std::map<group::Id, FoundGroup> groups;
    };
    struct Follow {
        CallPtr call;
        group::Id group{};
        std::set<group::Kind> kinds;  // empty: all
    };

    // --- groups.cpp: holding and storing ---
    Held* held(const group::Id& group);
    const Held* held(const group::Id& group) const;
    // The state of any group we hold (left ones too); nullptr without the genesis.
    const group::GroupState* folded(Held& h);
    // Current for membership, maybe not for the rest (see members_stale).
    const group::GroupState* folded_for_access(Held& h);
    static void changed(Held& h, const std::vector<group::Event>& events);
    // Resolves G (a name or an id prefix); throws RpcFailure naming the
    // matches or the way out.
    Held& resolve(const std::string& given);
    Held& resolve_member(const std::string& given);  // and we are a member
    // The group's state, or not_found while its log has not arrived.
    const group::GroupState& arrived(Held& h);
    Held& add_held(group::GroupRecord record);
    // Makes, adds, stores and publishes one of our events.
    group::Event publish(Held& h, group::Kind kind, std::string body);
    void save(Held& h, const std::vector<group::Event>& events,
              group::EventStore::Durability durability = group::EventStore::Durability::power_loss);
    void put_record(Held& h);
    void became_member(Held& h);
    void forget_group(const group::Id& group, bool remove);
    bool serving(const Held& h) const;  // the engine may sync it
    bool online(const Identity::PublicKey& key) const;
    // Where the member listens, as we learnt by dialling it; "" if unknown.
    std::string address_of(const Identity::PublicKey& key) const;
    void learn_address(const Identity::PublicKey& key, const std::string& address);
    void remember_address(Held& h, const std::string& address);
    // Where other members listen, as far as we know, at most `max`.
    std::vector<std::string> member_addresses(Held& h, std::size_t max);
    // Where we are reached (reachable_addresses of the host's interfaces).
    std::vector<std::string> own_addresses(std::size_t max) const;

    // --- group_links.cpp: links, the clock, the DHT ---
    void tick();
    void schedule_tick();
    void discover(Held& h, Clock::time_point now);
    void announce(Held& h);
    void withdraw(Held& h);
    void lookup(const group::Id& group);
    // Dials `address` for a group we hold or a find in flight.
    void dial(const std::string& address, const std::optional<group::Id>& group,
              const std::optional<std::uint64_t>& find);
    void dialed(const std::string& address, std::optional<LinkId> link, const std::string& error,
                const std::optional<group::Id>& group, const std::optional<std::uint64_t>& find);
    void opened(LinkId link, const Identity::PublicKey& key, const std::string& remote);
    void serve_purpose(LinkId link, const Purpose& purpose);

    // --- group_methods.cpp ---
    void create(const CallPtr& call);
    void list(const CallPtr& call);
    void show(const CallPtr& call);
    void invite(const CallPtr& call);
    void leave(const CallPtr& call);
    void members(const CallPtr& call);
    void post(const CallPtr& call);
    void history(const CallPtr& call);
    nlohmann::json members_json(Held& h) const;
    nlohmann::json event_json(const group::Event& e, const group::Id& id) const;
    void notify_follows(const group::Id& group, const std::vector<group::Id>& ids);
    void end_follows(const group::Id& group);

    // --- group_join.cpp ---
    void join(const CallPtr& call);
    void find(const CallPtr& call);
    void join_progress(Held& h);
    void check_joins(Clock::time_point now);
    void finish_joins(const group::Id& group, const std::optional<std::string>& failure, int code);
    std::optional<JoinFailure> join_failure(const Held& h, bool at_deadline, std::int64_t wait_s) const;
    void check_finds(Clock::time_point now);
    PendingFind* pending_find(std::uint64_t number);
    // Sends the find's FIND on the link, unless another find of the same
    // tag waits there for its answer already (one FOUND answers both).
    void ask(LinkId link, PendingFind& f);
    void answer_find(PendingFind& f);

    // --- group_catalog.cpp ---
    void catalog(const CallPtr& call);
    void share(const CallPtr& call);
    void retract(const CallPtr& call);
    void shared(const CallPtr& call, const group::Id& group, group::ShareBody body);

    // --- group_votes.cpp: decisions ---
    struct FoundDecision {
        Held* h = nullptr;
        const group::GroupState* s = nullptr;
        std::string id;
        const group::Decision* d = nullptr;
    };
    // A proposal of a group we are in, by an id prefix; throws RpcFailure.
    FoundDecision resolve_decision(const std::string& given);
    void propose(const CallPtr& call);
    void cast(const CallPtr& call);
    void decisions(const CallPtr& call);
    void decision(const CallPtr& call);
    // The tally of `d`: the final one once closed, else the standing at `now`.
    static coop::vote::Tally current_tally(const group::GroupState& s, const group::Decision& d, std::int64_t now);
    nlohmann::json decision_summary(const group::GroupState& s, const std::string& id, const group::Decision& d,
                                    const coop::vote::Tally& tally, std::int64_t now) const;
    // On the clock, per group we are a member of: what the agent posts
    // for its decisions and plannings. A group whose fold is stale is
    // refolded for it at most every 10 s: a busy chat must not cost a fold
    // a second.
    void review(Held& h, Clock::time_point now);
    // Posts the close of each of the group's proposals that is due.
    void review_decisions(Held& h, const group::GroupState& s);

    // --- group_plan.cpp ---
    void plan_start(const CallPtr& call);
    void plan_offer(const CallPtr& call);
    void plan_request(const CallPtr& call);
    void plan_close(const CallPtr& call);
    void plan_show(const CallPtr& call);
    // Our upload offer from the declared capacity, and the close of a
    // round past its deadline, each posted once.
    void review_plans(Held& h, const group::GroupState& s);

    boost::asio::io_context& io_;
    Store& store_;
    group::EventStore events_;
    Identity identity_;
    OverlayNode& overlay_;
    TopicDirectory topics_;
    group::SyncEngine sync_;
    boost::asio::steady_timer clock_;
    Clock::time_point next_slow_tick_{};  // the clock's work beyond the sync engine's
    boost::asio::thread_pool probing_{1};  // media probes of shared files
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // callbacks check it
    bool closed_ = false;

    std::map<group::Id, Held> groups_;
    std::map<LinkId, Peer> peers_;
    std::map<LinkId, Purpose> purposes_;  // dialled links not yet reported open
    std::map<Identity::PublicKey, std::string> addresses_;  // where members we dialled listen
    std::list<PendingJoin> joins_;
    std::list<PendingFind> finds_;
    std::uint64_t next_find_ = 1;
    std::list<Follow> follows_;
    std::map<group::Id, FoundGroup> found_;  // recent find answers, for join {group}
    std::set<std::string> closes_sent_;      // proposals we closed, so one close each
    // Plannings (start ids in hex) we offered upload in for the member, and
    // "ID:ROUND" of rounds we closed: one of each, however the fold goes.
    std::set<std::string> plan_offered_, plan_closed_;
};

}  // namespace coop::agent
