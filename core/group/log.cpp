#include "core/group/log.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "core/group/order.hpp"

namespace coop::group {
namespace {

AddResult rejected(std::string reason, const Id& id = {}) {
    AddResult r;
    r.status = AddResult::Status::rejected;
    r.id = id;
    r.reason = std::move(reason);
    return r;
}

AddResult with_status(AddResult::Status status, const Id& id) {
    AddResult r;
    r.status = status;
    r.id = id;
    return r;
}

// The rules one event can be judged by alone, checked before hashing.
std::optional<std::string> shape_problem(const Event& e) {
    if (e.body.size() > max_body) return "body too large";
    if (e.parents.size() > max_parents) return "too many parents";
    for (std::size_t i = 1; i < e.parents.size(); ++i)
        if (!(e.parents[i - 1] < e.parents[i])) return "parents not ascending and unique";
    if (e.kind == Kind::genesis && (e.group != Id{} || e.seq != 1 || !e.parents.empty()))
        return "malformed genesis: it needs group zero, seq 1 and no parents";
    if (e.kind != Kind::genesis && e.parents.empty()) return "no parents";
    return std::nullopt;
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

GroupLog::GroupLog(const Id& group) : group_(group) {}

AddResult GroupLog::verify_only(const Event& event) {
    if (auto problem = shape_problem(event)) return rejected(*problem);
    const Id id = event.id();
    if (!event.signature_valid(id)) return rejected("bad signature", id);
    return with_status(AddResult::Status::accepted, id);
}

AddResult GroupLog::add(const Event& event) {
    if (auto problem = shape_problem(event)) return rejected(*problem);
    const Id id = event.id();
    // Before the signature: peers resend what we hold all the time.
    if (has(id)) return with_status(AddResult::Status::duplicate, id);
    if (event.kind == Kind::genesis) {
        if (id != group_) return rejected("genesis mismatch", id);
    } else if (event.group != group_) {
        return rejected("unknown group", id);
    }
    if (!event.signature_valid(id)) return rejected("bad signature", id);
    return attach(event, id);
}

std::vector<AddResult> GroupLog::add_all(const std::vector<Event>& events) {
    std::vector<AddResult> out;
    out.reserve(events.size());
    for (const auto& e : events) out.push_back(add(e));
    return out;
}

AddResult GroupLog::attach(const Event& event, const Id& id) {
    if (has(id)) return with_status(AddResult::Status::duplicate, id);

    // No cycles, by construction: an id hashes the parents' ids, so a
    // parent exists before any child naming it, and the log takes an event
    // only once it holds every parent. A parent not held (even one naming
    // this event's "future") is only ever missing.
    std::vector<const Event*> parents;
    parents.reserve(event.parents.size());
    AddResult missing = with_status(AddResult::Status::missing_parents, id);
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
        if (p->time_ms > event.time_ms) return rejected("time before a parent's", id);
        if (p->author != event.author) continue;
        if (own_parent) return rejected("two parents by the same author", id);
        own_parent = p;
    }
    const std::uint64_t expected = own_parent ? own_parent->seq + 1 : 1;
    if (event.seq != expected)
        return rejected("wrong author sequence: expected " + std::to_string(expected) + ", got " +
                            std::to_string(event.seq),
                        id);

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
    std::vector<Event> out;
    for (const auto& id : arrival_) {
        if (out.size() >= limit) break;
        const Event& e = events_.at(id);
        auto it = theirs.find(e.author);
        if (it == theirs.end() || e.seq > it->second) out.push_back(e);
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
