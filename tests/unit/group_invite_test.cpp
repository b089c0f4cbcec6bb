// Invites to closed groups and the tokens users pass on
// (core/group/invite.hpp).
#include "core/group/invite.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <random>
#include <string>

namespace {

using coop::Identity;
using coop::group::Id;
using coop::group::Invite;
using coop::group::InviteToken;

Id group_id() {
    Id id;
    id.fill(0x42);
    return id;
}

std::string base64url(const std::string& bin) {
    std::string text(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bin.data()), bin.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    text.resize(text.find('\0'));
    return text;
}

// A token's binary form, built by hand to reach the decoder's checks.
std::string token_bytes(const Invite& invite, const std::vector<std::string>& addresses, std::uint8_t version = 1) {
    std::string bin(1, static_cast<char>(version));
    bin += invite.encode();
    bin += static_cast<char>(addresses.size());
    for (const auto& a : addresses) {
        bin += static_cast<char>(a.size());
        bin += a;
    }
    return bin;
}

std::string decode_error(const std::string& text) {
    std::string why;
    EXPECT_FALSE(coop::group::decode_token(text, &why)) << text;
    return why;
}

TEST(Invite, SignedByTheInviterAndEveryFieldCovered) {
    const Identity founder = Identity::generate();
    const Invite invite = coop::group::make_invite(founder, group_id(), 99, true);
    EXPECT_EQ(invite.inviter, founder.public_key());
    EXPECT_EQ(invite.group, group_id());
    EXPECT_TRUE(invite.signature_valid());

    std::vector<Invite> changed(6, invite);
    changed[0].group[0] ^= 1;
    changed[1].inviter = Identity::generate().public_key();
    changed[2].nonce[0] ^= 1;
    changed[3].expires_ms = 0;
    changed[4].single_use = false;
    changed[5].signature[0] ^= 1;
    for (const auto& c : changed) EXPECT_FALSE(c.signature_valid());
    for (std::size_t i = 0; i < 5; ++i) EXPECT_NE(changed[i].id(), invite.id()) << i;
}

TEST(Invite, NoncesAreFresh) {
    const Identity founder = Identity::generate();
    const Invite a = coop::group::make_invite(founder, group_id(), 0, true);
    const Invite b = coop::group::make_invite(founder, group_id(), 0, true);
    EXPECT_NE(a.nonce, b.nonce);
    EXPECT_NE(a.id(), b.id());
}

TEST(Invite, ExpiryIsInclusive) {
    Invite i;
    EXPECT_FALSE(i.expired_at(INT64_MAX)) << "0 never expires";
    i.expires_ms = 100;
    EXPECT_FALSE(i.expired_at(100));
    EXPECT_TRUE(i.expired_at(101));
}

TEST(Invite, BinaryRoundTripAndHostileBytes) {
    const Identity founder = Identity::generate();
    const Invite invite = coop::group::make_invite(founder, group_id(), -5, false);
    const std::string b = invite.encode();
    ASSERT_EQ(b.size(), coop::group::invite_encoded_size);
    EXPECT_EQ(Invite::decode(b), invite);
    for (std::size_t n = 0; n < b.size(); ++n) EXPECT_FALSE(Invite::decode(b.substr(0, n))) << n;
    std::string why;
    EXPECT_FALSE(Invite::decode(b + "x", &why));
    EXPECT_EQ(why, "trailing bytes after the invite");
    std::string flags = b;
    flags[1 + 32 + 32 + 16 + 8] = 2;
    EXPECT_FALSE(Invite::decode(flags, &why));
    EXPECT_EQ(why, "unknown invite flags");
    std::string version = b;
    version[0] = 9;
    EXPECT_FALSE(Invite::decode(version, &why));
}

TEST(Invite, JsonRoundTrip) {
    const Identity founder = Identity::generate();
    const Invite invite = coop::group::make_invite(founder, group_id(), 1'700'000'000'000, true);
    const auto j = invite.to_json();
    EXPECT_EQ(j["group"], coop::group::hex(group_id()));
    EXPECT_EQ(j["inviter"], founder.peer_id());
    EXPECT_EQ(j["expires_ms"], 1'700'000'000'000);
    EXPECT_EQ(j["single_use"], true);
    const auto back = Invite::from_json(j);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, invite);
    EXPECT_TRUE(back->signature_valid());
}

TEST(Invite, JsonWithWrongFieldsIsRefused) {
    const Identity founder = Identity::generate();
    const auto good = coop::group::make_invite(founder, group_id(), 0, true).to_json();
    auto with = [&](const char* key, nlohmann::json value) {
        auto j = good;
        if (value.is_discarded()) j.erase(key);
        else j[key] = value;
        return j;
    };
    const nlohmann::json gone = nlohmann::json::value_t::discarded;
    std::string why;
    EXPECT_FALSE(Invite::from_json(nlohmann::json::array(), &why));
    EXPECT_EQ(why, "the invite is not a JSON object");
    for (const char* key : {"group", "inviter", "nonce", "signature"}) {
        EXPECT_FALSE(Invite::from_json(with(key, gone))) << key;
        EXPECT_FALSE(Invite::from_json(with(key, 5))) << key;
        EXPECT_FALSE(Invite::from_json(with(key, "abc"))) << key;
    }
    EXPECT_FALSE(Invite::from_json(with("expires_ms", "0"), &why));
    EXPECT_EQ(why, "the invite's expires_ms is not an integer");
    EXPECT_FALSE(Invite::from_json(with("expires_ms", 1.5)));
    EXPECT_FALSE(Invite::from_json(with("expires_ms", std::uint64_t{1} << 63)));
    EXPECT_FALSE(Invite::from_json(with("single_use", 1)));
    EXPECT_FALSE(Invite::from_json(with("single_use", gone)));
}

TEST(InviteToken, RoundTripWithAddresses) {
    const Identity founder = Identity::generate();
    const InviteToken token{coop::group::make_invite(founder, group_id(), 0, true),
                            {"192.0.2.7:6881", "[2001:db8::1]:443", "127.0.0.1:1"}};
    const std::string text = coop::group::encode_token(token);
    EXPECT_EQ(text.rfind("coop-invite:", 0), 0u);
    EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 12),
              std::string::npos)
        << "printable, URL-safe, no padding: " << text;
    std::string why;
    const auto back = coop::group::decode_token(text, &why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(back->invite, token.invite);
    EXPECT_EQ(back->addresses, token.addresses);
}

TEST(InviteToken, PastedWhitespaceIsIgnored) {
    const Identity founder = Identity::generate();
    const std::string text = coop::group::encode_token({coop::group::make_invite(founder, group_id(), 0, true), {}});
    std::string wrapped = "  " + text.substr(0, 40) + "\n" + text.substr(40, 40) + "\r\n\t" + text.substr(80) + "\n";
    EXPECT_TRUE(coop::group::decode_token(wrapped));
}

TEST(InviteToken, EncodeRefusesBadAddresses) {
    const Identity founder = Identity::generate();
    InviteToken token{coop::group::make_invite(founder, group_id(), 0, true), {}};
    for (int i = 0; i < 9; ++i) token.addresses.push_back("10.0.0." + std::to_string(i) + ":1");
    EXPECT_THROW(coop::group::encode_token(token), std::invalid_argument);
    token.addresses = {"example.org:80"};
    EXPECT_THROW(coop::group::encode_token(token), std::invalid_argument);
    token.addresses = {"10.0.0.1:0"};
    EXPECT_THROW(coop::group::encode_token(token), std::invalid_argument);
}

TEST(InviteToken, HostileTokensGetClearErrors) {
    const Identity founder = Identity::generate();
    const Invite invite = coop::group::make_invite(founder, group_id(), 0, true);
    const std::string good = token_bytes(invite, {"10.0.0.1:5"});
    const std::string again = "; copy it again in full";

    EXPECT_EQ(decode_error(""), "the invite is empty");
    EXPECT_EQ(decode_error("  \n"), "the invite is empty");
    EXPECT_EQ(decode_error("magnet:?xt=1"), "this is not a coop invite (it starts with \"coop-invite:\")");
    EXPECT_EQ(decode_error("coop-invite:abc*def"), "the invite is damaged (bad base64); copy it again in full");
    EXPECT_EQ(decode_error("coop-invite:" + base64url(good) + "="),
              "the invite is damaged (bad base64); copy it again in full");
    EXPECT_EQ(decode_error("coop-invite:" + std::string(5000, 'A')), "the invite is too long to be a coop invite");
    EXPECT_EQ(decode_error("coop-invite:"), "the invite is damaged (empty)" + again);
    EXPECT_EQ(decode_error("coop-invite:" + base64url(good.substr(0, 60))), "the invite is damaged (cut short)" + again);
    EXPECT_EQ(decode_error("coop-invite:" + base64url(good.substr(0, good.size() - 2))),
              "the invite is damaged (cut short)" + again);
    EXPECT_EQ(decode_error("coop-invite:" + base64url(good + "z")), "the invite is damaged (extra bytes at the end)" + again);
    EXPECT_EQ(decode_error("coop-invite:" + base64url(token_bytes(invite, {}, 7))),
              "the invite was made by a newer coop (format 7); upgrade coop");
    EXPECT_EQ(decode_error("coop-invite:" + base64url(token_bytes(invite, {}, 0))),
              "the invite is damaged (format 0)" + again);
    EXPECT_EQ(decode_error("coop-invite:" + base64url(token_bytes(invite, {"not an address"}))),
              "the invite is damaged (a member address is not IP:PORT)" + again);
    EXPECT_EQ(decode_error("coop-invite:" + base64url(token_bytes(invite, std::vector<std::string>(9, "10.0.0.1:5")))),
              "the invite is damaged (it lists 9 addresses, at most 8)" + again);
    Invite forged = invite;
    forged.expires_ms = 12;
    EXPECT_EQ(decode_error("coop-invite:" + base64url(token_bytes(forged, {}))),
              "the invite is damaged or forged (bad signature); ask for a new one");
}

TEST(InviteToken, RandomDamageNeverCrashes) {
    const Identity founder = Identity::generate();
    const std::string text =
        coop::group::encode_token({coop::group::make_invite(founder, group_id(), 0, false), {"10.1.2.3:4000"}});
    std::mt19937 rng(2024);
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ \n:";
    for (int round = 0; round < 2000; ++round) {
        std::string damaged = text;
        switch (rng() % 3) {
            case 0: damaged[12 + rng() % (damaged.size() - 12)] = alphabet[rng() % alphabet.size()]; break;
            case 1: damaged.resize(rng() % damaged.size()); break;
            default: damaged.insert(12 + rng() % (damaged.size() - 12), 1, alphabet[rng() % alphabet.size()]); break;
        }
        std::string why;
        const auto token = coop::group::decode_token(damaged, &why);
        if (token) {
            EXPECT_TRUE(token->invite.signature_valid());
        } else {
            EXPECT_FALSE(why.empty());
        }
    }
}

}  // namespace
