#pragma once
// What the body of each kind holds, its bounds, and how it is written. The
// fold reads bodies through these parsers and the agent writes them with
// to_body, so both sides follow one definition. A body is a JSON object;
// unknown fields are ignored (newer members may add some).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/group/event.hpp"
#include "core/group/invite.hpp"
#include "core/group/state.hpp"
#include "core/ledger/agreement.hpp"
#include "core/ledger/proof.hpp"

namespace coop::group {

inline constexpr std::size_t max_name_bytes = 100;
inline constexpr std::size_t max_about_bytes = 2000;
inline constexpr std::size_t max_topics = 16;
inline constexpr std::size_t max_tags = 16;
inline constexpr std::size_t max_tag_bytes = 40;  // topics too
inline constexpr std::size_t max_title_bytes = 300;
inline constexpr std::size_t max_post_bytes = 4096;
inline constexpr std::size_t max_magnet_bytes = 8192;
inline constexpr int max_media_depth = 8;  // the state dumps media, and dumping recurses
// 1 TB/s: past any link a member could have, so a typo or a lie.
inline constexpr std::uint64_t max_capacity_up = 1'000'000'000'000;

// {"name", "about", "topics": [...], "open": bool, "admission": "invite" |
// "vote"}: name and open required; admission (closed groups) is invite
// when absent.
struct GenesisBody {
    std::string name;
    std::string about;
    std::vector<std::string> topics;  // sorted and unique once parsed
    bool open = false;
    Admission admission = Admission::invite;
};

// {} in an open group; {"invite": {...}} in a closed one.
struct JoinBody {
    std::optional<Invite> invite;
};

// {"text"}
struct PostBody {
    std::string text;
};

// {"magnet", "title", "tags", "size", "info_hash", "media"}: magnet and
// title required.
struct ShareBody {
    std::string magnet;  // "magnet:?..."
    std::string title;
    std::vector<std::string> tags;
    std::int64_t size = 0;
    std::string info_hash;  // "" or 40 (v1) or 64 (v2) lower-case hex digits
    nlohmann::json media = nlohmann::json::object();
};

// {"entry": share event id in hex}
struct RetractBody {
    Id entry{};
};

// {"proposal": hex of its record encoding, "agreement": hex}: both decode
// and form a pair (core/ledger/agreement.hpp), signatures checked.
struct LedgerRecordBody {
    coop::ledger::Transfer transfer;
};

// {"up": bytes per second, a whole number 0..max_capacity_up}
struct CapacityBody {
    std::uint64_t up = 0;
};

// {"proof": hex of its encoding}: it decodes and verifies
// (core/ledger/proof.hpp).
struct LedgerProofBody {
    coop::ledger::Proof proof;
};

// {"of": the proposal's or the planning's event id in hex}: records that
// it has closed. The fold takes the first close in canonical order signed
// at or after the closing time; later ones change nothing.
struct CloseBody {
    Id of{};
    // For a planning: the round it closes, 1..max_plan_rounds
    // (body_plan.hpp); a close of a round that is not the open one changes
    // nothing. Absent for a proposal.
    std::optional<std::uint32_t> round;
};

// What is wrong with `text` as a post's, in one line naming it: not valid
// UTF-8, over max_post_bytes, or a control character other than a line
// break or a tab. "" if nothing is. parse_post's `why` says the same.
std::string post_text_problem(std::string_view text);

// Each sets `why` to one line naming what breaks its rules and returns
// nullopt on such a body; none throws.
std::optional<GenesisBody> parse_genesis(std::string_view body, std::string* why = nullptr);
std::optional<JoinBody> parse_join(std::string_view body, std::string* why = nullptr);
std::optional<PostBody> parse_post(std::string_view body, std::string* why = nullptr);
std::optional<ShareBody> parse_share(std::string_view body, std::string* why = nullptr);
std::optional<RetractBody> parse_retract(std::string_view body, std::string* why = nullptr);
std::optional<CloseBody> parse_close(std::string_view body, std::string* why = nullptr);
// The reasons of these three are fixed phrases, never the body's data: the
// fold counts ignored events by them.
std::optional<LedgerRecordBody> parse_ledger_record(std::string_view body, std::string* why = nullptr);
std::optional<CapacityBody> parse_capacity(std::string_view body, std::string* why = nullptr);
std::optional<LedgerProofBody> parse_ledger_proof(std::string_view body, std::string* why = nullptr);
// Leave (and any kind without fields yet): a JSON object.
bool is_object_body(std::string_view body);

// Throw nlohmann::json::type_error on strings that are not UTF-8.
std::string to_body(const GenesisBody& body);
std::string to_body(const JoinBody& body);
std::string to_body(const PostBody& body);
std::string to_body(const ShareBody& body);
std::string to_body(const RetractBody& body);
std::string to_body(const CloseBody& body);
std::string to_body(const LedgerRecordBody& body);
std::string to_body(const CapacityBody& body);
std::string to_body(const LedgerProofBody& body);

}  // namespace coop::group
