// Group events and their canonical encoding (core/group/event.hpp).
#include "core/group/event.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <random>
#include <string>

#include "core/group/log.hpp"

namespace {

using coop::group::Event;
using coop::group::Id;
using coop::group::Kind;

Id id_of(std::uint8_t fill) {
    Id id;
    id.fill(fill);
    return id;
}

Event sample(const coop::Identity& author) {
    return coop::group::make_event(author, id_of(7), 3, 1'700'000'000'123, Kind::share, {id_of(9), id_of(2), id_of(5)},
                                   R"({"magnet":"magnet:?xt=urn:btih:00","title":"a film"})");
}

TEST(EventEncoding, RoundTripKeepsEveryField) {
    const auto author = coop::Identity::generate();
    const Event e = sample(author);
    std::string why;
    const auto back = Event::decode(e.encode(), &why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(*back, e);
    EXPECT_EQ(back->id(), e.id());
    EXPECT_TRUE(back->signature_valid(back->id()));
}

TEST(EventEncoding, LayoutIsFixedAndBigEndian) {
    const auto author = coop::Identity::generate();
    const Event e = coop::group::make_event(author, id_of(1), 0x0102030405060708, -2, static_cast<Kind>(0x0a0b),
                                            {id_of(3)}, "xyz");
    const std::string b = e.encode();
    ASSERT_EQ(b.size(), coop::group::header_size + 32 + 4 + 3 + 64);
    EXPECT_EQ(b[0], 1) << "version byte";
    EXPECT_EQ(b.substr(1, 32), std::string(32, '\x01'));
    EXPECT_EQ(b.substr(33, 32), std::string(author.public_key().begin(), author.public_key().end()));
    EXPECT_EQ(b.substr(65, 8), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
    EXPECT_EQ(b.substr(73, 8), std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8)) << "two's complement time";
    EXPECT_EQ(b.substr(81, 2), std::string("\x0a\x0b", 2));
    EXPECT_EQ(b[83], 1) << "parent count";
    EXPECT_EQ(b.substr(84, 32), std::string(32, '\x03'));
    EXPECT_EQ(b.substr(116, 4), std::string("\0\0\0\x03", 4));
    EXPECT_EQ(b.substr(120, 3), "xyz");
    EXPECT_EQ(b.substr(0, b.size() - 64), e.encode_unsigned());
}

TEST(EventEncoding, IdIsBlake2bOfTheUnsignedEncodingAndTheAuthorSignsIt) {
    const auto author = coop::Identity::generate();
    const Event e = sample(author);
    const std::string u = e.encode_unsigned();
    Id expected{};
    crypto_generichash(expected.data(), 32, reinterpret_cast<const unsigned char*>(u.data()), u.size(), nullptr, 0);
    EXPECT_EQ(e.id(), expected);
    EXPECT_TRUE(coop::Identity::verify(author.public_key(),
                                       std::string(reinterpret_cast<const char*>(expected.data()), 32), e.signature));
}

TEST(EventEncoding, EveryFieldChangesTheId) {
    const auto author = coop::Identity::generate();
    const Event base = sample(author);
    std::vector<Event> variants(7, base);
    variants[0].group[0] ^= 1;
    variants[1].author[0] ^= 1;
    variants[2].seq += 1;
    variants[3].time_ms += 1;
    variants[4].kind = Kind::post;
    variants[5].parents.pop_back();
    variants[6].body += " ";
    for (const auto& v : variants) EXPECT_NE(v.id(), base.id());
    Event resigned = base;
    resigned.signature[0] ^= 1;
    EXPECT_EQ(resigned.id(), base.id()) << "the signature is not part of the id";
}

TEST(EventEncoding, MakeEventSortsAndDedupsParents) {
    const auto author = coop::Identity::generate();
    const Event e = coop::group::make_event(author, id_of(1), 2, 5, Kind::post, {id_of(9), id_of(3), id_of(9)}, "{}");
    EXPECT_EQ(e.parents, (std::vector<Id>{id_of(3), id_of(9)}));
}

TEST(EventEncoding, GenesisHasGroupZeroSeqOneNoParents) {
    const auto founder = coop::Identity::generate();
    const Event g = coop::group::make_genesis(founder, 10, "{}");
    EXPECT_EQ(g.group, Id{});
    EXPECT_EQ(g.seq, 1u);
    EXPECT_TRUE(g.parents.empty());
    EXPECT_EQ(g.kind, Kind::genesis);
    EXPECT_EQ(g.author, founder.public_key());
}

TEST(EventEncoding, EveryTruncationIsRejected) {
    const auto author = coop::Identity::generate();
    const std::string b = sample(author).encode();
    for (std::size_t n = 0; n < b.size(); ++n) {
        std::string why;
        EXPECT_FALSE(Event::decode(std::string_view(b).substr(0, n), &why)) << "prefix " << n;
        EXPECT_FALSE(why.empty());
    }
}

TEST(EventEncoding, TrailingBytesAreRejected) {
    const auto author = coop::Identity::generate();
    std::string why;
    EXPECT_FALSE(Event::decode(sample(author).encode() + '\0', &why));
    EXPECT_EQ(why, "trailing bytes after the event");
}

TEST(EventEncoding, BoundsAreEnforced) {
    const auto author = coop::Identity::generate();
    std::string why;

    Event big = sample(author);
    big.body.assign(coop::group::max_body, 'x');
    EXPECT_TRUE(Event::decode(big.encode(), &why)) << "exactly the largest body: " << why;
    big.body += 'x';
    EXPECT_FALSE(Event::decode(big.encode(), &why));
    EXPECT_EQ(why, "body too large");

    Event wide = sample(author);
    wide.parents.clear();
    for (int i = 0; i < 33; ++i) wide.parents.push_back(id_of(static_cast<std::uint8_t>(i)));
    EXPECT_FALSE(Event::decode(wide.encode(), &why));
    EXPECT_EQ(why, "too many parents");
    wide.parents.pop_back();
    EXPECT_TRUE(Event::decode(wide.encode(), &why)) << why;

    EXPECT_FALSE(Event::decode(std::string(coop::group::max_encoded_size + 1, '\x01'), &why));
    EXPECT_EQ(why, "event too large");

    // A body length that claims far more than is there.
    std::string lying = sample(author).encode_unsigned();
    const std::size_t length_at = coop::group::header_size + 3 * 32;
    lying.replace(length_at, 4, std::string("\x00\x00\x7f\xff", 4));
    EXPECT_FALSE(Event::decode(lying, &why));
    EXPECT_EQ(why, "event truncated");
}

TEST(EventEncoding, NonCanonicalParentsAreRejected) {
    const auto author = coop::Identity::generate();
    Event e = sample(author);
    std::swap(e.parents[0], e.parents[1]);
    std::string why;
    EXPECT_FALSE(Event::decode(e.encode(), &why));
    EXPECT_EQ(why, "parents not ascending and unique");
    e.parents = {id_of(4), id_of(4)};
    EXPECT_FALSE(Event::decode(e.encode(), &why));
}

TEST(EventEncoding, UnknownVersionIsRejected) {
    const auto author = coop::Identity::generate();
    std::string b = sample(author).encode();
    b[0] = 2;
    std::string why;
    EXPECT_FALSE(Event::decode(b, &why));
    EXPECT_EQ(why, "unknown event encoding version");
}

TEST(EventEncoding, UnknownKindsDecode) {
    const auto author = coop::Identity::generate();
    const Event e = coop::group::make_event(author, id_of(1), 1, 0, static_cast<Kind>(4242), {id_of(2)}, "{}");
    const auto back = Event::decode(e.encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(static_cast<unsigned>(back->kind), 4242u);
    EXPECT_EQ(coop::group::to_string(back->kind), "kind 4242");
    EXPECT_EQ(coop::group::to_string(Kind::share), "share");
}

// Whatever a flipped bit does to the bytes, the result is never an event
// the log would take for the original author's.
TEST(EventEncoding, EveryBitFlipIsRejectedOrFailsVerification) {
    const auto author = coop::Identity::generate();
    const std::string b = sample(author).encode();
    for (std::size_t bit = 0; bit < b.size() * 8; ++bit) {
        std::string flipped = b;
        flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
        const auto e = Event::decode(flipped);
        if (e) {
            EXPECT_FALSE(coop::group::GroupLog::verify_only(*e).accepted()) << "bit " << bit;
        }
    }
}

TEST(EventEncoding, RandomGarbageNeverCrashes) {
    std::mt19937 rng(12345);
    const auto author = coop::Identity::generate();
    const std::string valid = sample(author).encode();
    for (int round = 0; round < 1000; ++round) {
        std::string junk;
        if (round % 2) {
            junk.resize(rng() % 300);
            for (auto& c : junk) c = static_cast<char>(rng());
            if (!junk.empty()) junk[0] = 1;  // get past the version byte
        } else {
            // A valid event with a few random bytes overwritten.
            junk = valid;
            for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) junk[rng() % junk.size()] = static_cast<char>(rng());
        }
        std::string why;
        const auto e = Event::decode(junk, &why);
        if (e) {
            EXPECT_FALSE(coop::group::GroupLog::verify_only(*e).accepted() && junk != valid);
        } else {
            EXPECT_FALSE(why.empty());
        }
    }
}

TEST(EventHex, RoundTripAndStrictness) {
    Id id;
    for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(i * 8 + 1);
    const std::string text = coop::group::hex(id);
    EXPECT_EQ(text.size(), 64u);
    EXPECT_EQ(text.substr(0, 6), "010911");
    EXPECT_EQ(coop::group::parse_id(text), id);
    std::string upper = text;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(coop::group::parse_id(upper), id);
    EXPECT_FALSE(coop::group::parse_id(text.substr(1)));
    EXPECT_FALSE(coop::group::parse_id(text + "0"));
    EXPECT_FALSE(coop::group::parse_id(""));
    EXPECT_FALSE(coop::group::parse_id(std::string(63, '0') + "g"));
    EXPECT_FALSE(coop::group::parse_id(std::string(62, '0') + " 0"));
}

}  // namespace
