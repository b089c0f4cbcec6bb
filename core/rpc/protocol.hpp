#pragma once
// The agent's RPC protocol: JSON-RPC 2.0 over the Unix socket
// COOP_HOME/agent.sock, one JSON object per line (max 1 MiB a line).
// This header is the specification both sides follow.
//
// Methods (params -> result). Long calls stream notifications on the same
// connection before their result; a notification's "params" carries the
// request "id" it belongs to.
//
//   agent.status  {}  -> {peer_id, version, pid, home, listen:"ADDR:PORT",
//                         no_public, torrents, peers, dht_nodes,
//                         upload_rate, download_rate}
//   agent.stop    {}  -> {}            the agent then shuts down cleanly
//
//   share.add     {path}  -> {id, name, path, size, magnet, info_hash_v1,
//                             info_hash_v2, existing}
//                 notifications "share.progress" {id:req, path, hashed, total}
//   share.list    {}      -> {shares:[{id, name, path, size, peers,
//                             uploaded, ratio, state, magnet}]}
//   share.stop    {id}    -> {id, name}
//
//   fetch.add     {source, save_path?, peers?:[ADDR:PORT], seed?}
//                 source: a magnet link, an absolute .torrent path, a hex
//                 info-hash, or the id (prefix) of a known transfer
//                 -> {id, name, save_path, resumed}
//   fetch.watch   {id}    streams "fetch.progress" {id, name, state,
//                         progress, done, size, download_rate, peers, eta}
//                 -> {id, name, path, size, downloaded, have_at_start}
//                 when complete and verified. If the connection closes
//                 first the download is paused (Ctrl-C), unless detached.
//   fetch.pause   {id}    -> {id}
//   fetch.list    {}      -> {downloads:[{id, name, path, size, done,
//                             progress, state, peers, download_rate}]}
#include <nlohmann/json.hpp>
#include <string>

namespace coop::rpc {

using json = nlohmann::json;

inline constexpr std::size_t max_line_bytes = 1 << 20;

// Error codes: JSON-RPC's own, then coop's.
enum ErrorCode : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
    not_found = 1,       // no such share, download or path
    bad_input = 2,       // malformed magnet, torrent, path, argument
    io_error = 3,        // disk full, unreadable file
    ambiguous = 4,       // an id prefix matches several entries
    shutting_down = 5,
    peer_refused = 6,    // the socket's peer is another user
};

json request(std::int64_t id, const std::string& method, json params);
json notification(const std::string& method, json params);
json result(const json& id, json value);
json error(const json& id, int code, const std::string& message);

}  // namespace coop::rpc
