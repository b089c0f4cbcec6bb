#pragma once
// The agent's RPC protocol: JSON-RPC 2.0 over the Unix socket
// COOP_HOME/agent.sock, one JSON object per line (max 1 MiB a line).
// This header is the specification both sides follow.
//
// Methods (params -> result). Long calls stream notifications on the same
// connection before their result; every notification's "params" carries
// "request": the "id" of the request it belongs to (a key no method's own
// fields use: fetch.progress has an "id" of its own). The agent adds it to
// each one; rpc::Client drops notifications of other requests and hands on
// the rest without it.
//
//   agent.status  {}  -> {peer_id, version, pid, home, listen:"ADDR:PORT",
//                         no_public, torrents, peers, dht_nodes,
//                         upload_rate, download_rate,
//                         overlay:{listen, links, bytes_in, bytes_out,
//                         frames_in, frames_out, faults:{kind: count},
//                         refused}, sync:{SyncCounters::to_json, groups}}
//   agent.stop    {}  -> {}            the agent then shuts down cleanly
//
//   share.add     {path}  -> {id, name, path, size, magnet, info_hash_v1,
//                             info_hash_v2, existing}
//                 notifications "share.progress" {path, hashed, total}
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
//
//   stream.open   {source, file?, peers?, start?, info?} -> {id, stream,
//                 file, file_name, size, url, media}   (media: see
//                 core/media/probe.hpp MediaInfo::to_json)
//   stream.stats  {}      -> {streams:[Stream::to_json, newest last]}
//   stream.close  {stream, pause?} -> {stream, id, paused}
//
// Groups. G (param "group") is a group's name or a prefix of its id (hex);
// an ambiguous one fails with `ambiguous` listing the matches. Keys and
// ids are lower-case hex. Times are unix milliseconds.
//
//   group.create  {name, topics?:[TAG], open?:false, about?}
//                 -> {group, name, open}
//   group.list    {} -> {groups:[{group, name, open, about, topics,
//                 members, online, catalog, events, status}]}
//                 status: "member", "joining" (waiting for the log), "left"
//   group.show    {group} -> {group, name, about, topics, open, founder,
//                 members:[{key, since, joined_ms, online, you}], left:[key],
//                 online:[{key, address}], catalog, chat, events, heads:[id],
//                 ignored:{reason: count}, equivocators:[key], state_hash}
//                 state_hash: BLAKE2b of the folded state; equal on every
//                 member holding the same events. catalog and chat are
//                 counts. Everything but online and members' online and
//                 you is the same on every member holding the same events.
//   group.invite  {group, expires_s?:86400 (0: never), uses?:1 (0: any)}
//                 -> {token, group, expires_ms, single_use, addresses}
//                 (addresses: the members' overlay addresses in the token)
//   group.join    {token} or {group: an id from group.find}; waits (at
//                 most wait_s?:30) for the log, streaming "group.progress"
//                 {group, events, peers} -> {group, name, events}
//   group.leave   {group} -> {group, name}
//   group.members {group} -> {members:[as in group.show]}
//   group.find    {tag, wait_s?:5} -> {groups:[{group, name, about,
//                 topics, members, peers:[ADDR:PORT]}]}  (the DHT finds the
//                 agents of open groups with that tag; each is asked which)
//   group.post    {group, text} -> {group, event}
//   group.log     {group, limit?:100, follow?:false, kinds?:[KIND]}
//                 -> {events:[{event, kind, author, time_ms, seq, text?,
//                 entry?}]} in canonical order, the last `limit` of them
//                 (fewer if they would pass 768 KiB); with follow, streams
//                 those and then each new one as "group.event" {group,
//                 event...} and answers {events:[]} only when the group is
//                 left (or the connection closes).
//   group.catalog {group, tag?, all?:false} -> {entries:[{entry, title, tags,
//                 size, magnet, info_hash, uploader, time_ms, media,
//                 retracted}], truncated?}   oldest first; retracted
//                 entries only with all
//   group.share   {group, id (a transfer: see share.add), title?, tags?}
//                 -> {group, entry}   (media info is probed by the agent)
//   group.retract {entry (an id prefix)} -> {group, entry}
//
// fetch.add and stream.open also take a catalog entry's id prefix as source.
//
// Participatory planning (core/group/fold_plan.hpp has the rules,
// body_plan.hpp the bodies). PLAN is an id prefix of a planning's start;
// without it, the newest open planning of the group (else the newest).
// Prices are millionths of a credit per unit, quantities whole units;
// a SCHEDULE is [[price, quantity], ...].
//
//   plan.start   {group, title?, resources?:[names] (storage, transcode,
//                upload), rounds?:5, round_minutes?:1440, days?:7}
//                -> {group, plan, round: 1}
//   plan.offer   {group, plan?, offers:{RESOURCE: {capacity, schedule:
//                SCHEDULE}}} -> {group, plan, round, event}
//   plan.request {group, plan?, requests:{RESOURCE: SCHEDULE}} -> {group,
//                plan, round, event}; bad_input when a request is over the
//                member's share, before anything is signed
//   plan.close   {group, plan?} -> {group, plan, round (closed), event,
//                status: "open" | "adopted", open_round}; before the
//                round's deadline only the planning's starter may close it
//   plan.show    {group, plan?} -> the planning as the group's state holds
//                it (plan_state.hpp planning_json), the same on every
//                member, with group and members (their count)
//
// The effort ledger (core/ledger/). Byte counts are cumulative over a
// relationship, as the records hold them; "gave" is what we (or the
// record's author) uploaded, "got" what was downloaded.
//
//   ledger.show   {limit?:20 (0: all)} -> {key, seq (our tip's), tip (its id;
//                 zeros when empty), records:[RECORD, newest first, at
//                 most limit], peers:[{peer, gave, got (our count),
//                 agreed_gave, agreed_got (our side of the latest pair; 0
//                 if none), transfers, last_ms (time of the latest pair;
//                 0 if none), pending}], totals:{gave, got} (sums of
//                 agreed_gave and agreed_got), counters:{proposed, agreed,
//                 countersigned, refused_by_us, refused_by_them, unanswered,
//                 bad_messages, refusals:{verdict: count}}}
//                 RECORD = {seq, id, kind:"proposal"|"agreement",
//                 counterparty, link_seq, link (zeros for a proposal),
//                 time_ms, gave, got, countersigned}
//                 (core/ledger/ledger_json.hpp show_json makes it)
//   ledger.effort {group?: G} -> {groups:[{group, name, members:{key: as in
//                 the group state's members}, ledger: the group state's
//                 ledger (core/group/state.cpp): settings, capacities,
//                 offenders, transfers, window:{start_ms, end_ms}, effort:
//                 {key: {declared_capacity, observed_capacity,
//                 available_seconds, capacity, given, received, credited,
//                 bandwidth, availability, duties, score, share,
//                 offender}}}]}   every group we are in without G; G fails
//                 as in group.* (not_found, ambiguous)
//   ledger.verify {} -> {ok, fraud, own: CHAIN, foreign:[CHAIN by author],
//                 proofs:[{id, kind, offender, valid, stored, problem}]}
//                 CHAIN = {author, records, highest_seq, links,
//                 missing:[seq], missing_count, problem}; problem is null
//                 or one line (core/ledger/verify.hpp to_json)
//   ledger.export {} -> {key, records:[RECORD, ascending seq, all],
//                 transfers:[{proposal (its id), proposer, countersigner,
//                 time_ms, proposer_gave, proposer_got}]}
//                 (core/ledger/ledger_json.hpp export_json)
//   ledger.capacity {up?: bytes/s, a whole number 0..1e12} -> {up (the
//                 declared capacity; 0 if never declared), groups:[names of
//                 the groups a capacity event was posted to now]}; without
//                 up it only reports
#include <nlohmann/json.hpp>
#include <string>

namespace coop::rpc {

using json = nlohmann::json;

inline constexpr std::size_t max_line_bytes = 1 << 20;
// In a notification's params: the id of the request it belongs to.
inline constexpr const char* notification_request_key = "request";

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
    not_member = 7,      // the group refused us: not a member, bad invite
};

json request(std::int64_t id, const std::string& method, json params);
json notification(const std::string& method, json params);
json result(const json& id, json value);
json error(const json& id, int code, const std::string& message);

}  // namespace coop::rpc
