#pragma once
// The rules the bodies' parsers (body.cpp, body_vote.cpp, ...) share for
// JSON objects and the text fields in them: one place says what a valid
// name, title or message is and how its problem is told.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace coop::group {

// A body as a JSON object, or nullopt. The parser is iterative and the
// strings it returns are valid UTF-8.
std::optional<nlohmann::json> parse_object(std::string_view body);

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
std::size_t invalid_utf8_at(std::string_view s);
// The first control character `lines` does not allow, or npos.
std::size_t control_at(std::string_view s, Lines lines);
// `c` as `digits` upper-case hex digits.
std::string byte_hex(unsigned char c, int digits);

// What is wrong with `s` under `rule`, in one line; "" if nothing is.
std::string text_problem(std::string_view s, const TextRule& rule);

// Reads a text field into `out` by `rule`: "" if it is fine (or absent and
// not `required`), else why not.
std::string text_field(const nlohmann::json& j, const char* name, const TextRule& rule, bool required,
                       std::string& out);

// Sets `why` (when given) and returns nullopt: a parser's way out.
template <typename T>
inline std::optional<T> fail(std::string* why, std::string reason) {
    if (why) *why = std::move(reason);
    return std::nullopt;
}


}  // namespace coop::group
