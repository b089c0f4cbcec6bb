#pragma once
// stream.open / stream.stats / stream.close: a torrent's file made
// playable while it downloads. Opening adds or resumes the download, waits
// for its metadata, picks the file, and reads it through FFmpeg as a player
// would (header, index, first key frame) on a probe thread: that focuses the
// first fetches on what the player needs, tells the bitrate the read-ahead
// is sized from, and times the first frame. The answer is a URL of the
// local stream server.
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <deque>
#include <list>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "core/agent/engine/engine.hpp"
#include "core/agent/rpc_server.hpp"
#include "core/agent/stream.hpp"
#include "core/agent/stream_server.hpp"
#include "core/agent/transfers.hpp"

namespace coop::agent {

class Streams {
public:
    Streams(boost::asio::io_context& io, Engine& engine, Transfers& transfers);
    ~Streams();

    void register_methods(RpcServer& server);
    // Binds the stream server on 127.0.0.1:port (0: any free port). Throws.
    void listen(int port) { server_.listen(port); }
    // Stops serving and waits for the probe threads.
    void close();

private:
    struct Probe {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };

    void open(const std::shared_ptr<Call>& call);
    void when_metadata(const std::shared_ptr<Call>& call, const std::string& id, int attempts_left);
    void start(const std::shared_ptr<Call>& call, const std::string& id);
    void probe(const std::shared_ptr<Stream>& stream, std::shared_ptr<Call> call, bool info_only, std::uint64_t reader);
    void probed(const std::shared_ptr<Stream>& stream, const std::shared_ptr<Call>& call, const media::MediaInfo& info);
    void finished_starting(const std::shared_ptr<Stream>& stream, bool info_only);
    void stats(const std::shared_ptr<Call>& call);
    void close_stream(const std::shared_ptr<Call>& call);
    std::optional<StreamServer::Source> source(const std::string& id, int file) const;
    std::shared_ptr<Stream> latest(const std::string& id, int file) const;

    boost::asio::io_context& io_;
    Engine& engine_;
    Transfers& transfers_;
    StreamServer server_;
    std::deque<std::shared_ptr<Stream>> streams_;  // the latest, newest last
    int next_number_ = 1;
    std::map<std::string, int> starting_;  // torrent id -> streams still starting
    std::list<Probe> probes_;
    std::atomic<bool> closing_{false};
};

// Which file of a torrent to play: `wanted` is an index among the real
// files, a name (path or last part), or empty for the largest playable
// file (else the largest). Throws RpcFailure naming the files there are.
int choose_file(const std::vector<FileEntry>& files, const std::string& wanted);

}  // namespace coop::agent
