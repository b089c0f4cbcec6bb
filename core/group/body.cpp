#include "core/group/body.hpp"

#include <algorithm>

#include "core/group/body_text.hpp"

namespace coop::group {
namespace {

using nlohmann::json;

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
    if (auto admission = j->find("admission"); admission != j->end()) {
        auto a = admission->is_string() ? admission_from_name(admission->get_ref<const std::string&>()) : std::nullopt;
        if (!a) return fail<GenesisBody>(why, "admission must be \"invite\" or \"vote\"");
        g.admission = *a;
    }
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
    json j{{"name", b.name}, {"about", b.about}, {"topics", b.topics}, {"open", b.open}};
    // Written only when it is not the default, so older genesis bodies and
    // newer ones of invite groups read the same.
    if (b.admission != Admission::invite) j["admission"] = to_string(b.admission);
    return j.dump();
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
