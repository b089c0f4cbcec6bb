#pragma once
// A minimal HTTP/1.1 GET for the agent's own stream URLs on 127.0.0.1:
// copies the body to a file descriptor as it arrives.
#include <cstdint>
#include <string>

namespace coop::net {

struct GetResult {
    int status = 0;             // HTTP status, 0 when no answer
    std::int64_t copied = 0;    // body bytes written to the fd
    std::int64_t expected = -1; // Content-Length, -1 when absent
    bool output_closed = false; // the reader of the fd went away (EPIPE)
    std::string error;          // non-empty when the transfer broke
};

// url: http://127.0.0.1:PORT/PATH (numeric IPv4 only: it is our own server).
GetResult http_get(const std::string& url, int out_fd);

}  // namespace coop::net
