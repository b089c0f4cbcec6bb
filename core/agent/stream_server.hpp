#pragma once
// The agent's local HTTP server for streaming (Boost.Beast): serves the
// bytes of a file in a torrent with Range support on 127.0.0.1, to a
// player or `coop stream -o -`. Requests for bytes not here yet wait for
// their pieces, fetched first by deadline; nothing short or wrong is sent.
// An unguessable token in every path keeps other local users out.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/agent/engine/engine.hpp"
#include "core/agent/stream.hpp"

namespace coop::agent {

class StreamServer {
public:
    struct Source {
        std::string id;
        int file = 0;
        std::string name;
        std::int64_t size = 0;
        std::shared_ptr<Stream> stream;  // the latest opened for it; null if none
    };
    // Finds what /TOKEN/ID/FILE names, if it can be streamed.
    using Resolver = std::function<std::optional<Source>(const std::string& id, int file)>;

    StreamServer(boost::asio::io_context& io, Engine& engine, Resolver resolver);
    ~StreamServer();

    // Binds 127.0.0.1:port (0: a free one). Throws a one-line reason.
    void listen(int port);
    void close();
    std::string url(const std::string& id, int file) const;

private:
    class Session;
    void accept();

    boost::asio::io_context& io_;
    Engine& engine_;
    Resolver resolver_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::string token_;
};

}  // namespace coop::agent
