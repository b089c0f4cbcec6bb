#include "core/group/pending_pool.hpp"

#include <algorithm>

namespace coop::group {
namespace {
std::size_t encoded_size(const Event& e) {
    return header_size + e.parents.size() * 32 + 4 + e.body.size() + signature_size;
}
}  // namespace

PendingPool::PendingPool(std::size_t max_events, std::size_t max_bytes, std::size_t max_per_author)
    : max_events_(max_events),
      max_bytes_(max_bytes),
      max_per_author_(max_per_author ? max_per_author : std::max<std::size_t>(1, max_events / 4)) {}

PendingPool::Offer PendingPool::offer(GroupLog& log, const Event& event, std::optional<std::int64_t> now_ms) {
    Offer out;
    out.result = log.add(event, now_ms);
    switch (out.result.status) {
        case AddResult::Status::accepted:
            out.accepted.push_back(out.result.id);
            release(log, out.result.id, out);
            break;
        case AddResult::Status::missing_parents:
            if (holds(out.result.id)) {
                out.result.status = AddResult::Status::duplicate;
                out.result.cause = AddResult::Reason::none;
                out.held = true;
            } else {
                hold(event, out.result, now_ms, out);
            }
            break;
        case AddResult::Status::duplicate:
        case AddResult::Status::rejected:
            break;
    }
    return out;
}

std::size_t PendingPool::held_by(const PublicKey& author) const {
    auto it = by_author_.find(author);
    return it == by_author_.end() ? 0 : it->second.size();
}

void PendingPool::hold(const Event& event, const AddResult& result, std::optional<std::int64_t> now_ms, Offer& out) {
    const std::size_t size = encoded_size(event);
    if (max_events_ == 0 || size > max_bytes_) return;  // it could never fit
    // When full, the oldest go: they waited longest for parents that may
    // never come, and a peer resends whatever we still lack. An author at
    // its quota gives up its own oldest, never anyone else's.
    while (held_by(event.author) >= max_per_author_) evict(*by_author_.at(event.author).begin(), out);
    while (held_.size() >= max_events_ || bytes_ + size > max_bytes_) evict(by_age_.begin()->first, out);

    const std::uint64_t order = next_order_++;
    held_.emplace(result.id, Held{event, size, order, now_ms});
    bytes_ += size;
    by_age_.emplace(order, result.id);
    by_author_[event.author].insert(order);
    for (const auto& p : result.missing) waiting_on_[p].insert(result.id);
    out.held = true;
}

void PendingPool::evict(std::uint64_t order, Offer& out) {
    const Id id = by_age_.at(order);
    take(held_.find(id));
    out.evicted.push_back(id);
    ++evictions_;
}

Event PendingPool::take(HeldMap::iterator it) {
    const Id id = it->first;
    Held held = std::move(it->second);
    held_.erase(it);
    bytes_ -= held.bytes;
    by_age_.erase(held.order);
    auto author = by_author_.find(held.event.author);
    author->second.erase(held.order);
    if (author->second.empty()) by_author_.erase(author);
    for (const auto& p : held.event.parents) {
        auto waiting = waiting_on_.find(p);
        if (waiting == waiting_on_.end()) continue;
        waiting->second.erase(id);
        if (waiting->second.empty()) waiting_on_.erase(waiting);
    }
    return std::move(held.event);
}

void PendingPool::release(GroupLog& log, const Id& arrived, Offer& out) {
    std::vector<Id> queue{arrived};
    while (!queue.empty()) {
        const Id parent = queue.back();
        queue.pop_back();
        auto waiting = waiting_on_.find(parent);
        if (waiting == waiting_on_.end()) continue;
        const std::set<Id> children = std::move(waiting->second);
        waiting_on_.erase(waiting);
        for (const auto& child : children) {
            auto it = held_.find(child);
            if (it == held_.end()) continue;
            const Event& e = it->second.event;
            // Still waiting for another parent: it is listed under that one.
            if (!std::all_of(e.parents.begin(), e.parents.end(), [&](const Id& p) { return log.has(p); })) continue;
            const Event event = take(it);
            AddResult r = log.attach(event, child);
            if (r.accepted()) {
                out.accepted.push_back(child);
                queue.push_back(child);
            } else if (r.status == AddResult::Status::rejected) {
                out.refused.push_back(std::move(r));
            }
        }
    }
}

std::vector<Id> PendingPool::expire(std::int64_t now_ms, std::int64_t max_wait_ms) {
    // Oldest first; those without a clock (from our own store) are kept.
    std::vector<Id> out;
    for (auto it = by_age_.begin(); it != by_age_.end();) {
        const Id id = it->second;
        ++it;
        auto held = held_.find(id);
        if (!held->second.arrived_ms) continue;
        if (*held->second.arrived_ms + max_wait_ms > now_ms) break;
        take(held);
        out.push_back(id);
    }
    return out;
}

std::vector<Id> PendingPool::wanted(const GroupLog& log) const {
    std::vector<Id> out;
    for (const auto& [parent, children] : waiting_on_)
        if (!holds(parent) && !log.has(parent)) out.push_back(parent);
    return out;
}

void PendingPool::clear() {
    held_.clear();
    by_age_.clear();
    by_author_.clear();
    waiting_on_.clear();
    bytes_ = 0;
}

}  // namespace coop::group
