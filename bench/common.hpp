#pragma once
// What the benchmark programs share: checks of their command-line numbers and
// the median their reports are made of.
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace coop::bench {

// "PROGRAM: PROBLEM; see PROGRAM --help" on stderr, then exit 2 (usage).
[[noreturn]] inline void usage_error(std::string_view program, const std::string& problem) {
    std::cerr << program << ": " << problem << "; see " << program << " --help\n";
    std::exit(2);
}

// The value of option `name`: a whole number from least to most, else a usage
// error. `value` is null when the option came last, with no value.
inline std::size_t count_arg(std::string_view program, std::string_view name, const char* value, std::size_t least,
                             std::size_t most = 10'000'000) {
    if (!value) usage_error(program, std::string(name) + " needs a number");
    char* end = nullptr;
    const unsigned long long n = std::strtoull(value, &end, 10);
    if (*value == '\0' || *end != '\0' || n < least || n > most)
        usage_error(program, std::string(name) + " wants a whole number from " + std::to_string(least) + " to " +
                                 std::to_string(most));
    return static_cast<std::size_t>(n);
}

inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace coop::bench
