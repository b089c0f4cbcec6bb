#include "core/cli/raw_terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace coop::cli {

RawTerminal::RawTerminal(int fd) : fd_(fd) {
    if (::tcgetattr(fd, &saved_) != 0) {
        const int err = errno;
        throw std::runtime_error(std::string("not a terminal: ") + std::strerror(err));
    }
    termios raw = saved_;
    raw.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (::tcsetattr(fd, TCSAFLUSH, &raw) != 0) {
        const int err = errno;
        throw std::runtime_error(std::string("cannot set up the terminal: ") + std::strerror(err));
    }
}

RawTerminal::~RawTerminal() {
    ::tcsetattr(fd_, TCSADRAIN, &saved_);
}

int RawTerminal::width() const {
    winsize ws{};
    for (int fd : {1, fd_})
        if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

}  // namespace coop::cli
