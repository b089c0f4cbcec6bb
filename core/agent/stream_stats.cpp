#include "core/agent/stream_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace coop::agent {

VirtualPlayer::Stall VirtualPlayer::chunk(std::int64_t offset, std::int64_t length, double asked, double came) {
    Stall s;
    if (byte_rate_ <= 0) return s;  // no bitrate, no playhead
    if (!running_ || offset != next_offset_) {
        running_ = true;
        run_offset_ = offset;
        run_start_ = came;
        stalled_ = 0;
    } else {
        const double needed = run_start_ + stalled_ + static_cast<double>(offset - run_offset_) / byte_rate_;
        const double from = std::max(needed, asked);
        if (came > from) {
            s = {from, came - from};
            stalled_ += s.length;
        }
    }
    next_offset_ = offset + length;
    return s;
}

double VirtualPlayer::stalls_from(std::int64_t offset, double asked) const {
    if (byte_rate_ <= 0 || !running_ || offset != next_offset_) return std::numeric_limits<double>::infinity();
    return std::max(run_start_ + stalled_ + static_cast<double>(offset - run_offset_) / byte_rate_, asked);
}

bool StreamStats::stalled_at(double now) const {
    return std::any_of(waiting_.begin(), waiting_.end(), [&](const auto& w) { return w.second + min_stall_seconds <= now; });
}

void StreamStats::bytes_sent(std::int64_t n, double at) {
    if (n > 0 && !first_byte_) first_byte_ = at;
    bytes_ += n;
}

void StreamStats::first_frame(double at) {
    if (!first_frame_) first_frame_ = at;
}

void StreamStats::request(bool seek) {
    ++requests_;
    if (seek) ++seeks_;
}

void StreamStats::stall(const VirtualPlayer::Stall& s) {
    if (s.length <= 0) return;
    stalls_.push_back(s);
    std::sort(stalls_.begin(), stalls_.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    std::vector<VirtualPlayer::Stall> merged;
    for (const auto& e : stalls_) {
        if (!merged.empty() && e.start <= merged.back().start + merged.back().length)
            merged.back().length = std::max(merged.back().length, e.start + e.length - merged.back().start);
        else
            merged.push_back(e);
    }
    stalls_ = std::move(merged);
    while (stalls_.size() > stalls_kept) {
        const auto& old = stalls_.front();
        if (old.length >= min_stall_seconds) {
            ++old_stalls_;
            old_seconds_ += old.length;
            old_longest_ = std::max(old_longest_, old.length);
        }
        stalls_.erase(stalls_.begin());
    }
}

int StreamStats::stalls() const {
    return old_stalls_ + static_cast<int>(std::count_if(stalls_.begin(), stalls_.end(),
                                                        [](const auto& s) { return s.length >= min_stall_seconds; }));
}

double StreamStats::stalled_seconds() const {
    double total = old_seconds_;
    for (const auto& s : stalls_)
        if (s.length >= min_stall_seconds) total += s.length;
    return total;
}

double StreamStats::longest_stall() const {
    double longest = old_longest_;
    for (const auto& s : stalls_) longest = std::max(longest, s.length);
    return longest >= min_stall_seconds ? longest : 0;
}

nlohmann::json StreamStats::to_json(double now) const {
    auto ms = [](std::optional<double> t) -> nlohmann::json {
        if (!t) return nullptr;
        return static_cast<std::int64_t>(std::llround(*t * 1000));
    };
    return {{"ttfb_ms", ms(first_byte_)},
            {"first_frame_ms", ms(first_frame_)},
            {"stalls", stalls()},
            {"stall_ms", std::llround(stalled_seconds() * 1000)},
            {"longest_stall_ms", std::llround(longest_stall() * 1000)},
            {"bytes_served", bytes_},
            {"requests", requests_},
            {"seeks", seeks_},
            {"stalled_now", stalled_at(now)}};
}

}  // namespace coop::agent
