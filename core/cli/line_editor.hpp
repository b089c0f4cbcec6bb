#pragma once
// A one-line editor for a raw terminal, so a chat can print incoming lines
// above what is being typed. It knows nothing of file descriptors: it turns
// the bytes the keys send into edits and the edits into the bytes that
// redraw the line, which is what its tests feed and read.
//
// Keys: printable text (UTF-8), Left/Right, Home/End, Backspace, Delete,
// Up/Down (history), Ctrl-A/E/B/F/K/U/W/P/N, Alt-B/F, Ctrl-Left/Right,
// Ctrl-L (clear the screen), Enter, Ctrl-C, Ctrl-D (at an empty line).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace coop::cli {

struct EditorInput {
    enum class Kind {
        line,          // Enter on a line that is not blank: `text` holds it
        end_of_input,  // Ctrl-D on an empty line
        interrupt,     // Ctrl-C
    };
    Kind kind;
    std::string text;
};

struct EditorStep {
    std::vector<EditorInput> inputs;  // what the bytes completed, in order
    std::string output;               // bytes for the terminal: redraw, bell, clear
};

class LineEditor {
public:
    explicit LineEditor(std::string prompt, std::size_t max_bytes = 4096, std::size_t max_history = 100);

    // Bytes read from the terminal, in any pieces: an escape sequence or a
    // UTF-8 character split between two calls is put together.
    EditorStep feed(std::string_view bytes);

    void set_width(int columns);  // of the terminal; 80 until told
    void set_prompt(std::string prompt);

    // Draws the prompt and the visible part of the line over the current
    // terminal line and puts the cursor where it is in the text.
    std::string render() const;
    // Shows `text` (one or more lines) above the input line, then redraws it.
    std::string print_above(std::string_view text) const;
    // Clears the input line, for leaving the terminal clean.
    std::string erase() const;

    const std::string& text() const { return buffer_; }
    std::size_t cursor() const { return cursor_; }  // byte offset into text()

private:
    void handle_key(std::string_view key, EditorStep& step);
    void insert(std::string_view text, EditorStep& step);
    void submit(EditorStep& step);
    void recall(int direction, EditorStep& step);
    std::size_t previous_char(std::size_t at) const;
    std::size_t next_char(std::size_t at) const;
    std::size_t word_start(std::size_t at) const;
    std::size_t word_end(std::size_t at) const;

    std::string prompt_;
    std::size_t max_bytes_;
    std::size_t max_history_;
    int width_ = 80;
    std::string buffer_;
    std::size_t cursor_ = 0;
    std::string pending_;  // an incomplete escape sequence or UTF-8 character
    std::vector<std::string> history_;
    std::size_t history_at_ = 0;  // == history_.size(): editing a new line
    std::string draft_;           // the new line while browsing the history
};

// Columns a UTF-8 string takes on a terminal: wide East Asian characters
// and emoji take two, combining marks none.
std::size_t display_width(std::string_view text);

}  // namespace coop::cli
