#include "core/group/invite.hpp"

#include <sodium.h>

#include <stdexcept>

#include "core/endpoint.hpp"
#include "core/group/binary.hpp"

namespace coop::group {
namespace {

constexpr std::uint8_t invite_version = 1;
constexpr std::uint8_t token_version = 1;
constexpr std::uint8_t single_use_flag = 1;
// Keeps an invite signature from ever passing for another signed message.
constexpr std::string_view signing_context = "coop invite v1\n";
// Base64 of the largest token, with room for wrapped lines.
constexpr std::size_t max_token_text = 4096;

std::string signed_message(const Invite& invite) {
    std::string m(signing_context);
    m += invite.encode_unsigned();
    return m;
}

// "" when the address is IP:PORT with a port, else why not.
std::string address_problem(const std::string& address) {
    std::string error;
    auto endpoint = coop::parse_endpoint(address, error);
    if (!endpoint) return error;
    if (endpoint->port == 0) return "'" + address + "' has no port";
    return {};
}

template <typename T>
std::optional<T> fail(std::string* why, std::string reason) {
    if (why) *why = std::move(reason);
    return std::nullopt;
}

}  // namespace

std::string Invite::encode_unsigned() const {
    std::string out;
    out.reserve(invite_encoded_size);
    Writer w(out);
    w.u8(invite_version);
    w.bytes(group.data(), group.size());
    w.bytes(inviter.data(), inviter.size());
    w.bytes(nonce.data(), nonce.size());
    w.i64(expires_ms);
    w.u8(single_use ? single_use_flag : 0);
    return out;
}

std::string Invite::encode() const {
    std::string out = encode_unsigned();
    Writer(out).bytes(signature.data(), signature.size());
    return out;
}

std::optional<Invite> Invite::decode(std::string_view bytes, std::string* why) {
    Reader r(bytes);
    Invite i;
    std::uint8_t version = 0;
    std::uint8_t flags = 0;
    if (!r.u8(version)) return fail<Invite>(why, "invite truncated");
    if (version != invite_version) return fail<Invite>(why, "unknown invite version");
    if (!r.bytes(i.group.data(), i.group.size()) || !r.bytes(i.inviter.data(), i.inviter.size()) ||
        !r.bytes(i.nonce.data(), i.nonce.size()) || !r.i64(i.expires_ms) || !r.u8(flags) ||
        !r.bytes(i.signature.data(), i.signature.size()))
        return fail<Invite>(why, "invite truncated");
    if (flags & ~single_use_flag) return fail<Invite>(why, "unknown invite flags");
    if (r.left() != 0) return fail<Invite>(why, "trailing bytes after the invite");
    i.single_use = flags & single_use_flag;
    return i;
}

Id Invite::id() const { return hash_id(encode_unsigned()); }

bool Invite::signature_valid() const { return coop::Identity::verify(inviter, signed_message(*this), signature); }

nlohmann::json Invite::to_json() const {
    return {{"group", hex(group)},     {"inviter", hex(inviter)},       {"nonce", hex(nonce)},
            {"expires_ms", expires_ms}, {"single_use", single_use}, {"signature", hex(signature)}};
}

std::optional<Invite> Invite::from_json(const nlohmann::json& j, std::string* why) {
    if (!j.is_object()) return fail<Invite>(why, "the invite is not a JSON object");
    Invite i;
    auto hex_field = [&](const char* name, std::uint8_t* out, std::size_t size) {
        auto it = j.find(name);
        return it != j.end() && it->is_string() && hex_to_bytes(it->get_ref<const std::string&>(), out, size);
    };
    if (!hex_field("group", i.group.data(), i.group.size())) return fail<Invite>(why, "the invite's group is not hex");
    if (!hex_field("inviter", i.inviter.data(), i.inviter.size()))
        return fail<Invite>(why, "the invite's inviter is not hex");
    if (!hex_field("nonce", i.nonce.data(), i.nonce.size())) return fail<Invite>(why, "the invite's nonce is not hex");
    if (!hex_field("signature", i.signature.data(), i.signature.size()))
        return fail<Invite>(why, "the invite's signature is not hex");
    auto expires = j.find("expires_ms");
    if (expires == j.end() || !expires->is_number_integer())
        return fail<Invite>(why, "the invite's expires_ms is not an integer");
    if (expires->is_number_unsigned() && expires->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
        return fail<Invite>(why, "the invite's expires_ms is out of range");
    i.expires_ms = expires->get<std::int64_t>();
    auto single = j.find("single_use");
    if (single == j.end() || !single->is_boolean()) return fail<Invite>(why, "the invite's single_use is not a boolean");
    i.single_use = single->get<bool>();
    return i;
}

void sign_invite(Invite& invite, const coop::Identity& inviter) {
    invite.inviter = inviter.public_key();
    invite.signature = inviter.sign(signed_message(invite));
}

Invite make_invite(const coop::Identity& inviter, const Id& group, std::int64_t expires_ms, bool single_use) {
    Invite i;
    i.group = group;
    i.expires_ms = expires_ms;
    i.single_use = single_use;
    randombytes_buf(i.nonce.data(), i.nonce.size());
    sign_invite(i, inviter);
    return i;
}

std::string encode_token(const InviteToken& token) {
    if (token.addresses.size() > max_token_addresses)
        throw std::invalid_argument("an invite holds at most " + std::to_string(max_token_addresses) + " addresses");
    std::string bin;
    Writer w(bin);
    w.u8(token_version);
    w.bytes(token.invite.encode());
    w.u8(static_cast<std::uint8_t>(token.addresses.size()));
    for (const auto& a : token.addresses) {
        if (auto problem = address_problem(a); !problem.empty()) throw std::invalid_argument(problem);
        w.u8(static_cast<std::uint8_t>(a.size()));
        w.bytes(a);
    }
    std::string text(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bin.data()), bin.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    text.resize(text.find('\0'));
    return std::string(token_prefix) + text;
}

std::optional<InviteToken> decode_token(std::string_view text, std::string* why) {
    const std::string_view space = " \t\r\n";
    const auto first = text.find_first_not_of(space);
    if (first == std::string_view::npos) return fail<InviteToken>(why, "the invite is empty");
    text = text.substr(first, text.find_last_not_of(space) - first + 1);
    if (text.substr(0, token_prefix.size()) != token_prefix)
        return fail<InviteToken>(why, "this is not a coop invite (it starts with \"coop-invite:\")");
    text.remove_prefix(token_prefix.size());
    if (text.size() > max_token_text) return fail<InviteToken>(why, "the invite is too long to be a coop invite");

    std::string bin(text.size(), '\0');
    std::size_t bin_size = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), text.data(), text.size(),
                          " \t\r\n", &bin_size, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text.data() + text.size())
        return fail<InviteToken>(why, "the invite is damaged (bad base64); copy it again in full");
    bin.resize(bin_size);

    const std::string damaged = "; copy it again in full";
    Reader r(bin);
    std::uint8_t version = 0;
    if (!r.u8(version)) return fail<InviteToken>(why, "the invite is damaged (empty)" + damaged);
    if (version > token_version)
        return fail<InviteToken>(why, "the invite was made by a newer coop (format " + std::to_string(version) +
                                          "); upgrade coop");
    if (version != token_version) return fail<InviteToken>(why, "the invite is damaged (format 0)" + damaged);
    std::string invite_bytes;
    const std::string cut_short = "the invite is damaged (cut short)" + damaged;
    if (!r.bytes(invite_bytes, invite_encoded_size)) return fail<InviteToken>(why, cut_short);
    std::string problem;
    auto invite = Invite::decode(invite_bytes, &problem);
    if (!invite) return fail<InviteToken>(why, "the invite is damaged (" + problem + ")" + damaged);
    if (!invite->signature_valid())
        return fail<InviteToken>(why, "the invite is damaged or forged (bad signature); ask for a new one");

    InviteToken token{*invite, {}};
    std::uint8_t count = 0;
    if (!r.u8(count)) return fail<InviteToken>(why, cut_short);
    if (count > max_token_addresses)
        return fail<InviteToken>(why, "the invite is damaged (it lists " + std::to_string(count) + " addresses, at most " +
                                          std::to_string(max_token_addresses) + ")" + damaged);
    for (std::uint8_t k = 0; k < count; ++k) {
        std::uint8_t size = 0;
        std::string address;
        if (!r.u8(size) || !r.bytes(address, size)) return fail<InviteToken>(why, cut_short);
        // The reason leaves the address out: it is hostile bytes, bound for a terminal.
        if (!address_problem(address).empty())
            return fail<InviteToken>(why, "the invite is damaged (a member address is not IP:PORT)" + damaged);
        token.addresses.push_back(std::move(address));
    }
    if (r.left() != 0) return fail<InviteToken>(why, "the invite is damaged (extra bytes at the end)" + damaged);
    return token;
}

}  // namespace coop::group
