#include "core/group/log.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <queue>

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
    return attach(event, id);
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
    if (std::binary_search(event.parents.begin(), event.parents.end(), id))
        return rejected({Reason::cycle, "names itself as a parent"}, id);

    // No cycles, by construction: an id hashes the parents' ids, so a
    // parent exists before any child naming it, and the log takes an event
    // only once it holds every parent. A parent not held (even one naming
    // this event's "future") is only ever missing.
    std::vector<const Event*> parents;
    parents.reserve(event.parents.size());
    AddResult missing = with_status(AddResult::Status::missing_parents, id);
    missing.cause = Reason::missing_parent;
    for (const auto& p : event.parents) {
        auto it = events_.find(p);
        if (it == events_.end())
            missing.missing.push_back(p);
        else
            parents.push_back(&it->second);
    }
    if (!missing.missing.empty()) return missing;

    const Event* own_parent = nullptr;
    for (const Event* p : parents) {
        if (p->time_ms > event.time_ms) return rejected({Reason::time_before_parent, "time before a parent's"}, id);
        if (p->author != event.author) continue;
        if (own_parent) return rejected({Reason::bad_sequence, "two parents by the same author"}, id);
        own_parent = p;
    }
    const std::uint64_t expected = own_parent ? own_parent->seq + 1 : 1;
    if (event.seq != expected) {
        AddResult r = rejected({Reason::bad_sequence, "wrong author sequence"}, id);
        r.reason += ": expected " + std::to_string(expected) + ", got " + std::to_string(event.seq);
        return r;
    }

    // A valid chain that reaches a seq the author already used is a fork.
    // Both sides are kept, so every member holds the same set.
    auto front = frontier_.find(event.author);
    const bool known_author = front != frontier_.end();
    if (known_author && event.seq <= front->second) equivocators_.insert(event.author);
    if (!known_author || event.seq > front->second) {
        frontier_[event.author] = event.seq;
        latest_[event.author] = id;
    } else if (event.seq == front->second && id < latest_[event.author]) {
        latest_[event.author] = id;
    }

    events_.emplace(id, event);
    auto& authored = by_author_[event.author];
    const std::uint64_t highest = authored.empty() ? event.seq : std::max(authored.back().highest, event.seq);
    authored.push_back(Authored{arrival_.size(), event.seq, highest});
    arrival_.push_back(id);
    for (const auto& p : event.parents) heads_.erase(p);
    heads_.insert(id);
    return with_status(AddResult::Status::accepted, id);
}

const Event* GroupLog::get(const Id& id) const {
    auto it = events_.find(id);
    return it == events_.end() ? nullptr : &it->second;
}

std::vector<Id> GroupLog::heads() const { return {heads_.begin(), heads_.end()}; }

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
    for (const auto& [author, events] : by_author_) {
        auto it = theirs.find(author);
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
        out.push_back(events_.at(arrival_[(*k.events)[k.at].position]));
        ++k.at;
        queue_next(c);
    }
    return out;
}

std::vector<Id> GroupLog::canonical_order() const { return group::canonical_order(events_); }

GroupLog::Next GroupLog::next_for(const PublicKey& author, std::int64_t now_ms) const {
    Next next;
    std::int64_t newest = now_ms;
    auto add_parent = [&](const Id& id) {
        const Event& p = events_.at(id);
        next.parents.push_back(id);
        newest = std::max(newest, p.time_ms < std::numeric_limits<std::int64_t>::max() ? p.time_ms + 1 : p.time_ms);
    };
    if (auto own = latest_.find(author); own != latest_.end()) {
        next.seq = events_.at(own->second).seq + 1;
        add_parent(own->second);
    }
    for (const auto& h : heads_) {
        if (next.parents.size() >= max_parents) break;
        // Another head by this author is the other side of its own fork: an
        // event may name only one parent by its author.
        if (events_.at(h).author == author) continue;
        add_parent(h);
    }
    std::sort(next.parents.begin(), next.parents.end());
    next.time_ms = newest;
    return next;
}

}  // namespace coop::group
