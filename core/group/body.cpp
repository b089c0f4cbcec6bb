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

// Names, titles and tags end up in terminals: no control characters.
bool one_line(const std::string& s) {
    return std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// Chat and descriptions may break lines and indent, nothing else.
bool plain_text(const std::string& s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
    });
}

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

// An optional array of 1..max_tag_bytes one-line strings, at most `max` of them.
bool tag_list(const json& j, const char* name, std::size_t max, std::vector<std::string>& out) {
    auto it = j.find(name);
    if (it == j.end()) return true;
    if (!it->is_array() || it->size() > max) return false;
    for (const auto& t : *it) {
        if (!t.is_string()) return false;
        const auto& s = t.get_ref<const std::string&>();
        if (s.empty() || s.size() > max_tag_bytes || !one_line(s)) return false;
        out.push_back(s);
    }
    return true;
}

template <typename T>
std::optional<T> fail(std::string* why, const char* reason) {
    if (why) *why = reason;
    return std::nullopt;
}

}  // namespace

bool is_object_body(std::string_view body) { return parse_object(body).has_value(); }

std::optional<GenesisBody> parse_genesis(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<GenesisBody>(why, "not a JSON object");
    GenesisBody g;
    if (!j->contains("name") || !string_field(*j, "name", max_name_bytes, one_line, g.name) || g.name.empty())
        return fail<GenesisBody>(why, "name must be 1 to 100 bytes on one line");
    if (!string_field(*j, "about", max_about_bytes, plain_text, g.about))
        return fail<GenesisBody>(why, "about must be text of at most 2000 bytes");
    if (!tag_list(*j, "topics", max_topics, g.topics))
        return fail<GenesisBody>(why, "topics must be at most 16 strings of 1 to 40 bytes");
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
    if (!j->contains("text") || !string_field(*j, "text", max_post_bytes, plain_text, p.text))
        return fail<PostBody>(why, "text must be text of at most 4096 bytes");
    return p;
}

std::optional<ShareBody> parse_share(std::string_view body, std::string* why) {
    auto j = parse_object(body);
    if (!j) return fail<ShareBody>(why, "not a JSON object");
    ShareBody s;
    auto magnet = [](const std::string& m) { return m.rfind("magnet:?", 0) == 0 && one_line(m); };
    if (!j->contains("magnet") || !string_field(*j, "magnet", max_magnet_bytes, magnet, s.magnet))
        return fail<ShareBody>(why, "magnet must be a magnet:? link of at most 8192 bytes");
    if (!j->contains("title") || !string_field(*j, "title", max_title_bytes, one_line, s.title) || s.title.empty())
        return fail<ShareBody>(why, "title must be 1 to 300 bytes on one line");
    if (!tag_list(*j, "tags", max_tags, s.tags))
        return fail<ShareBody>(why, "tags must be at most 16 strings of 1 to 40 bytes");
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

}  // namespace coop::group
