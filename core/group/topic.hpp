#pragma once
// The DHT topics agents announce their overlay under: one per group (its
// members find each other) and one per interest tag (open groups about it
// are found). A topic is BLAKE2b-160 of a labelled name, as 40 lower-case
// hex digits, the size of a BitTorrent info-hash.
#include <string>
#include <string_view>

#include "core/group/event.hpp"

namespace coop::group {

// BLAKE2b-160 of "coop-group:" followed by the 32 bytes of the group id.
std::string topic_of_group(const Id& group);
// BLAKE2b-160 of "coop-tag:" followed by normalize_tag(tag), so "Jazz"
// and " jazz " are one topic.
std::string topic_of_tag(std::string_view tag);
// ASCII letters lower-cased, ASCII white space trimmed from both ends;
// other bytes (UTF-8) kept as they are.
std::string normalize_tag(std::string_view tag);

}  // namespace coop::group
