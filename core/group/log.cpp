#include "core/group/log.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <optional>
#include <queue>
#include <stdexcept>

#include "core/group/admission.hpp"
#include "core/group/body.hpp"
#include "core/group/order.hpp"

namespace coop::group {
namespace {

using Reason = AddResult::Reason;

struct Problem {
    Reason cause;
    const char* reason;
};

AddResult rejected(const Problem& problem, const Id& id = {}) {
    AddResult r;
    r.status = AddResult::Status::rejected;
    r.id = id;
    r.reason = problem.reason;
    r.cause = problem.cause;
    return r;
}

AddResult with_status(AddResult::Status status, const Id& id) {
    AddResult r;
    r.status = status;
    r.id = id;
    return r;
}

// The rules one event can be judged by alone, checked before hashing.
std::optional<Problem> shape_problem(const Event& e) {
    if (e.body.size() > max_body) return Problem{Reason::oversize, "body too large"};
    if (e.parents.size() > max_parents) return Problem{Reason::oversize, "too many parents"};
    for (std::size_t i = 1; i < e.parents.size(); ++i)
        if (!(e.parents[i - 1] < e.parents[i])) return Problem{Reason::malformed, "parents not ascending and unique"};
    if (e.kind == Kind::genesis && (e.group != Id{} || e.seq != 1 || !e.parents.empty()))
        return Problem{Reason::malformed, "malformed genesis: it needs group zero, seq 1 and no parents"};
    if (e.kind != Kind::genesis && e.parents.empty()) return Problem{Reason::malformed, "no parents"};
    return std::nullopt;
}

bool from_the_future(std::int64_t time_ms, std::int64_t now_ms) {
    return now_ms <= std::numeric_limits<std::int64_t>::max() - max_future_ms && time_ms > now_ms + max_future_ms;
}

}  // namespace

const char* to_string(AddResult::Status status) {
    switch (status) {
        case AddResult::Status::accepted: return "accepted";
        case AddResult::Status::duplicate: return "duplicate";
        case AddResult::Status::missing_parents: return "missing parents";
        case AddResult::Status::rejected: return "rejected";
    }
    return "rejected";
}

const char* to_string(AddResult::Reason reason) {
    switch (reason) {
        case Reason::none: return "none";
        case Reason::malformed: return "malformed";
        case Reason::oversize: return "oversize";
        case Reason::unknown_group: return "unknown_group";
        case Reason::bad_signature: return "bad_signature";
        case Reason::missing_parent: return "missing_parent";
        case Reason::bad_sequence: return "bad_sequence";
        case Reason::time_before_parent: return "time_before_parent";
        case Reason::from_the_future: return "from_the_future";
        case Reason::cycle: return "cycle";
        case Reason::not_member: return "not_member";
    }
    return "unknown";
}

std::size_t IdHash::operator()(const Id& id) const {
    static const auto key = [] {
        std::array<unsigned char, crypto_shorthash_KEYBYTES> k{};
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
        randombytes_buf(k.data(), k.size());
        return k;
    }();
    std::array<unsigned char, crypto_shorthash_BYTES> h{};
    crypto_shorthash(h.data(), id.data(), id.size(), key.data());
    std::size_t out = 0;
    for (unsigned char byte : h) out = out << 8 | byte;
    return out;
}

GroupLog::GroupLog(const Id& group) : group_(group) {}

AddResult GroupLog::verify_only(const Event& event) {
    if (auto problem = shape_problem(event)) return rejected(*problem);
    const Id id = event.id();
    if (!event.signature_valid(id)) return rejected({Reason::bad_signature, "bad signature"}, id);
    return with_status(AddResult::Status::accepted, id);
}

AddResult GroupLog::add(const Event& event, std::optional<std::int64_t> now_ms) {
    if (auto problem = shape_problem(event)) return rejected(*problem);
    const Id id = event.id();
    // Before the signature: peers resend what we hold all the time.
    if (has(id)) return with_status(AddResult::Status::duplicate, id);
    if (event.kind == Kind::genesis) {
        if (id != group_) return rejected({Reason::unknown_group, "genesis mismatch"}, id);
    } else if (event.group != group_) {
        return rejected({Reason::unknown_group, "unknown group"}, id);
    }
    // Before the time: a forgery is a forgery, whatever it is stamped.
    if (!event.signature_valid(id)) return rejected({Reason::bad_signature, "bad signature"}, id);
    if (now_ms && from_the_future(event.time_ms, *now_ms))
        return rejected({Reason::from_the_future, "stamped more than 10 minutes ahead of our clock"}, id);
    return attach_new(event, id);
}

std::vector<AddResult> GroupLog::add_all(const std::vector<Event>& events, std::optional<std::int64_t> now_ms) {
    std::vector<AddResult> out;
    out.reserve(events.size());
    for (const auto& e : events) out.push_back(add(e, now_ms));
    return out;
}

GroupLog::Appended GroupLog::append(const coop::Identity& author, Kind kind, std::string body, std::int64_t now_ms) {
    const Next next = next_for(author.public_key(), now_ms);
    Appended out{{}, make_event(author, group_, next.seq, next.time_ms, kind, next.parents, std::move(body))};
    if (auto problem = shape_problem(out.event))
        out.result = rejected(*problem);
    else
        out.result = attach(out.event, out.event.id());
    return out;
}

AddResult GroupLog::attach(const Event& event, const Id& id) {
    if (has(id)) return with_status(AddResult::Status::duplicate, id);
    return attach_new(event, id);
}

AddResult GroupLog::attach_new(const Event& event, const Id& id) {
    if (std::binary_search(event.parents.begin(), event.parents.end(), id))
        return rejected({Reason::cycle, "names itself as a parent"}, id);

    // No cycles, by construction: an id hashes the parents' ids, so a
    // parent exists before any child naming it, and the log takes an event
    // only once it holds every parent. A parent not held (even one naming
    // this event's "future") is only ever missing.
    const std::size_t first_parent = parent_positions_.size();
    AddResult missing = with_status(AddResult::Status::missing_parents, id);
    missing.cause = Reason::missing_parent;
    for (const auto& p : event.parents) {
        auto it = position_.find(p);
        if (it == position_.end())
            missing.missing.push_back(p);
        else
            parent_positions_.push_back(it->second);
    }
    // Until the event is in, the positions just listed are not its own.
    auto unlist = [&](AddResult r) {
        parent_positions_.resize(first_parent);
        return r;
    };
    if (!missing.missing.empty()) return unlist(std::move(missing));

    const Event* own_parent = nullptr;
    bool was_in = false;  // the author, after its own previous event
    for (std::size_t k = first_parent; k < parent_positions_.size(); ++k) {
        const Event& p = events_[parent_positions_[k]];
        if (p.time_ms > event.time_ms)
            return unlist(rejected({Reason::time_before_parent, "time before a parent's"}, id));
        if (p.author != event.author) continue;
        if (own_parent) return unlist(rejected({Reason::bad_sequence, "two parents by the same author"}, id));
        own_parent = &p;
        was_in = in_group_[parent_positions_[k]];
    }
    const std::uint64_t expected = own_parent ? own_parent->seq + 1 : 1;
    if (event.seq != expected) {
        AddResult r = rejected({Reason::bad_sequence, "wrong author sequence"}, id);
        r.reason += ": expected " + std::to_string(expected) + ", got " + std::to_string(event.seq);
        return unlist(std::move(r));
    }
    if (closed_ && event.kind == Kind::join) {
        if (std::string why = closed_join_problem(group_, event); !why.empty()) {
            AddResult r = rejected({Reason::not_member, "not a member: "}, id);
            r.reason += why;
            return unlist(std::move(r));
        }
    } else if (closed_ && event.kind != Kind::genesis && !was_in) {
        return unlist(rejected({Reason::not_member, "not a member: no join with an invite since it left or began"}, id));
    }

    // A valid chain that reaches a seq the author already used is a fork.
    // Both sides are kept, so every member holds the same set.
    const std::size_t position = events_.size();
    auto [author, first_event] = authors_.try_emplace(event.author);
    Author& a = author->second;
    if (first_event) {
        a.events.push_back(Authored{position, event.seq, event.seq});
        a.latest = id;
    } else {
        const std::uint64_t frontier = a.events.back().highest;
        if (event.seq <= frontier) equivocators_.insert(event.author);
        if (event.seq > frontier || (event.seq == frontier && id < a.latest)) a.latest = id;
        a.events.push_back(Authored{position, event.seq, std::max(frontier, event.seq)});
    }

    if (event.kind == Kind::genesis) {
        // As the fold reads it: a genesis that says nothing readable is closed.
        auto body = parse_genesis(event.body);
        closed_ = !(body && body->open);
    }
    in_group_.push_back(in_group_after(event.kind, was_in));
    events_.push_back(event);
    arrival_.push_back(id);
    parents_begin_.push_back(parent_positions_.size());
    position_.emplace(id, position);
    for (const auto& p : event.parents) heads_.erase(p);
    heads_.insert(id);
    return with_status(AddResult::Status::accepted, id);
}

const Event* GroupLog::get(const Id& id) const {
    auto it = position_.find(id);
    return it == position_.end() ? nullptr : &events_[it->second];
}

std::vector<Id> GroupLog::heads() const { return {heads_.begin(), heads_.end()}; }

GroupLog::Frontier GroupLog::frontier() const {
    Frontier out;
    for (const auto& [key, author] : authors_) out.emplace_hint(out.end(), key, author.events.back().highest);
    return out;
}

std::vector<Event> GroupLog::after(const Frontier& theirs, std::size_t limit) const {
    // Per author, a cursor at its first event the peer lacks; the answer
    // merges the cursors by arrival position, so parents still come first.
    struct Cursor {
        const std::vector<Authored>* events;
        std::size_t at;
        std::uint64_t known;
    };
    std::vector<Cursor> cursors;
    using Ready = std::pair<std::size_t, std::size_t>;  // arrival position, cursor
    std::priority_queue<Ready, std::vector<Ready>, std::greater<>> ready;
    // Past the peer's seq, an author's events are all lacking, but for the
    // other side of a fork it has: skipped here.
    auto queue_next = [&](std::size_t c) {
        Cursor& k = cursors[c];
        while (k.at < k.events->size() && (*k.events)[k.at].seq <= k.known) ++k.at;
        if (k.at < k.events->size()) ready.emplace((*k.events)[k.at].position, c);
    };
    std::vector<Event> out;
    if (limit == 0) return out;
    for (const auto& [key, author] : authors_) {
        const std::vector<Authored>& events = author.events;
        auto it = theirs.find(key);
        const std::uint64_t known = it == theirs.end() ? 0 : it->second;
        if (events.back().highest <= known) continue;
        auto first = std::upper_bound(events.begin(), events.end(), known,
                                      [](std::uint64_t k, const Authored& a) { return k < a.highest; });
        cursors.push_back(Cursor{&events, static_cast<std::size_t>(first - events.begin()), known});
        queue_next(cursors.size() - 1);
    }
    while (!ready.empty() && out.size() < limit) {
        const std::size_t c = ready.top().second;
        ready.pop();
        Cursor& k = cursors[c];
        out.push_back(events_[(*k.events)[k.at].position]);
        ++k.at;
        queue_next(c);
    }
    return out;
}

std::vector<std::size_t> GroupLog::canonical_positions() const {
    return group::canonical_order(NumberedEvents{arrival_, parents_begin_, parent_positions_});
}

std::vector<Id> GroupLog::canonical_order() const {
    std::vector<Id> out;
    out.reserve(arrival_.size());
    for (std::size_t position : canonical_positions()) out.push_back(arrival_[position]);
    return out;
}

GroupLog::Next GroupLog::next_for(const PublicKey& author, std::int64_t now_ms) const {
    Next next;
    std::int64_t newest = now_ms;
    auto add_parent = [&](const Id& id, const Event& p) {
        next.parents.push_back(id);
        newest = std::max(newest, p.time_ms < std::numeric_limits<std::int64_t>::max() ? p.time_ms + 1 : p.time_ms);
    };
    if (auto own = authors_.find(author); own != authors_.end()) {
        const Event& latest = *get(own->second.latest);
        next.seq = latest.seq + 1;
        add_parent(own->second.latest, latest);
    }
    for (const auto& h : heads_) {
        if (next.parents.size() >= max_parents) break;
        // Another head by this author is the other side of its own fork: an
        // event may name only one parent by its author.
        const Event& head = *get(h);
        if (head.author == author) continue;
        add_parent(h, head);
    }
    std::sort(next.parents.begin(), next.parents.end());
    next.time_ms = newest;
    return next;
}

}  // namespace coop::group
