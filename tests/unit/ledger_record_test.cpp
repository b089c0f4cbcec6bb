// Ledger records and their canonical encoding (core/ledger/record.hpp).
#include <gtest/gtest.h>
#include <sodium.h>

#include <random>
#include <string>
#include <vector>

#include "core/ledger/record.hpp"
#include "tests/unit/ledger_peers.hpp"

namespace {

using coop::Identity;
using coop::ledger::ChainTip;
using coop::ledger::Id;
using coop::ledger::Record;
using coop::testing::LedgerPeer;

Id filled(std::uint8_t byte) {
    Id id;
    id.fill(byte);
    return id;
}

// A record at seq 5 of `author`'s chain, agreeing to a proposal at seq 9.
Record sample(const Identity& author) {
    Record r;
    r.author = author.public_key();
    r.seq = 5;
    r.previous = filled(0x11);
    r.counterparty = filled(0x22);
    r.link_seq = 9;
    r.link = filled(0x33);
    r.time_ms = 1'700'000'000'123;
    r.gave = 123'456'789;
    r.got = 42;
    coop::ledger::sign_record(r, author);
    return r;
}

std::string why_refused(const std::string& bytes) {
    std::string why;
    EXPECT_FALSE(Record::decode(bytes, &why));
    return why;
}

// The record re-signed after `change`, encoded.
template <typename Change>
std::string encoded_with(const Identity& author, Change change) {
    Record r = sample(author);
    change(r);
    coop::ledger::sign_record(r, author);
    return r.encode();
}

TEST(LedgerRecordEncoding, RoundTripKeepsEveryField) {
    const auto author = Identity::generate();
    const Record r = sample(author);
    std::string why;
    const auto back = Record::decode(r.encode(), &why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(*back, r);
    EXPECT_EQ(back->encode(), r.encode()) << "one byte form";
    EXPECT_TRUE(back->signature_valid());
}

TEST(LedgerRecordEncoding, LayoutIsFixedAndBigEndian) {
    const auto author = Identity::generate();
    Record r = sample(author);
    r.seq = 0x0102030405060708;
    r.time_ms = -2;
    r.gave = 0x1112131415161718;
    r.got = 0x2122232425262728;
    const std::string b = r.encode();
    ASSERT_EQ(b.size(), coop::ledger::record_size);
    ASSERT_EQ(coop::ledger::record_size, 233u);
    EXPECT_EQ(b[0], 1) << "version byte";
    EXPECT_EQ(b.substr(1, 32), std::string(author.public_key().begin(), author.public_key().end()));
    EXPECT_EQ(b.substr(33, 8), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
    EXPECT_EQ(b.substr(41, 32), std::string(32, '\x11'));
    EXPECT_EQ(b.substr(73, 32), std::string(32, '\x22'));
    EXPECT_EQ(b.substr(105, 8), std::string("\0\0\0\0\0\0\0\x09", 8));
    EXPECT_EQ(b.substr(113, 32), std::string(32, '\x33'));
    EXPECT_EQ(b.substr(145, 8), std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8)) << "two's complement time";
    EXPECT_EQ(b.substr(153, 8), std::string("\x11\x12\x13\x14\x15\x16\x17\x18", 8));
    EXPECT_EQ(b.substr(161, 8), std::string("\x21\x22\x23\x24\x25\x26\x27\x28", 8));
    EXPECT_EQ(b.substr(169), std::string(r.signature.begin(), r.signature.end()));
    EXPECT_EQ(b.substr(0, 169), r.encode_unsigned());
}

TEST(LedgerRecordEncoding, IdIsBlake2bOfTheUnsignedEncodingAndTheAuthorSignsIt) {
    const auto author = Identity::generate();
    const Record r = sample(author);
    const std::string u = r.encode_unsigned();
    Id expected{};
    crypto_generichash(expected.data(), 32, reinterpret_cast<const unsigned char*>(u.data()), u.size(), nullptr, 0);
    EXPECT_EQ(r.id(), expected);
    EXPECT_TRUE(Identity::verify(author.public_key(), std::string(reinterpret_cast<const char*>(expected.data()), 32),
                                 r.signature));
}

TEST(LedgerRecordEncoding, EveryFieldChangesTheIdButTheSignatureDoesNot) {
    const auto author = Identity::generate();
    const Record base = sample(author);
    std::vector<Record> variants(9, base);
    variants[0].author[0] ^= 1;
    variants[1].seq += 1;
    variants[2].previous[0] ^= 1;
    variants[3].counterparty[0] ^= 1;
    variants[4].link_seq += 1;
    variants[5].link[0] ^= 1;
    variants[6].time_ms += 1;
    variants[7].gave += 1;
    variants[8].got += 1;
    for (const auto& v : variants) EXPECT_NE(v.id(), base.id());
    Record resigned = base;
    resigned.signature[0] ^= 1;
    EXPECT_EQ(resigned.id(), base.id());
    EXPECT_FALSE(resigned.signature_valid());
}

TEST(LedgerRecordEncoding, EveryDecodeErrorHasItsReason) {
    const auto author = Identity::generate();
    const std::string valid = sample(author).encode();
    for (std::size_t n = 0; n < valid.size(); ++n)
        EXPECT_EQ(why_refused(valid.substr(0, n)), "record truncated") << "prefix " << n;
    EXPECT_EQ(why_refused(valid + '\0'), "trailing bytes after the record");
    std::string versioned = valid;
    versioned[0] = 2;
    EXPECT_EQ(why_refused(versioned), "unknown record encoding version");
    EXPECT_EQ(why_refused(encoded_with(author, [](Record& r) { r.seq = 0; })), "seq is zero");
    EXPECT_EQ(why_refused(encoded_with(author, [](Record& r) { r.seq = 1; })),
              "the first record names a previous record");
    EXPECT_EQ(why_refused(encoded_with(author, [](Record& r) { r.previous = Id{}; })),
              "a record after the first names no previous record");
    EXPECT_EQ(why_refused(encoded_with(author, [](Record& r) { r.counterparty = r.author; })),
              "the author is its own counterparty");
    EXPECT_EQ(why_refused(encoded_with(author, [](Record& r) { r.link_seq = 0; })), "a proposal carries a link");
    EXPECT_EQ(why_refused(encoded_with(author, [](Record& r) { r.link = Id{}; })), "an agreement links no proposal");
    EXPECT_TRUE(Record::decode(encoded_with(author, [](Record& r) {
        r.seq = 1;
        r.previous = Id{};
        r.link_seq = 0;
        r.link = Id{};
    }))) << "a first proposal";
}

TEST(LedgerRecordSignature, ForgeryIsRefused) {
    const auto author = Identity::generate();
    const auto forger = Identity::generate();
    Record r = sample(author);
    coop::ledger::sign_record(r, forger);  // the right fields, the wrong key
    EXPECT_FALSE(r.signature_valid());
    const auto back = Record::decode(r.encode());
    ASSERT_TRUE(back) << "decode leaves signatures to the chain";
    EXPECT_FALSE(back->signature_valid());
}

// Whatever one flipped bit does, the result is never a record its author
// signed: decode refuses it, or its signature fails.
TEST(LedgerRecordSignature, EveryBitFlipIsRefusedOrFailsVerification) {
    const auto author = Identity::generate();
    const std::string b = sample(author).encode();
    for (std::size_t bit = 0; bit < b.size() * 8; ++bit) {
        std::string flipped = b;
        flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
        if (const auto r = Record::decode(flipped)) {
            EXPECT_FALSE(r->signature_valid()) << "bit " << bit;
        }
    }
}

TEST(LedgerRecordEncoding, RandomBytesNeverCrash) {
    std::mt19937 rng(7);
    const auto author = Identity::generate();
    const std::string valid = sample(author).encode();
    for (int round = 0; round < 2000; ++round) {
        std::string junk = valid;
        if (round % 3 == 0) junk.resize(rng() % (2 * coop::ledger::record_size));
        for (int k = 0; k < 1 + static_cast<int>(rng() % 6) && !junk.empty(); ++k)
            junk[rng() % junk.size()] = static_cast<char>(rng());
        std::string why;
        const auto r = Record::decode(junk, &why);
        if (r) {
            EXPECT_TRUE(junk == valid || !r->signature_valid());
        } else {
            EXPECT_FALSE(why.empty());
        }
    }
}

TEST(LedgerRecordMake, ProposalExtendsTheTipAndIsSigned) {
    LedgerPeer a, b;
    const Record first = a.propose(b, 100, 7, 5000);
    EXPECT_EQ(first.seq, 1u);
    EXPECT_EQ(first.previous, Id{});
    EXPECT_TRUE(first.is_proposal());
    EXPECT_EQ(first.counterparty, b.key());
    EXPECT_EQ(first.gave, 100u);
    EXPECT_EQ(first.got, 7u);
    EXPECT_TRUE(first.signature_valid());
    const Record second = a.propose(b, 200, 8, 4000);
    EXPECT_EQ(second.seq, 2u);
    EXPECT_EQ(second.previous, first.id());
    EXPECT_EQ(second.time_ms, 5000) << "never stamped before the tip";
    LedgerPeer fresh;
    EXPECT_EQ(fresh.propose(b, 1, 1, -20).time_ms, -20) << "an empty chain sets no earliest time";
}

TEST(LedgerRecordMake, AgreementLinksAndMirrorsTheProposal) {
    LedgerPeer a, b, c;
    c.propose(b, 1, 1, 10);  // b's chain is empty, c's is not: seqs differ
    const Record p = a.propose(b, 1000, 300, 20);
    b.propose(c, 5, 5, 15);
    const Record q = b.agree(p, 30);
    EXPECT_FALSE(q.is_proposal());
    EXPECT_EQ(q.author, b.key());
    EXPECT_EQ(q.seq, 2u);
    EXPECT_EQ(q.counterparty, a.key());
    EXPECT_EQ(q.link_seq, p.seq);
    EXPECT_EQ(q.link, p.id());
    EXPECT_EQ(q.gave, 300u) << "b gave what a got";
    EXPECT_EQ(q.got, 1000u) << "b got what a gave";
    EXPECT_TRUE(q.signature_valid());
    EXPECT_FALSE(coop::ledger::shape_error(q));
}

}  // namespace
