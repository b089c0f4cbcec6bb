#pragma once
// Aligned columns for listings meant for people (scripts use --json).
#include <ostream>
#include <string>
#include <vector>

namespace coop::cli {

class Table {
public:
    // A header ending in '>' is right-aligned (numbers); the '>' is dropped.
    explicit Table(std::vector<std::string> headers);
    void add(std::vector<std::string> row);
    bool empty() const { return rows_.empty(); }
    void print(std::ostream& out) const;

private:
    std::vector<std::string> headers_;
    std::vector<bool> right_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace coop::cli
