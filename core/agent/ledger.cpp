#include "core/agent/ledger.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/agent/every.hpp"
#include "core/group/body.hpp"
#include "core/group/hex.hpp"
#include "core/ledger/ledger_json.hpp"
#include "core/ledger/verify.hpp"

namespace coop::agent {

namespace {

using coop::ledger::Transfer;
using json = nlohmann::json;

constexpr auto tick_interval = std::chrono::seconds(1);

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string short_key(const Identity::PublicKey& key) { return group::hex(key).substr(0, 12); }

}  // namespace

int Ledger::priority_level(double score) {
    if (!(score > 0)) return 1;
    return 1 + static_cast<int>(std::lround(std::min(score, 1.0) * max_extra_priority));
}

Ledger::Ledger(boost::asio::io_context& io, Store& store, const Identity& identity)
    : io_(io),
      store_(store),
      identity_(identity),
      records_(store.database()),
      book_(identity_, records_),
      clock_(io) {
    if (auto saved = store_.get("ledger.hosts")) {
        const auto j = json::parse(*saved, nullptr, false);
        if (j.is_object())
            for (const auto& [key, address] : j.items())
                if (auto k = group::from_hex<32>(key); k && address.is_string() && hosts_.size() < max_hosts)
                    hosts_[*k] = address.get<std::string>();
    }
    if (auto saved = store_.get("ledger.capacity")) declared_ = std::strtoull(saved->c_str(), nullptr, 10);
    for (const auto& proof : records_.proofs()) kept_proofs_.insert(group::hex(proof.id()));
}

void Ledger::hook(EngineEvents& events) {
    events.ledger_bound = [this](const Key& peer, const std::string& address) { bound(peer, address); };
    events.ledger_counted = [this](const Key& peer, std::uint64_t gave, std::uint64_t got) { counted(peer, gave, got); };
    events.ledger_received = [this](const Key& peer, std::string message) { received(peer, message); };
    events.ledger_closing = [this](const Key& peer) { closing(peer); };
    events.ledger_bad = [this](const Key& peer, const std::string& problem) {
        ++wire_problems_;
        spdlog::warn("ledger: peer {}: {}", short_key(peer), problem);
    };
}

void Ledger::attach(Engine& engine, Groups& groups) {
    engine_ = &engine;
    groups_ = &groups;
    every(clock_, tick_interval, [this] { return closed_; }, [this] { tick(); }, "ledger");
}

void Ledger::close() {
    closed_ = true;
    clock_.cancel();
}

void Ledger::tick() {
    send_due();
    // A held connection goes once nothing is left to settle on it.
    // (The engine lets it go after 10 s anyway; the entry goes a little later.)
    const auto now = Clock::now();
    for (auto it = settling_.begin(); it != settling_.end();) {
        if (!book_.proposal_pending(it->first) || now - it->second > std::chrono::seconds(15)) {
            if (engine_) engine_->release_ledger(it->first);
            it = settling_.erase(it);
        } else {
            ++it;
        }
    }
    if (now >= next_review_) {
        next_review_ = now + review_every;
        keep_proofs();
        declare_capacity();
        update_priorities();
    }
}

void Ledger::bound(const Key& peer, const std::string& address) {
    spdlog::debug("ledger: peer {} proved its key on a connection from {}", short_key(peer), address);
    auto it = hosts_.find(peer);
    if (it != hosts_.end() && it->second == address) return;
    if (it == hosts_.end() && hosts_.size() >= max_hosts) hosts_.erase(hosts_.begin());
    hosts_[peer] = address;
    json j = json::object();
    for (const auto& [key, a] : hosts_) j[group::hex(key)] = a;
    store_.put("ledger.hosts", j.dump());
    next_review_ = {};  // a new address may need its priority now
}

bool Ledger::room_for(const Key& peer) {
    if (book_.knows(peer) || book_.counterparties() < max_counterparties) return true;
    if (++wire_problems_ % 1000 == 1)
        spdlog::warn("ledger: {} counterparties already; ignoring the new key {}", max_counterparties, short_key(peer));
    return false;
}

void Ledger::counted(const Key& peer, std::uint64_t gave, std::uint64_t got) {
    if (room_for(peer)) book_.counted(peer, gave, got, now_ms());
}

void Ledger::received(const Key& peer, const std::string& message) {
    if (!room_for(peer)) return;
    const auto answer = book_.on_message(peer, message, now_ms());
    if (!answer.problem.empty()) {
        ++refused_;
        spdlog::warn("ledger: peer {}: {}", short_key(peer), answer.problem);
    }
    if (answer.reply && engine_) engine_->send_ledger(peer, *answer.reply);
    if (answer.completed) completed(*answer.completed);
}

void Ledger::closing(const Key& peer) {
    if (!room_for(peer)) {
        if (engine_) engine_->release_ledger(peer);
        return;
    }
    book_.settle(peer);
    settling_.emplace(peer, Clock::now());
    send_due();
}

void Ledger::send_due() {
    if (!engine_) return;
    for (auto& out : book_.due(now_ms())) {
        spdlog::debug("ledger: proposing a record to {}", short_key(out.peer));
        engine_->send_ledger(out.peer, std::move(out.message));
    }
}

void Ledger::completed(const Transfer& transfer) {
    const Key& us = identity_.public_key();
    const Key& other = transfer.proposer() == us ? transfer.countersigner() : transfer.proposer();
    const auto ours = transfer.last_agreed(us);
    spdlog::info("ledger: agreed with {}: we gave {} bytes and got {} in all", short_key(other), ours.we_gave,
                 ours.we_got);
    // The proposer posts it: it holds the same groups with the other party
    // as the countersigner does, and both propose when a connection
    // settles, so each side's latest totals reach the groups in a pair of
    // its own. Each group counts a pair once however often it comes.
    if (transfer.proposer() == us && groups_) posted_ += groups_->post_transfer(transfer).size();
    next_review_ = {};
}

void Ledger::keep_proofs() {
    if (!groups_) return;
    // Every proof any of our groups found or was given, each group's by id.
    std::map<std::string, coop::ledger::Proof> found;
    std::map<std::string, std::set<std::string>> known_in;  // group name -> proof ids it names
    const auto groups = groups_->member_groups();
    for (const auto& g : groups) {
        for (const auto& [id, proof] : g.state->ledger.proofs) {
            found.emplace(id, proof);
            known_in[g.name].insert(id);
        }
    }
    for (const auto& [id, proof] : found) {
        if (!kept_proofs_.insert(id).second || !records_.save_proof(proof)) continue;  // kept and passed on already
        spdlog::warn("ledger: proof of fraud ({}) against {}: kept, and posted to the groups that lack it",
                     coop::ledger::to_string(proof.kind), short_key(proof.offender()));
        ++proofs_kept_;
        const std::string body = group::to_body(group::LedgerProofBody{proof});
        for (const auto& g : groups)
            if (!known_in[g.name].count(id)) groups_->post_to_group(g.id, group::Kind::ledger_proof, body);
    }
}

void Ledger::declare_capacity() {
    if (!groups_) return;
    if (!declared_) return;
    const std::uint64_t up = *declared_;
    const std::string us = group::hex(identity_.public_key());
    for (const auto& g : groups_->member_groups()) {
        const auto& held = g.state->ledger.capacities;
        const auto it = held.find(us);
        if (it != held.end() && it->second == up) continue;
        // Once per group and value while we run: a group that does not take
        // it is not asked again and again.
        if (!capacity_posted_.emplace(g.id, up).second) continue;
        if (groups_->post_to_group(g.id, group::Kind::capacity, group::to_body(group::CapacityBody{up})))
            spdlog::info("ledger: declared our capacity, {} bytes/s, in {}", up, g.name);
    }
}

void Ledger::update_priorities() {
    if (!engine_ || !groups_) return;
    // Each key's best score relative to its group's best, over the groups
    // we share with it: scores over a month-long window are small numbers,
    // and what matters is how members compare.
    std::map<std::string, double> scores;
    for (const auto& g : groups_->member_groups()) {
        double best = 0;
        for (const auto& [key, m] : g.state->ledger.effort) best = std::max(best, m.effort.score);
        if (!(best > 0)) continue;
        for (const auto& [key, m] : g.state->ledger.effort)
            scores[key] = std::max(scores[key], m.effort.score / best);
    }
    auto hosts = groups_->member_hosts();
    for (const auto& [key, address] : hosts_) hosts[key] = address;  // a BitTorrent connection's address is surer
    std::map<std::string, int> levels;
    for (const auto& [key, address] : hosts) {
        if (key == identity_.public_key()) continue;
        const auto s = scores.find(group::hex(key));
        if (s == scores.end()) continue;
        const int level = priority_level(s->second);
        if (level > 1) levels[address] = std::max(levels[address], level);
    }
    if (levels == priorities_) return;
    priorities_ = levels;
    for (const auto& [address, level] : levels) spdlog::info("ledger: upload priority {} for {}", level, address);
    engine_->set_upload_priorities(levels);
}

json Ledger::status() const {
    const auto& c = book_.counters();
    return {{"enabled", engine_ && engine_->ledger_enabled()},
            {"seq", book_.tip().seq},
            {"counterparties", book_.counterparties()},
            {"transfers", book_.transfer_count()},
            {"proposed", c.proposed},
            {"agreed", c.agreed},
            {"countersigned", c.countersigned},
            {"refused", refused_},
            {"wire_problems", wire_problems_},
            {"posted", posted_},
            {"proofs_kept", proofs_kept_},
            {"priorities", priorities_.size()}};
}

void Ledger::register_methods(RpcServer& server) {
    server.handle("ledger.show", [this](const std::shared_ptr<Call>& call) { show(call); });
    server.handle("ledger.effort", [this](const std::shared_ptr<Call>& call) { effort(call); });
    server.handle("ledger.capacity", [this](const std::shared_ptr<Call>& call) { capacity(call); });
    server.handle("ledger.verify", [this](const std::shared_ptr<Call>& call) { verify(call); });
    server.handle("ledger.export", [this](const std::shared_ptr<Call>& call) { export_records(call); });
}

void Ledger::show(const std::shared_ptr<Call>& call) {
    const auto& p = call->params();
    std::size_t limit = 20;
    if (p.contains("limit")) {
        if (!p["limit"].is_number_unsigned())
            throw RpcFailure(rpc::invalid_params, "'limit' must be a whole number of records, 0 for all");
        limit = p["limit"].get<std::size_t>();
    }
    call->reply(coop::ledger::show_json(identity_.public_key(), records_.own_records(), book_, limit));
}

void Ledger::verify(const std::shared_ptr<Call>& call) {
    call->reply(coop::ledger::to_json(coop::ledger::verify_store(identity_.public_key(), records_)));
}

void Ledger::export_records(const std::shared_ptr<Call>& call) {
    call->reply(coop::ledger::export_json(identity_.public_key(), records_.own_records(), book_.transfers()));
}

void Ledger::effort(const std::shared_ptr<Call>& call) {
    const auto& p = call->params();
    const std::string given = p.contains("group") && p["group"].is_string() ? p["group"].get<std::string>() : "";
    json groups = json::array();
    for (const auto& g : groups_->member_groups(given)) {
        json state = g.state->to_json();
        groups.push_back({{"group", group::hex(g.id)},
                          {"name", g.name},
                          {"members", state["members"]},
                          {"ledger", state["ledger"]}});
    }
    call->reply({{"groups", groups}});
}

void Ledger::capacity(const std::shared_ptr<Call>& call) {
    const auto& p = call->params();
    json posted = json::array();
    std::uint64_t up = declared_.value_or(0);
    if (p.contains("up")) {
        if (!groups_) throw RpcFailure(rpc::shutting_down, "the agent is still starting; try again");
        if (!p["up"].is_number_unsigned() || p["up"].get<std::uint64_t>() > group::max_capacity_up)
            throw RpcFailure(rpc::bad_input, "'up' must be bytes per second, a whole number from 0 to " +
                                                 std::to_string(group::max_capacity_up));
        up = p["up"].get<std::uint64_t>();
        store_.put("ledger.capacity", std::to_string(up));
        declared_ = up;
        for (auto& name : groups_->post_to_member_groups(group::Kind::capacity, group::to_body(group::CapacityBody{up})))
            posted.push_back(name);
        for (const auto& g : groups_->member_groups()) capacity_posted_.emplace(g.id, up);
    }
    call->reply({{"up", up}, {"groups", posted}});
}

}  // namespace coop::agent
