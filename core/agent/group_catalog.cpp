// The shared catalog: group.catalog, group.share, group.retract, and the
// catalog entries fetch.add and stream.open take as a source.
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "core/agent/groups.hpp"
#include "core/ascii.hpp"
#include "core/media/media_names.hpp"
#include "core/media/probe.hpp"

namespace coop::agent {

using group::Id;
using group::Membership;
using nlohmann::json;

namespace {

constexpr std::size_t max_answer_bytes = 768 * 1024;
constexpr std::size_t max_files_walked = 10'000;


// The media file a catalog entry describes: the file itself, or the
// largest media file of a folder; empty if there is none on disk.
std::filesystem::path media_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return media::is_media_name(path.string()) ? path : std::filesystem::path();
    if (!std::filesystem::is_directory(path, ec)) return {};
    std::filesystem::path best;
    std::uintmax_t best_size = 0;
    std::size_t walked = 0;
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
         !ec && it != std::filesystem::recursive_directory_iterator() && walked < max_files_walked;
         it.increment(ec), ++walked) {
        if (!it->is_regular_file(ec) || !media::is_media_name(it->path().string())) continue;
        const auto size = it->file_size(ec);
        if (!ec && size > best_size) {
            best = it->path();
            best_size = size;
        }
    }
    return best;
}

std::string entry_owner_text(const std::string& name, const Id& group) {
    return name.empty() ? group::hex(group).substr(0, 12) : name;
}

}  // namespace

void Groups::catalog(const CallPtr& call) {
    Held& h = resolve(call->string_param("group"));
    const auto* s = &arrived(h);
    const auto& p = call->params();
    const std::string tag = p.value("tag", std::string());
    const bool all = p.value("all", false);
    std::vector<std::pair<std::string, const group::CatalogEntry*>> picked;
    for (const auto& [id, e] : s->catalog) {
        if (e.retracted && !all) continue;
        if (!tag.empty() && std::find(e.tags.begin(), e.tags.end(), tag) == e.tags.end()) continue;
        picked.emplace_back(id, &e);
    }
    std::sort(picked.begin(), picked.end(), [](const auto& a, const auto& b) {
        return std::tie(a.second->time_ms, a.first) < std::tie(b.second->time_ms, b.first);
    });
    json entries = json::array();
    std::size_t bytes = 0;
    bool truncated = false;
    for (const auto& [id, e] : picked) {
        json j = {{"entry", id},          {"title", e->title},    {"tags", e->tags},
                  {"size", e->size},      {"magnet", e->magnet},  {"info_hash", e->info_hash},
                  {"uploader", group::hex(e->uploader)}, {"time_ms", e->time_ms}, {"media", e->media},
                  {"retracted", e->retracted}};
        bytes += j.dump().size();
        if (bytes > max_answer_bytes) {
            truncated = true;
            break;
        }
        entries.push_back(std::move(j));
    }
    json out = {{"entries", entries}};
    if (truncated) out["truncated"] = true;
    call->reply(out);
}

void Groups::share(const CallPtr& call) {
    Held& h = resolve_member(call->string_param("group"));
    const auto* s = folded(h);
    if (!s || !s->is_member(identity_.public_key()))
        throw RpcFailure(rpc::not_member, "you are not a member of " + h.record.name + " any more");
    const std::string given = call->string_param("id");
    if (!is_hex(given))
        throw RpcFailure(rpc::bad_input, "'" + given + "' is not a transfer id (hex digits; see coop share --list)");
    auto matches = store_.by_id_prefix(ascii_lower(given));
    if (matches.empty())
        throw RpcFailure(rpc::not_found, "no share or download has id '" + given +
                                             "'; share the file first (coop share PATH) or see coop share --list");
    if (matches.size() > 1) {
        std::string list;
        for (const auto& m : matches) list += (list.empty() ? "" : ", ") + m.id + " (" + m.name + ")";
        throw RpcFailure(rpc::ambiguous, "id '" + given + "' matches " + list + "; type more digits");
    }
    const Transfer& t = matches.front();
    if (t.magnet.empty()) throw RpcFailure(rpc::bad_input, t.id + " has no magnet link yet; wait for its metadata");

    const auto& p = call->params();
    group::ShareBody body;
    body.magnet = t.magnet;
    body.title = p.value("title", t.name);
    body.tags = p.value("tags", std::vector<std::string>{});
    std::sort(body.tags.begin(), body.tags.end());
    body.tags.erase(std::unique(body.tags.begin(), body.tags.end()), body.tags.end());
    body.size = t.size;
    const std::string hash = ascii_lower(t.info_hash);
    if ((hash.size() == 40 || hash.size() == 64) && is_hex(hash)) body.info_hash = hash;
    std::string text;
    try {
        text = group::to_body(body);
    } catch (const json::type_error&) {
        throw RpcFailure(rpc::bad_input, "the title or a tag is not valid UTF-8");
    }
    std::string why;
    if (!group::parse_share(text, &why)) throw RpcFailure(rpc::bad_input, why);

    // Media info from the file on disk, when there is one; probed off the loop.
    std::filesystem::path path = t.role == Transfer::Role::share && !t.source_path.empty()
                                     ? std::filesystem::path(t.source_path)
                                     : std::filesystem::path(t.save_path) / t.name;
    if (t.role == Transfer::Role::fetch && t.state != Transfer::State::complete) path.clear();
    const Id id = h.record.group;
    std::weak_ptr<int> alive = alive_;
    boost::asio::post(probing_, [this, alive, call, id, body, path]() mutable {
        media::MediaInfo info;
        try {
            if (const auto file = path.empty() ? path : media_file(path); !file.empty()) info = media::probe_file(file);
        } catch (const std::exception& e) {
            info.error = e.what();
        }
        boost::asio::post(io_, [this, alive, call, id, body = std::move(body), info]() mutable {
            if (alive.expired() || closed_) return;
            if (info.parsed && info.playable()) body.media = info.to_json();
            try {
                shared(call, id, std::move(body));
            } catch (const RpcFailure& e) {
                call->fail(e.code(), e.what());
            } catch (const std::exception& e) {
                call->fail(rpc::internal_error, e.what());
            }
        });
    });
}

void Groups::shared(const CallPtr& call, const Id& id, group::ShareBody body) {
    Held* h = held(id);
    if (!h || h->record.status != Membership::member)
        throw RpcFailure(rpc::not_member, "you left the group while the file was being probed");
    std::string text = group::to_body(body);
    std::string why;
    if (!group::parse_share(text, &why)) {
        // The probe's description broke a bound: the entry goes without it.
        body.media = json::object();
        text = group::to_body(body);
    }
    const auto e = publish(*h, group::Kind::share, text);
    spdlog::info("group {}: shared {} as entry {}", h->record.name, body.title, group::hex(e.id()));
    call->reply({{"group", group::hex(id)}, {"entry", group::hex(e.id())}});
}

void Groups::retract(const CallPtr& call) {
    const std::string given = call->string_param("entry");
    if (!is_hex(given)) throw RpcFailure(rpc::bad_input, "'" + given + "' is not an entry id (hex digits)");
    const std::string prefix = ascii_lower(given);
    std::vector<std::pair<Held*, std::string>> matches;
    for (auto& [id, h] : groups_) {
        if (h.record.status != Membership::member) continue;
        const auto* s = folded(h);
        if (!s) continue;
        for (auto it = s->catalog.lower_bound(prefix); it != s->catalog.end() && it->first.rfind(prefix, 0) == 0; ++it)
            matches.emplace_back(&h, it->first);
    }
    if (matches.empty())
        throw RpcFailure(rpc::not_found,
                         "no catalog entry '" + given + "' in your groups; coop group catalog GROUP lists them");
    if (matches.size() > 1) {
        std::string list;
        for (const auto& [h, entry] : matches)
            list += (list.empty() ? "" : ", ") + entry.substr(0, 16) + " (" +
                    entry_owner_text(h->record.name, h->record.group) + ")";
        throw RpcFailure(rpc::ambiguous, "entry '" + given + "' matches " + list + "; give more of the id");
    }
    Held& h = *matches.front().first;
    const std::string entry = matches.front().second;
    const auto& e = folded(h)->catalog.at(entry);
    if (e.retracted) throw RpcFailure(rpc::bad_input, "entry " + entry.substr(0, 16) + " is retracted already");
    if (e.uploader != identity_.public_key())
        throw RpcFailure(rpc::not_member, "entry " + entry.substr(0, 16) + " was shared by " +
                                              group::hex(e.uploader).substr(0, 16) +
                                              "; only its uploader can retract it");
    group::RetractBody body;
    body.entry = *group::parse_id(entry);
    publish(h, group::Kind::retract, group::to_body(body));
    call->reply({{"group", group::hex(h.record.group)}, {"entry", entry}});
}

std::optional<std::string> Groups::catalog_magnet(const std::string& prefix) {
    std::vector<std::pair<std::string, std::string>> matches;  // entry, magnet
    for (auto& [id, h] : groups_) {
        const auto* s = folded(h);
        if (!s) continue;
        for (auto it = s->catalog.lower_bound(prefix); it != s->catalog.end() && it->first.rfind(prefix, 0) == 0; ++it)
            if (!it->second.retracted) matches.emplace_back(it->first, it->second.magnet);
    }
    if (matches.empty()) return std::nullopt;
    if (matches.size() > 1) {
        std::string list;
        for (const auto& [entry, magnet] : matches) list += (list.empty() ? "" : ", ") + entry.substr(0, 16);
        throw RpcFailure(rpc::ambiguous, "'" + prefix + "' matches catalog entries " + list + "; type more digits");
    }
    return matches.front().second;
}

}  // namespace coop::agent
