// coop-rawpeer: a hostile peer, for the integration tests only. Each run
// attacks one agent's overlay endpoint in one way, with identities made
// for the run, and prints one line of what the agent did. Exit 0: the
// agent did what it must (hung up, dropped the link, refused, kept its
// log as it was); 1: it did not within the deadline; 2: bad usage.
#include <CLI/CLI.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/endpoint.hpp"
#include "core/group/body.hpp"
#include "core/group/event.hpp"
#include "core/group/log.hpp"
#include "core/group/sync_messages.hpp"
#include "core/identity.hpp"
#include "core/overlay/dial.hpp"
#include "core/overlay/handshake.hpp"
#include "core/overlay/link.hpp"
#include "core/overlay/secret_channel.hpp"
#include "core/overlay/wire.hpp"
#include "core/units.hpp"

namespace {

using namespace std::chrono_literals;
using boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using coop::Identity;
using coop::group::Event;
using coop::group::Id;
namespace group = coop::group;
namespace msg = coop::group::sync;
namespace overlay = coop::overlay;

// The agent did not do what it must: exit 1 with this line.
struct Unexpected : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string seconds_since(Clock::time_point start) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(Clock::now() - start).count());
    return text;
}

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::mt19937_64& rng() {
    static std::mt19937_64 generator{std::random_device{}()};
    return generator;
}

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(rng()());
    return out;
}

Id random_id() {
    Id id{};
    for (auto& b : id) b = static_cast<std::uint8_t>(rng()());
    return id;
}

// Everything runs on one io_context, driven step by step by the modes.
class Loop {
public:
    Loop() : guard_(boost::asio::make_work_guard(io_)) {}
    boost::asio::io_context& io() { return io_; }

    // Runs handlers until `done()` or the deadline; false at the deadline.
    template <class Done>
    bool run_until(Clock::time_point deadline, Done done) {
        while (!done()) {
            const auto now = Clock::now();
            if (now >= deadline) return false;
            io_.run_one_for(std::min<Clock::duration>(deadline - now, 100ms));
        }
        return true;
    }

private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
};

// A plain TCP connection, for peers that never get as far as a link.
class RawConnection {
public:
    RawConnection(Loop& loop, const tcp::endpoint& at, Clock::time_point deadline) : loop_(loop) {
        overlay::dial(loop.io(), at, 10s, [s = state_](const std::string& why, tcp::socket socket) {
            s->dialed = true;
            s->error = why;
            if (why.empty()) s->socket.emplace(std::move(socket));
        });
        if (!loop.run_until(deadline, [&] { return state_->dialed; })) throw Unexpected("no TCP connection in time");
        if (!state_->error.empty()) throw Unexpected(state_->error);
        read(state_);
    }

    void write(const std::string& bytes) {
        boost::system::error_code ec;
        boost::asio::write(*state_->socket, boost::asio::buffer(bytes), ec);
        if (ec) state_->hung_up("writing: " + ec.message());
    }
    bool wait_closed(Clock::time_point deadline) { return loop_.run_until(deadline, [&] { return state_->closed; }); }
    // Until the agent sent at least `n` bytes; false if it did not.
    bool wait_bytes(std::size_t n, Clock::time_point deadline) {
        return loop_.run_until(deadline, [&] { return state_->received.size() >= n || state_->closed; }) &&
               state_->received.size() >= n;
    }
    const std::string& received() const { return state_->received; }
    const std::string& why() const { return state_->why; }

private:
    struct State {
        bool dialed = false;
        std::string error;
        std::optional<tcp::socket> socket;
        std::array<char, 4096> buffer{};
        std::string received;  // the first max_kept bytes
        bool closed = false;
        std::string why;
        void hung_up(const std::string& reason) {
            if (closed) return;
            closed = true;
            why = reason;
        }
    };
    static void read(const std::shared_ptr<State>& s) {
        s->socket->async_read_some(boost::asio::buffer(s->buffer), [s](const boost::system::error_code& ec,
                                                                       std::size_t n) {
            if (ec) return s->hung_up(ec == boost::asio::error::eof ? "the agent hung up" : ec.message());
            s->received.append(s->buffer.data(), std::min(n, max_kept - std::min(max_kept, s->received.size())));
            read(s);
        });
    }

    static constexpr std::size_t max_kept = 64 * 1024;
    Loop& loop_;
    std::shared_ptr<State> state_ = std::make_shared<State>();
};

// One link to the agent, as a peer of its overlay.
class Peer {
public:
    Peer(Loop& loop, const tcp::endpoint& at, overlay::LinkOptions options, Clock::time_point deadline)
        : loop_(loop) {
        // We never time the agent out ourselves: our deadlines do.
        options.idle_timeout = 0ms;
        options.max_queued_bytes = std::max<std::size_t>(options.max_queued_bytes, 64u << 20);
        overlay::dial_link(loop.io(), at, identity_, std::nullopt, options,
                           [state = state_](std::shared_ptr<overlay::Link> link, const std::string& why) {
                               state->dialed = true;
                               state->error = why;
                               if (!link) return;
                               state->link = link;
                               link->on_frame([state](std::string frame) {
                                   if (state->frames.size() < max_frames_kept)
                                       state->frames.push_back(std::move(frame));
                               });
                               link->on_closed([state](const std::string& reason) {
                                   state->closed = true;
                                   state->reason = reason;
                               });
                           });
        if (!loop.run_until(deadline, [&] { return state_->dialed; })) throw Unexpected("no link to the agent in time");
        if (!state_->error.empty()) throw Unexpected("cannot open a link: " + state_->error);
    }
    ~Peer() {
        if (state_->link && !state_->link->is_closed()) state_->link->close("the test is over");
    }
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    const Identity& identity() const { return identity_; }
    bool closed() const { return state_->closed; }
    // Why the link closed, as our side saw it (the agent's bye, if it sent one).
    const std::string& reason() const { return state_->reason; }
    // Our side gave up (our send queue, our own bound): not the agent's doing.
    bool closed_by_us() const { return state_->link->stats().faults.total() > 0; }

    bool send(const msg::Message& m) { return send_frame(msg::encode(m)); }
    bool send_frame(std::string frame) { return !closed() && state_->link->send(std::move(frame)); }
    // Until what we queued is on the wire, or the link closed.
    void flush(Clock::time_point deadline) {
        loop_.run_until(deadline, [&] { return closed() || state_->link->queued_bytes() == 0; });
    }
    // The next sync message the agent sent (frames that do not decode are
    // skipped); nullopt at the deadline or once the link closed.
    std::optional<msg::Message> next(Clock::time_point deadline) {
        for (;;) {
            if (!loop_.run_until(deadline, [&] { return !state_->frames.empty() || closed(); })) return std::nullopt;
            if (state_->frames.empty()) return std::nullopt;
            std::string frame = std::move(state_->frames.front());
            state_->frames.pop_front();
            if (auto m = msg::decode(frame)) return m;
        }
    }
    // Reads (and ignores) what the agent sends until it closes the link.
    bool wait_closed(Clock::time_point deadline) {
        return loop_.run_until(deadline, [&] {
            state_->frames.clear();
            return closed();
        });
    }
    // What the agent did, or did not do, for the verdict line.
    std::string outcome(const std::string& waited) const {
        if (!closed()) return "still open after " + waited;
        return (closed_by_us() ? "closed by us: " : "closed by peer: ") + reason();
    }

private:
    static constexpr std::size_t max_frames_kept = 4096;
    struct State {
        bool dialed = false;
        std::string error;
        std::shared_ptr<overlay::Link> link;
        std::deque<std::string> frames;
        bool closed = false;
        std::string reason;
    };
    Loop& loop_;
    Identity identity_ = Identity::generate();
    std::shared_ptr<State> state_ = std::make_shared<State>();
};

// The group as the agent sent it to us, a newcomer.
struct Fetched {
    group::GroupLog log;
    std::vector<Event> events;  // parents first
};

// Subscribes (an open group needs no join) and pulls the whole log, batch
// by batch, as a newcomer would.
Fetched fetch(Peer& peer, const Id& g, Clock::time_point deadline) {
    peer.send(msg::Subscribe{g, std::nullopt});
    for (;;) {
        auto m = peer.next(deadline);
        if (!m) throw Unexpected("no answer to SUBSCRIBE: " + peer.outcome("the deadline"));
        if (auto* r = std::get_if<msg::Refuse>(&*m); r && r->group == g)
            throw Unexpected("the agent refused to sync the group: " + msg::to_string(r->reason));
        if (auto* s = std::get_if<msg::State>(&*m); s && s->group == g) break;
    }
    Fetched got{group::GroupLog(g), {}};
    for (bool more = true; more;) {
        peer.send(msg::State{g, got.log.frontier(), got.log.heads()});
        for (;;) {
            auto m = peer.next(deadline);
            if (!m) throw Unexpected("no EVENTS for our STATE: " + peer.outcome("the deadline"));
            auto* e = std::get_if<msg::Events>(&*m);
            if (!e || e->group != g || e->push) continue;
            for (const auto& event : e->events)
                if (got.log.add(event).accepted()) got.events.push_back(event);
            more = e->more;
            break;
        }
    }
    if (!got.log.has(g)) throw Unexpected("the agent sent the group without its genesis");
    return got;
}

// A correctly signed post by `author` whose parent nobody holds: the agent
// can only keep it waiting in its pending pool, and ask for the parent.
Event orphan(const Identity& author, const Id& g, std::uint64_t seq, const Id& parent, std::size_t text_bytes) {
    std::string text(text_bytes, 'x');
    text += " " + std::to_string(seq);
    return group::make_event(author, g, seq, now_ms(), group::Kind::post, {parent},
                             group::to_body(group::PostBody{text}));
}

// "ok" if the agent closed the link for a reason naming `word` (any
// reason if empty); else what to add to the verdict line.
std::string expected(const Peer& peer, const std::string& word) {
    if (!peer.closed() || peer.closed_by_us()) return "";
    if (!word.empty() && peer.reason().find(word) == std::string::npos)
        return " (expected a reason naming " + word + ")";
    return "ok";
}

struct Options {
    tcp::endpoint at;
    Id group{};
    int count = 0;    // 0: the mode's default
    int authors = 8;  // flood
    std::chrono::seconds timeout{0};
    std::string expect;
    bool idle = false;  // mute
};

// The verdict line: printed; true if the agent behaved.
bool verdict(bool ok, const std::string& line) {
    std::cout << line << "\n";
    return ok;
}

bool link_verdict(const Peer& peer, const std::string& word, const std::string& what, const std::string& waited,
                  const std::string& tail = "") {
    const std::string judged = expected(peer, word);
    return verdict(judged == "ok", peer.outcome(waited) + (judged == "ok" ? "" : judged) + what + tail);
}

// ---- the modes ----------------------------------------------------------

bool silent(Loop& loop, const Options& o) {
    const auto start = Clock::now();
    RawConnection c(loop, o.at, start + o.timeout);
    if (!c.wait_closed(start + o.timeout))
        return verdict(false, "still open after " + seconds_since(start) + " of silence");
    return verdict(true, "hung up on after " + seconds_since(start) + " of silence: " + c.why());
}

bool garbage_hello(Loop& loop, const Options& o) {
    const auto start = Clock::now();
    RawConnection c(loop, o.at, start + o.timeout);
    std::string junk = random_bytes(o.count ? o.count : 256);
    // Not "coop-link": a stranger is told apart by its first byte.
    if (junk[0] == overlay::link_magic[0]) junk[0] = 'X';
    c.write(junk);
    if (!c.wait_closed(start + o.timeout))
        return verdict(false, "still open after " + seconds_since(start) + " and " + std::to_string(junk.size()) +
                                  " garbage bytes for a hello");
    return verdict(true, "hung up on after " + std::to_string(junk.size()) + " garbage bytes for a hello: " + c.why());
}

// A proper hello and keys, then an auth signed over another session's
// transcript: what a replayed handshake carries.
bool bad_auth(Loop& loop, const Options& o) {
    const auto deadline = Clock::now() + o.timeout;
    RawConnection c(loop, o.at, deadline);
    overlay::Ephemeral ours;
    const std::string our_hello = ours.hello().encode();
    c.write(our_hello);
    if (!c.wait_bytes(overlay::hello_bytes, deadline)) throw Unexpected("the agent sent no hello: " + c.why());
    const auto hello = overlay::read_hello(c.received());
    if (hello.result != overlay::HelloRead::ok) throw Unexpected("the agent's hello does not read as one");
    const auto keys = ours.session_keys(overlay::Role::dialer, hello.hello);
    if (!keys) throw Unexpected("the agent's hello has an unusable key");
    overlay::SecretChannel channel;
    std::string out = channel.start_push(keys->tx);
    overlay::Ephemeral elsewhere;
    const auto stale = overlay::transcript(our_hello, elsewhere.hello().encode(), overlay::Role::dialer);
    out += channel.seal(overlay::MessageType::auth, overlay::auth_body(Identity::generate(), stale));
    c.write(out);
    if (!c.wait_closed(deadline))
        return verdict(false, "still open after an auth signed for another session (" +
                                  std::to_string(o.timeout.count()) + " s)");
    return verdict(true, "hung up on after an auth signed for another session: " + c.why());
}

// Frames that decrypt, but are no sync message: the engine counts faults
// and drops the link past its bound.
bool garbage_frames(Loop& loop, const Options& o) {
    const auto deadline = Clock::now() + o.timeout;
    Peer peer(loop, o.at, {}, deadline);
    const int total = o.count ? o.count : 32;
    int sent = 0;
    while (sent < total && !peer.closed()) {
        std::string frame;
        do {
            frame = random_bytes(1 + rng()() % 256);
            // Half of them name a type this version knows, to reach its decoder.
            if (rng()() % 2) frame[0] = static_cast<char>(1 + rng()() % 7);
        } while (msg::decode(frame));
        if (!peer.send_frame(std::move(frame))) break;
        ++sent;
        peer.flush(deadline);
    }
    peer.wait_closed(deadline);
    return link_verdict(peer, o.expect, " (after " + std::to_string(sent) + " of " + std::to_string(total) +
                                            " garbage frames)", std::to_string(o.timeout.count()) + " s");
}

bool oversize(Loop& loop, const Options& o) {
    const auto deadline = Clock::now() + o.timeout;
    overlay::LinkOptions options;
    options.max_frame_bytes = 4u << 20;
    Peer peer(loop, o.at, options, deadline);
    const std::size_t size = o.count ? static_cast<std::size_t>(o.count) : (2u << 20);
    if (!peer.send_frame(random_bytes(size))) return verdict(false, "could not send the frame: " + peer.outcome(""));
    peer.flush(deadline);
    peer.wait_closed(deadline);
    return link_verdict(peer, o.expect,
                        " (after one frame of " + coop::format_bytes(static_cast<std::int64_t>(size)) + ")",
                        std::to_string(o.timeout.count()) + " s");
}

// Checks with a fresh newcomer that the agent's log holds exactly `before`
// events and none of `ours`; the clause for the verdict line.
std::string log_unchanged(Loop& loop, const Options& o, std::size_t before, const std::vector<Id>& ours) {
    Peer checker(loop, o.at, {}, Clock::now() + o.timeout);
    const Fetched now = fetch(checker, o.group, Clock::now() + o.timeout);
    for (const auto& id : ours)
        if (now.log.has(id)) throw Unexpected("the agent's log took our event " + group::hex(id));
    if (now.events.size() != before)
        throw Unexpected("the agent's log went from " + std::to_string(before) + " to " +
                         std::to_string(now.events.size()) + " events");
    return "; the agent's log still holds its " + std::to_string(before) + " events";
}

bool forged_events(Loop& loop, const Options& o) {
    std::vector<Id> ours;
    std::size_t before = 0;
    std::string line;
    bool ok = true;

    {  // Signed, then one bit of the signature flipped: dropped at once.
        const auto deadline = Clock::now() + o.timeout;
        Peer peer(loop, o.at, {}, deadline);
        const Fetched got = fetch(peer, o.group, deadline);
        before = got.events.size();
        const auto next = got.log.next_for(peer.identity().public_key(), now_ms());
        Event forged = group::make_event(peer.identity(), o.group, next.seq, next.time_ms, group::Kind::post,
                                         next.parents, group::to_body(group::PostBody{"forged"}));
        forged.signature[0] ^= 1;
        ours.push_back(forged.id());
        peer.send(msg::Events{o.group, {forged}, true, false});
        peer.wait_closed(deadline);
        const std::string judged = expected(peer, o.expect.empty() ? "bad_signature" : o.expect);
        ok = ok && judged == "ok";
        line += "bad signature: " + peer.outcome(std::to_string(o.timeout.count()) + " s") +
                (judged == "ok" ? "" : judged);
    }
    {  // Correctly signed, but the author's sequence skips ahead: refused, a
       // fault each time, dropped past the bound.
        const auto deadline = Clock::now() + o.timeout;
        Peer peer(loop, o.at, {}, deadline);
        const Fetched got = fetch(peer, o.group, deadline);
        const auto next = got.log.next_for(peer.identity().public_key(), now_ms());
        const Event skipped = group::make_event(peer.identity(), o.group, next.seq + 4, next.time_ms, group::Kind::post,
                                                next.parents, group::to_body(group::PostBody{"out of sequence"}));
        ours.push_back(skipped.id());
        const int total = o.count ? o.count : 32;
        int sent = 0;
        while (sent < total && !peer.closed() && peer.send(msg::Events{o.group, {skipped}, true, false})) {
            ++sent;
            peer.flush(deadline);
        }
        peer.wait_closed(deadline);
        const std::string judged = expected(peer, o.expect.empty() ? "bad_event" : o.expect);
        ok = ok && judged == "ok";
        line += "; wrong author seq: " + peer.outcome(std::to_string(o.timeout.count()) + " s") +
                (judged == "ok" ? "" : judged) + " (after " + std::to_string(sent) + " frames)";
    }
    line += log_unchanged(loop, o, before, ours);
    return verdict(ok, line);
}

// `events` repeated to `n` events, within what one EVENTS frame carries.
std::vector<Event> repeated(const std::vector<Event>& events, std::size_t n) {
    std::vector<Event> out;
    std::size_t bytes = 0;
    for (std::size_t i = 0; out.size() < std::min(n, msg::max_batch_events); ++i) {
        const Event& e = events[i % events.size()];
        bytes += e.encode().size();
        if (bytes > msg::max_batch_bytes) break;
        out.push_back(e);
    }
    return out;
}

// The agent's own events pushed back at it again and again. Frames of a
// modest size, so that the replay budget runs out well before the push
// budget does (each frame past a budget is one fault).
bool replay(Loop& loop, const Options& o) {
    const auto deadline = Clock::now() + o.timeout;
    Peer peer(loop, o.at, {}, deadline);
    const Fetched got = fetch(peer, o.group, deadline);
    const std::vector<Event> batch = repeated(got.events, 128);
    const int total = o.count ? o.count : 64;
    int sent = 0;
    while (sent < total && !peer.closed() && peer.send(msg::Events{o.group, batch, true, false})) {
        ++sent;
        peer.flush(deadline);
    }
    peer.wait_closed(deadline);
    const std::string tail = log_unchanged(loop, o, got.events.size(), {});
    return link_verdict(peer, o.expect.empty() ? "replay" : o.expect,
                        " (after " + std::to_string(sent) + " frames of " + std::to_string(batch.size()) +
                            " replayed events)",
                        std::to_string(o.timeout.count()) + " s", tail);
}

// Correctly signed posts by several fresh authors, each a chain hanging
// from a parent nobody holds, far past the push budget: they can only wait
// in the agent's pending pool, which must stay bounded.
bool flood(Loop& loop, const Options& o) {
    const auto deadline = Clock::now() + o.timeout;
    Peer peer(loop, o.at, {}, deadline);
    const Fetched got = fetch(peer, o.group, deadline);
    struct Author {
        Identity identity = Identity::generate();
        Id last = random_id();
        std::uint64_t seq = 0;
    };
    std::vector<Author> authors(static_cast<std::size_t>(std::max(1, o.authors)));
    constexpr std::size_t text_bytes = 3900;  // big events, so the pool's byte bound counts too
    constexpr std::size_t per_frame = 200;
    const int total = o.count ? o.count : 16384;
    int sent = 0, frames = 0;
    while (sent < total && !peer.closed()) {
        msg::Events m{o.group, {}, true, false};
        for (std::size_t i = 0; i < per_frame && sent + static_cast<int>(m.events.size()) < total; ++i) {
            Author& a = authors[(static_cast<std::size_t>(sent) + i) % authors.size()];
            m.events.push_back(orphan(a.identity, o.group, ++a.seq, a.last, text_bytes));
            a.last = m.events.back().id();
        }
        if (!peer.send(m)) break;
        sent += static_cast<int>(m.events.size());
        ++frames;
        peer.flush(deadline);
    }
    peer.wait_closed(deadline);
    const std::string tail = log_unchanged(loop, o, got.events.size(), {});
    return link_verdict(peer, o.expect.empty() ? "flood" : o.expect,
                        " (after " + std::to_string(sent) + " events by " + std::to_string(authors.size()) +
                            " authors in " + std::to_string(frames) + " frames)",
                        std::to_string(o.timeout.count()) + " s", tail);
}

// Subscribes, gives the agent a reason to ask us something (an event whose
// parent only we could have), and answers nothing. With --idle it gives no
// reason and sends not even keepalives: the link's idle timeout must end it.
bool mute(Loop& loop, const Options& o) {
    const auto start = Clock::now();
    const auto deadline = start + o.timeout;
    overlay::LinkOptions options;
    if (o.idle) options.ping_interval = 0ms;
    Peer peer(loop, o.at, options, deadline);
    fetch(peer, o.group, deadline);
    if (!o.idle) peer.send(msg::Events{o.group, {orphan(peer.identity(), o.group, 1, random_id(), 16)}, true, false});
    peer.wait_closed(deadline);
    return link_verdict(peer, o.expect.empty() && !o.idle ? "unanswered" : o.expect,
                        " (after " + seconds_since(start) + " of not answering)", seconds_since(start));
}

std::optional<tcp::endpoint> parse_address(const std::string& text, std::string& error) {
    auto e = coop::parse_endpoint(text, error);
    if (!e) return std::nullopt;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(e->address, ec);
    if (ec || e->port == 0) {
        error = "'" + text + "' is no IP:PORT";
        return std::nullopt;
    }
    return tcp::endpoint(address, e->port);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"coop-rawpeer: a hostile peer for the integration tests; attacks one agent's overlay endpoint "
                 "(coop agent status --json: .overlay.listen) and says what the agent did",
                 "coop-rawpeer"};
    app.require_subcommand(1);
    std::string address, group_hex;
    int count = 0, authors = 8, timeout_s = 0;
    std::string expect;
    bool idle = false;

    struct Mode {
        const char* name;
        const char* help;
        bool needs_group;
        int default_timeout_s;
        bool (*run)(Loop&, const Options&);
    };
    const std::vector<Mode> modes = {
        {"silent", "TCP connect, send nothing: the agent must hang up within its handshake timeout", false, 30,
         silent},
        {"garbage-hello", "random bytes instead of the hello (--count bytes): the agent must hang up", false, 15,
         garbage_hello},
        {"bad-auth", "a handshake whose auth is signed for another session: the agent must hang up", false, 15,
         bad_auth},
        {"garbage-frames", "a proper handshake, then --count frames that are no sync message: the link dropped",
         false, 15, garbage_frames},
        {"oversize", "one frame of 2 MiB (or --count bytes), over the agent's bound: the link closed", false, 15,
         oversize},
        {"forged-events", "events with a bad signature, or a wrong author seq: dropped, none in the log", true, 15,
         forged_events},
        {"replay", "the agent's own events pushed back --count times: dropped past the replay budget", true, 30,
         replay},
        {"flood", "--count signed orphan events by --authors fresh authors: dropped past the push budget", true, 30,
         flood},
        {"mute", "subscribe, give the agent a question, answer nothing (--idle: not even keepalives): timed out",
         true, 75, mute},
    };
    std::map<CLI::App*, const Mode*> by_command;
    for (const auto& m : modes) {
        CLI::App* sub = app.add_subcommand(m.name, m.help);
        sub->add_option("ADDR", address, "the agent's overlay endpoint, IP:PORT")->required();
        if (m.needs_group) sub->add_option("--group", group_hex, "an open group the agent holds (its id)")->required();
        sub->add_option("--count", count, "how many frames, events or bytes (each mode has a default)");
        sub->add_option("--timeout", timeout_s, "seconds to wait for the agent (each mode has a default)");
        sub->add_option("--expect", expect, "a word the agent's reason for closing must contain");
        if (std::string(m.name) == "flood") sub->add_option("--authors", authors, "fresh authors of the events");
        if (std::string(m.name) == "mute") sub->add_flag("--idle", idle, "send nothing at all, keepalives included");
        by_command[sub] = &m;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    const Mode* mode = nullptr;
    for (auto* sub : app.get_subcommands()) mode = by_command.at(sub);

    Options o;
    std::string error;
    auto at = parse_address(address, error);
    if (!at) {
        std::cerr << "coop-rawpeer: " << error << "\n";
        return 2;
    }
    o.at = *at;
    if (mode->needs_group) {
        auto id = group::parse_id(group_hex);
        if (!id) {
            std::cerr << "coop-rawpeer: --group needs a group id of 64 hex digits\n";
            return 2;
        }
        o.group = *id;
    }
    o.count = std::max(0, count);
    o.authors = authors;
    o.idle = idle;
    o.expect = expect;
    o.timeout = std::chrono::seconds(timeout_s > 0 ? timeout_s : mode->default_timeout_s * (idle ? 2 : 1));

    try {
        overlay::init_sodium();
        Loop loop;
        return mode->run(loop, o) ? 0 : 1;
    } catch (const Unexpected& e) {
        std::cout << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cout << "coop-rawpeer: " << e.what() << "\n";
        return 1;
    }
}
