// Decisions in the group fold (core/group/fold_vote.hpp): proposals,
// ballots, the close, and what a passed proposal does to the state.
#include "core/group/fold_vote.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/group/body.hpp"
#include "core/group/body_vote.hpp"
#include "core/group/fold.hpp"
#include "core/group/invite.hpp"

namespace {

using coop::Identity;
using coop::group::ActionKind;
using coop::group::Admission;
using coop::group::BallotBody;
using coop::group::Event;
using coop::group::GroupLog;
using coop::group::GroupState;
using coop::group::Id;
using coop::group::Kind;
using coop::group::ProposalBody;
using coop::group::hex;
using coop::group::to_body;
namespace vote = coop::vote;

constexpr std::int64_t closes = 50'000;

struct Group {
    Identity founder = Identity::generate();
    Identity b = Identity::generate();
    Identity c = Identity::generate();
    Event genesis;
    GroupLog log;
    std::vector<Event> events;

    explicit Group(bool open = true, Admission admission = Admission::invite)
        : genesis(coop::group::make_genesis(
              founder, 1000,
              to_body(coop::group::GenesisBody{"Film club", "", {}, open, admission}))),
          log(genesis.id()) {
        EXPECT_TRUE(log.add(genesis).accepted());
        events.push_back(genesis);
        if (open) {
            join(b);
            join(c);
        }
    }

    Event append(const Identity& who, Kind kind, std::string body, std::int64_t now = 2000) {
        const auto next = log.next_for(who.public_key(), now);
        Event e = coop::group::make_event(who, log.group(), next.seq, next.time_ms, kind, next.parents, std::move(body));
        const auto r = log.add(e);
        EXPECT_TRUE(r.accepted()) << r.reason;
        events.push_back(e);
        return e;
    }
    Event join(const Identity& who, std::optional<coop::group::Invite> invite = std::nullopt) {
        return append(who, Kind::join, to_body(coop::group::JoinBody{std::move(invite)}));
    }
    coop::group::Invite invite() const { return coop::group::make_invite(founder, log.group(), 0, true); }
    Event propose(const Identity& who, ProposalBody p) { return append(who, Kind::proposal, to_body(p)); }
    Event cast(const Identity& who, const Event& proposal, vote::Choice choice, std::int64_t now = 2000) {
        return append(who, Kind::ballot, to_body(BallotBody{proposal.id(), std::move(choice)}), now);
    }
    Event close(const Identity& who, const Event& proposal, std::int64_t now = closes) {
        return append(who, Kind::close, to_body(coop::group::CloseBody{proposal.id(), std::nullopt}), now);
    }
    GroupState state() const { return coop::group::fold(log); }
    const coop::group::Decision& decision(const Event& proposal) const {
        static GroupState s;
        s = state();
        return s.decisions.at(hex(proposal.id()));
    }
};

ProposalBody majority(std::vector<std::string> options = {"pizza", "soup"}) {
    ProposalBody p;
    p.title = "Dinner";
    p.options = std::move(options);
    p.closes_ms = closes;
    return p;
}

ProposalBody with_action(coop::group::Action action, vote::Method method = vote::Method::majority) {
    ProposalBody p;
    p.title = "Action";
    p.method = method;
    p.closes_ms = closes;
    p.action = action;
    return p;
}

coop::group::Action admit(const Identity& who) {
    coop::group::Action a;
    a.kind = ActionKind::admit;
    a.member = who.public_key();
    return a;
}

coop::group::Action remove(const Identity& who) {
    coop::group::Action a;
    a.kind = ActionKind::remove;
    a.member = who.public_key();
    return a;
}

std::uint64_t ignored(const GroupState& s, const std::string& reason) {
    auto it = s.ignored.find(reason);
    return it == s.ignored.end() ? 0 : it->second;
}

TEST(GroupVoteFold, MajorityClosesWithTheBallotsBeforeTheClose) {
    Group g;
    const Event p = g.propose(g.founder, majority());
    g.cast(g.founder, p, vote::Pick{"soup"});
    g.cast(g.b, p, vote::Pick{"pizza"});
    g.cast(g.c, p, vote::Pick{"soup"});
    {
        const auto& d = g.decision(p);
        EXPECT_TRUE(d.close.empty());
        EXPECT_FALSE(d.tally.has_value());
        EXPECT_EQ(d.ballots.size(), 3u);
    }
    g.close(g.b, p);
    g.cast(g.b, p, vote::Pick{"soup"}, 1000);  // its clock says before the close, but it came after it
    const auto& d = g.decision(p);
    ASSERT_TRUE(d.tally.has_value());
    EXPECT_TRUE(d.tally->closed);
    EXPECT_EQ(d.tally->outcome.status, vote::Status::won);
    EXPECT_EQ(*d.tally->outcome.winner, "soup");
    EXPECT_EQ(d.tally->support.at("soup"), 2 * vote::full_say);
    EXPECT_EQ(d.after_close.size(), 1u);
    EXPECT_EQ(d.effect, "decided");
}

TEST(GroupVoteFold, TheLastBallotCountsAndLateOnesAreListed) {
    Group g;
    const Event p = g.propose(g.founder, majority());
    g.cast(g.b, p, vote::Pick{"pizza"});
    g.cast(g.b, p, vote::Pick{"soup"});
    g.cast(g.c, p, vote::Pick{"pizza"}, closes + 1);  // signed after the closing time
    g.close(g.founder, p, closes + 2);
    const auto& d = g.decision(p);
    ASSERT_TRUE(d.tally);
    ASSERT_EQ(d.tally->counted.size(), 1u);
    EXPECT_EQ(d.tally->counted[0].voter, hex(g.b.public_key()));
    EXPECT_EQ(d.tally->superseded.size(), 1u);
    ASSERT_EQ(d.tally->late.size(), 1u);
    EXPECT_EQ(d.tally->late[0].voter, hex(g.c.public_key()));
    EXPECT_EQ(*d.tally->outcome.winner, "soup");
}

TEST(GroupVoteFold, EarlyAndSecondClosesAreIgnored) {
    Group g;
    const Event p = g.propose(g.founder, majority());
    g.close(g.b, p, closes - 1);
    EXPECT_EQ(ignored(g.state(), "close before the closing time"), 1u);
    EXPECT_TRUE(g.decision(p).close.empty());
    const Event first = g.close(g.b, p);
    g.close(g.c, p);
    EXPECT_EQ(ignored(g.state(), "proposal already closed"), 1u);
    EXPECT_EQ(g.decision(p).close, hex(first.id()));
}

TEST(GroupVoteFold, BadProposalsAndBallotsAreIgnoredWithTheirReason) {
    Group g;
    ProposalBody early = majority();
    early.closes_ms = 1500;  // before the event's own time
    g.propose(g.founder, early);
    EXPECT_EQ(ignored(g.state(), "proposal closing before it was made"), 1u);
    g.append(g.founder, Kind::proposal, R"({"title":"x","method":"plurality","closes_ms":90000})");
    EXPECT_EQ(ignored(g.state(), "malformed proposal body: method must be majority, approval, consent, ranked or score"),
              1u);
    g.append(g.founder, Kind::ballot, to_body(BallotBody{g.genesis.id(), vote::Pick{"pizza"}}));
    EXPECT_EQ(ignored(g.state(), "ballot for an unknown proposal"), 1u);
    g.append(g.founder, Kind::close, to_body(coop::group::CloseBody{g.genesis.id(), std::nullopt}));
    EXPECT_EQ(ignored(g.state(), "close of an unknown proposal or planning"), 1u);

    // A choice of another method's kind, or an option the proposal lacks,
    // is listed by the tally as ignored, and the voter's earlier ballot
    // still stands.
    const Event p = g.propose(g.founder, majority());
    g.cast(g.b, p, vote::Pick{"pizza"});
    g.cast(g.b, p, vote::Approve{{"soup"}});
    g.cast(g.c, p, vote::Pick{"noodles"});
    g.close(g.founder, p);
    const auto& d = g.decision(p);
    ASSERT_TRUE(d.tally);
    EXPECT_EQ(d.tally->ignored.size(), 2u);
    EXPECT_EQ(*d.tally->outcome.winner, "pizza");
}

TEST(GroupVoteFold, NonMembersBallotsAreIgnored) {
    Group g;
    const Event p = g.propose(g.founder, majority());
    g.append(g.c, Kind::leave, "{}");
    g.cast(g.c, p, vote::Pick{"pizza"});  // left: no longer a member
    EXPECT_EQ(ignored(g.state(), "not a member"), 1u);
    EXPECT_TRUE(g.decision(p).ballots.empty());
}

TEST(GroupVoteFold, AdmissionByVoteAdmitsAnApplicant) {
    Group g(false, Admission::vote);
    g.join(g.b, g.invite());
    GroupState s = g.state();
    EXPECT_FALSE(s.is_member(g.b.public_key()));
    EXPECT_EQ(s.applicants.count(hex(g.b.public_key())), 1u);
    g.append(g.b, Kind::post, to_body(coop::group::PostBody{"hello?"}));
    EXPECT_EQ(ignored(g.state(), "not a member"), 1u);

    const Event p = g.propose(g.founder, with_action(admit(g.b)));
    g.cast(g.founder, p, vote::Pick{"yes"});
    g.cast(g.b, p, vote::Pick{"no"});  // not a member yet: the fold ignores it
    g.close(g.founder, p);
    s = g.state();
    const auto& d = s.decisions.at(hex(p.id()));
    EXPECT_EQ(d.effect, "admitted");
    EXPECT_EQ(d.ballots.size(), 1u);
    EXPECT_EQ(ignored(s, "not a member"), 2u);  // the post and the ballot
    EXPECT_TRUE(s.is_member(g.b.public_key()));
    EXPECT_TRUE(s.applicants.empty());
    EXPECT_EQ(s.admitted.at(hex(g.b.public_key())), hex(p.id()));
    g.append(g.b, Kind::post, to_body(coop::group::PostBody{"thanks"}));
    EXPECT_EQ(g.state().chat.size(), 1u);
}

TEST(GroupVoteFold, AnAdmissionVoteBeforeTheJoinAdmitsOnJoining) {
    Group g(false, Admission::vote);
    const Event p = g.propose(g.founder, with_action(admit(g.b)));
    g.cast(g.founder, p, vote::Pick{"yes"});
    g.close(g.founder, p);
    EXPECT_EQ(g.decision(p).effect, "admitted; a member once they join");
    g.join(g.b, g.invite());
    EXPECT_TRUE(g.state().is_member(g.b.public_key()));
}

TEST(GroupVoteFold, ARejectedAdmissionLeavesTheApplicantOut) {
    Group g(false, Admission::vote);
    g.join(g.c, g.invite());
    const Event p = g.propose(g.founder, with_action(admit(g.c)));
    g.cast(g.founder, p, vote::Pick{"no"});
    g.close(g.founder, p);
    const GroupState s = g.state();
    EXPECT_EQ(s.decisions.at(hex(p.id())).effect, "not passed");
    EXPECT_FALSE(s.is_member(g.c.public_key()));
    EXPECT_EQ(s.applicants.count(hex(g.c.public_key())), 1u);
}

TEST(GroupVoteFold, InviteGroupsStillLetInvitesIn) {
    Group g(false, Admission::invite);
    g.join(g.b, g.invite());
    EXPECT_TRUE(g.state().is_member(g.b.public_key()));
}

TEST(GroupVoteFold, RemovalTakesEffectAtTheClose) {
    Group g;
    const Event p = g.propose(g.founder, with_action(remove(g.c)));
    g.append(g.c, Kind::post, to_body(coop::group::PostBody{"before"}));
    g.cast(g.founder, p, vote::Pick{"yes"});
    g.cast(g.b, p, vote::Pick{"yes"});
    g.cast(g.c, p, vote::Pick{"no"});
    g.close(g.b, p);
    g.append(g.c, Kind::post, to_body(coop::group::PostBody{"after"}));
    const GroupState s = g.state();
    EXPECT_EQ(s.decisions.at(hex(p.id())).effect, "removed");
    EXPECT_FALSE(s.is_member(g.c.public_key()));
    EXPECT_EQ(s.removed.at(hex(g.c.public_key())), "removed by proposal " + hex(p.id()).substr(0, 12) + ": Action");
    ASSERT_EQ(s.chat.size(), 1u);
    EXPECT_EQ(s.chat[0].text, "before");
    g.append(g.c, Kind::join, "{}");
    EXPECT_FALSE(g.state().is_member(g.c.public_key()));
}

TEST(GroupVoteFold, AnObjectionBlocksAConsentRemoval) {
    Group g;
    const Event p = g.propose(g.founder, with_action(remove(g.c), vote::Method::consent));
    g.cast(g.b, p, vote::Consent{true, "give them a chance"});
    g.close(g.founder, p);
    const GroupState s = g.state();
    EXPECT_EQ(s.decisions.at(hex(p.id())).tally->outcome.status, vote::Status::blocked);
    EXPECT_EQ(s.decisions.at(hex(p.id())).effect, "not passed");
    EXPECT_TRUE(s.is_member(g.c.public_key()));
}

TEST(GroupVoteFold, ATieBrokenByLotDoesNotAct) {
    Group g;
    const Event p = g.propose(g.founder, with_action(remove(g.c), vote::Method::approval));
    g.cast(g.founder, p, vote::Approve{{"yes"}});
    g.cast(g.b, p, vote::Approve{{"no"}});
    g.close(g.founder, p);
    const GroupState s = g.state();
    const auto& d = s.decisions.at(hex(p.id()));
    EXPECT_EQ(d.tally->outcome.tied.size(), 2u);
    EXPECT_EQ(d.effect, "not passed (a tie broken by lot does not act)");
    EXPECT_TRUE(s.is_member(g.c.public_key()));
}

TEST(GroupVoteFold, SettingsAndPinsChangeTheState) {
    Group g;
    coop::group::ShareBody share;
    share.magnet = "magnet:?xt=urn:btih:" + std::string(40, 'a');
    share.title = "Metropolis";
    const Event entry = g.append(g.b, Kind::share, to_body(share));

    coop::group::Action settings;
    settings.kind = ActionKind::settings;
    settings.window_days = 7;
    settings.bandwidth = 0.5;
    settings.admission = Admission::vote;
    const Event p = g.propose(g.founder, with_action(settings));
    coop::group::Action pin;
    pin.kind = ActionKind::pin;
    pin.entry = entry.id();
    const Event q = g.propose(g.founder, with_action(pin));
    for (const Identity* who : {&g.founder, &g.b}) {
        g.cast(*who, p, vote::Pick{"yes"});
        g.cast(*who, q, vote::Pick{"yes"});
    }
    g.close(g.founder, p);
    g.close(g.founder, q);
    const GroupState s = g.state();
    EXPECT_EQ(s.decisions.at(hex(p.id())).effect, "settings changed");
    EXPECT_EQ(s.ledger.settings.window_days, 7u);
    EXPECT_EQ(s.ledger.settings.weights.bandwidth, 0.5);
    EXPECT_EQ(s.ledger.settings.weights.availability, 0.4);  // not named: unchanged
    EXPECT_EQ(s.admission, Admission::vote);
    EXPECT_EQ(s.catalog.at(hex(entry.id())).pinned_by, hex(q.id()));
}

TEST(GroupVoteFold, AffectedMembersHaveFullSayOthersTheirShare) {
    Group g;
    ProposalBody p = majority();
    p.affects = {g.c.public_key()};
    p.unaffected_say = 250'000;
    const Event e = g.propose(g.founder, p);
    g.cast(g.founder, e, vote::Pick{"pizza"});
    g.cast(g.b, e, vote::Pick{"pizza"});
    g.cast(g.c, e, vote::Pick{"soup"});
    g.close(g.founder, e);
    const auto& d = g.decision(e);
    EXPECT_EQ(d.tally->support.at("soup"), vote::full_say);
    EXPECT_EQ(d.tally->support.at("pizza"), 500'000);
    EXPECT_EQ(*d.tally->outcome.winner, "soup");
}

// Every member folds the same decisions whatever order the events came in.
TEST(GroupVoteFold, AnyDeliveryOrderFoldsTheSameDecisions) {
    Group g(false, Admission::vote);
    g.join(g.b, g.invite());
    const Event admit_b = g.propose(g.founder, with_action(admit(g.b)));
    g.cast(g.founder, admit_b, vote::Pick{"yes"});
    g.close(g.founder, admit_b);
    const Event p = g.propose(g.b, majority({"a", "b", "c"}));
    g.cast(g.founder, p, vote::Pick{"a"});
    g.cast(g.b, p, vote::Pick{"c"});
    g.cast(g.b, p, vote::Pick{"a"});
    g.close(g.b, p);
    const std::string expected = g.state().to_json().dump();

    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        std::vector<Event> rest(g.events.begin() + 1, g.events.end());
        std::shuffle(rest.begin(), rest.end(), rng);
        GroupLog other(g.genesis.id());
        ASSERT_TRUE(other.add(g.genesis).accepted());
        while (!rest.empty()) {
            std::vector<Event> waiting;
            for (const Event& e : rest)
                if (!other.add(e).accepted()) waiting.push_back(e);
            ASSERT_LT(waiting.size(), rest.size());
            rest = std::move(waiting);
        }
        EXPECT_EQ(coop::group::fold(other).to_json().dump(), expected);
    }
}

TEST(GroupVoteBody, ProposalsAndBallotsReadBackAsWritten) {
    ProposalBody p = majority();
    p.text = "Line one\nline two";
    p.quorum = 500'000;
    p.action.kind = ActionKind::settings;
    p.action.cap_share = 0.3;
    auto back = coop::group::parse_proposal(to_body(p));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->title, p.title);
    EXPECT_EQ(back->text, p.text);
    EXPECT_EQ(back->options, p.options);
    EXPECT_EQ(back->quorum, p.quorum);
    EXPECT_EQ(back->action.kind, ActionKind::settings);
    EXPECT_EQ(*back->action.cap_share, 0.3);

    for (const vote::Choice& c : std::vector<vote::Choice>{vote::Pick{"a"}, vote::Approve{{"a", "b"}},
                                                           vote::Consent{}, vote::Consent{true, "too soon"},
                                                           vote::Rank{{"b", "a"}}, vote::Score{{{"a", 5}, {"b", 0}}}}) {
        const Id id{};
        auto ballot = coop::group::parse_ballot(to_body(BallotBody{id, c}));
        ASSERT_TRUE(ballot);
        EXPECT_EQ(vote::method_of(ballot->choice), vote::method_of(c));
        EXPECT_EQ(to_body(*ballot), to_body(BallotBody{id, c}));
    }
}

TEST(GroupVoteBody, BadBodiesSayWhatIsWrong) {
    auto why = [](const std::string& body) {
        std::string reason;
        EXPECT_FALSE(coop::group::parse_proposal(body, &reason)) << body;
        return reason;
    };
    EXPECT_EQ(why(R"({"method":"majority","closes_ms":1,"options":["a","b"]})"), "the title is missing");
    EXPECT_EQ(why(R"({"title":"t","method":"majority","closes_ms":1,"options":["a"]})"),
              "a majority proposal needs at least 2 options");
    EXPECT_EQ(why(R"({"title":"t","method":"consent","closes_ms":1,"options":["a","b"]})"),
              "a consent proposal has no options: members consent or object");
    EXPECT_EQ(why(R"({"title":"t","method":"consent","closes_ms":1,"quorum":2000000})"),
              "quorum must be whole millionths, 0 to 1000000");
    EXPECT_EQ(why(R"({"title":"t","method":"consent","closes_ms":1,"action":{"fire":"x"}})"),
              "unknown action 'fire'; actions are admit, remove, pin, settings");
    EXPECT_EQ(why(R"({"title":"t","method":"consent","closes_ms":1,"action":{"settings":{"cap_share":2}}})"),
              "cap_share must be a number from 0 to 1");
    std::string reason;
    EXPECT_FALSE(coop::group::parse_ballot(R"({"proposal":"zz","choice":{"pick":"a"}})", &reason));
    EXPECT_EQ(reason, "proposal must be a proposal's id in hex");
    EXPECT_FALSE(coop::group::parse_ballot(R"({"proposal":")" + std::string(64, 'a') + R"(","choice":{"scores":{"a":9}}})",
                                           &reason));
    EXPECT_EQ(reason, "each score must be a whole number from 0 to 5");
}

}  // namespace
