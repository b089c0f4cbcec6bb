// The pure parts of coop-link (core/overlay/wire.hpp, handshake.hpp,
// secret_channel.hpp): hello, lengths, transcripts and the encrypted streams.
#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "core/identity.hpp"
#include "core/overlay/handshake.hpp"
#include "core/overlay/secret_channel.hpp"
#include "core/overlay/wire.hpp"

namespace {

using namespace coop::overlay;

Hello some_hello(std::uint8_t fill) {
    Hello hello;
    hello.ephemeral.fill(fill);
    hello.nonce.fill(static_cast<std::uint8_t>(fill + 1));
    return hello;
}

TEST(FrameHello, EncodesAndReadsBack) {
    const std::string bytes = some_hello(7).encode();
    ASSERT_EQ(bytes.size(), hello_bytes);
    EXPECT_EQ(bytes.substr(0, 10), std::string("coop-link\x01"));
    const HelloRead read = read_hello(bytes);
    ASSERT_EQ(read.result, HelloRead::ok);
    EXPECT_EQ(read.hello.ephemeral, some_hello(7).ephemeral);
    EXPECT_EQ(read.hello.nonce, some_hello(7).nonce);
}

TEST(FrameHello, DecidesAsSoonAsTheBytesAllow) {
    const std::string bytes = some_hello(1).encode();
    EXPECT_EQ(read_hello("").result, HelloRead::incomplete);
    EXPECT_EQ(read_hello("coop-l").result, HelloRead::incomplete);
    EXPECT_EQ(read_hello(bytes.substr(0, hello_bytes - 1)).result, HelloRead::incomplete);
    // A stranger is told apart by its first byte, not after 74.
    EXPECT_EQ(read_hello("G").result, HelloRead::not_coop);
    EXPECT_EQ(read_hello("GET / HTTP/1.1\r\n").result, HelloRead::not_coop);
    EXPECT_EQ(read_hello("coop-lin!").result, HelloRead::not_coop);
    const HelloRead future = read_hello(std::string("coop-link\x02"));
    EXPECT_EQ(future.result, HelloRead::wrong_version);
    EXPECT_EQ(future.version, 2);
}

TEST(FrameLength, IsFourBytesBigEndian) {
    std::string out;
    append_length(out, 0x01020304);
    EXPECT_EQ(out, std::string("\x01\x02\x03\x04"));
    EXPECT_EQ(read_length(out), 0x01020304u);
    out.clear();
    append_length(out, 0xfffffffe);
    EXPECT_EQ(read_length(out), 0xfffffffeu);
}

TEST(FrameBye, ReasonIsPrintableAndBounded) {
    EXPECT_EQ(printable_reason("not a member"), "not a member");
    EXPECT_EQ(printable_reason("red\x1b[31m\nnext"), "red?[31m?next");
    EXPECT_EQ(printable_reason(std::string(500, 'x')).size(), max_bye_reason_bytes);
    // Cut between characters: 199 bytes of 'x' and a two-byte é.
    const std::string cut = printable_reason(std::string(199, 'x') + "\xc3\xa9" + "tail");
    EXPECT_EQ(cut, std::string(199, 'x'));
    const std::string whole = printable_reason(std::string(198, 'x') + "\xc3\xa9" + "tail");
    EXPECT_EQ(whole, std::string(198, 'x') + "\xc3\xa9");
}

TEST(FrameHandshake, DialerAndListenerAgreeOnKeys) {
    const Ephemeral dialer, listener;
    const auto d = dialer.session_keys(Role::dialer, listener.hello());
    const auto l = listener.session_keys(Role::listener, dialer.hello());
    ASSERT_TRUE(d && l);
    EXPECT_EQ(d->tx, l->rx);
    EXPECT_EQ(d->rx, l->tx);
    EXPECT_NE(d->tx, d->rx);
}

TEST(FrameHandshake, EveryConnectionHasFreshKeysAndNonce) {
    const Ephemeral a, b;
    EXPECT_NE(a.hello().ephemeral, b.hello().ephemeral);
    EXPECT_NE(a.hello().nonce, b.hello().nonce);
}

TEST(FrameHandshake, AWeakKeyIsRefused) {
    const Ephemeral ours;
    Hello zero;  // the all-zero point gives no shared secret
    EXPECT_FALSE(ours.session_keys(Role::dialer, zero));
    EXPECT_FALSE(ours.session_keys(Role::listener, zero));
}

TEST(FrameHandshake, SignatureHoldsOnlyForItsSessionAndRole) {
    const auto id = coop::Identity::generate();
    const std::string d = some_hello(1).encode(), l = some_hello(2).encode(), other = some_hello(3).encode();
    const auto mine = transcript(d, l, Role::dialer);
    const std::string body = auth_body(id, mine);
    ASSERT_EQ(body.size(), auth_body_bytes);
    const auto key = verify_auth(body, mine);
    ASSERT_TRUE(key);
    EXPECT_EQ(*key, id.public_key());

    EXPECT_FALSE(verify_auth(body, transcript(d, l, Role::listener))) << "reflected to the other role";
    EXPECT_FALSE(verify_auth(body, transcript(d, other, Role::dialer))) << "another session";
    EXPECT_FALSE(verify_auth(body, transcript(l, d, Role::dialer))) << "hellos swapped";
    EXPECT_FALSE(verify_auth(body.substr(1), mine));
    std::string flipped = body;
    flipped[40] ^= 1;
    EXPECT_FALSE(verify_auth(flipped, mine));
}

// Two channels facing each other, as a dialer and a listener hold them.
struct Channels {
    Channels() {
        const Ephemeral a, b;
        const auto ka = a.session_keys(Role::dialer, b.hello());
        const auto kb = b.session_keys(Role::listener, a.hello());
        EXPECT_TRUE(to.start_pull(kb->rx, from.start_push(ka->tx)));
        EXPECT_TRUE(from.start_pull(ka->rx, to.start_push(kb->tx)));
    }
    static std::string_view cipher(const std::string& message) { return std::string_view(message).substr(length_bytes); }
    SecretChannel from, to;
};

TEST(FrameChannel, MessagesOpenInOrder) {
    Channels c;
    for (const std::string& body : {std::string(), std::string("x"), std::string(70000, 'y')}) {
        const std::string message = c.from.seal(MessageType::data, body);
        ASSERT_EQ(read_length(message), message.size() - length_bytes);
        EXPECT_EQ(message.size(), length_bytes + message_overhead + body.size());
        std::string plain;
        ASSERT_EQ(c.to.open(Channels::cipher(message), plain), SecretChannel::Opened::message);
        EXPECT_EQ(plain, std::string(1, '\0') + body);
    }
}

TEST(FrameChannel, ChangedRepeatedOrReorderedMessagesFail) {
    {
        Channels c;
        std::string message = c.from.seal(MessageType::data, "pay alice 10");
        message.back() ^= 0x01;
        std::string plain;
        EXPECT_EQ(c.to.open(Channels::cipher(message), plain), SecretChannel::Opened::forged);
    }
    {
        Channels c;
        const std::string first = c.from.seal(MessageType::data, "one");
        std::string plain;
        ASSERT_EQ(c.to.open(Channels::cipher(first), plain), SecretChannel::Opened::message);
        EXPECT_EQ(c.to.open(Channels::cipher(first), plain), SecretChannel::Opened::forged) << "replayed";
    }
    {
        Channels c;
        c.from.seal(MessageType::data, "one");
        const std::string second = c.from.seal(MessageType::data, "two");
        std::string plain;
        EXPECT_EQ(c.to.open(Channels::cipher(second), plain), SecretChannel::Opened::forged) << "one was dropped";
    }
    {
        Channels c;
        std::string plain;
        EXPECT_EQ(c.to.open("", plain), SecretChannel::Opened::forged);
        EXPECT_EQ(c.to.open(std::string(17, 'z'), plain), SecretChannel::Opened::forged);
        EXPECT_EQ(c.to.open(std::string(100, 'z'), plain), SecretChannel::Opened::forged);
    }
}

TEST(FrameChannel, TheOtherDirectionsKeysDoNotOpen) {
    Channels c;
    // A message sent back at its sender (a reflection) fails to open.
    const std::string message = c.from.seal(MessageType::data, "hello");
    std::string plain;
    EXPECT_EQ(c.from.open(Channels::cipher(message), plain), SecretChannel::Opened::forged);
}

}  // namespace
