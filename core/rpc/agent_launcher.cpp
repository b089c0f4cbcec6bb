#include "core/rpc/agent_launcher.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace coop::rpc {
namespace {
constexpr int ready_fd = 3;
constexpr auto start_deadline = std::chrono::seconds(30);
}  // namespace

std::string agent_program() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto beside = self.parent_path() / "coopd";
        if (::access(beside.c_str(), X_OK) == 0) return beside.string();
    }
    return "coopd";
}

bool wait_for_agent_exit(const Home& home, std::chrono::milliseconds deadline) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    for (;;) {
        const int fd = ::open(home.lock().c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return true;  // no lock file: no agent ever ran here
        const bool free = ::flock(fd, LOCK_SH | LOCK_NB) == 0;
        ::close(fd);
        if (free) return true;
        if (std::chrono::steady_clock::now() > end) return false;
        ::usleep(50 * 1000);
    }
}

void start_agent(const Home& home, const std::vector<std::string>& args) {
    home.ensure();
    const std::string program = agent_program();
    std::vector<std::string> argv_s{program, "--ready-fd", std::to_string(ready_fd)};
    argv_s.insert(argv_s.end(), args.begin(), args.end());

    // With stdin, stdout or stderr closed, the pipe could land on fd 3 and
    // lose its meaning in the child: fill 0-2 first.
    for (;;) {
        const int fd = ::open("/dev/null", O_RDWR);
        if (fd < 0) break;
        if (fd > 2) {
            ::close(fd);
            break;
        }
    }
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));

    const pid_t child = ::fork();
    if (child < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (child == 0) {
        // Double fork: the agent is re-parented to init and never a zombie
        // of this command.
        if (::fork() != 0) ::_exit(0);
        ::setsid();
        int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        int log = ::open(home.log().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(log >= 0 ? log : null, 2);
        ::dup2(pipefd[1], ready_fd);  // dup2 clears close-on-exec on the copy
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::setenv("COOP_HOME", home.root().c_str(), 1);
        ::execvp(argv[0], argv.data());
        const std::string msg = "error: cannot run " + program + ": " + std::strerror(errno) + "\n";
        (void)!::write(ready_fd, msg.data(), msg.size());
        ::_exit(127);
    }
    ::close(pipefd[1]);
    int status = 0;
    ::waitpid(child, &status, 0);

    std::string reply;
    const auto deadline = std::chrono::steady_clock::now() + start_deadline;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::close(pipefd[0]);
            throw std::runtime_error("the agent did not become ready within 30 s; see " + home.log().string());
        }
        pollfd p{pipefd[0], POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char buf[1024];
        const ssize_t n = ::read(pipefd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
        if (reply.find('\n') != std::string::npos) break;
    }
    ::close(pipefd[0]);
    if (reply.rfind("ok", 0) == 0) return;
    if (reply.rfind("error: ", 0) == 0) {
        std::string why = reply.substr(7);
        while (!why.empty() && why.back() == '\n') why.pop_back();
        throw std::runtime_error(why);
    }
    throw std::runtime_error("the agent exited while starting; see " + home.log().string());
}

}  // namespace coop::rpc
