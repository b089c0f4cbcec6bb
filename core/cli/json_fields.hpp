#pragma once
// Fields of the agent's answers read without trusting their type: what
// other people wrote reaches us through them, and a field missing or of the
// wrong type reads as empty (0, "", false, []) instead of throwing.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace coop::cli::fields {

inline const nlohmann::json* field(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    const auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

inline std::string str(const nlohmann::json& j, const char* key) {
    const auto* f = field(j, key);
    return f && f->is_string() ? f->get<std::string>() : "";
}

inline std::int64_t num(const nlohmann::json& j, const char* key) {
    const auto* f = field(j, key);
    return f && f->is_number() ? f->get<std::int64_t>() : 0;
}

inline double real(const nlohmann::json& j, const char* key) {
    const auto* f = field(j, key);
    return f && f->is_number() ? f->get<double>() : 0.0;
}

inline bool flag(const nlohmann::json& j, const char* key) {
    const auto* f = field(j, key);
    return f && f->is_boolean() && f->get<bool>();
}

inline const nlohmann::json& array_or_empty(const nlohmann::json& j) {
    static const nlohmann::json empty = nlohmann::json::array();
    return j.is_array() ? j : empty;
}

inline const nlohmann::json& list(const nlohmann::json& j, const char* key) {
    static const nlohmann::json none;
    const auto* f = field(j, key);
    return array_or_empty(f ? *f : none);
}

inline const nlohmann::json& object(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::object();
    const auto* f = field(j, key);
    return f && f->is_object() ? *f : empty;
}

}  // namespace coop::cli::fields
