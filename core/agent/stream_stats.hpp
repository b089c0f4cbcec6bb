#pragma once
// What one stream did, as its player felt it: time to the first byte, time
// until a first frame could be decoded, and stalls. The agent cannot see
// inside the player, so stalls come from a virtual player per connection:
// it starts playing where a read began as soon as the first bytes come and
// goes on at the media's average byte rate; a chunk that arrives after that
// playhead needed it (and after it was asked for) stalls it until it comes.
// Times are seconds since the stream was opened.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace coop::agent {

class VirtualPlayer {
public:
    explicit VirtualPlayer(double byte_rate) : byte_rate_(byte_rate) {}
    // `length` bytes at `offset`, asked for at `asked`, came at `came`.
    // Returns when the stall it caused began and how long it lasted (0 when
    // it came in time). A chunk that does not follow the last one starts a
    // new read (a seek): its wait is not a stall.
    struct Stall {
        double start = 0, length = 0;
    };
    Stall chunk(std::int64_t offset, std::int64_t length, double asked, double came);
    // When a chunk at `offset` asked for at `asked` would begin a stall if
    // it has not come by then (infinity when it cannot stall).
    double stalls_from(std::int64_t offset, double asked) const;

private:
    double byte_rate_;
    bool running_ = false;
    std::int64_t run_offset_ = 0, next_offset_ = 0;
    double run_start_ = 0, stalled_ = 0;
};

class StreamStats {
public:
    // Stalls shorter than this are jitter a player's buffer hides.
    static constexpr double min_stall_seconds = 0.1;

    void bytes_sent(std::int64_t n, double at);
    void first_frame(double at);
    void request(bool seek);
    // Stalls that touch or overlap (several connections) count as one.
    void stall(const VirtualPlayer::Stall& s);
    // A connection waits for a chunk that stalls its player from `from` on
    // (infinity: it cannot), until arrived(); `key` names the connection.
    void waiting(const void* key, double from) { waiting_[key] = from; }
    void arrived(const void* key) { waiting_.erase(key); }
    // A player stalls at `now` (a connection waits past its playhead).
    bool stalled_at(double now) const;

    std::optional<double> first_byte_at() const { return first_byte_; }
    std::optional<double> first_frame_at() const { return first_frame_; }
    int stalls() const;
    double stalled_seconds() const;
    double longest_stall() const;
    // ttfb_ms, first_frame_ms (null until known), stalls, stall_ms,
    // longest_stall_ms, bytes_served, requests, seeks, stalled_now.
    nlohmann::json to_json(double now) const;

private:
    std::optional<double> first_byte_, first_frame_;
    std::int64_t bytes_ = 0;
    int requests_ = 0, seeks_ = 0;
    std::vector<VirtualPlayer::Stall> stalls_;  // merged, in order of start
    // Older stalls beyond the ones kept, summed (memory stays bounded).
    static constexpr std::size_t stalls_kept = 256;
    int old_stalls_ = 0;
    double old_seconds_ = 0, old_longest_ = 0;
    std::map<const void*, double> waiting_;
};

}  // namespace coop::agent
