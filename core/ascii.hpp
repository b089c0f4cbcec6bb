#pragma once
// ASCII helpers for what users type: ids and their prefixes, file names.
#include <string>
#include <string_view>

namespace coop {

// A-Z to a-z; every other byte (UTF-8 included) as it is.
std::string ascii_lower(std::string text);
// At least one character, every one a hex digit (either case).
bool is_hex(std::string_view text);

}  // namespace coop
