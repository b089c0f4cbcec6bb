#include "core/agent/stream_server.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <memory>

#include "core/identity.hpp"

namespace coop::agent {

namespace http = boost::beast::http;
using boost::asio::ip::tcp;

namespace {

constexpr std::int64_t chunk_bytes = 256 * 1024;
// Read-ahead: this many seconds of the media ahead of the reader (8 MiB
// when the bitrate is unknown), but never more than the request has
// consumed so far: a player that reads a header and seeks away must not
// leave megabytes of deadlines behind that compete with what it asks next.
constexpr double readahead_seconds = 30;
constexpr std::int64_t min_window_bytes = 2 << 20, max_window_bytes = 64 << 20, unknown_window_bytes = 8 << 20;
constexpr auto piece_wait = std::chrono::seconds(120);  // a stalled swarm: give up, the player retries

std::string content_type(const std::string& name) {
    const auto dot = name.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
    if (ext == "mp4" || ext == "m4v") return "video/mp4";
    if (ext == "mkv") return "video/x-matroska";
    if (ext == "webm") return "video/webm";
    if (ext == "mov") return "video/quicktime";
    if (ext == "ts") return "video/mp2t";
    if (ext == "mp3") return "audio/mpeg";
    if (ext == "ogg" || ext == "opus") return "audio/ogg";
    if (ext == "flac") return "audio/flac";
    return "application/octet-stream";
}

bool number(std::string_view s, std::int64_t& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size() && out >= 0;
}

// "bytes=a-b", "bytes=a-", "bytes=-n" of a file of `size` bytes -> [first, last].
bool parse_range(std::string_view header, std::int64_t size, std::int64_t& first, std::int64_t& last) {
    if (header.substr(0, 6) != "bytes=" || header.find(',') != std::string_view::npos) return false;
    const auto spec = header.substr(6);
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) return false;
    const auto a = spec.substr(0, dash), b = spec.substr(dash + 1);
    if (a.empty()) {
        std::int64_t n = 0;
        if (!number(b, n) || n == 0) return false;
        first = std::max<std::int64_t>(0, size - n);
        last = size - 1;
    } else {
        if (!number(a, first)) return false;
        if (b.empty()) last = size - 1;
        else if (!number(b, last)) return false;
        last = std::min(last, size - 1);
    }
    return first <= last && first < size;
}

}  // namespace

// One client connection: requests one after another (keep-alive), each
// body sent in chunks as the engine delivers them.
class StreamServer::Session : public std::enable_shared_from_this<Session> {
public:
    Session(StreamServer& server, tcp::socket socket)
        : server_(server), socket_(std::move(socket)), timer_(socket_.get_executor()), reader_(server.engine_.new_reader()) {}

    void start() { read_request(); }

private:
    void read_request() {
        parser_.emplace();
        parser_->header_limit(8 * 1024);
        auto self = shared_from_this();
        http::async_read(socket_, buffer_, *parser_, [self](const boost::system::error_code& ec, std::size_t) {
            if (ec) return self->close();
            self->handle(self->parser_->get());
        });
    }

    void handle(const http::request<http::empty_body>& req) {
        keep_alive_ = req.keep_alive();
        if (req.method() != http::verb::get && req.method() != http::verb::head)
            return reply_error(405, "Method Not Allowed");
        // /TOKEN/ID/FILE
        const std::string target(req.target());
        const std::string prefix = "/" + server_.token_ + "/";
        if (target.rfind(prefix, 0) != 0) return reply_error(404, "Not Found");
        const std::string rest = target.substr(prefix.size());
        const auto slash = rest.find('/');
        std::int64_t file = 0;
        if (slash == std::string::npos || !number(std::string_view(rest).substr(slash + 1), file) || file > 1 << 20)
            return reply_error(404, "Not Found");
        const auto source = server_.resolver_(rest.substr(0, slash), static_cast<int>(file));
        if (!source) return reply_error(404, "Not Found");
        source_ = *source;
        if (source_.stream && (!player_ || player_rate_ != source_.stream->byte_rate)) {
            player_rate_ = source_.stream->byte_rate;
            player_.emplace(player_rate_);
        }

        std::int64_t first = 0, last = source_.size - 1;
        const auto range = req.find(http::field::range);
        const bool partial = range != req.end();
        spdlog::debug("stream {} file {}: {} {}", source_.id, source_.file, std::string(req.method_string()),
                      partial ? std::string(range->value()) : std::string("(whole)"));
        if (partial && !parse_range(std::string_view(range->value().data(), range->value().size()), source_.size, first, last)) {
            return write_head("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" + std::to_string(source_.size) +
                                  "\r\nContent-Length: 0\r\n",
                              false);
        }
        std::string head = partial ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n";
        head += "Content-Type: " + content_type(source_.name) + "\r\nAccept-Ranges: bytes\r\nContent-Length: " +
                std::to_string(source_.size == 0 ? 0 : last - first + 1) + "\r\n";
        if (partial) head += "Content-Range: bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                             std::to_string(source_.size) + "\r\n";
        if (source_.stream) source_.stream->stats.request(first != last_end_);
        next_ = first_ = first;
        end_ = source_.size == 0 ? 0 : last + 1;
        write_head(head, req.method() == http::verb::get);
    }

    void reply_error(int status, const std::string& reason) {
        keep_alive_ = false;
        write_head("HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Length: 0\r\n", false);
    }

    void write_head(std::string head, bool with_body) {
        head += keep_alive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
        out_ = std::move(head);
        if (!with_body) end_ = next_;
        auto self = shared_from_this();
        boost::asio::async_write(socket_, boost::asio::buffer(out_), [self, with_body](const boost::system::error_code& ec, std::size_t) {
            if (ec) return self->close();
            if (with_body) self->watch_client();
            self->send_body();
        });
    }

    // A player that seeks closes this connection while its body still waits
    // for pieces: notice at once, so the engine drops what it fetches for it.
    void watch_client() {
        std::weak_ptr<Session> weak = shared_from_this();
        socket_.async_wait(tcp::socket::wait_read, [weak](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (!self || ec || !self->socket_.is_open()) return;
            boost::system::error_code ignored;
            if (self->socket_.available(ignored) != 0) return;  // its next request, read in its turn
            spdlog::debug("stream of {}: the player hung up", self->source_.id);
            self->close();
        });
    }

    // Asks the engine for the next chunk and writes it when it comes.
    void send_body() {
        if (next_ >= end_) {
            if (keep_alive_) return read_request();
            return close();
        }
        const std::int64_t length = std::min(chunk_bytes, end_ - next_);
        std::weak_ptr<Session> weak = shared_from_this();
        timer_.expires_after(piece_wait);
        timer_.async_wait([weak](const boost::system::error_code& ec) {
            if (ec) return;
            if (auto self = weak.lock()) {
                spdlog::warn("stream of {} waited {} s for data; closing", self->source_.id, piece_wait.count());
                self->close();
            }
        });
        // The pending read keeps the session alive until its bytes come (or
        // the torrent goes); the timer only closes the socket.
        const double rate = source_.stream ? source_.stream->byte_rate : 0;
        const std::int64_t window =
            rate > 0 ? std::clamp(static_cast<std::int64_t>(rate * readahead_seconds), min_window_bytes, max_window_bytes)
                     : unknown_window_bytes;
        const double asked = source_.stream ? source_.stream->now() : 0;
        if (source_.stream && player_) source_.stream->stats.waiting(this, player_->stalls_from(next_, asked));
        // Each piece's bytes go out as soon as it is there: a player waits
        // for a piece, never for a whole chunk.
        ReadRequest request{source_.id, source_.file, next_, length, std::min(window, next_ - first_), rate, reader_, true};
        server_.engine_.read(request, [self = shared_from_this(), asked](std::string data, const std::string& error) {
                                 if (!self->socket_.is_open()) return;
                                 self->timer_.cancel();
                                 const auto length = static_cast<std::int64_t>(data.size());
                                 if (!error.empty() || length == 0 || length > self->end_ - self->next_) {
                                     spdlog::warn("stream of {}: {}", self->source_.id, error.empty() ? "short read" : error);
                                     return self->close();  // never send short or wrong data
                                 }
                                 self->arrived(self->next_, length, asked);
                                 self->next_ += length;
                                 self->last_end_ = self->next_;
                                 self->out_ = std::move(data);
                                 boost::asio::async_write(self->socket_, boost::asio::buffer(self->out_),
                                                          [self, length](const boost::system::error_code& ec, std::size_t) {
                                                              if (ec) return self->close();
                                                              if (auto& s = self->source_.stream) s->stats.bytes_sent(length, s->now());
                                                              self->send_body();
                                                          });
                             });
    }

    // The virtual player's view of a chunk that came: did it stall?
    void arrived(std::int64_t offset, std::int64_t length, double asked) {
        if (!source_.stream || !player_) return;
        source_.stream->stats.arrived(this);
        if (source_.stream->closed) return;  // its player has quit: nobody waited
        source_.stream->stats.stall(player_->chunk(offset, length, asked, source_.stream->now()));
    }

    void close() {
        if (!socket_.is_open()) return;
        if (source_.stream) source_.stream->stats.arrived(this);
        boost::system::error_code ignored;
        timer_.cancel();
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        server_.engine_.forget_reader(reader_);  // a player that went elsewhere wants none of it
    }

    StreamServer& server_;
    tcp::socket socket_;
    boost::asio::steady_timer timer_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::empty_body>> parser_;
    Source source_;
    bool keep_alive_ = false;
    std::int64_t first_ = 0, next_ = 0, end_ = 0, last_end_ = 0;
    std::optional<VirtualPlayer> player_;
    double player_rate_ = 0;
    std::uint64_t reader_;  // this connection's read-ahead in the engine
    std::string out_;
};

StreamServer::StreamServer(boost::asio::io_context& io, Engine& engine, Resolver resolver)
    : io_(io), engine_(engine), resolver_(std::move(resolver)), acceptor_(io) {
    std::uint8_t secret[16];
    randombytes_buf(secret, sizeof secret);
    token_ = to_hex(secret, sizeof secret);
}

StreamServer::~StreamServer() { close(); }

void StreamServer::listen(int port) {
    const tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
    if (ec) {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        throw std::runtime_error("cannot serve streams on 127.0.0.1:" + std::to_string(port) + ": " + ec.message() +
                                 "; pick another --stream-port, or 0 for any free port");
    }
    accept();
}

void StreamServer::close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

std::string StreamServer::url(const std::string& id, int file) const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/" + token_ + "/" + id + "/" +
           std::to_string(file);
}

void StreamServer::accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (!ec) std::make_shared<Session>(*this, std::move(socket))->start();
        if (acceptor_.is_open()) accept();
    });
}

}  // namespace coop::agent
