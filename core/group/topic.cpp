#include "core/group/topic.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>

namespace coop::group {

namespace {

std::string topic_of(std::string_view label, std::string_view name) {
    std::string bytes(label);
    bytes += name;
    std::array<std::uint8_t, 20> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size(), nullptr, 0);
    return hex(digest);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

std::string topic_of_group(const Id& group) {
    return topic_of("coop-group:", std::string_view(reinterpret_cast<const char*>(group.data()), group.size()));
}

std::string topic_of_tag(std::string_view tag) { return topic_of("coop-tag:", normalize_tag(tag)); }

std::string normalize_tag(std::string_view tag) {
    while (!tag.empty() && is_space(tag.front())) tag.remove_prefix(1);
    while (!tag.empty() && is_space(tag.back())) tag.remove_suffix(1);
    std::string out(tag);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace coop::group
