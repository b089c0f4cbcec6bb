#pragma once
// COOP_HOME: the folder that holds one agent's identity, database, socket,
// logs and default downloads. Several agents run side by side by giving each
// its own COOP_HOME.
#include <filesystem>

namespace coop {

class Home {
public:
    // COOP_HOME, else $XDG_DATA_HOME/coop, else ~/.local/share/coop.
    static Home resolve();
    explicit Home(std::filesystem::path root) : root_(std::move(root)) {}

    // Creates the folder (mode 0700) if it is missing.
    void ensure() const;

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path socket() const { return root_ / "agent.sock"; }
    std::filesystem::path database() const { return root_ / "coop.db"; }
    std::filesystem::path lock() const { return root_ / "agent.lock"; }
    std::filesystem::path log() const { return root_ / "coopd.log"; }
    std::filesystem::path downloads() const { return root_ / "downloads"; }

private:
    std::filesystem::path root_;
};

}  // namespace coop
