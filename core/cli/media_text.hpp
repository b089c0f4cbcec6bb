#pragma once
// Media info (MediaInfo::to_json, from the agent) as lines for people:
// "container  mp4", "duration  1:30", "video  h264 1280x720 25 fps", ...
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace coop::cli {

std::vector<std::pair<std::string, std::string>> media_lines(const nlohmann::json& media);

// 4000000 -> "4.0 Mbit/s"; 0 -> "unknown"
std::string format_bitrate(std::int64_t bits_per_second);

}  // namespace coop::cli
