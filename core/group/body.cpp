#include "core/group/body.hpp"

#include <algorithm>

namespace coop::group {
namespace {

using nlohmann::json;

// The parser is iterative and the strings it returns are valid UTF-8.
std::optional<json> parse_object(std::string_view body) {
    json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

// Names, titles and tags end up in terminals: one line, no control
// characters. Chat and descriptions may break lines and indent, nothing else.
enum class Lines { one, many };

// The rules of one text field, and the words its problems are told in.
struct TextRule {
    std::string subject;  // "the title", "tag 2"
    const char* holder;   // "a title": "... holds at most N"
    std::size_t max;
    Lines lines;
    bool non_empty;
};

// Where `s` stops being UTF-8 (shortest forms, no surrogates, at most
// U+10FFFF: what the JSON parser accepts), or npos.
std::size_t invalid_utf8_at(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xbf;  // the bounds of the second byte
        if (c < 0x80) length = 1;
        else if (c >= 0xc2 && c <= 0xdf) length = 2;
        else if (c >= 0xe0 && c <= 0xef) {
            length = 3;
            if (c == 0xe0) low = 0xa0;
            if (c == 0xed) high = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            length = 4;
            if (c == 0xf0) low = 0x90;
            if (c == 0xf4) high = 0x8f;
        } else {
            return i;
        }
        if (i + length > s.size()) return i;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(s[i + k]);
            if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xbf)) return i;
        }
        i += length;
    }
    return std::string_view::npos;
}

std::size_t control_at(std::string_view s, Lines lines) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == 0x7f || (c < 0x20 && !(lines == Lines::many && (c == '\n' || c == '\t')))) return i;
    }
    return std::string_view::npos;
}

std::string byte_hex(unsigned char c, int digits) {
    static const char* const hex_digits = "0123456789ABCDEF";
    std::string out(static_cast<std::size_t>(digits), '0');
    for (int i = digits - 1, v = c; i >= 0 && v > 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = hex_digits[v & 15];
    return out;
}

// What is wrong with `s` under `rule`, in one line; "" if nothing is.
// Too long first: a text cut short on its way in may end mid-character.
std::string text_problem(std::string_view s, const TextRule& rule) {
    if (s.size() > rule.max)
        return rule.subject + " is " + std::to_string(s.size()) + " bytes; " + rule.holder + " holds at most " +
               std::to_string(rule.max);
    if (const auto at = invalid_utf8_at(s); at != std::string_view::npos)
        return rule.subject + " is not valid UTF-8 (byte " + std::to_string(at + 1) + " is 0x" +
               byte_hex(static_cast<unsigned char>(s[at]), 2) + ")";
    if (rule.non_empty && s.empty()) return rule.subject + " is empty";
    if (const auto at = control_at(s, rule.lines); at != std::string_view::npos)
        return rule.subject + " holds a control character (U+" + byte_hex(static_cast<unsigned char>(s[at]), 4) +
               " at byte " + std::to_string(at + 1) + "); " +
               (rule.lines == Lines::many ? "only line breaks and tabs are allowed" : "it must be one line of text");
    return "";
}

bool one_line(const std::string& s) { return control_at(s, Lines::one) == std::string_view::npos; }

bool within_depth(const json& j, int depth) {
    if (!j.is_structured()) return true;
    if (depth == 0) return false;
    return std::all_of(j.begin(), j.end(), [depth](const json& child) { return within_depth(child, depth - 1); });
}

bool is_lower_hex(const std::string& s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Reads an optional string field. False if present but not a string within
// max bytes that `ok` accepts.
template <typename Check>
bool string_field(const json& j, const char* name, std::size_t max, Check ok, std::string& out) {
    auto it = j.find(name);
    if (it == j.end()) return true;
    if (!it->is_string()) return false;
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > max || !ok(s)) return false;
    out = s;
    return true;
}

// Reads a text field into `out` by `rule`: "" if it is fine (or absent and
// not `required`), else why not.
std::string text_field(const json& j, const char* name, const TextRule& rule, bool required, std::string& out) {
    auto it = j.find(name);
    if (it == j.end()) return required ? rule.subject + " is missing" : "";
    if (!it->is_string()) return rule.subject + " must be a string";
    const auto& s = it->get_ref<const std::string&>();
    if (auto problem = text_problem(s, rule); !problem.empty()) return problem;
    out = s;
    return "";
}

// An optional array of 1..max_tag_bytes one-line strings, at most `max` of
// them: "" if it is, else why not. `what` is "topic" or "tag".
std::string tag_list(const json& j, const char* name, const std::string& what, const char* owner, std::size_t max,
                     std::vector<std::string>& out) {
    auto it = j.find(name);
    if (it == j.end()) return "";
    if (!it->is_array()) return std::string(name) + " must be a list of strings";
    if (it->size() > max)
        return "there are " + std::to_string(it->size()) + " " + name + "; " + owner + " has at most " +
               std::to_string(max);
    const std::string holder = "a " + what;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const TextRule rule{what + " " + std::to_string(i + 1), holder.c_str(), max_tag_bytes, Lines::one, true};
        const json& t = (*it)[i];
        if (!t.is_string()) return rule.subject + " must be a string";
        if (auto problem = text_problem(t.get_ref<const std::string&>(), rule); !problem.empty()) return problem;
        out.push_back(t.get<std::string>());
    }
    return "";
}

// The bytes of a hex string field holding exactly `size` bytes, into
// `out`: "" if it does, else why not, naming it as `subject`.
std::string hex_bytes_field(const json& j, const char* name, const std::string& subject, std::size_t size,
                            std::string& out) {
    auto it = j.find(name);
    if (it == j.end()) return subject + " is missing";
    if (!it->is_string()) return subject + " must be a string of hex digits";
    const auto& text = it->get_ref<const std::string&>();
    // Size first: nothing past the bound is decoded.
    if (text.size() != 2 * size)
        return subject + " must be " + std::to_string(2 * size) + " hex digits (" + std::to_string(size) + " bytes)";
    out.assign(size, '\0');
    if (!hex_to_bytes(text, reinterpret_cast<std::uint8_t*>(out.data()), size)) return subject + " is not hex";
    return "";
}

std::string bytes_hex(const std::string& bytes) {
    return coop::to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

const TextRule post_rule{"the message", "a post", max_post_bytes, Lines::many, false};

template <typename T>
std::optional<T> fail(std::string* why, std::string reason) {
    if (why) *why = std::move(reason);
    return std::nullopt;
}

}  // namespace

std::string post_text_problem(std::string_view text) { return text_problem(text, post_rule); }

bool is_object_body(std::string_view body) { return parse_object(body).has_value(); }

std::optional<GenesisBody> parse_genesis(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<GenesisBody>(why, "not a JSON object");
    GenesisBody g;
    if (auto problem = text_field(*j, "name", {"the name", "a name", max_name_bytes, Lines::one, true}, true, g.name);
        !problem.empty())
        return fail<GenesisBody>(why, problem);
    const TextRule about{"the about text", "a group's about text", max_about_bytes, Lines::many, false};
    if (auto problem = text_field(*j, "about", about, false, g.about); !problem.empty())
        return fail<GenesisBody>(why, problem);
    if (auto problem = tag_list(*j, "topics", "topic", "a group", max_topics, g.topics); !problem.empty())
        return fail<GenesisBody>(why, problem);
    std::sort(g.topics.begin(), g.topics.end());
    g.topics.erase(std::unique(g.topics.begin(), g.topics.end()), g.topics.end());
    auto open = j->find("open");
    if (open == j->end() || !open->is_boolean()) return fail<GenesisBody>(why, "open must be true or false");
    g.open = open->get<bool>();
    return g;
}

std::optional<JoinBody> parse_join(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<JoinBody>(why, "not a JSON object");
    JoinBody out;
    if (auto it = j->find("invite"); it != j->end()) {
        out.invite = Invite::from_json(*it, why);
        if (!out.invite) return std::nullopt;
    }
    return out;
}

std::optional<PostBody> parse_post(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<PostBody>(why, "not a JSON object");
    PostBody p;
    if (auto problem = text_field(*j, "text", post_rule, true, p.text); !problem.empty())
        return fail<PostBody>(why, problem);
    return p;
}

std::optional<ShareBody> parse_share(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<ShareBody>(why, "not a JSON object");
    ShareBody s;
    auto magnet = [](const std::string& m) { return m.rfind("magnet:?", 0) == 0 && one_line(m); };
    if (!j->contains("magnet") || !string_field(*j, "magnet", max_magnet_bytes, magnet, s.magnet))
        return fail<ShareBody>(why, "magnet must be a magnet:? link of at most 8192 bytes");
    const TextRule title{"the title", "a title", max_title_bytes, Lines::one, true};
    if (auto problem = text_field(*j, "title", title, true, s.title); !problem.empty())
        return fail<ShareBody>(why, problem);
    if (auto problem = tag_list(*j, "tags", "tag", "an entry", max_tags, s.tags); !problem.empty())
        return fail<ShareBody>(why, problem);
    if (auto size = j->find("size"); size != j->end()) {
        if (!size->is_number_integer() || (size->is_number_unsigned() && size->get<std::uint64_t>() > INT64_MAX) ||
            size->get<std::int64_t>() < 0)
            return fail<ShareBody>(why, "size must be a whole number of bytes");
        s.size = size->get<std::int64_t>();
    }
    auto info_hash = [](const std::string& h) {
        return (h.empty() || h.size() == 40 || h.size() == 64) && is_lower_hex(h);
    };
    if (!string_field(*j, "info_hash", 64, info_hash, s.info_hash))
        return fail<ShareBody>(why, "info_hash must be 40 or 64 lower-case hex digits");
    if (auto media = j->find("media"); media != j->end()) {
        if (!media->is_object() || !within_depth(*media, max_media_depth))
            return fail<ShareBody>(why, "media must be a JSON object nested at most 8 deep");
        s.media = *media;
    }
    return s;
}

std::optional<RetractBody> parse_retract(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<RetractBody>(why, "not a JSON object");
    auto entry = j->find("entry");
    RetractBody r;
    if (entry == j->end() || !entry->is_string() ||
        !hex_to_bytes(entry->get_ref<const std::string&>(), r.entry.data(), r.entry.size()))
        return fail<RetractBody>(why, "entry must be a share's id in hex");
    return r;
}

std::optional<CloseBody> parse_close(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<CloseBody>(why, "not a JSON object");
    auto of = j->find("of");
    CloseBody c;
    if (of == j->end() || !of->is_string() || !hex_to_bytes(of->get_ref<const std::string&>(), c.of.data(), c.of.size()))
        return fail<CloseBody>(why, "of must be a proposal's or a planning's id in hex");
    if (auto round = j->find("round"); round != j->end()) {
        // 20 is body_plan.hpp's max_plan_rounds.
        if (!round->is_number_unsigned() || round->get<std::uint64_t>() < 1 || round->get<std::uint64_t>() > 20)
            return fail<CloseBody>(why, "round must be a whole number from 1 to 20");
        c.round = round->get<std::uint32_t>();
    }
    return c;
}

std::optional<LedgerRecordBody> parse_ledger_record(std::string_view body, std::string* why) {
    using coop::ledger::Record;
    auto j = parse_object(body);
    if (!j) return fail<LedgerRecordBody>(why, "not a JSON object");
    std::optional<Record> records[2];
    const char* const names[2] = {"proposal", "agreement"};
    for (int i = 0; i < 2; ++i) {
        const std::string subject = std::string("the ") + names[i];
        std::string bytes;
        if (auto problem = hex_bytes_field(*j, names[i], subject, coop::ledger::record_size, bytes); !problem.empty())
            return fail<LedgerRecordBody>(why, problem);
        std::string record_why;
        records[i] = Record::decode(bytes, &record_why);
        if (!records[i]) return fail<LedgerRecordBody>(why, subject + " does not decode: " + record_why);
    }
    std::string pair_why;
    auto transfer = coop::ledger::Transfer::pair(*records[0], *records[1], &pair_why);
    if (!transfer) return fail<LedgerRecordBody>(why, pair_why);
    return LedgerRecordBody{std::move(*transfer)};
}

std::optional<CapacityBody> parse_capacity(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<CapacityBody>(why, "not a JSON object");
    auto up = j->find("up");
    if (up == j->end() || !up->is_number_integer() || (!up->is_number_unsigned() && up->get<std::int64_t>() < 0) ||
        up->get<std::uint64_t>() > max_capacity_up)
        return fail<CapacityBody>(why, "up must be a whole number of bytes per second, 0 to 10^12");
    return CapacityBody{up->get<std::uint64_t>()};
}

std::optional<LedgerProofBody> parse_ledger_proof(std::string_view body, std::string* why) {
    using coop::ledger::Proof;
    auto j = parse_object(body);
    if (!j) return fail<LedgerProofBody>(why, "not a JSON object");
    std::string bytes;
    if (auto problem = hex_bytes_field(*j, "proof", "the proof", coop::ledger::proof_size, bytes); !problem.empty())
        return fail<LedgerProofBody>(why, problem);
    std::string proof_why;
    auto proof = Proof::decode(bytes, &proof_why);
    if (!proof) return fail<LedgerProofBody>(why, "the proof does not decode: " + proof_why);
    if (!coop::ledger::verify(*proof, &proof_why))
        return fail<LedgerProofBody>(why, "the proof does not verify: " + proof_why);
    return LedgerProofBody{std::move(*proof)};
}

std::string to_body(const GenesisBody& b) {
    return json{{"name", b.name}, {"about", b.about}, {"topics", b.topics}, {"open", b.open}}.dump();
}

std::string to_body(const JoinBody& b) {
    json j = json::object();
    if (b.invite) j["invite"] = b.invite->to_json();
    return j.dump();
}

std::string to_body(const PostBody& b) { return json{{"text", b.text}}.dump(); }

std::string to_body(const ShareBody& b) {
    return json{{"magnet", b.magnet}, {"title", b.title}, {"tags", b.tags},
                {"size", b.size},     {"info_hash", b.info_hash}, {"media", b.media}}
        .dump();
}

std::string to_body(const RetractBody& b) { return json{{"entry", hex(b.entry)}}.dump(); }

std::string to_body(const CloseBody& b) {
    json j = {{"of", hex(b.of)}};
    if (b.round) j["round"] = *b.round;
    return j.dump();
}

std::string to_body(const LedgerRecordBody& b) {
    return json{{"proposal", bytes_hex(b.transfer.proposal().encode())},
                {"agreement", bytes_hex(b.transfer.agreement().encode())}}
        .dump();
}

std::string to_body(const CapacityBody& b) { return json{{"up", b.up}}.dump(); }

std::string to_body(const LedgerProofBody& b) { return json{{"proof", bytes_hex(b.proof.encode())}}.dump(); }

}  // namespace coop::group
