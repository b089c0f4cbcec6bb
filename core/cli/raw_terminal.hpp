#pragma once
// A terminal in raw mode for as long as this object lives: keys arrive one
// by one and unechoed, Ctrl-C and Ctrl-Z arrive as bytes instead of
// signals, and output still turns "\n" into a new line. The terminal is
// put back as it was however the scope is left.
#include <termios.h>

namespace coop::cli {

class RawTerminal {
public:
    // Throws std::runtime_error when `fd` is not a terminal.
    explicit RawTerminal(int fd);
    ~RawTerminal();
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

    // Columns of the terminal, 80 when it does not say.
    int width() const;

private:
    int fd_;
    termios saved_{};
};

}  // namespace coop::cli
