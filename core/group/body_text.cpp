#include "core/group/body_text.hpp"

namespace coop::group {

using nlohmann::json;

// The parser is iterative and the strings it returns are valid UTF-8.
std::optional<json> parse_object(std::string_view body) {
    json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

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

}  // namespace coop::group
