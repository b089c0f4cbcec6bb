// One group's event DAG and the checks before it accepts an event
// (core/group/log.hpp).
#include "core/group/log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/group/body.hpp"

namespace {

using coop::Identity;
using coop::group::AddResult;
using coop::group::Event;
using coop::group::GroupLog;
using coop::group::Id;
using coop::group::Kind;
using Status = AddResult::Status;

// A founded group and a way to append events that must be accepted.
struct TestGroup {
    Identity founder = Identity::generate();
    Event genesis =
        coop::group::make_genesis(founder, 1000, coop::group::to_body(coop::group::GenesisBody{"club", "", {}, true}));
    GroupLog log{genesis.id()};

    TestGroup() { EXPECT_TRUE(log.add(genesis).accepted()); }

    Event draft(const Identity& who, Kind kind = Kind::post, std::string body = R"({"text":"hi"})",
                std::int64_t now = 0) const {
        const auto next = log.next_for(who.public_key(), now);
        return coop::group::make_event(who, log.group(), next.seq, next.time_ms, kind, next.parents, std::move(body));
    }
    Event append(const Identity& who, Kind kind = Kind::post, std::string body = R"({"text":"hi"})") {
        Event e = draft(who, kind, std::move(body));
        const auto r = log.add(e);
        EXPECT_TRUE(r.accepted()) << r.reason;
        return e;
    }
    // An event by `who` with exactly these fields, signed.
    Event make(const Identity& who, std::uint64_t seq, std::int64_t time, std::vector<Id> parents) const {
        return coop::group::make_event(who, log.group(), seq, time, Kind::post, std::move(parents), R"({"text":"x"})");
    }
};

void expect_rejected(GroupLog& log, const Event& e, const std::string& reason) {
    const auto before = log.size();
    const auto r = log.add(e);
    EXPECT_EQ(r.status, Status::rejected) << coop::group::to_string(r.status);
    EXPECT_EQ(r.reason, reason);
    EXPECT_EQ(log.size(), before);
}

TEST(GroupLog, GenesisDefinesTheGroup) {
    TestGroup g;
    EXPECT_EQ(g.log.group(), g.genesis.id());
    EXPECT_EQ(g.log.size(), 1u);
    EXPECT_TRUE(g.log.has(g.genesis.id()));
    EXPECT_EQ(*g.log.get(g.genesis.id()), g.genesis);
    EXPECT_EQ(g.log.heads(), std::vector<Id>{g.genesis.id()});
    EXPECT_EQ(g.log.frontier().at(g.founder.public_key()), 1u);
    EXPECT_EQ(g.log.add(g.genesis).status, Status::duplicate);
}

TEST(GroupLog, ForeignOrMalformedGenesisIsRejected) {
    TestGroup g;
    const Identity other = Identity::generate();
    expect_rejected(g.log, coop::group::make_genesis(other, 1000, "{}"), "genesis mismatch");

    GroupLog fresh(g.genesis.id());
    Event with_parent = g.genesis;
    with_parent.parents = {g.genesis.id()};
    coop::group::sign_event(with_parent, g.founder);
    expect_rejected(fresh, with_parent, "malformed genesis: it needs group zero, seq 1 and no parents");
    Event with_group = coop::group::make_event(g.founder, g.genesis.id(), 1, 1000, Kind::genesis, {}, "{}");
    expect_rejected(fresh, with_group, "malformed genesis: it needs group zero, seq 1 and no parents");
    Event seq_two = coop::group::make_event(g.founder, Id{}, 2, 1000, Kind::genesis, {}, "{}");
    expect_rejected(fresh, seq_two, "malformed genesis: it needs group zero, seq 1 and no parents");
    EXPECT_TRUE(fresh.add(g.genesis).accepted());
}

TEST(GroupLog, EventsBeforeTheGenesisWaitForIt) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Event join = g.append(alice, Kind::join, "{}");
    GroupLog fresh(g.genesis.id());
    const auto r = fresh.add(join);
    EXPECT_EQ(r.status, Status::missing_parents);
    EXPECT_EQ(r.missing, std::vector<Id>{g.genesis.id()});
    EXPECT_EQ(fresh.size(), 0u);
}

TEST(GroupLog, ForgedSignatureIsRejected) {
    TestGroup g;
    const Identity alice = Identity::generate();
    Event e = g.draft(alice);
    e.signature[10] ^= 0x40;
    expect_rejected(g.log, e, "bad signature");

    // Signed by someone else in alice's name.
    Event impostor = g.draft(alice);
    coop::group::sign_event(impostor, Identity::generate());
    impostor.author = alice.public_key();
    expect_rejected(g.log, impostor, "bad signature");

    // A changed body after signing.
    Event edited = g.draft(alice);
    edited.body = R"({"text":"changed"})";
    expect_rejected(g.log, edited, "bad signature");
}

TEST(GroupLog, UnknownGroupIsRejected) {
    TestGroup g;
    const Identity alice = Identity::generate();
    Id elsewhere = g.log.group();
    elsewhere[0] ^= 1;
    const Event e = coop::group::make_event(alice, elsewhere, 1, 2000, Kind::post, {g.genesis.id()}, "{}");
    expect_rejected(g.log, e, "unknown group");
    const Event zero = coop::group::make_event(alice, Id{}, 1, 2000, Kind::post, {g.genesis.id()}, "{}");
    expect_rejected(g.log, zero, "unknown group");
}

TEST(GroupLog, SequenceGapIsRejected) {
    TestGroup g;
    const Identity alice = Identity::generate();
    g.append(alice);
    const Event second = g.append(alice);
    expect_rejected(g.log, g.make(alice, 4, 5000, {second.id()}), "wrong author sequence: expected 3, got 4");
    // A first event must be seq 1.
    const Identity bob = Identity::generate();
    expect_rejected(g.log, g.make(bob, 2, 5000, {g.genesis.id()}), "wrong author sequence: expected 1, got 2");
    // Seq 0 is never valid.
    expect_rejected(g.log, g.make(bob, 0, 5000, {g.genesis.id()}), "wrong author sequence: expected 1, got 0");
    // Two ahead of the chain.
    const Event third = g.append(alice);
    expect_rejected(g.log, g.make(alice, 6, 5000, {third.id()}), "wrong author sequence: expected 4, got 6");
}

TEST(GroupLog, RepeatedSequenceWithoutAForkIsRejected) {
    TestGroup g;
    const Identity alice = Identity::generate();
    g.append(alice);
    const Event second = g.append(alice);
    // Seq 2 again, naming seq 2 itself as its own parent: not a fork, a lie.
    expect_rejected(g.log, g.make(alice, 2, 5000, {second.id()}), "wrong author sequence: expected 3, got 2");
    // A later event that skips its own chain (names only the genesis).
    expect_rejected(g.log, g.make(alice, 3, 5000, {g.genesis.id()}), "wrong author sequence: expected 1, got 3");
}

TEST(GroupLog, TwoParentsBySameAuthorAreRejected) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Event a1 = g.append(alice);
    const Event a2 = g.append(alice);
    expect_rejected(g.log, g.make(alice, 3, 5000, {a1.id(), a2.id()}), "two parents by the same author");
}

TEST(GroupLog, NonGenesisWithoutParentsIsRejected) {
    TestGroup g;
    const Identity alice = Identity::generate();
    expect_rejected(g.log, g.make(alice, 1, 5000, {}), "no parents");
}

TEST(GroupLog, OversizeBodyIsRejected) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Event fits = g.draft(alice, Kind::post, std::string(coop::group::max_body, ' '));
    Event too_big = g.draft(alice, Kind::post, std::string(coop::group::max_body + 1, ' '));
    expect_rejected(g.log, too_big, "body too large");
    EXPECT_TRUE(g.log.add(fits).accepted()) << "a body of exactly the limit is fine";
}

TEST(GroupLog, TooManyOrUnsortedParentsAreRejected) {
    TestGroup g;
    const Identity alice = Identity::generate();
    std::vector<Id> many;
    for (int i = 0; i < 33; ++i) {
        const Identity someone = Identity::generate();
        many.push_back(g.append(someone, Kind::join, "{}").id());
    }
    expect_rejected(g.log, g.make(alice, 1, 5000, many), "too many parents");
    many.pop_back();
    EXPECT_TRUE(g.log.add(g.make(alice, 1, 5000, many)).accepted());

    const Identity bob = Identity::generate();
    Event unsorted = g.make(bob, 1, 5000, {many[0], many[1]});
    std::swap(unsorted.parents[0], unsorted.parents[1]);
    coop::group::sign_event(unsorted, bob);
    expect_rejected(g.log, unsorted, "parents not ascending and unique");
}

TEST(GroupLog, TimeBeforeAParentIsRejected) {
    TestGroup g;
    const Identity alice = Identity::generate();
    expect_rejected(g.log, g.make(alice, 1, 999, {g.genesis.id()}), "time before a parent's");
    EXPECT_TRUE(g.log.add(g.make(alice, 1, 1000, {g.genesis.id()})).accepted()) << "the same time is fine";
}

TEST(GroupLog, MissingParentIsReportedNeverAccepted) {
    TestGroup g;
    const Identity alice = Identity::generate();
    Id unknown;
    unknown.fill(0xab);
    const Event e = g.make(alice, 1, 5000, {g.genesis.id(), unknown});
    for (int attempt = 0; attempt < 2; ++attempt) {
        const auto r = g.log.add(e);
        EXPECT_EQ(r.status, Status::missing_parents);
        EXPECT_EQ(r.missing, std::vector<Id>{unknown});
        EXPECT_EQ(r.id, e.id());
    }
    EXPECT_FALSE(g.log.has(e.id()));
    EXPECT_EQ(g.log.size(), 1u);
}

// An event can only name ids that exist before it does: one naming a
// future event waits for it, and can never close a cycle.
TEST(GroupLog, NamingAFutureEventOnlyWaits) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Identity bob = Identity::generate();
    const Event earlier = g.draft(alice);
    const Event later = g.make(bob, 1, 5000, {earlier.id()});
    EXPECT_EQ(g.log.add(later).status, Status::missing_parents);
    EXPECT_TRUE(g.log.add(earlier).accepted());
    EXPECT_TRUE(g.log.add(later).accepted());
    // Naming "later" from alice's first event makes a different event (its
    // id changes), a second seq 1 by alice: a fork, not a cycle.
    Event rewritten = earlier;
    rewritten.parents.push_back(later.id());
    std::sort(rewritten.parents.begin(), rewritten.parents.end());
    rewritten.time_ms = later.time_ms;
    coop::group::sign_event(rewritten, alice);
    EXPECT_NE(rewritten.id(), earlier.id());
    EXPECT_TRUE(g.log.add(rewritten).accepted());
    EXPECT_EQ(g.log.equivocators().count(alice.public_key()), 1u);
    EXPECT_EQ(g.log.get(earlier.id())->parents, earlier.parents);
}

TEST(GroupLog, DuplicateIsReported) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Event e = g.append(alice);
    const auto r = g.log.add(e);
    EXPECT_EQ(r.status, Status::duplicate);
    EXPECT_EQ(r.id, e.id());
    // A duplicate id with a broken signature is still just a duplicate: the
    // id does not cover the signature, and we keep the good copy.
    Event broken = e;
    broken.signature[0] ^= 1;
    EXPECT_EQ(g.log.add(broken).status, Status::duplicate);
    EXPECT_EQ(g.log.get(e.id())->signature, e.signature);
}

TEST(GroupLog, ForkIsKeptAndReported) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Event a1 = g.append(alice);
    const Event left = g.make(alice, 2, 3000, {a1.id()});
    Event right = g.make(alice, 2, 3001, {a1.id()});
    EXPECT_TRUE(g.log.add(left).accepted());
    EXPECT_TRUE(g.log.equivocators().empty());
    EXPECT_TRUE(g.log.add(right).accepted());
    EXPECT_EQ(g.log.equivocators().count(alice.public_key()), 1u);
    EXPECT_EQ(g.log.frontier().at(alice.public_key()), 2u);
    std::vector<Id> both{left.id(), right.id()};
    std::sort(both.begin(), both.end());
    EXPECT_EQ(g.log.heads(), both);

    // Her next event continues one side (the smaller id) and may not name the other.
    const auto next = g.log.next_for(alice.public_key(), 0);
    EXPECT_EQ(next.seq, 3u);
    EXPECT_EQ(next.parents, std::vector<Id>{both.front()});
    const Event a3 = coop::group::make_event(alice, g.log.group(), next.seq, next.time_ms, Kind::post, next.parents, "{}");
    EXPECT_TRUE(g.log.add(a3).accepted());
    // Anyone else's next event merges both sides.
    const Identity bob = Identity::generate();
    const auto merge = g.log.next_for(bob.public_key(), 0);
    EXPECT_EQ(merge.parents.size(), 2u);
}

TEST(GroupLog, HeadsFrontierAndArrivalOrder) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Identity bob = Identity::generate();
    const Event a1 = g.make(alice, 1, 2000, {g.genesis.id()});
    const Event b1 = g.make(bob, 1, 2000, {g.genesis.id()});
    ASSERT_TRUE(g.log.add(a1).accepted());
    ASSERT_TRUE(g.log.add(b1).accepted());
    std::vector<Id> heads{a1.id(), b1.id()};
    std::sort(heads.begin(), heads.end());
    EXPECT_EQ(g.log.heads(), heads);
    const Event a2 = g.make(alice, 2, 2001, {a1.id(), b1.id()});
    ASSERT_TRUE(g.log.add(a2).accepted());
    EXPECT_EQ(g.log.heads(), std::vector<Id>{a2.id()});
    const auto frontier = g.log.frontier();
    EXPECT_EQ(frontier.size(), 3u);
    EXPECT_EQ(frontier.at(alice.public_key()), 2u);
    EXPECT_EQ(frontier.at(bob.public_key()), 1u);
    EXPECT_EQ(g.log.arrival_order(), (std::vector<Id>{g.genesis.id(), a1.id(), b1.id(), a2.id()}));
    Id absent;
    absent.fill(1);
    EXPECT_EQ(g.log.get(absent), nullptr);
}

TEST(GroupLog, AfterGivesWhatAFrontierLacksParentsFirst) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Identity bob = Identity::generate();
    std::vector<Event> all{g.genesis};
    for (int i = 0; i < 6; ++i) all.push_back(g.append(i % 2 ? alice : bob));

    EXPECT_EQ(g.log.after(g.log.frontier(), 100).size(), 0u) << "nothing lacks for a full frontier";
    EXPECT_EQ(g.log.after({}, 100), all) << "an empty frontier lacks everything";
    EXPECT_EQ(g.log.after({}, 3), std::vector<Event>(all.begin(), all.begin() + 3));

    // A peer holding the genesis and bob's first event.
    GroupLog peer(g.log.group());
    ASSERT_TRUE(peer.add(all[0]).accepted());
    ASSERT_TRUE(peer.add(all[1]).accepted());
    for (std::size_t limit : {1u, 2u}) {
        while (true) {
            const auto batch = g.log.after(peer.frontier(), limit);
            if (batch.empty()) break;
            for (const auto& r : peer.add_all(batch)) EXPECT_TRUE(r.accepted()) << coop::group::to_string(r.status);
        }
    }
    EXPECT_EQ(peer.size(), g.log.size());
    EXPECT_EQ(peer.heads(), g.log.heads());
}

TEST(GroupLog, NextForStampsAfterTheNewestParentAndCapsParents) {
    TestGroup g;
    const Identity alice = Identity::generate();
    auto next = g.log.next_for(alice.public_key(), 500);
    EXPECT_EQ(next.seq, 1u);
    EXPECT_EQ(next.parents, std::vector<Id>{g.genesis.id()});
    EXPECT_EQ(next.time_ms, 1001) << "max(now, newest parent + 1)";
    EXPECT_EQ(g.log.next_for(alice.public_key(), 5000).time_ms, 5000);

    // 40 concurrent heads: the next event names its own latest plus 31 others.
    const Event mine = g.append(alice);
    for (int i = 0; i < 40; ++i) {
        const Identity someone = Identity::generate();
        ASSERT_TRUE(g.log.add(g.make(someone, 1, 2000, {g.genesis.id()})).accepted());
    }
    next = g.log.next_for(alice.public_key(), 0);
    EXPECT_EQ(next.parents.size(), coop::group::max_parents);
    EXPECT_TRUE(std::is_sorted(next.parents.begin(), next.parents.end()));
    EXPECT_NE(std::find(next.parents.begin(), next.parents.end(), mine.id()), next.parents.end());
    const Event e = coop::group::make_event(alice, g.log.group(), next.seq, next.time_ms, Kind::post, next.parents, "{}");
    EXPECT_TRUE(g.log.add(e).accepted());
    EXPECT_EQ(g.log.heads().size(), 41u - 31u);
}

TEST(GroupLog, VerifyOnlyChecksWhatNeedsNoOtherEvent) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Event e = g.draft(alice);
    const auto ok = GroupLog::verify_only(e);
    EXPECT_TRUE(ok.accepted());
    EXPECT_EQ(ok.id, e.id());
    EXPECT_EQ(g.log.size(), 1u);
    Event forged = e;
    forged.signature[0] ^= 1;
    EXPECT_EQ(GroupLog::verify_only(forged).reason, "bad signature");
    forged.body.assign(coop::group::max_body + 1, ' ');
    EXPECT_EQ(GroupLog::verify_only(forged).reason, "body too large");
}

TEST(GroupLog, AddAllGivesOneResultEach) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const Event a1 = g.draft(alice);
    const Event a2 = g.make(alice, 2, 5000, {a1.id()});
    Event bad = g.make(alice, 3, 5000, {a2.id()});
    bad.signature[3] ^= 1;
    const auto results = g.log.add_all({a1, a2, a1, bad});
    ASSERT_EQ(results.size(), 4u);
    EXPECT_EQ(results[0].status, Status::accepted);
    EXPECT_EQ(results[1].status, Status::accepted);
    EXPECT_EQ(results[2].status, Status::duplicate);
    EXPECT_EQ(results[3].reason, "bad signature");
}

TEST(GroupLog, UnknownKindsAreAccepted) {
    TestGroup g;
    const Identity alice = Identity::generate();
    g.append(alice, static_cast<Kind>(999), "not even JSON");
    EXPECT_EQ(g.log.size(), 2u);
}

TEST(GroupLog, EachRefusalNamesItsRule) {
    using Reason = AddResult::Reason;
    TestGroup g;
    const Identity alice = Identity::generate();
    const Event a1 = g.append(alice);
    auto cause = [&](const Event& e) { return g.log.add(e).cause; };

    Event forged = g.draft(alice);
    forged.signature[0] ^= 1;
    EXPECT_EQ(cause(forged), Reason::bad_signature);
    EXPECT_EQ(cause(g.make(alice, 3, 5000, {a1.id()})), Reason::bad_sequence);
    const Event other = coop::group::make_event(alice, Id{9}, 1, 5000, Kind::post, {a1.id()}, "{}");
    EXPECT_EQ(cause(other), Reason::unknown_group);
    EXPECT_EQ(cause(coop::group::make_genesis(alice, 1000, "{}")), Reason::unknown_group);
    Event big = g.draft(alice);
    big.body.assign(coop::group::max_body + 1, ' ');
    EXPECT_EQ(cause(big), Reason::oversize);
    EXPECT_EQ(cause(g.make(alice, 2, 5000, {})), Reason::malformed);
    EXPECT_EQ(cause(g.make(alice, 2, 10, {a1.id()})), Reason::time_before_parent);
    Id absent;
    absent.fill(7);
    const auto waiting = g.log.add(g.make(alice, 2, 5000, {absent}));
    EXPECT_EQ(waiting.status, Status::missing_parents);
    EXPECT_EQ(waiting.cause, Reason::missing_parent);
    const auto ok = g.log.add(g.draft(alice));
    EXPECT_TRUE(ok.accepted());
    EXPECT_EQ(ok.cause, Reason::none);
    EXPECT_STREQ(coop::group::to_string(Reason::from_the_future), "from_the_future");
    EXPECT_STREQ(coop::group::to_string(Reason::bad_signature), "bad_signature");
}

TEST(GroupLog, EventsFromTooFarInTheFutureAreRefusedGivenOurClock) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const std::int64_t now = 1'700'000'000'000;
    const Event edge = g.make(alice, 1, now + coop::group::max_future_ms, {g.genesis.id()});
    const Event ahead = g.make(alice, 2, now + coop::group::max_future_ms + 1, {edge.id()});
    EXPECT_TRUE(g.log.add(edge, now).accepted());
    const auto refused = g.log.add(ahead, now);
    EXPECT_EQ(refused.status, Status::rejected);
    EXPECT_EQ(refused.cause, AddResult::Reason::from_the_future);
    EXPECT_EQ(refused.reason, "stamped more than 10 minutes ahead of our clock");
    EXPECT_FALSE(g.log.has(ahead.id()));
    // Once our clock is there, the same event is fine; our own store
    // passes no clock at all.
    EXPECT_TRUE(g.log.add(ahead, now + 1).accepted());
    GroupLog reloaded(g.log.group());
    for (const auto& r : reloaded.add_all(g.log.after({}, 100))) EXPECT_TRUE(r.accepted());
    EXPECT_EQ(reloaded.size(), g.log.size());
    // A clock at the end of time refuses nothing (and does not overflow).
    const Event late = g.make(alice, 3, std::numeric_limits<std::int64_t>::max(), {ahead.id()});
    EXPECT_TRUE(g.log.add(late, std::numeric_limits<std::int64_t>::max() - 1).accepted());
}

TEST(GroupLog, AppendSignsOurOwnEventAndOthersAcceptIt) {
    TestGroup g;
    const Identity alice = Identity::generate();
    const auto first = g.log.append(alice, Kind::post, R"({"text":"one"})", 5000);
    ASSERT_TRUE(first.result.accepted()) << first.result.reason;
    EXPECT_EQ(first.result.id, first.event.id());
    EXPECT_EQ(first.event.seq, 1u);
    EXPECT_EQ(first.event.time_ms, 5000);
    EXPECT_EQ(first.event.parents, std::vector<Id>{g.genesis.id()});
    EXPECT_TRUE(first.event.signature_valid(first.event.id()));
    const auto second = g.log.append(alice, Kind::post, R"({"text":"two"})", 0);
    ASSERT_TRUE(second.result.accepted());
    EXPECT_EQ(second.event.seq, 2u);
    EXPECT_EQ(g.log.heads(), std::vector<Id>{second.event.id()});
    // A peer checks everything, as for any event.
    GroupLog peer(g.log.group());
    for (const auto& r : peer.add_all({g.genesis, first.event, second.event})) EXPECT_TRUE(r.accepted());
    // The shape rules still hold for our own.
    const auto big = g.log.append(alice, Kind::post, std::string(coop::group::max_body + 1, ' '), 0);
    EXPECT_EQ(big.result.cause, AddResult::Reason::oversize);
    EXPECT_EQ(g.log.size(), 3u);
}

// after() against its definition: in arrival order, every event whose seq
// is past the frontier's for its author. Many authors, forks, random
// frontiers and limits.
TEST(GroupLog, AfterMatchesItsDefinitionWithForks) {
    TestGroup g;
    std::vector<Identity> authors(6);
    for (auto& a : authors) a = Identity::generate();
    std::mt19937 rng(3);
    std::map<coop::group::PublicKey, std::vector<Event>> chains;
    std::int64_t time = 10'000;
    for (int i = 0; i < 300; ++i) {
        const Identity& who = authors[rng() % authors.size()];
        auto& mine = chains[who.public_key()];
        // Now and then a fork: the next event continues an older one of hers.
        if (!mine.empty() && rng() % 10 == 0) {
            const Event& base = mine[rng() % mine.size()];
            std::vector<Id> parents{base.id()};
            const auto heads = g.log.heads();
            const Id& other = heads[rng() % heads.size()];
            if (g.log.get(other)->author != who.public_key()) parents.push_back(other);
            const Event fork = g.make(who, base.seq + 1, ++time, parents);
            ASSERT_TRUE(g.log.add(fork).accepted());
            mine.push_back(fork);
            continue;
        }
        Event e = g.draft(who, Kind::post, R"({"text":"x"})", ++time);
        time = e.time_ms;
        ASSERT_TRUE(g.log.add(e).accepted());
        mine.push_back(e);
    }
    ASSERT_FALSE(g.log.equivocators().empty());

    auto expected = [&](const GroupLog::Frontier& theirs, std::size_t limit) {
        std::vector<Event> out;
        for (const auto& id : g.log.arrival_order()) {
            if (out.size() >= limit) break;
            const Event& e = *g.log.get(id);
            auto it = theirs.find(e.author);
            if (it == theirs.end() || e.seq > it->second) out.push_back(e);
        }
        return out;
    };
    for (int round = 0; round < 200; ++round) {
        GroupLog::Frontier theirs;
        for (const auto& [author, seq] : g.log.frontier())
            if (rng() % 3) theirs[author] = rng() % (seq + 2);
        const std::size_t limit = rng() % 4 == 0 ? 1000 : rng() % 20;
        ASSERT_EQ(g.log.after(theirs, limit), expected(theirs, limit)) << "round " << round;
    }
}

}  // namespace
