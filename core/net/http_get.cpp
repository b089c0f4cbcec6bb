#include "core/net/http_get.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace coop::net {

namespace {

constexpr std::size_t max_header_bytes = 16 * 1024;

bool write_all(int fd, const char* p, std::size_t n, bool& closed) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            closed = errno == EPIPE;
            return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

}  // namespace

GetResult http_get(const std::string& url, int out_fd) {
    GetResult r;
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0) {
        r.error = "not an http:// URL: " + url;
        return r;
    }
    const auto host_end = url.find('/', scheme.size());
    const std::string authority = url.substr(scheme.size(), host_end - scheme.size());
    const std::string path = host_end == std::string::npos ? "/" : url.substr(host_end);
    const auto colon = authority.rfind(':');
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(colon == std::string::npos ? 80 : std::atoi(authority.c_str() + colon + 1)));
    if (inet_pton(AF_INET, authority.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
        r.error = "not a numeric address: " + authority;
        return r;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        r.error = std::string("cannot connect to the stream: ") + std::strerror(errno);
        if (fd >= 0) ::close(fd);
        return r;
    }
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n";
    bool ignored = false;
    if (!write_all(fd, request.data(), request.size(), ignored)) {
        r.error = "cannot send the request";
        ::close(fd);
        return r;
    }
    std::string head;
    char buf[65536];
    std::size_t body_at = std::string::npos;
    while (body_at == std::string::npos) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
        body_at = head.find("\r\n\r\n");
        if (body_at == std::string::npos && head.size() > max_header_bytes) break;
    }
    if (body_at == std::string::npos) {
        r.error = "the stream server sent no complete answer";
        ::close(fd);
        return r;
    }
    if (head.rfind("HTTP/1.", 0) == 0 && head.size() > 12) r.status = std::atoi(head.c_str() + 9);
    std::string lower = head.substr(0, body_at);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto at = lower.find("\r\ncontent-length:"); at != std::string::npos) r.expected = std::atoll(lower.c_str() + at + 17);
    std::string body = head.substr(body_at + 4);
    if (!body.empty() && !write_all(out_fd, body.data(), body.size(), r.output_closed)) {
        ::close(fd);
        return r;
    }
    r.copied = static_cast<std::int64_t>(body.size());
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (!write_all(out_fd, buf, static_cast<std::size_t>(n), r.output_closed)) break;
        r.copied += n;
    }
    ::close(fd);
    if (!r.output_closed && r.expected >= 0 && r.copied != r.expected)
        r.error = "the stream broke off after " + std::to_string(r.copied) + " of " + std::to_string(r.expected) + " bytes";
    return r;
}

}  // namespace coop::net
