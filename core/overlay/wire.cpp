#include "core/overlay/wire.hpp"

#include <sodium.h>

#include <algorithm>

namespace coop::overlay {

static_assert(stream_header_bytes == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(message_overhead == crypto_secretstream_xchacha20poly1305_ABYTES + 1);
static_assert(sizeof(Hello::ephemeral) == crypto_kx_PUBLICKEYBYTES);

std::string Hello::encode() const {
    std::string out(link_magic);
    out += static_cast<char>(link_version);
    out.append(reinterpret_cast<const char*>(ephemeral.data()), ephemeral.size());
    out.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
    return out;
}

HelloRead read_hello(std::string_view bytes) {
    HelloRead read;
    const auto magic_seen = std::min(bytes.size(), link_magic.size());
    if (bytes.substr(0, magic_seen) != link_magic.substr(0, magic_seen)) {
        read.result = HelloRead::not_coop;
        return read;
    }
    if (bytes.size() <= link_magic.size()) return read;
    read.version = static_cast<std::uint8_t>(bytes[link_magic.size()]);
    if (read.version != link_version) {
        read.result = HelloRead::wrong_version;
        return read;
    }
    if (bytes.size() < hello_bytes) return read;
    const char* keys = bytes.data() + link_magic.size() + 1;
    std::copy_n(keys, 32, read.hello.ephemeral.begin());
    std::copy_n(keys + 32, 32, read.hello.nonce.begin());
    read.result = HelloRead::ok;
    return read;
}

void append_length(std::string& out, std::uint32_t length) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xff);
}

std::uint32_t read_length(std::string_view four_bytes) {
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < length_bytes; ++i) length = length << 8 | static_cast<std::uint8_t>(four_bytes[i]);
    return length;
}

std::string printable_reason(std::string_view reason) {
    std::string out(reason.substr(0, max_bye_reason_bytes));
    if (reason.size() > out.size()) {  // cut between UTF-8 characters, not inside one
        auto byte = [&](std::size_t i) { return static_cast<unsigned char>(out[i]); };
        std::size_t lead = out.size();
        while (lead > 0 && (byte(lead - 1) & 0xc0) == 0x80) --lead;
        if (lead > 0) {
            const unsigned char c = byte(--lead);
            const std::size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
            if (out.size() - lead < length) out.resize(lead);
        }
    }
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return out;
}

}  // namespace coop::overlay
