#pragma once
// Ids, keys and nonces in lower-case hex, as bodies, JSON and users carry
// them.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/identity.hpp"

namespace coop::group {

// Exactly 2 * size hex digits (either case) into size bytes; false on
// anything else, and then `out` is unspecified.
bool hex_to_bytes(std::string_view text, std::uint8_t* out, std::size_t size);

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& bytes) {
    return coop::to_hex(bytes.data(), N);
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> from_hex(std::string_view text) {
    std::array<std::uint8_t, N> out{};
    if (!hex_to_bytes(text, out.data(), N)) return std::nullopt;
    return out;
}

}  // namespace coop::group
