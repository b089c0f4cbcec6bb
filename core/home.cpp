#include "core/home.hpp"

#include <cstdlib>
#include <stdexcept>
#include <sys/stat.h>

namespace coop {

Home Home::resolve() {
    if (const char* home = std::getenv("COOP_HOME"); home && *home)
        return Home(std::filesystem::absolute(home));
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return Home(std::filesystem::path(xdg) / "coop");
    if (const char* user = std::getenv("HOME"); user && *user)
        return Home(std::filesystem::path(user) / ".local" / "share" / "coop");
    throw std::runtime_error("neither COOP_HOME nor HOME is set; set COOP_HOME to a folder for coop's data");
}

void Home::ensure() const {
    std::error_code ec;
    std::filesystem::create_directories(root_, ec);
    if (ec)
        throw std::runtime_error("cannot create " + root_.string() + ": " + ec.message() +
                                 "; set COOP_HOME to a writable folder");
    ::chmod(root_.c_str(), 0700);
}

}  // namespace coop
