// The chat's line editor (core/cli/line_editor.hpp), driven by the bytes
// keys send and read back through a fake terminal: what a user would see.
#include "core/cli/line_editor.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using coop::cli::EditorInput;
using coop::cli::LineEditor;

// A terminal as far as the editor uses one: lines that scrolled up, the
// line being drawn on, and the cursor's column. Understands text, \r, \n
// (as a new line, like a tty's output processing), ESC[K, ESC[nD, the
// clear screen ESC[H ESC[2J, and the bell.
class FakeTerminal {
public:
    explicit FakeTerminal(int width) : width_(width) {}

    void write(const std::string& bytes) {
        for (std::size_t i = 0; i < bytes.size();) {
            const char c = bytes[i];
            if (c == '\r') {
                col_ = 0;
                ++i;
            } else if (c == '\n') {
                above.push_back(trimmed(line_));
                line_.clear();
                col_ = 0;
                ++i;
            } else if (c == '\a') {
                ++bells;
                ++i;
            } else if (c == '\x1b') {
                std::size_t end = i + 2;
                while (end < bytes.size() && !(bytes[end] >= 0x40 && bytes[end] <= 0x7e)) ++end;
                const std::string params = bytes.substr(i + 2, end - i - 2);
                const char final = bytes[end];
                if (final == 'K') line_.resize(col_);
                else if (final == 'D') col_ -= std::min<std::size_t>(col_, std::stoul(params.empty() ? "1" : params));
                else if (final == 'J') {
                    above.clear();
                    line_.clear();
                    ++clears;
                }
                i = end + 1;
            } else {
                std::size_t length = 1;
                while (i + length < bytes.size() && (static_cast<unsigned char>(bytes[i + length]) & 0xc0) == 0x80) ++length;
                const std::string ch = bytes.substr(i, length);
                const std::size_t cells = coop::cli::display_width(ch);
                if (line_.size() < col_ + cells) line_.resize(col_ + cells, " ");
                line_[col_] = ch;
                for (std::size_t k = 1; k < cells; ++k) line_[col_ + k] = "";
                col_ += cells;
                EXPECT_LE(col_, static_cast<std::size_t>(width_)) << "the editor wrote past the terminal's width";
                i += length;
            }
        }
    }

    std::string line() const { return trimmed(line_); }
    std::size_t cursor() const { return col_; }

    std::vector<std::string> above;
    int bells = 0;
    int clears = 0;

private:
    static std::string trimmed(const std::vector<std::string>& cells) {
        std::string s;
        for (const auto& c : cells) s += c;
        while (!s.empty() && s.back() == ' ') s.pop_back();
        return s;
    }

    int width_;
    std::vector<std::string> line_;  // one string a cell ("" behind a wide character)
    std::size_t col_ = 0;
};

const std::string left = "\x1b[D", right = "\x1b[C", up = "\x1b[A", down = "\x1b[B";
const std::string home = "\x1b[H", end = "\x1b[F", del = "\x1b[3~", backspace = "\x7f";

struct Session {
    explicit Session(int width = 80, std::size_t max_bytes = 4096) : editor("> ", max_bytes), terminal(width) {
        editor.set_width(width);
        terminal.write(editor.render());
    }

    std::vector<EditorInput> type(const std::string& bytes) {
        auto step = editor.feed(bytes);
        terminal.write(step.output);
        return step.inputs;
    }

    LineEditor editor;
    FakeTerminal terminal;
};

TEST(LineEditor, TypingShowsTheTextAfterThePrompt) {
    Session s;
    EXPECT_EQ(s.terminal.line(), ">");
    EXPECT_TRUE(s.type("hello").empty());
    EXPECT_EQ(s.terminal.line(), "> hello");
    EXPECT_EQ(s.terminal.cursor(), 7u);
    EXPECT_EQ(s.editor.text(), "hello");
}

TEST(LineEditor, EnterHandsOverTheLineAndClearsIt) {
    Session s;
    const auto inputs = s.type("hi there\r");
    ASSERT_EQ(inputs.size(), 1u);
    EXPECT_EQ(inputs[0].kind, EditorInput::Kind::line);
    EXPECT_EQ(inputs[0].text, "hi there");
    EXPECT_EQ(s.terminal.line(), ">");
    EXPECT_EQ(s.terminal.cursor(), 2u);
}

TEST(LineEditor, BlankLinesAreNotHandedOverAndCrLfIsOneEnter) {
    Session s;
    EXPECT_TRUE(s.type("\r").empty());
    EXPECT_TRUE(s.type("   \r").empty());
    const auto inputs = s.type("one\r\ntwo\n");
    ASSERT_EQ(inputs.size(), 2u);
    EXPECT_EQ(inputs[0].text, "one");
    EXPECT_EQ(inputs[1].text, "two");
}

TEST(LineEditor, CursorKeysMoveAndTextGoesInWhereTheCursorIs) {
    Session s;
    s.type("helo" + left + "l");
    EXPECT_EQ(s.terminal.line(), "> hello");
    EXPECT_EQ(s.terminal.cursor(), 6u);  // before the last o
    s.type(home + "oh, " + end + "!");
    EXPECT_EQ(s.terminal.line(), "> oh, hello!");
    EXPECT_EQ(s.terminal.cursor(), 12u);
    s.type(left + left + right);
    EXPECT_EQ(s.terminal.cursor(), 11u);
    s.type("\x01");  // Ctrl-A
    EXPECT_EQ(s.terminal.cursor(), 2u);
    s.type("\x05");  // Ctrl-E
    EXPECT_EQ(s.terminal.cursor(), 12u);
}

TEST(LineEditor, OtherSpellingsOfHomeAndEndWork) {
    Session s;
    s.type("abc");
    for (const std::string key : {"\x1b[1~", "\x1b[7~", "\x1bOH"}) {
        s.type(end + key);
        EXPECT_EQ(s.editor.cursor(), 0u) << key.substr(1);
    }
    for (const std::string key : {"\x1b[4~", "\x1b[8~", "\x1bOF"}) {
        s.type(home + key);
        EXPECT_EQ(s.editor.cursor(), 3u) << key.substr(1);
    }
}

TEST(LineEditor, BackspaceAndDeleteRemoveOneCharacter) {
    Session s;
    s.type("abcd" + backspace);
    EXPECT_EQ(s.terminal.line(), "> abc");
    s.type(home + del);
    EXPECT_EQ(s.terminal.line(), "> bc");
    EXPECT_EQ(s.terminal.cursor(), 2u);
    s.type(backspace);  // at the start: nothing
    EXPECT_EQ(s.terminal.line(), "> bc");
    s.type(end + "\x08");  // Ctrl-H
    EXPECT_EQ(s.terminal.line(), "> b");
}

TEST(LineEditor, KillKeysRemoveWordsAndEnds) {
    Session s;
    s.type("one two  three\x17");  // Ctrl-W
    EXPECT_EQ(s.terminal.line(), "> one two");
    s.type("\x1b" "b");  // Alt-B: to the start of "two"
    EXPECT_EQ(s.terminal.cursor(), 6u);
    s.type("\x0b");  // Ctrl-K
    EXPECT_EQ(s.terminal.line(), "> one");
    s.type(left + "\x15");  // Ctrl-U
    EXPECT_EQ(s.editor.text(), " ");
    EXPECT_EQ(s.terminal.cursor(), 2u);
}

TEST(LineEditor, WordMovesWithAltAndCtrlArrows) {
    Session s;
    s.type("alpha beta gamma");
    s.type("\x1b[1;5D");
    EXPECT_EQ(s.editor.cursor(), 11u);
    s.type("\x1b" "b" "\x1b" "b");
    EXPECT_EQ(s.editor.cursor(), 0u);
    s.type("\x1b" "f");
    EXPECT_EQ(s.editor.cursor(), 5u);
    s.type("\x1b[1;5C");
    EXPECT_EQ(s.editor.cursor(), 10u);
    s.type("\x1b" "d");  // Alt-D: the word after
    EXPECT_EQ(s.editor.text(), "alpha beta");
    s.type("\x1b\x7f");  // Alt-Backspace: the word before
    EXPECT_EQ(s.editor.text(), "alpha ");
}

TEST(LineEditor, EscapeSequencesSplitBetweenReadsArePutTogether) {
    Session s;
    s.type("ab");
    s.type("\x1b");
    EXPECT_EQ(s.editor.cursor(), 2u);
    s.type("[");
    s.type("D");
    EXPECT_EQ(s.editor.cursor(), 1u);
    EXPECT_EQ(s.terminal.line(), "> ab");
    s.type("\x1b[3");
    s.type("~");
    EXPECT_EQ(s.editor.text(), "a");
}

TEST(LineEditor, UnknownSequencesAndControlKeysDoNothing) {
    Session s;
    s.type("x\x1b[99~\x1b[5;7Z\x1bOP\x07\x1a\x1c\t");
    EXPECT_EQ(s.editor.text(), "x");
    EXPECT_EQ(s.terminal.line(), "> x");
}

TEST(LineEditor, EscapeBeforeEnterStillSubmits) {
    Session s;
    const auto inputs = s.type("hey\x1b\r");
    ASSERT_EQ(inputs.size(), 1u);
    EXPECT_EQ(inputs[0].text, "hey");
}

TEST(LineEditor, Utf8CharactersSplitBetweenReadsAreWholeAndDeletedWhole) {
    Session s;
    s.type("caf\xc3");
    EXPECT_EQ(s.editor.text(), "caf");
    s.type("\xa9!");
    EXPECT_EQ(s.editor.text(), "caf\xc3\xa9!");
    EXPECT_EQ(s.terminal.line(), "> caf\xc3\xa9!");
    EXPECT_EQ(s.terminal.cursor(), 7u);
    s.type(left + backspace);
    EXPECT_EQ(s.editor.text(), "caf!");
    EXPECT_EQ(s.terminal.cursor(), 5u);
}

TEST(LineEditor, InvalidUtf8IsDropped) {
    Session s;
    s.type("a\xff\x80" "b\xc3(c");
    EXPECT_EQ(s.editor.text(), "ab(c");
}

TEST(LineEditor, WideCharactersTakeTwoColumns) {
    EXPECT_EQ(coop::cli::display_width("\xe6\x97\xa5\xe6\x9c\xac"), 4u);  // 日本
    EXPECT_EQ(coop::cli::display_width("e\xcc\x81"), 1u);                 // e + combining acute
    Session s;
    s.type("\xe6\x97\xa5\xe6\x9c\xac" + left);
    EXPECT_EQ(s.terminal.cursor(), 4u);
}

TEST(LineEditor, HistoryRecallsEarlierLinesAndKeepsTheDraft) {
    Session s;
    s.type("first\rsecond\rsecond\rdraft");
    s.type(up);
    EXPECT_EQ(s.terminal.line(), "> second");
    s.type(up);
    EXPECT_EQ(s.terminal.line(), "> first");  // a line sent twice is kept once
    s.type(up);
    EXPECT_EQ(s.terminal.line(), "> first");
    s.type(down + down);
    EXPECT_EQ(s.terminal.line(), "> draft");
    s.type("\x10");  // Ctrl-P
    const auto inputs = s.type(" again\r");
    ASSERT_EQ(inputs.size(), 1u);
    EXPECT_EQ(inputs[0].text, "second again");
    s.type("\x10\x0e");  // Ctrl-P, Ctrl-N
    EXPECT_EQ(s.editor.text(), "");
}

TEST(LineEditor, HistoryIsBounded) {
    LineEditor editor("> ", 4096, 3);
    for (const char* line : {"a\r", "b\r", "c\r", "d\r"}) editor.feed(line);
    for (int i = 0; i < 5; ++i) editor.feed(up);
    EXPECT_EQ(editor.text(), "b");
}

TEST(LineEditor, CtrlDEndsOnlyAnEmptyLine) {
    Session s;
    s.type("ab" + home);
    EXPECT_TRUE(s.type("\x04").empty());
    EXPECT_EQ(s.editor.text(), "b");
    s.type("\x04");
    const auto inputs = s.type("\x04");
    ASSERT_EQ(inputs.size(), 1u);
    EXPECT_EQ(inputs[0].kind, EditorInput::Kind::end_of_input);
}

TEST(LineEditor, CtrlCInterrupts) {
    Session s;
    const auto inputs = s.type("half a thought\x03");
    ASSERT_EQ(inputs.size(), 1u);
    EXPECT_EQ(inputs[0].kind, EditorInput::Kind::interrupt);
}

TEST(LineEditor, TheLineIsBoundedWithABell) {
    Session s(80, 10);
    s.type("0123456789");
    EXPECT_EQ(s.terminal.bells, 0);
    s.type("abc");
    EXPECT_EQ(s.terminal.bells, 1);
    EXPECT_EQ(s.editor.text(), "0123456789");
    s.type(backspace + backspace + "\xc3\xa9\xc3\xa9");  // room for one é, not half of the second
    EXPECT_EQ(s.editor.text(), "01234567\xc3\xa9");
}

TEST(LineEditor, ALongLineScrollsSoTheCursorStaysInView) {
    Session s(20);
    std::string text;
    for (char c = 'a'; c <= 'z'; ++c) text += c;
    s.type(text);
    EXPECT_EQ(s.terminal.line(), "> klmnopqrstuvwxyz");  // the last column stays free
    EXPECT_EQ(s.terminal.cursor(), 18u);
    s.type(home);
    EXPECT_EQ(s.terminal.line(), "> abcdefghijklmnopq");
    EXPECT_EQ(s.terminal.cursor(), 2u);
    s.type(end + left + left);
    EXPECT_LT(s.terminal.cursor(), 20u);
    EXPECT_EQ(s.editor.cursor(), 24u);
}

TEST(LineEditor, PrintAboveKeepsTheInputLine) {
    Session s;
    s.type("typing" + left);
    s.terminal.write(s.editor.print_above("12:00 <3f2a9c0e> hello"));
    s.terminal.write(s.editor.print_above("two\nlines\n"));
    ASSERT_EQ(s.terminal.above.size(), 3u);
    EXPECT_EQ(s.terminal.above[0], "12:00 <3f2a9c0e> hello");
    EXPECT_EQ(s.terminal.above[1], "two");
    EXPECT_EQ(s.terminal.above[2], "lines");
    EXPECT_EQ(s.terminal.line(), "> typing");
    EXPECT_EQ(s.terminal.cursor(), 7u);
    s.terminal.write(s.editor.erase());
    EXPECT_EQ(s.terminal.line(), "");
}

TEST(LineEditor, CtrlLClearsTheScreenAndRedraws) {
    Session s;
    s.terminal.write(s.editor.print_above("old"));
    s.type("x\x0c");
    EXPECT_EQ(s.terminal.clears, 1);
    EXPECT_TRUE(s.terminal.above.empty());
    EXPECT_EQ(s.terminal.line(), "> x");
}

TEST(LineEditor, ANarrowTerminalStillShowsTheCursor) {
    Session s(6);
    s.editor.set_prompt("group> ");
    s.type("hello");
    EXPECT_LE(s.terminal.cursor(), 6u);
}

}  // namespace
