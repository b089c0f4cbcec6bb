#pragma once
// stream.open: a torrent's file made playable while it downloads. Adds or
// resumes the download, waits for its metadata, picks the file to play and
// answers with a URL of the local stream server.
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>

#include "core/agent/engine/engine.hpp"
#include "core/agent/rpc_server.hpp"
#include "core/agent/stream_server.hpp"
#include "core/agent/transfers.hpp"

namespace coop::agent {

class Streams {
public:
    Streams(boost::asio::io_context& io, Engine& engine, Transfers& transfers);

    void register_methods(RpcServer& server);
    void listen() { server_.listen(); }
    void close() { server_.close(); }

private:
    void open(const std::shared_ptr<Call>& call);
    void when_metadata(const std::shared_ptr<Call>& call, const std::string& id, int attempts_left);
    void answer(const std::shared_ptr<Call>& call, const std::string& id);
    std::optional<StreamServer::Source> source(const std::string& id, int file) const;

    boost::asio::io_context& io_;
    Engine& engine_;
    Transfers& transfers_;
    StreamServer server_;
};

// Which file of a torrent to play: `wanted` is an index among the real
// files, a name (path or last part), or empty for the largest playable
// file (else the largest). Throws RpcFailure naming the files there are.
int choose_file(const std::vector<FileEntry>& files, const std::string& wanted);

}  // namespace coop::agent
