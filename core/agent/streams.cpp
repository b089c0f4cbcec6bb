#include "core/agent/streams.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace coop::agent {

namespace {

constexpr auto metadata_poll = std::chrono::milliseconds(100);
constexpr int metadata_attempts = 1200;  // 2 minutes for a magnet's metadata
constexpr std::int64_t ends_bytes = 256 * 1024;  // header and (the end of) a trailing index first

bool playable_name(const std::string& path) {
    static const char* exts[] = {".mp4", ".m4v", ".mkv", ".webm", ".avi", ".mov", ".ts", ".mpg", ".mpeg",
                                 ".mp3", ".m4a", ".flac", ".ogg", ".opus", ".wav", ".aac"};
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::any_of(std::begin(exts), std::end(exts), [&](const char* e) { return ext == e; });
}

}  // namespace

int choose_file(const std::vector<FileEntry>& files, const std::string& wanted) {
    std::vector<const FileEntry*> real;
    for (const auto& f : files)
        if (!f.pad) real.push_back(&f);
    if (real.empty()) throw RpcFailure(rpc::not_found, "the torrent has no files");
    if (wanted.empty()) {
        const FileEntry* best = nullptr;
        for (const auto* f : real)
            if (playable_name(f->path) && (!best || f->size > best->size)) best = f;
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

void Streams::register_methods(RpcServer& server) {
    server.handle("stream.open", [this](auto& c) { open(c); });
}

std::optional<StreamServer::Source> Streams::source(const std::string& id, int file) const {
    for (const auto& f : engine_.files(id))
        if (f.index == file && !f.pad)
            return StreamServer::Source{id, file, std::filesystem::path(f.path).filename().string(), f.size};
    return std::nullopt;
}

void Streams::open(const std::shared_ptr<Call>& call) {
    bool resumed = false;
    const Transfer t = transfers_.start_fetch(call->params(), true, resumed);
    when_metadata(call, t.id, metadata_attempts);
}

void Streams::when_metadata(const std::shared_ptr<Call>& call, const std::string& id, int attempts_left) {
    if (call->answered()) return;
    if (!engine_.files(id).empty()) return answer(call, id);
    if (attempts_left == 0)
        return call->fail(rpc::not_found, "no peer sent the torrent's metadata within 2 minutes; is anyone sharing it?");
    // The timer holds the call: nothing else does while it waits (bounded).
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, metadata_poll);
    timer->async_wait([this, timer, call, id, attempts_left](const boost::system::error_code& ec) {
        if (!ec) when_metadata(call, id, attempts_left - 1);
    });
}

void Streams::answer(const std::shared_ptr<Call>& call, const std::string& id) {
    try {
        const auto files = engine_.files(id);
        const int file = choose_file(files, call->params().value("file", std::string()));
        const auto& f = files.at(static_cast<std::size_t>(file));
        engine_.prioritize_ends(id, file, ends_bytes, ends_bytes);
        call->reply({{"id", id},
                     {"file", file},
                     {"file_name", f.path},
                     {"size", f.size},
                     {"url", server_.url(id, file)}});
    } catch (const RpcFailure& e) {
        call->fail(e.code(), e.what());
    }
}

}  // namespace coop::agent
