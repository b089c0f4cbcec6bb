#include "core/cli/line_editor.hpp"

#include <algorithm>

namespace coop::cli {

namespace {

constexpr char esc = '\x1b';

bool continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Bytes of the UTF-8 character that starts with `lead`; 0 if none starts so.
std::size_t utf8_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xc2 && lead <= 0xdf) return 2;
    if (lead >= 0xe0 && lead <= 0xef) return 3;
    if (lead >= 0xf0 && lead <= 0xf4) return 4;
    return 0;
}

char32_t decode(std::string_view s, std::size_t at, std::size_t length) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[at + i]); };
    switch (length) {
        case 1: return byte(0);
        case 2: return (char32_t(byte(0) & 0x1f) << 6) | (byte(1) & 0x3f);
        case 3: return (char32_t(byte(0) & 0x0f) << 12) | (char32_t(byte(1) & 0x3f) << 6) | (byte(2) & 0x3f);
        default:
            return (char32_t(byte(0) & 0x07) << 18) | (char32_t(byte(1) & 0x3f) << 12) | (char32_t(byte(2) & 0x3f) << 6) |
                   (byte(3) & 0x3f);
    }
}

int char_width(char32_t c) {
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || (c >= 0xfe00 && c <= 0xfe0f)) return 0;
    const bool wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
                      (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) ||
                      (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
                      (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd);
    return wide ? 2 : 1;
}

// Width of the character at `at` (which starts one) and its length in bytes.
std::pair<int, std::size_t> char_at(std::string_view s, std::size_t at) {
    std::size_t length = utf8_length(static_cast<unsigned char>(s[at]));
    if (length == 0 || at + length > s.size()) return {1, 1};
    return {char_width(decode(s, at, length)), length};
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; }

}  // namespace

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t at = 0; at < text.size();) {
        const auto [w, length] = char_at(text, at);
        width += static_cast<std::size_t>(w);
        at += length;
    }
    return width;
}

LineEditor::LineEditor(std::string prompt, std::size_t max_bytes, std::size_t max_history)
    : prompt_(std::move(prompt)), max_bytes_(max_bytes), max_history_(max_history) {}

void LineEditor::set_width(int columns) { width_ = std::max(columns, 2); }
void LineEditor::set_prompt(std::string prompt) { prompt_ = std::move(prompt); }

EditorStep LineEditor::feed(std::string_view bytes) {
    EditorStep step;
    std::string in = pending_ + std::string(bytes);
    pending_.clear();
    std::size_t at = 0;
    std::string run;  // printable text, inserted in one go
    auto flush_run = [&] {
        if (!run.empty()) insert(run, step);
        run.clear();
    };
    while (at < in.size()) {
        const unsigned char c = static_cast<unsigned char>(in[at]);
        if (c == esc) {
            // ESC [ params final, ESC O x, or ESC x (Alt-x); wait for the rest.
            if (at + 1 >= in.size()) {
                pending_ = in.substr(at);
                break;
            }
            if (static_cast<unsigned char>(in[at + 1]) < 0x20 && in[at + 1] != '\x08') {
                ++at;  // a lone Escape before a control key: the key counts, not Alt
                continue;
            }
            std::size_t end = at + 2;
            if (in[at + 1] == '[') {
                while (end < in.size() && static_cast<unsigned char>(in[end]) >= 0x20 &&
                       static_cast<unsigned char>(in[end]) <= 0x3f)
                    ++end;
                if (end >= in.size()) {
                    if (in.size() - at < 32) pending_ = in.substr(at);  // longer: garbage, dropped
                    break;
                }
                ++end;  // the final byte
            } else if (in[at + 1] == 'O') {
                if (at + 2 >= in.size()) {
                    pending_ = in.substr(at);
                    break;
                }
                end = at + 3;
            }
            flush_run();
            handle_key(std::string_view(in).substr(at, end - at), step);
            at = end;
        } else if (c < 0x20 || c == 0x7f) {
            flush_run();
            handle_key(std::string_view(in).substr(at, 1), step);
            ++at;
        } else {
            const std::size_t length = utf8_length(c);
            if (length == 0) {  // a stray continuation or invalid lead byte
                ++at;
                continue;
            }
            if (at + length > in.size()) {
                bool whole_so_far = true;
                for (std::size_t i = at + 1; i < in.size(); ++i) whole_so_far &= continuation(static_cast<unsigned char>(in[i]));
                if (whole_so_far) pending_ = in.substr(at);
                break;
            }
            bool valid = true;
            for (std::size_t i = 1; i < length; ++i) valid &= continuation(static_cast<unsigned char>(in[at + i]));
            if (!valid) {
                ++at;
                continue;
            }
            run.append(in, at, length);
            at += length;
        }
    }
    flush_run();
    step.output += render();
    return step;
}

void LineEditor::insert(std::string_view text, EditorStep& step) {
    if (buffer_.size() + text.size() > max_bytes_) {
        step.output += '\a';
        // Keep what fits, whole characters only.
        std::size_t room = max_bytes_ > buffer_.size() ? max_bytes_ - buffer_.size() : 0;
        while (room > 0 && room < text.size() && continuation(static_cast<unsigned char>(text[room]))) --room;
        text = text.substr(0, std::min(room, text.size()));
    }
    buffer_.insert(cursor_, text);
    cursor_ += text.size();
}

void LineEditor::handle_key(std::string_view key, EditorStep& step) {
    auto erase_range = [&](std::size_t from, std::size_t to) {
        buffer_.erase(from, to - from);
        cursor_ = from;
    };
    if (key.size() == 1) {
        switch (key[0]) {
            case '\r':
            case '\n': submit(step); return;
            case '\x03': step.inputs.push_back({EditorInput::Kind::interrupt, ""}); return;
            case '\x04':
                if (buffer_.empty()) step.inputs.push_back({EditorInput::Kind::end_of_input, ""});
                else if (cursor_ < buffer_.size()) erase_range(cursor_, next_char(cursor_));
                return;
            case '\x01': cursor_ = 0; return;
            case '\x05': cursor_ = buffer_.size(); return;
            case '\x02': cursor_ = previous_char(cursor_); return;
            case '\x06': cursor_ = next_char(cursor_); return;
            case '\x08':
            case '\x7f':
                if (cursor_ > 0) erase_range(previous_char(cursor_), cursor_);
                return;
            case '\x0b': buffer_.erase(cursor_); return;
            case '\x15': erase_range(0, cursor_); return;
            case '\x17': erase_range(word_start(cursor_), cursor_); return;
            case '\x0c': step.output += "\x1b[H\x1b[2J"; return;
            case '\x10': recall(-1, step); return;
            case '\x0e': recall(+1, step); return;
            default: return;  // other control keys do nothing
        }
    }
    // ESC x: Alt-x.
    if (key.size() == 2) {
        switch (key[1]) {
            case 'b': cursor_ = word_start(cursor_); return;
            case 'f': cursor_ = word_end(cursor_); return;
            case 'd': buffer_.erase(cursor_, word_end(cursor_) - cursor_); return;
            case '\x7f':
            case '\x08': erase_range(word_start(cursor_), cursor_); return;
            default: return;
        }
    }
    const std::string_view params = key.substr(2, key.size() - 3);
    const char final = key.back();
    const bool by_word = params.find('5') != std::string_view::npos || params.find('3') != std::string_view::npos;
    if (final == '~') {
        if (params == "1" || params == "7") cursor_ = 0;
        else if (params == "4" || params == "8") cursor_ = buffer_.size();
        else if (params == "3" && cursor_ < buffer_.size()) erase_range(cursor_, next_char(cursor_));
        return;
    }
    switch (final) {
        case 'A': recall(-1, step); return;
        case 'B': recall(+1, step); return;
        case 'C': cursor_ = by_word ? word_end(cursor_) : next_char(cursor_); return;
        case 'D': cursor_ = by_word ? word_start(cursor_) : previous_char(cursor_); return;
        case 'H': cursor_ = 0; return;
        case 'F': cursor_ = buffer_.size(); return;
        default: return;
    }
}

void LineEditor::submit(EditorStep& step) {
    if (!blank(buffer_)) {
        step.inputs.push_back({EditorInput::Kind::line, buffer_});
        if (history_.empty() || history_.back() != buffer_) history_.push_back(buffer_);
        if (history_.size() > max_history_) history_.erase(history_.begin());
    }
    buffer_.clear();
    cursor_ = 0;
    draft_.clear();
    history_at_ = history_.size();
}

void LineEditor::recall(int direction, EditorStep&) {
    if (direction < 0) {
        if (history_at_ == 0) return;
        if (history_at_ == history_.size()) draft_ = buffer_;
        buffer_ = history_[--history_at_];
    } else {
        if (history_at_ >= history_.size()) return;
        ++history_at_;
        buffer_ = history_at_ == history_.size() ? draft_ : history_[history_at_];
    }
    cursor_ = buffer_.size();
}

std::size_t LineEditor::previous_char(std::size_t at) const {
    if (at == 0) return 0;
    --at;
    while (at > 0 && continuation(static_cast<unsigned char>(buffer_[at]))) --at;
    return at;
}

std::size_t LineEditor::next_char(std::size_t at) const {
    if (at >= buffer_.size()) return buffer_.size();
    ++at;
    while (at < buffer_.size() && continuation(static_cast<unsigned char>(buffer_[at]))) ++at;
    return at;
}

std::size_t LineEditor::word_start(std::size_t at) const {
    while (at > 0 && buffer_[at - 1] == ' ') --at;
    while (at > 0 && buffer_[at - 1] != ' ') --at;
    return at;
}

std::size_t LineEditor::word_end(std::size_t at) const {
    while (at < buffer_.size() && buffer_[at] == ' ') ++at;
    while (at < buffer_.size() && buffer_[at] != ' ') ++at;
    return at;
}

std::string LineEditor::render() const {
    // The text scrolls sideways so the cursor stays in view; the last column
    // stays free so the terminal never wraps.
    // On a terminal too narrow for the prompt and some text, a short one.
    const std::size_t width = static_cast<std::size_t>(width_);
    const std::string prompt = display_width(prompt_) + 8 <= width ? prompt_ : width >= 6 ? "> " : "";
    const std::size_t room = width - display_width(prompt) - 1;
    const std::size_t cursor_col = display_width(std::string_view(buffer_).substr(0, cursor_));
    const std::size_t first_col = cursor_col < room ? 0 : cursor_col - room + 1;

    std::size_t at = 0, col = 0;
    while (at < buffer_.size() && col < first_col) {
        const auto [w, length] = char_at(buffer_, at);
        col += static_cast<std::size_t>(w);
        at += length;
    }
    const std::size_t start_col = col;
    std::string visible;
    std::size_t visible_width = 0;
    while (at < buffer_.size()) {
        const auto [w, length] = char_at(buffer_, at);
        if (visible_width + static_cast<std::size_t>(w) > room) break;
        visible.append(buffer_, at, length);
        visible_width += static_cast<std::size_t>(w);
        at += length;
    }
    std::string out = "\r" + prompt + visible + "\x1b[K";
    const std::size_t back = visible_width - std::min(visible_width, cursor_col - start_col);
    if (back > 0) out += "\x1b[" + std::to_string(back) + "D";
    return out;
}

std::string LineEditor::print_above(std::string_view text) const {
    std::string out = "\r\x1b[K";
    out += text;
    if (text.empty() || text.back() != '\n') out += '\n';
    return out + render();
}

std::string LineEditor::erase() const { return "\r\x1b[K"; }

}  // namespace coop::cli
