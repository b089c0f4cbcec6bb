// The group's rules: the fold of its events into a state
// (core/group/fold.hpp, core/group/state.hpp).
#include "core/group/fold.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/group/body.hpp"
#include "core/group/invite.hpp"

namespace {

using coop::Identity;
using coop::group::Event;
using coop::group::GroupLog;
using coop::group::GroupState;
using coop::group::Id;
using coop::group::Invite;
using coop::group::Kind;
using coop::group::hex;
using coop::group::to_body;

std::string genesis_body(bool open) {
    return to_body(coop::group::GenesisBody{"Film club", "we watch films", {"scifi", "drama", "scifi"}, open});
}

struct TestGroup {
    Identity founder = Identity::generate();
    Event genesis;
    GroupLog log;

    explicit TestGroup(bool open, std::string body = {})
        : genesis(coop::group::make_genesis(founder, 1000, body.empty() ? genesis_body(open) : body)),
          log(genesis.id()) {
        EXPECT_TRUE(log.add(genesis).accepted());
    }

    Event draft(const Identity& who, Kind kind, std::string body, std::int64_t now = 0) const {
        const auto next = log.next_for(who.public_key(), now);
        return coop::group::make_event(who, log.group(), next.seq, next.time_ms, kind, next.parents, std::move(body));
    }
    Event add(const Event& e) {
        const auto r = log.add(e);
        EXPECT_TRUE(r.accepted()) << r.reason;
        return e;
    }
    Event append(const Identity& who, Kind kind, std::string body, std::int64_t now = 0) {
        return add(draft(who, kind, std::move(body), now));
    }
    Event join(const Identity& who, std::optional<Invite> invite = std::nullopt, std::int64_t now = 0) {
        return append(who, Kind::join, to_body(coop::group::JoinBody{std::move(invite)}), now);
    }
    Event post(const Identity& who, const std::string& text) {
        return append(who, Kind::post, to_body(coop::group::PostBody{text}));
    }
    Event share(const Identity& who, const std::string& title) {
        coop::group::ShareBody s;
        s.magnet = "magnet:?xt=urn:btmh:1220" + std::string(64, 'a');
        s.title = title;
        s.tags = {"film", "1950s"};
        s.size = 123456789;
        s.info_hash = std::string(64, 'a');
        s.media = {{"duration_s", 5400}, {"video", {{"codec", "h264"}}}};
        return append(who, Kind::share, to_body(s));
    }
    Event retract(const Identity& who, const Event& entry) {
        return append(who, Kind::retract, to_body(coop::group::RetractBody{entry.id()}));
    }
    Invite invite(const Identity& inviter, std::int64_t expires_ms = 0, bool single_use = true) const {
        return coop::group::make_invite(inviter, log.group(), expires_ms, single_use);
    }
    GroupState state() const { return coop::group::fold(log); }
    // Why the log refused the join: a closed group's door (admission.hpp).
    std::string refused_join(const Identity& who, std::optional<Invite> invite = std::nullopt, std::int64_t now = 0) {
        return refused(draft(who, Kind::join, to_body(coop::group::JoinBody{std::move(invite)}), now));
    }
    std::string refused(const Event& e) {
        const auto r = log.add(e);
        EXPECT_EQ(r.cause, coop::group::AddResult::Reason::not_member) << r.reason;
        return r.reason;
    }
};

std::uint64_t ignored(const GroupState& s, const std::string& reason) {
    auto it = s.ignored.find(reason);
    return it == s.ignored.end() ? 0 : it->second;
}

TEST(GroupState, GenesisNamesTheGroupAndItsFounder) {
    TestGroup g(false);
    const auto s = g.state();
    EXPECT_EQ(s.group, g.genesis.id());
    EXPECT_EQ(s.name, "Film club");
    EXPECT_EQ(s.about, "we watch films");
    EXPECT_EQ(s.topics, (std::vector<std::string>{"drama", "scifi"}));
    EXPECT_FALSE(s.open);
    EXPECT_EQ(s.founder, g.founder.public_key());
    ASSERT_EQ(s.members.size(), 1u);
    EXPECT_EQ(s.members.at(g.founder.peer_id()).since, g.genesis.id());
    EXPECT_EQ(s.members.at(g.founder.peer_id()).joined_ms, 1000);
    EXPECT_EQ(s.events, 1u);
    EXPECT_TRUE(s.ignored.empty());
}

TEST(GroupState, MalformedGenesisBodyStillMakesTheFounderAMember) {
    TestGroup g(true, "not json");
    const auto s = g.state();
    EXPECT_EQ(s.name, "");
    EXPECT_FALSE(s.open) << "a group whose genesis says nothing readable is closed";
    EXPECT_TRUE(s.is_member(g.founder.public_key()));
    EXPECT_EQ(ignored(s, "malformed genesis body"), 1u);
}

TEST(GroupState, AnyoneJoinsAnOpenGroup) {
    TestGroup g(true);
    const Identity alice = Identity::generate();
    const Event join = g.join(alice);
    const auto s = g.state();
    ASSERT_TRUE(s.is_member(alice.public_key()));
    EXPECT_EQ(s.members.at(alice.peer_id()).since, join.id());
    EXPECT_EQ(s.members.at(alice.peer_id()).joined_ms, join.time_ms);
    EXPECT_TRUE(s.invites_used.empty());
}

TEST(GroupState, JoiningTwiceIsIgnored) {
    TestGroup g(true);
    const Identity alice = Identity::generate();
    const Event first = g.join(alice);
    g.join(alice);
    const auto s = g.state();
    EXPECT_EQ(s.members.at(alice.peer_id()).since, first.id());
    EXPECT_EQ(ignored(s, "already a member"), 1u);
}

TEST(GroupState, NonMembersEventsAreIgnoredAndCounted) {
    TestGroup g(true);
    const Identity stranger = Identity::generate();
    g.post(stranger, "hello?");
    const Event entry = g.share(stranger, "a film");
    g.retract(stranger, entry);
    g.append(stranger, Kind::leave, "{}");
    const auto s = g.state();
    EXPECT_TRUE(s.chat.empty());
    EXPECT_TRUE(s.catalog.empty());
    EXPECT_TRUE(s.left.empty());
    EXPECT_EQ(ignored(s, "not a member"), 4u);
    EXPECT_EQ(s.events, 5u);
}

TEST(GroupState, LeavingStopsEventsUntilJoiningAgain) {
    TestGroup g(true);
    const Identity alice = Identity::generate();
    g.join(alice);
    g.post(alice, "one");
    const Event leave = g.append(alice, Kind::leave, "{}");
    g.post(alice, "ignored");
    auto s = g.state();
    EXPECT_FALSE(s.is_member(alice.public_key()));
    EXPECT_EQ(s.left.at(alice.peer_id()).event, leave.id());
    EXPECT_EQ(s.left.at(alice.peer_id()).time_ms, leave.time_ms);
    EXPECT_EQ(ignored(s, "not a member"), 1u);

    const Event back = g.join(alice);
    g.post(alice, "two");
    s = g.state();
    EXPECT_TRUE(s.is_member(alice.public_key()));
    EXPECT_EQ(s.members.at(alice.peer_id()).since, back.id());
    EXPECT_EQ(s.left.count(alice.peer_id()), 0u);
    ASSERT_EQ(s.chat.size(), 2u);
    EXPECT_EQ(s.chat[0].text, "one");
    EXPECT_EQ(s.chat[1].text, "two");
}

TEST(GroupState, ChatKeepsAuthorTimeAndText) {
    TestGroup g(true);
    const Event p = g.post(g.founder, "line one\n\tline two");
    const auto s = g.state();
    ASSERT_EQ(s.chat.size(), 1u);
    EXPECT_EQ(s.chat[0].id, p.id());
    EXPECT_EQ(s.chat[0].author, g.founder.public_key());
    EXPECT_EQ(s.chat[0].time_ms, p.time_ms);
    EXPECT_EQ(s.chat[0].text, "line one\n\tline two");
}

TEST(GroupState, OversizePostIsIgnored) {
    TestGroup g(true);
    g.post(g.founder, std::string(coop::group::max_post_bytes, 'a'));
    g.post(g.founder, std::string(coop::group::max_post_bytes + 1, 'a'));
    const auto s = g.state();
    EXPECT_EQ(s.chat.size(), 1u);
    EXPECT_EQ(ignored(s, "malformed post body"), 1u);
}

TEST(GroupState, ClosedGroupJoinNeedsAnInvite) {
    TestGroup g(false);
    const Identity alice = Identity::generate();
    EXPECT_EQ(g.refused_join(alice), "not a member: join without an invite");
    EXPECT_EQ(g.refused(g.draft(alice, Kind::post, to_body(coop::group::PostBody{"let me in"}))),
              "not a member: no join with an invite since it left or began");
    auto s = g.state();
    EXPECT_FALSE(s.is_member(alice.public_key()));
    EXPECT_EQ(s.events, 1u) << "refused events are not held";

    const Invite invite = g.invite(g.founder);
    g.join(alice, invite);
    s = g.state();
    EXPECT_TRUE(s.is_member(alice.public_key()));
    ASSERT_EQ(s.invites_used.count(hex(invite.id())), 1u);
    const auto& use = s.invites_used.at(hex(invite.id()));
    EXPECT_EQ(use.inviter, g.founder.public_key());
    EXPECT_TRUE(use.single_use);
    EXPECT_EQ(use.joiners, std::vector<std::string>{alice.peer_id()});
}

TEST(GroupState, AClosedGroupRefusesWhoLeftUntilItJoinsAgain) {
    TestGroup g(false);
    const Identity alice = Identity::generate();
    g.join(alice, g.invite(g.founder));
    g.append(alice, Kind::leave, "{}");
    EXPECT_EQ(g.refused(g.draft(alice, Kind::post, to_body(coop::group::PostBody{"still here?"}))),
              "not a member: no join with an invite since it left or began");
    EXPECT_EQ(g.refused(g.draft(alice, Kind::leave, "{}")), "not a member: no join with an invite since it left or began");
    g.join(alice, g.invite(g.founder));
    g.post(alice, "back");
    const auto s = g.state();
    EXPECT_TRUE(s.is_member(alice.public_key()));
    ASSERT_EQ(s.chat.size(), 1u);
    EXPECT_EQ(s.chat[0].text, "back");
}

TEST(GroupState, ExpiredInviteIsIgnored) {
    TestGroup g(false);
    const Identity alice = Identity::generate();
    const Identity bob = Identity::generate();
    g.join(bob, g.invite(g.founder, 5000), 5000);
    EXPECT_EQ(g.refused_join(alice, g.invite(g.founder, 5000), 5001), "not a member: invite expired");
    const auto s = g.state();
    EXPECT_FALSE(s.is_member(alice.public_key()));
    EXPECT_TRUE(s.is_member(bob.public_key())) << "valid up to and including expires_ms";
}

TEST(GroupState, InviteByANonMemberIsIgnored) {
    TestGroup g(false);
    const Identity stranger = Identity::generate();
    const Identity alice = Identity::generate();
    g.join(alice, g.invite(stranger));
    auto s = g.state();
    EXPECT_FALSE(s.is_member(alice.public_key()));
    EXPECT_EQ(ignored(s, "invite by a non-member"), 1u);

    // A member who made an invite and then left can no longer let anyone in.
    const Identity bob = Identity::generate();
    g.join(bob, g.invite(g.founder));
    const Invite from_bob = g.invite(bob);
    g.append(bob, Kind::leave, "{}");
    g.join(alice, from_bob);
    s = g.state();
    EXPECT_FALSE(s.is_member(alice.public_key()));
    EXPECT_EQ(ignored(s, "invite by a non-member"), 2u);
}

TEST(GroupState, InviteForAnotherGroupIsIgnored) {
    TestGroup g(false);
    const Identity alice = Identity::generate();
    Id other = g.log.group();
    other[31] ^= 1;
    EXPECT_EQ(g.refused_join(alice, coop::group::make_invite(g.founder, other, 0, true)),
              "not a member: invite for another group");
    EXPECT_FALSE(g.state().is_member(alice.public_key()));
}

TEST(GroupState, TamperedInviteIsIgnored) {
    TestGroup g(false);
    const Identity alice = Identity::generate();
    Invite invite = g.invite(g.founder, 2000, true);
    invite.expires_ms = 0;  // "never expires", after signing
    EXPECT_EQ(g.refused_join(alice, invite), "not a member: bad invite signature");
    EXPECT_FALSE(g.state().is_member(alice.public_key()));
}

TEST(GroupState, MalformedInviteIsAMalformedJoin) {
    TestGroup g(false);
    const Identity alice = Identity::generate();
    EXPECT_EQ(g.refused(g.draft(alice, Kind::join, R"({"invite":{"group":"zz"}})")), "not a member: malformed join body");
    EXPECT_FALSE(g.state().is_member(alice.public_key()));
}

TEST(GroupState, SingleUseInviteLetsOnlyTheFirstJoinInCanonicalOrder) {
    TestGroup g(false);
    const Identity alice = Identity::generate();
    const Identity bob = Identity::generate();
    const Invite invite = g.invite(g.founder);
    // Concurrent: both name the same parents, neither knows of the other.
    const Event a = g.draft(alice, Kind::join, to_body(coop::group::JoinBody{invite}));
    const Event b = g.draft(bob, Kind::join, to_body(coop::group::JoinBody{invite}));
    g.add(b);
    g.add(a);
    const auto s = g.state();
    const bool alice_first = a.id() < b.id();
    EXPECT_EQ(s.is_member(alice.public_key()), alice_first);
    EXPECT_EQ(s.is_member(bob.public_key()), !alice_first);
    EXPECT_EQ(ignored(s, "invite already used"), 1u);
    EXPECT_EQ(s.invites_used.at(hex(invite.id())).joiners,
              std::vector<std::string>{alice_first ? alice.peer_id() : bob.peer_id()});

    // Later joins with it fail too.
    const Identity carol = Identity::generate();
    g.join(carol, invite);
    EXPECT_FALSE(g.state().is_member(carol.public_key()));
    EXPECT_EQ(ignored(g.state(), "invite already used"), 2u);
}

TEST(GroupState, MultiUseInviteLetsEveryoneIn) {
    TestGroup g(false);
    const Invite invite = g.invite(g.founder, 0, false);
    std::vector<std::string> joined;
    for (int i = 0; i < 3; ++i) {
        const Identity who = Identity::generate();
        g.join(who, invite);
        joined.push_back(who.peer_id());
    }
    const auto s = g.state();
    EXPECT_EQ(s.members.size(), 4u);
    EXPECT_EQ(s.invites_used.at(hex(invite.id())).joiners, joined);
    EXPECT_FALSE(s.invites_used.at(hex(invite.id())).single_use);
}

TEST(GroupState, RejoiningAClosedGroupNeedsANewInvite) {
    TestGroup g(false);
    const Identity alice = Identity::generate();
    const Invite first = g.invite(g.founder);
    g.join(alice, first);
    g.append(alice, Kind::leave, "{}");
    g.join(alice, first);
    EXPECT_FALSE(g.state().is_member(alice.public_key()));
    EXPECT_EQ(ignored(g.state(), "invite already used"), 1u);
    EXPECT_EQ(g.refused_join(alice), "not a member: join without an invite");
    g.join(alice, g.invite(g.founder));
    EXPECT_TRUE(g.state().is_member(alice.public_key()));
}

TEST(GroupState, ShareAddsACatalogEntry) {
    TestGroup g(true);
    const Event e = g.share(g.founder, "Metropolis");
    const auto s = g.state();
    ASSERT_EQ(s.catalog.count(hex(e.id())), 1u);
    const auto& entry = s.catalog.at(hex(e.id()));
    EXPECT_EQ(entry.title, "Metropolis");
    EXPECT_EQ(entry.magnet.rfind("magnet:?", 0), 0u);
    EXPECT_EQ(entry.tags, (std::vector<std::string>{"film", "1950s"}));
    EXPECT_EQ(entry.size, 123456789);
    EXPECT_EQ(entry.info_hash, std::string(64, 'a'));
    EXPECT_EQ(entry.uploader, g.founder.public_key());
    EXPECT_EQ(entry.time_ms, e.time_ms);
    EXPECT_EQ(entry.media["video"]["codec"], "h264");
    EXPECT_FALSE(entry.retracted);
}

TEST(GroupState, OnlyTheUploaderRetracts) {
    TestGroup g(true);
    const Identity alice = Identity::generate();
    g.join(alice);
    const Event e = g.share(g.founder, "Nosferatu");
    g.retract(alice, e);
    auto s = g.state();
    EXPECT_FALSE(s.catalog.at(hex(e.id())).retracted);
    EXPECT_EQ(ignored(s, "retract by someone other than the uploader"), 1u);

    g.retract(g.founder, e);
    g.retract(g.founder, e);
    Event not_an_entry = g.post(g.founder, "chat, not a share");
    g.retract(g.founder, not_an_entry);
    s = g.state();
    EXPECT_TRUE(s.catalog.at(hex(e.id())).retracted);
    EXPECT_EQ(ignored(s, "already retracted"), 1u);
    EXPECT_EQ(ignored(s, "retract of an unknown entry"), 1u);
}

TEST(GroupState, MalformedBodiesAreCountedNeverThrown) {
    TestGroup g(true);
    const std::vector<std::string> not_objects = {
        "", "null", "[]", "\"text\"", "{", "{}x", "\xff\xfe", "{\"text\":\"\xc3\"}", std::string(20000, '['),
        std::string(5000, '[') + std::string(5000, ']'),
    };
    const std::vector<std::string> wrong_fields = {
        R"({"text":42})", R"({"text":"bell\u0007"})", R"({"entry":"00"})", R"({"magnet":"http://x","title":"t"})",
    };
    for (const auto& b : not_objects) {
        g.append(g.founder, Kind::post, b);
        g.append(g.founder, Kind::share, b);
        g.append(g.founder, Kind::retract, b);
        g.append(g.founder, Kind::leave, b);
    }
    for (const auto& b : wrong_fields) {
        g.append(g.founder, Kind::post, b);
        g.append(g.founder, Kind::share, b);
        g.append(g.founder, Kind::retract, b);
    }
    GroupState s;
    ASSERT_NO_THROW(s = g.state());
    const std::size_t all = not_objects.size() + wrong_fields.size();
    EXPECT_EQ(ignored(s, "malformed post body"), all);
    EXPECT_EQ(ignored(s, "malformed share body"), all);
    EXPECT_EQ(ignored(s, "malformed retract body"), all);
    EXPECT_EQ(ignored(s, "malformed leave body"), not_objects.size());
    EXPECT_TRUE(s.is_member(g.founder.public_key()));
    EXPECT_TRUE(s.chat.empty());
    EXPECT_TRUE(s.catalog.empty());
    EXPECT_NO_THROW(s.to_json().dump());
}

TEST(GroupState, DeeplyNestedMediaIsRefused) {
    TestGroup g(true);
    std::string deep = R"({"magnet":"magnet:?x","title":"t","media":)";
    for (int i = 0; i < 5000; ++i) deep += R"({"a":)";
    deep += "1";
    for (int i = 0; i < 5000; ++i) deep += "}";
    deep += "}";
    g.append(g.founder, Kind::share, deep);
    const auto s = g.state();
    EXPECT_TRUE(s.catalog.empty());
    EXPECT_EQ(ignored(s, "malformed share body"), 1u);
}

TEST(GroupState, UnknownKindsAndRemovalsAreCounted) {
    TestGroup g(true);
    const Identity alice = Identity::generate();
    g.join(alice);
    g.append(g.founder, static_cast<Kind>(99), R"({"proposal":"x"})");
    g.append(g.founder, Kind::remove, to_body(coop::group::RetractBody{}));
    const auto s = g.state();
    EXPECT_EQ(ignored(s, "unknown kind"), 1u);
    EXPECT_EQ(ignored(s, "remove not yet decided by vote"), 1u);
    EXPECT_TRUE(s.is_member(alice.public_key()));
}

TEST(GroupState, EquivocatorsAreNamed) {
    TestGroup g(true);
    const Identity alice = Identity::generate();
    const Event join = g.join(alice);
    g.add(coop::group::make_event(alice, g.log.group(), 2, 3000, Kind::post, {join.id()}, R"({"text":"a"})"));
    g.add(coop::group::make_event(alice, g.log.group(), 2, 3000, Kind::post, {join.id()}, R"({"text":"b"})"));
    const auto s = g.state();
    EXPECT_EQ(s.equivocators, std::set<std::string>{alice.peer_id()});
    EXPECT_EQ(s.chat.size(), 2u) << "both sides of the fork are folded, the same everywhere";
}

TEST(GroupState, RemoveMemberIsTheVotesExtensionPoint) {
    TestGroup g(true);
    const Identity alice = Identity::generate();
    g.join(alice);
    auto s = g.state();
    coop::group::remove_member(s, alice.public_key(), "spam (proposal 3)");
    EXPECT_FALSE(s.is_member(alice.public_key()));
    EXPECT_EQ(s.removed.at(alice.peer_id()), "spam (proposal 3)");
    EXPECT_EQ(s.to_json()["removed"][alice.peer_id()], "spam (proposal 3)");
}

TEST(GroupState, JsonHoldsEverythingAndIsStable) {
    TestGroup g(false);
    const Identity alice = Identity::generate();
    const Invite invite = g.invite(g.founder);
    g.join(alice, invite);
    const Event entry = g.share(alice, "Sunrise");
    g.post(alice, "hi");
    const auto j = g.state().to_json();
    for (const char* key : {"group", "name", "about", "topics", "open", "founder", "events", "members", "left", "removed",
                            "catalog", "chat", "equivocators", "ignored", "invites_used"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["group"], hex(g.log.group()));
    EXPECT_EQ(j["members"][alice.peer_id()]["since"].get<std::string>().size(), 64u);
    EXPECT_EQ(j["catalog"][hex(entry.id())]["title"], "Sunrise");
    EXPECT_EQ(j["catalog"][hex(entry.id())]["uploader"], alice.peer_id());
    EXPECT_EQ(j["chat"][0]["text"], "hi");
    EXPECT_EQ(j["invites_used"][hex(invite.id())]["joiners"][0], alice.peer_id());
    EXPECT_EQ(g.state().to_json().dump(), j.dump());
}

}  // namespace
