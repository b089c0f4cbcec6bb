#include "core/group/fold.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/group/admission.hpp"
#include "core/group/body.hpp"
#include "core/group/fold_ledger.hpp"
#include "core/group/fold_vote.hpp"
#include "core/group/fold_plan.hpp"

namespace coop::group {
namespace {

class Folder {
public:
    explicit Folder(const Id& group) { state_.group = group; }

    void apply(const Id& id, const Event& e) {
        ++state_.events;
        switch (e.kind) {
            case Kind::genesis: return genesis(id, e);
            case Kind::join: return join(id, e);
            case Kind::leave: return by_member(e, [&] { leave(id, e); });
            case Kind::post: return by_member(e, [&] { post(id, e); });
            case Kind::share: return by_member(e, [&] { share(id, e); });
            case Kind::retract: return by_member(e, [&] { retract(e); });
            case Kind::remove: return by_member(e, [&] { ignore("remove not yet decided by vote"); });
            case Kind::ledger_record: return by_member(e, [&] { ignore_if_reason(ledger_.record(e, state_)); });
            case Kind::capacity: return by_member(e, [&] { ignore_if_reason(ledger_.capacity(e, state_)); });
            case Kind::ledger_proof: return by_member(e, [&] { ignore_if_reason(ledger_.proof(e, state_)); });
            case Kind::proposal: return by_member(e, [&] { ignore_if_reason(vote_.proposal(id, e, state_)); });
            case Kind::ballot: return by_member(e, [&] { ignore_if_reason(vote_.ballot(id, e, state_)); });
            case Kind::close: return by_member(e, [&] { close(id, e); });
            case Kind::plan_start: return by_member(e, [&] { ignore_if_reason(plan_.start(id, e)); });
            case Kind::plan_offer: return by_member(e, [&] { ignore_if_reason(plan_.offer(e)); });
            case Kind::plan_request: return by_member(e, [&] { ignore_if_reason(plan_.request(e)); });
        }
        ignore("unknown kind");
    }

    // The log keeps both sides of a fork; the state names the author. The
    // log's equivocators are exactly the authors of two events with one seq.
    void name_equivocators(const std::set<PublicKey>& authors) {
        for (const auto& key : authors) state_.equivocators.insert(hex(key));
    }

    GroupState take() {
        ledger_.finish(state_);
        plan_.finish(state_);  // after the ledger's: shares come from effort
        return std::move(state_);
    }

private:
    void ignore(const std::string& reason) { ++state_.ignored[reason]; }
    void ignore_if_reason(const std::string& reason) {
        if (!reason.empty()) ignore(reason);
    }

    // The state's maps are keyed by hex; the few authors are written once.
    const std::string& hex_of(const PublicKey& key) {
        auto it = hex_.find(key);
        if (it == hex_.end()) it = hex_.emplace(key, hex(key)).first;
        return it->second;
    }

    template <typename Rule>
    void by_member(const Event& e, Rule rule) {
        if (!state_.members.count(hex_of(e.author))) return ignore("not a member");
        rule();
    }

    void genesis(const Id& id, const Event& e) {
        state_.founder = e.author;
        state_.members[hex_of(e.author)] = Member{id, e.time_ms};
        auto body = parse_genesis(e.body);
        if (!body) return ignore("malformed genesis body");
        state_.name = body->name;
        state_.about = body->about;
        state_.topics = body->topics;
        state_.open = body->open;
        state_.admission = body->admission;
    }

    void join(const Id& id, const Event& e) {
        const std::string& who = hex_of(e.author);
        if (state_.members.count(who)) return ignore("already a member");
        if (state_.removed.count(who)) return ignore("removed by vote");
        auto body = parse_join(e.body);
        if (!body) return ignore("malformed join body");
        if (!state_.open) {
            // The log refuses these already; an older store may hold some.
            if (std::string why = closed_join_problem(state_.group, e); !why.empty()) return ignore(why);
            const Invite& invite = *body->invite;
            if (!state_.is_member(invite.inviter)) return ignore("invite by a non-member");
            // The first join in canonical order wins a single-use invite.
            auto [use, first] = state_.invites_used.try_emplace(hex(invite.id()));
            if (!first && use->second.single_use) return ignore("invite already used");
            use->second.inviter = invite.inviter;
            use->second.single_use = invite.single_use;
            use->second.joiners.push_back(who);
            // Admission by vote: the invite lets them apply; a passed
            // admission vote, before or after, makes them a member.
            if (state_.admission == Admission::vote && !state_.admitted.count(who)) {
                state_.applicants[who] = hex(id);
                return;
            }
        }
        state_.left.erase(who);
        state_.members[who] = Member{id, e.time_ms};
    }

    // A close names a proposal or a planning.
    void close(const Id& id, const Event& e) {
        std::string why;
        auto body = parse_close(e.body, &why);
        if (!body) return ignore("malformed close body: " + why);
        if (vote_.holds(body->of, state_)) return ignore_if_reason(vote_.close(body->of, id, e, state_));
        if (plan_.holds(body->of)) return ignore_if_reason(plan_.close(e, *body));
        ignore("close of an unknown proposal or planning");
    }

    void leave(const Id& id, const Event& e) {
        if (!is_object_body(e.body)) return ignore("malformed leave body");
        const std::string& who = hex_of(e.author);
        state_.members.erase(who);
        state_.left[who] = Departure{id, e.time_ms};
    }

    void post(const Id& id, const Event& e) {
        auto body = parse_post(e.body);
        if (!body) return ignore("malformed post body");
        state_.chat.push_back(ChatPost{id, e.author, e.time_ms, std::move(body->text)});
    }

    void share(const Id& id, const Event& e) {
        auto body = parse_share(e.body);
        if (!body) return ignore("malformed share body");
        CatalogEntry entry;
        entry.magnet = std::move(body->magnet);
        entry.title = std::move(body->title);
        entry.tags = std::move(body->tags);
        entry.size = body->size;
        entry.info_hash = std::move(body->info_hash);
        entry.uploader = e.author;
        entry.time_ms = e.time_ms;
        entry.media = std::move(body->media);
        state_.catalog[hex(id)] = std::move(entry);
    }

    void retract(const Event& e) {
        auto body = parse_retract(e.body);
        if (!body) return ignore("malformed retract body");
        auto entry = state_.catalog.find(hex(body->entry));
        if (entry == state_.catalog.end()) return ignore("retract of an unknown entry");
        if (entry->second.uploader != e.author) return ignore("retract by someone other than the uploader");
        if (entry->second.retracted) return ignore("already retracted");
        entry->second.retracted = true;
    }


    GroupState state_;
    LedgerFold ledger_;
    VoteFold vote_;
    PlanFold plan_;
    std::map<PublicKey, std::string> hex_;
};

}  // namespace

GroupState fold(const GroupLog& log) {
    Folder folder(log.group());
    const std::vector<Id>& ids = log.arrival_order();
    for (std::size_t position : log.canonical_positions()) folder.apply(ids[position], log.at(position));
    folder.name_equivocators(log.equivocators());
    return folder.take();
}

}  // namespace coop::group
