#include "core/group/pending_pool.hpp"

#include <algorithm>

namespace coop::group {
namespace {
std::size_t encoded_size(const Event& e) {
    return header_size + e.parents.size() * 32 + 4 + e.body.size() + signature_size;
}
}  // namespace

PendingPool::PendingPool(std::size_t max_events, std::size_t max_bytes)
    : max_events_(max_events), max_bytes_(max_bytes) {}

PendingPool::Offer PendingPool::offer(GroupLog& log, const Event& event) {
    Offer out;
    out.result = log.add(event);
    switch (out.result.status) {
        case AddResult::Status::accepted:
            out.accepted.push_back(out.result.id);
            release(log, out.result.id, out);
            break;
        case AddResult::Status::missing_parents:
            if (holds(out.result.id)) {
                out.result.status = AddResult::Status::duplicate;
                out.held = true;
            } else {
                hold(event, out.result, out);
            }
            break;
        case AddResult::Status::duplicate:
        case AddResult::Status::rejected:
            break;
    }
    return out;
}

void PendingPool::hold(const Event& event, const AddResult& result, Offer& out) {
    const std::size_t size = encoded_size(event);
    // When full, refuse the newcomer rather than evict: a peer resends it
    // once the missing parents are in.
    if (held_.size() >= max_events_ || bytes_ + size > max_bytes_) return;
    held_.emplace(result.id, Held{event, size});
    bytes_ += size;
    for (const auto& p : result.missing) waiting_on_[p].push_back(result.id);
    out.held = true;
}

void PendingPool::release(GroupLog& log, const Id& arrived, Offer& out) {
    std::vector<Id> queue{arrived};
    while (!queue.empty()) {
        const Id parent = queue.back();
        queue.pop_back();
        auto waiting = waiting_on_.find(parent);
        if (waiting == waiting_on_.end()) continue;
        const std::vector<Id> children = std::move(waiting->second);
        waiting_on_.erase(waiting);
        for (const auto& child : children) {
            auto it = held_.find(child);
            if (it == held_.end()) continue;
            const Event& e = it->second.event;
            // Still waiting for another parent: it is listed under that one.
            if (!std::all_of(e.parents.begin(), e.parents.end(), [&](const Id& p) { return log.has(p); })) continue;
            Held held = std::move(it->second);
            held_.erase(it);
            bytes_ -= held.bytes;
            AddResult r = log.attach(held.event, child);
            if (r.accepted()) {
                out.accepted.push_back(child);
                queue.push_back(child);
            } else if (r.status == AddResult::Status::rejected) {
                out.refused.push_back(std::move(r));
            }
        }
    }
}

std::vector<Id> PendingPool::wanted(const GroupLog& log) const {
    std::vector<Id> out;
    for (const auto& [parent, children] : waiting_on_)
        if (!holds(parent) && !log.has(parent)) out.push_back(parent);
    return out;
}

void PendingPool::clear() {
    held_.clear();
    waiting_on_.clear();
    bytes_ = 0;
}

}  // namespace coop::group
