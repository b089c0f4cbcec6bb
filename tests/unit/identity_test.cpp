// A user's ed25519 identity (core/identity.hpp).
#include "core/identity.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

bool is_lower_hex(const std::string& s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(Identity, SignatureVerifies) {
    const auto id = coop::Identity::generate();
    const auto sig = id.sign("hello, group");
    EXPECT_TRUE(coop::Identity::verify(id.public_key(), "hello, group", sig));
}

TEST(Identity, EmptyAndBinaryMessagesVerify) {
    const auto id = coop::Identity::generate();
    EXPECT_TRUE(coop::Identity::verify(id.public_key(), "", id.sign("")));
    const std::string binary("a\0b\xff", 4);
    EXPECT_TRUE(coop::Identity::verify(id.public_key(), binary, id.sign(binary)));
    // The NUL is part of the message, not its end.
    EXPECT_FALSE(coop::Identity::verify(id.public_key(), std::string("a"), id.sign(binary)));
}

TEST(Identity, ChangedMessageFails) {
    const auto id = coop::Identity::generate();
    const auto sig = id.sign("pay alice 10");
    EXPECT_FALSE(coop::Identity::verify(id.public_key(), "pay alice 11", sig));
    EXPECT_FALSE(coop::Identity::verify(id.public_key(), "pay alice 10 ", sig));
    EXPECT_FALSE(coop::Identity::verify(id.public_key(), "", sig));
}

TEST(Identity, ChangedSignatureFails) {
    const auto id = coop::Identity::generate();
    const auto sig = id.sign("message");
    for (std::size_t i : {std::size_t{0}, std::size_t{31}, std::size_t{32}, std::size_t{63}}) {
        auto bad = sig;
        bad[i] ^= 0x01;
        EXPECT_FALSE(coop::Identity::verify(id.public_key(), "message", bad)) << "byte " << i;
    }
    EXPECT_FALSE(coop::Identity::verify(id.public_key(), "message", coop::Identity::Signature{}));
}

TEST(Identity, OtherKeyFails) {
    const auto alice = coop::Identity::generate();
    const auto bob = coop::Identity::generate();
    ASSERT_NE(alice.public_key(), bob.public_key());
    const auto sig = alice.sign("message");
    EXPECT_FALSE(coop::Identity::verify(bob.public_key(), "message", sig));
    EXPECT_TRUE(coop::Identity::verify(bob.public_key(), "message", bob.sign("message")));
}

TEST(Identity, SigningIsDeterministic) {
    const auto id = coop::Identity::generate();
    EXPECT_EQ(id.sign("same"), id.sign("same"));
    EXPECT_NE(id.sign("same"), id.sign("other"));
}

TEST(Identity, FromSecretReproducesTheKeyPair) {
    const auto id = coop::Identity::generate();
    const auto again = coop::Identity::from_secret(id.secret_key());
    EXPECT_EQ(again.public_key(), id.public_key());
    EXPECT_EQ(again.secret_key(), id.secret_key());
    EXPECT_EQ(again.peer_id(), id.peer_id());
    // The rebuilt identity signs for the same key.
    EXPECT_TRUE(coop::Identity::verify(id.public_key(), "m", again.sign("m")));
    EXPECT_EQ(again.sign("m"), id.sign("m"));
}

TEST(Identity, PeerIdIsSixtyFourLowerCaseHexDigitsOfThePublicKey) {
    const auto id = coop::Identity::generate();
    const auto peer = id.peer_id();
    EXPECT_EQ(peer.size(), 64u);
    EXPECT_TRUE(is_lower_hex(peer)) << peer;
    EXPECT_EQ(peer, coop::to_hex(id.public_key().data(), id.public_key().size()));
    EXPECT_NE(peer, coop::Identity::generate().peer_id());
}

TEST(Identity, GeneratedKeysDiffer) {
    EXPECT_NE(coop::Identity::generate().secret_key(), coop::Identity::generate().secret_key());
}

TEST(ToHex, LowerCaseTwoDigitsPerByte) {
    const std::uint8_t bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    EXPECT_EQ(coop::to_hex(bytes, sizeof bytes), "00017f80abff");
    EXPECT_EQ(coop::to_hex(bytes, 0), "");
}

}  // namespace
