#include "core/agent/streams.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <future>

#include "core/media/media_names.hpp"
#include "core/media/stream_probe.hpp"

namespace coop::agent {

namespace {

constexpr auto metadata_poll = std::chrono::milliseconds(100);
constexpr int metadata_attempts = 1200;  // 2 minutes for a magnet's metadata
constexpr auto probe_read_wait = std::chrono::seconds(60);
constexpr std::int64_t probe_readahead_max = 4 << 20;
constexpr std::size_t streams_kept = 32;

}  // namespace

int choose_file(const std::vector<FileEntry>& files, const std::string& wanted) {
    std::vector<const FileEntry*> real;
    for (const auto& f : files)
        if (!f.pad) real.push_back(&f);
    if (real.empty()) throw RpcFailure(rpc::not_found, "the torrent has no files");
    if (wanted.empty()) {
        const FileEntry* best = nullptr;
        for (const auto* f : real)
            if (media::is_media_name(f->path) && (!best || f->size > best->size)) best = f;
        if (!best)
            for (const auto* f : real)
                if (!best || f->size > best->size) best = f;
        return best->index;
    }
    if (std::all_of(wanted.begin(), wanted.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        const auto n = std::stoul(wanted.substr(0, 9));
        if (n < real.size()) return real[n]->index;
    } else {
        for (const auto* f : real)
            if (f->path == wanted || std::filesystem::path(f->path).filename() == wanted) return f->index;
    }
    std::string list;
    for (std::size_t i = 0; i < real.size() && i < 20; ++i) list += (i ? ", " : "") + std::to_string(i) + ": " + real[i]->path;
    if (real.size() > 20) list += ", ...";
    throw RpcFailure(rpc::not_found, "no file '" + wanted + "' in the torrent; pick one of " + list);
}

Streams::Streams(boost::asio::io_context& io, Engine& engine, Transfers& transfers)
    : io_(io), engine_(engine), transfers_(transfers),
      server_(io, engine, [this](const std::string& id, int file) { return source(id, file); }) {}

Streams::~Streams() { close(); }

void Streams::register_methods(RpcServer& server) {
    server.handle("stream.open", [this](auto& c) { open(c); });
    server.handle("stream.stats", [this](auto& c) { stats(c); });
    server.handle("stream.close", [this](auto& c) { close_stream(c); });
}

void Streams::close() {
    closing_ = true;
    server_.close();
    for (auto& p : probes_)
        if (p.thread.joinable()) p.thread.join();
    probes_.clear();
}

nlohmann::json Stream::to_json() const {
    nlohmann::json j = {{"stream", number},
                        {"id", id},
                        {"file", file},
                        {"file_name", name},
                        {"size", size},
                        {"opened_at", opened_unix},
                        {"bitrate", std::llround(byte_rate * 8)},
                        {"start", start_seconds},
                        {"start_offset", start_offset},
                        {"closed", closed}};
    j.update(stats.to_json(now()));
    if (closed) j["stalled_now"] = false;
    return j;
}

std::shared_ptr<Stream> Streams::latest(const std::string& id, int file) const {
    for (auto it = streams_.rbegin(); it != streams_.rend(); ++it)
        if ((*it)->id == id && (*it)->file == file) return *it;
    return nullptr;
}

std::optional<StreamServer::Source> Streams::source(const std::string& id, int file) const {
    for (const auto& f : engine_.files(id))
        if (f.index == file && !f.pad)
            return StreamServer::Source{id, file, std::filesystem::path(f.path).filename().string(), f.size, latest(id, file)};
    return std::nullopt;
}

void Streams::open(const std::shared_ptr<Call>& call) {
    const auto& params = call->params();
    if (params.contains("start") && (!params["start"].is_number() || params["start"].get<double>() < 0))
        throw RpcFailure(rpc::bad_input, "start must be a number of seconds, 0 or more");
    bool resumed = false;
    const Transfer t = transfers_.start_fetch(params, true, resumed);
    when_metadata(call, t.id, metadata_attempts);
}

void Streams::when_metadata(const std::shared_ptr<Call>& call, const std::string& id, int attempts_left) {
    if (call->answered() || closing_) return;
    if (!engine_.files(id).empty()) return start(call, id);
    if (attempts_left == 0) {
        if (!starting_.count(id)) engine_.focus(id, false);  // the download goes on as any other
        return call->fail(rpc::not_found, "no peer sent the torrent's metadata within 2 minutes; is anyone sharing it?");
    }
    // The timer holds the call: nothing else does while it waits (bounded).
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, metadata_poll);
    timer->async_wait([this, timer, call, id, attempts_left](const boost::system::error_code& ec) {
        if (!ec) when_metadata(call, id, attempts_left - 1);
    });
}

void Streams::start(const std::shared_ptr<Call>& call, const std::string& id) {
    int file = 0;
    const auto files = engine_.files(id);
    try {
        file = choose_file(files, call->params().value("file", std::string()));
    } catch (const RpcFailure& e) {
        if (!starting_.count(id)) engine_.focus(id, false);
        return call->fail(e.code(), e.what());
    }
    const auto& f = files.at(static_cast<std::size_t>(file));
    auto stream = std::make_shared<Stream>();
    stream->number = next_number_++;
    stream->id = id;
    stream->file = file;
    stream->name = f.path;
    stream->size = f.size;
    stream->opened_unix = static_cast<std::int64_t>(std::time(nullptr));
    stream->start_seconds = call->params().value("start", 0.0);
    const bool info_only = call->params().value("info", false);
    if (!info_only) {
        streams_.push_back(stream);
        if (streams_.size() > streams_kept) streams_.pop_front();
    }
    // Until the first frame is there, fetch only what the probe and the
    // player read: header, index (wherever it lies), first key frame.
    ++starting_[id];
    engine_.focus(id, true);

    for (auto it = probes_.begin(); it != probes_.end();) {  // reap the probes that ended
        if (it->done->load()) {
            it->thread.join();
            it = probes_.erase(it);
        } else {
            ++it;
        }
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    const std::uint64_t reader = engine_.new_reader();
    probes_.push_back({std::thread([this, stream, call, info_only, done, reader] {
                           probe(stream, call, info_only, reader);
                           *done = true;
                       }),
                       done});
}

// On the probe thread: FFmpeg reads through the engine as a player would.
// Every engine call is posted to the event loop; so is every result.
void Streams::probe(const std::shared_ptr<Stream>& stream, std::shared_ptr<Call> call, bool info_only, std::uint64_t reader) {
    auto starved = std::make_shared<std::atomic<bool>>(false);
    // Reads that follow on from each other get read-ahead as long as the
    // run they make (a reader going on sequentially is fetched ahead; one
    // that jumps about, as to a trailing index, leaves nothing behind).
    auto run_start = std::make_shared<std::int64_t>(0), run_end = std::make_shared<std::int64_t>(-1);
    media::ByteReader read = [this, stream, starved, run_start, run_end, reader](std::int64_t offset,
                                                                                  std::int64_t length) -> std::string {
        if (offset != *run_end) *run_start = offset;
        *run_end = offset + length;
        const std::int64_t readahead = std::min<std::int64_t>(offset - *run_start, probe_readahead_max);
        auto result = std::make_shared<std::promise<std::string>>();
        auto future = result->get_future();
        boost::asio::post(io_, [this, stream, offset, length, readahead, reader, result] {
            engine_.read({stream->id, stream->file, offset, length, readahead, stream->byte_rate, reader},
                         [result](std::string data, const std::string& error) {
                             result->set_value(error.empty() ? std::move(data) : std::string());
                         });
        });
        const auto give_up = std::chrono::steady_clock::now() + probe_read_wait;
        while (future.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
            if (closing_) return "";
            if (std::chrono::steady_clock::now() > give_up) {
                *starved = true;
                return "";
            }
        }
        return future.get();
    };
    media::StreamProbe probe(read, stream->size);
    media::MediaInfo info = probe.open();
    if (closing_) return;
    if (*starved) {
        boost::asio::post(io_, [this, stream, call, info_only, reader] {
            engine_.forget_reader(reader);
            call->fail(rpc::not_found, "no peer sent the start of " + stream->name +
                                           " within 60 s; is anyone sharing it? (coop fetch --list shows its peers)");
            finished_starting(stream, info_only);
        });
        return;
    }
    boost::asio::post(io_, [this, stream, call, info] { probed(stream, call, info); });
    std::optional<double> first_frame;
    std::int64_t start_offset = -1;
    if (info.parsed && !info_only) {
        bool ok = false;
        if (stream->start_seconds > 0) {
            start_offset = probe.offset_at(stream->start_seconds);
            ok = start_offset >= 0;
        } else {
            ok = probe.first_frame();
        }
        if (ok) first_frame = stream->now();
    }
    if (closing_) return;
    boost::asio::post(io_, [this, stream, info_only, first_frame, start_offset, reader] {
        engine_.forget_reader(reader);  // the player reads on from here with its own
        if (first_frame) stream->stats.first_frame(*first_frame);
        stream->start_offset = start_offset;
        finished_starting(stream, info_only);
    });
}

void Streams::probed(const std::shared_ptr<Stream>& stream, const std::shared_ptr<Call>& call, const media::MediaInfo& info) {
    stream->media = info;
    if (info.parsed && info.bitrate > 0) stream->byte_rate = static_cast<double>(info.bitrate) / 8;
    if (!info.parsed) spdlog::info("stream {}: FFmpeg cannot read {} ({}); serving it as plain bytes", stream->number, stream->name, info.error);
    if (call->answered()) return;
    call->reply({{"id", stream->id},
                 {"stream", stream->number},
                 {"file", stream->file},
                 {"file_name", stream->name},
                 {"size", stream->size},
                 {"url", server_.url(stream->id, stream->file)},
                 {"media", info.to_json()}});
}

void Streams::finished_starting(const std::shared_ptr<Stream>& stream, bool info_only) {
    if (--starting_[stream->id] <= 0) {
        starting_.erase(stream->id);
        engine_.focus(stream->id, false);
    }
    if (info_only) transfers_.pause_unless_followed(stream->id);
}

void Streams::stats(const std::shared_ptr<Call>& call) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : streams_) list.push_back(s->to_json());
    call->reply({{"streams", list}});
}

void Streams::close_stream(const std::shared_ptr<Call>& call) {
    const auto& params = call->params();
    if (!params.contains("stream") || !params["stream"].is_number_integer())
        throw RpcFailure(rpc::invalid_params, "missing integer parameter 'stream'");
    const int number = params["stream"];
    for (const auto& s : streams_) {
        if (s->number != number) continue;
        s->closed = true;
        const bool pause = params.value("pause", false);
        if (pause) transfers_.pause_unless_followed(s->id);
        return call->reply({{"stream", number}, {"id", s->id}, {"paused", pause}});
    }
    throw RpcFailure(rpc::not_found, "no stream " + std::to_string(number) + " (coop stream --stats lists them)");
}

}  // namespace coop::agent
