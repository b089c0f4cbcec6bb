#include "core/cli/table.hpp"

#include <algorithm>

namespace coop::cli {

namespace {
// Columns on screen: UTF-8 continuation bytes take none.
std::size_t columns(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xc0) != 0x80;
    return n;
}
}  // namespace

Table::Table(std::vector<std::string> headers) {
    for (auto& h : headers) {
        const bool right = !h.empty() && h.back() == '>';
        if (right) h.pop_back();
        right_.push_back(right);
        headers_.push_back(h);
    }
}

void Table::add(std::vector<std::string> row) {
    row.resize(headers_.size());
    rows_.push_back(std::move(row));
}

void Table::print(std::ostream& out) const {
    std::vector<std::size_t> width(headers_.size());
    for (std::size_t c = 0; c < headers_.size(); ++c) {
        width[c] = columns(headers_[c]);
        for (const auto& r : rows_) width[c] = std::max(width[c], columns(r[c]));
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string s;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string pad(width[c] - columns(cells[c]), ' ');
            const bool last = c + 1 == cells.size();
            s += right_[c] ? pad + cells[c] : cells[c] + (last ? "" : pad);
            if (!last) s += "  ";
        }
        while (!s.empty() && s.back() == ' ') s.pop_back();
        out << s << '\n';
    };
    line(headers_);
    for (const auto& r : rows_) line(r);
}

}  // namespace coop::cli
