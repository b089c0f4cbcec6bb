#include "core/group/sync_messages.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/group/binary.hpp"

namespace coop::group::sync {
namespace {

constexpr std::size_t type_bytes = 1;
constexpr std::size_t frontier_entry_bytes = 32 + 8;
constexpr std::uint8_t push_flag = 1;
constexpr std::uint8_t more_flag = 2;
constexpr std::size_t max_summary_bytes =
    32 + 1 + max_name_bytes + 2 + max_about_bytes + 1 + max_topics * (1 + max_tag_bytes) + 4;

// Each message at its bounds still fits in one overlay frame.
static_assert(type_bytes + 32 + 1 + 4 + max_encoded_size <= max_frame_bytes);
static_assert(type_bytes + 32 + 2 + max_frontier_authors * frontier_entry_bytes + 2 + max_state_heads * 32 <=
              max_frame_bytes);
static_assert(type_bytes + 32 + 1 + 2 + max_batch_events * 4 + max_batch_bytes <= max_frame_bytes);
static_assert(max_encoded_size <= max_batch_bytes);  // any one event fits a batch
static_assert(type_bytes + 32 + 2 + max_want_ids * 32 <= max_frame_bytes);
static_assert(type_bytes + 1 + max_tag_bytes + 1 + max_found_groups * max_summary_bytes <= max_frame_bytes);
static_assert(max_batch_events <= 0xffff && max_frontier_authors <= 0xffff && max_want_ids <= 0xffff);

// Well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
bool utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1;
            code = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            code = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            code = c & 0x07;
        } else {
            return false;
        }
        if (s.size() - i <= extra) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(s[i + k]);
            if ((next & 0xc0) != 0x80) return false;
            code = (code << 6) | (next & 0x3f);
        }
        static constexpr std::uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
        if (code < smallest[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
        i += extra + 1;
    }
    return true;
}

bool control(char c, bool allow_breaks) {
    const auto u = static_cast<unsigned char>(c);
    if (allow_breaks && (c == '\n' || c == '\t')) return false;
    return u < 0x20 || u == 0x7f;
}

bool valid_about(std::string_view text) {
    return text.size() <= max_about_bytes && utf8(text) &&
           std::none_of(text.begin(), text.end(), [](char c) { return control(c, true); });
}

template <typename T>
bool ascending_unique(const std::vector<T>& v) {
    for (std::size_t i = 1; i < v.size(); ++i)
        if (!(v[i - 1] < v[i])) return false;
    return true;
}

template <typename T>
std::vector<T> sorted_unique(std::vector<T> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

void put_id(Writer& w, const Id& id) { w.bytes(id.data(), id.size()); }

void put_label(Writer& w, const std::string& text, std::size_t max) {
    if (!valid_label(text, max))
        throw std::invalid_argument("a tag, name or topic is empty, too long or not one line of UTF-8");
    w.u8(static_cast<std::uint8_t>(text.size()));
    w.bytes(text);
}

void put_frontier(Writer& w, const GroupLog::Frontier& frontier) {
    if (frontier.size() > max_frontier_authors) throw std::length_error("frontier past its bound");
    w.u16(static_cast<std::uint16_t>(frontier.size()));
    for (const auto& [author, seq] : frontier) {
        if (seq == 0) throw std::invalid_argument("a frontier holds sequence numbers from 1");
        w.bytes(author.data(), author.size());
        w.u64(seq);
    }
}

void put_summary(Writer& w, const GroupSummary& s) {
    if (!valid_summary(s)) throw std::invalid_argument("a group summary is past its bounds");
    put_id(w, s.id);
    put_label(w, s.name, max_name_bytes);
    w.u16(static_cast<std::uint16_t>(s.about.size()));
    w.bytes(s.about);
    w.u8(static_cast<std::uint8_t>(s.topics.size()));
    for (const auto& t : s.topics) put_label(w, t, max_tag_bytes);
    w.u32(s.members);
}

struct Encoder {
    Writer& w;

    void operator()(const Subscribe& m) {
        w.u8(static_cast<std::uint8_t>(Type::subscribe));
        put_id(w, m.group);
        w.u8(m.join ? 1 : 0);
        if (!m.join) return;
        const std::string bytes = m.join->encode();
        if (bytes.size() > max_encoded_size) throw std::length_error("the join event is too large");
        w.u32(static_cast<std::uint32_t>(bytes.size()));
        w.bytes(bytes);
    }
    void operator()(const Refuse& m) {
        w.u8(static_cast<std::uint8_t>(Type::refuse));
        put_id(w, m.group);
        w.u8(static_cast<std::uint8_t>(m.reason));
    }
    void operator()(const State& m) {
        const auto heads = sorted_unique(m.heads);
        if (heads.size() > max_state_heads) throw std::length_error("heads past their bound");
        w.u8(static_cast<std::uint8_t>(Type::state));
        put_id(w, m.group);
        put_frontier(w, m.frontier);
        w.u16(static_cast<std::uint16_t>(heads.size()));
        for (const auto& h : heads) put_id(w, h);
    }
    void operator()(const Events& m) {
        if (m.events.size() > max_batch_events) throw std::length_error("more events than a batch holds");
        w.u8(static_cast<std::uint8_t>(Type::events));
        put_id(w, m.group);
        w.u8(static_cast<std::uint8_t>((m.push ? push_flag : 0) | (m.more ? more_flag : 0)));
        w.u16(static_cast<std::uint16_t>(m.events.size()));
        std::size_t total = 0;
        for (const auto& e : m.events) {
            const std::string bytes = e.encode();
            total += bytes.size();
            if (bytes.size() > max_encoded_size || total > max_batch_bytes)
                throw std::length_error("more event bytes than a batch holds");
            w.u32(static_cast<std::uint32_t>(bytes.size()));
            w.bytes(bytes);
        }
    }
    void operator()(const Have& m) {
        w.u8(static_cast<std::uint8_t>(Type::have));
        put_id(w, m.group);
        put_frontier(w, m.frontier);
    }
    void operator()(const Want& m) {
        const auto ids = sorted_unique(m.ids);
        if (ids.empty() || ids.size() > max_want_ids) throw std::length_error("a want names 1 to 1024 ids");
        w.u8(static_cast<std::uint8_t>(Type::want));
        put_id(w, m.group);
        w.u16(static_cast<std::uint16_t>(ids.size()));
        for (const auto& id : ids) put_id(w, id);
    }
    void operator()(const Find& m) {
        w.u8(static_cast<std::uint8_t>(Type::find));
        put_label(w, m.tag, max_tag_bytes);
    }
    void operator()(const Found& m) {
        if (m.groups.size() > max_found_groups) throw std::length_error("more groups than an answer holds");
        w.u8(static_cast<std::uint8_t>(Type::found));
        put_label(w, m.tag, max_tag_bytes);
        w.u8(static_cast<std::uint8_t>(m.groups.size()));
        for (const auto& g : m.groups) put_summary(w, g);
    }
};

// Decoding: each step says whether the bytes were right, and on failure
// leaves the reason in `error`.
class Decoder {
public:
    Decoder(std::string_view body, DecodeError& error) : r_(body), error_(error) {}

    std::optional<Message> message(Type type) {
        switch (type) {
            case Type::subscribe: return finish(subscribe());
            case Type::refuse: return finish(refuse());
            case Type::state: return finish(state());
            case Type::events: return finish(events());
            case Type::want: return finish(want());
            case Type::find: return finish(find());
            case Type::found: return finish(found());
            case Type::have: return finish(have());
        }
        return fail(SyncFault::unknown_type, "unknown message type " + std::to_string(static_cast<unsigned>(type)));
    }

private:
    template <typename T>
    std::optional<Message> finish(std::optional<T> m) {
        if (!m) return std::nullopt;
        if (r_.left() != 0) return fail(SyncFault::malformed, "trailing bytes after the message");
        return Message(std::move(*m));
    }

    std::nullopt_t fail(SyncFault fault, std::string why) {
        error_.fault = fault;
        error_.why = std::move(why);
        return std::nullopt;
    }
    std::nullopt_t truncated() { return fail(SyncFault::malformed, "message truncated"); }
    // For the steps that answer true or false: the reason is set already.
    static bool refused(std::nullopt_t) { return false; }

    bool id(Id& out) { return r_.bytes(out.data(), out.size()) || refused(truncated()); }

    // A count, refused past `max` before anything is allocated for it.
    template <typename Int>
    bool count(Int& n, std::size_t max, const char* what) {
        bool ok = false;
        if constexpr (sizeof(Int) == 1)
            ok = r_.u8(n);
        else
            ok = r_.u16(n);
        if (!ok) return refused(truncated());
        if (n > max)
            return refused(fail(SyncFault::oversize, std::string(what) + " past its bound of " + std::to_string(max)));
        return true;
    }

    bool label(std::string& out, std::size_t max, const char* what) {
        std::uint8_t size = 0;
        if (!r_.u8(size) || !r_.bytes(out, size)) return refused(truncated());
        if (!valid_label(out, max))
            return refused(
                fail(SyncFault::malformed, std::string(what) + " is empty, too long or not one line of UTF-8"));
        return true;
    }

    std::optional<Subscribe> subscribe() {
        Subscribe m;
        std::uint8_t has_join = 0;
        if (!id(m.group) || !r_.u8(has_join)) return truncated();
        if (has_join > 1) return fail(SyncFault::malformed, "join flag is neither 0 nor 1");
        if (has_join == 0) return m;
        std::uint32_t size = 0;
        if (!r_.u32(size)) return truncated();
        if (size > max_encoded_size) return fail(SyncFault::oversize, "join event larger than an event may be");
        std::string bytes;
        if (!r_.bytes(bytes, size)) return truncated();
        std::string why;
        m.join = Event::decode(bytes, &why);
        if (!m.join) return fail(SyncFault::malformed, "join: " + why);
        return m;
    }

    std::optional<Refuse> refuse() {
        Refuse m;
        std::uint8_t reason = 0;
        if (!id(m.group) || !r_.u8(reason)) return truncated();
        m.reason = static_cast<RefuseReason>(reason);
        return m;
    }

    bool frontier(GroupLog::Frontier& out) {
        std::uint16_t n = 0;
        if (!count(n, max_frontier_authors, "frontier")) return false;
        if (r_.left() < n * frontier_entry_bytes) return refused(truncated());
        PublicKey previous{};
        for (std::uint16_t i = 0; i < n; ++i) {
            PublicKey author{};
            std::uint64_t seq = 0;
            if (!r_.bytes(author.data(), author.size()) || !r_.u64(seq)) return refused(truncated());
            if (i > 0 && !(previous < author))
                return refused(fail(SyncFault::malformed, "frontier authors not ascending and unique"));
            if (seq == 0) return refused(fail(SyncFault::malformed, "frontier sequence number 0"));
            out.emplace_hint(out.end(), author, seq);
            previous = author;
        }
        return true;
    }

    std::optional<State> state() {
        State m;
        if (!id(m.group) || !frontier(m.frontier)) return std::nullopt;
        std::uint16_t heads = 0;
        if (!count(heads, max_state_heads, "heads")) return std::nullopt;
        if (!ids(heads, m.heads)) return std::nullopt;
        return m;
    }

    bool ids(std::size_t n, std::vector<Id>& out) {
        if (r_.left() < n * 32) return refused(truncated());
        out.resize(n);
        for (auto& i : out)
            if (!id(i)) return refused(truncated());
        if (!ascending_unique(out)) return refused(fail(SyncFault::malformed, "ids not ascending and unique"));
        return true;
    }

    std::optional<Events> events() {
        Events m;
        std::uint8_t flags = 0;
        std::uint16_t n = 0;
        if (!id(m.group) || !r_.u8(flags)) return truncated();
        if (flags & ~(push_flag | more_flag)) return fail(SyncFault::malformed, "unknown events flags");
        m.push = flags & push_flag;
        m.more = flags & more_flag;
        if (!count(n, max_batch_events, "events")) return std::nullopt;
        m.events.reserve(n);
        std::size_t total = 0;
        for (std::uint16_t i = 0; i < n; ++i) {
            std::uint32_t size = 0;
            if (!r_.u32(size)) return truncated();
            if (size > max_encoded_size) return fail(SyncFault::oversize, "event larger than an event may be");
            total += size;
            if (total > max_batch_bytes) return fail(SyncFault::oversize, "event bytes past the batch bound");
            std::string bytes;
            if (!r_.bytes(bytes, size)) return truncated();
            std::string why;
            auto e = Event::decode(bytes, &why);
            if (!e) return fail(SyncFault::malformed, "event " + std::to_string(i) + ": " + why);
            m.events.push_back(std::move(*e));
        }
        return m;
    }

    std::optional<Have> have() {
        Have m;
        if (!id(m.group) || !frontier(m.frontier)) return std::nullopt;
        return m;
    }

    std::optional<Want> want() {
        Want m;
        std::uint16_t n = 0;
        if (!id(m.group) || !count(n, max_want_ids, "want")) return std::nullopt;
        if (n == 0) return fail(SyncFault::malformed, "empty want");
        if (!ids(n, m.ids)) return std::nullopt;
        return m;
    }

    std::optional<Find> find() {
        Find m;
        if (!label(m.tag, max_tag_bytes, "tag")) return std::nullopt;
        return m;
    }

    std::optional<Found> found() {
        Found m;
        std::uint8_t n = 0;
        if (!label(m.tag, max_tag_bytes, "tag") || !count(n, max_found_groups, "groups")) return std::nullopt;
        m.groups.resize(n);
        for (auto& g : m.groups) {
            std::uint16_t about = 0;
            std::uint8_t topics = 0;
            if (!id(g.id) || !label(g.name, max_name_bytes, "name")) return std::nullopt;
            if (!r_.u16(about)) return truncated();
            if (about > max_about_bytes) return fail(SyncFault::oversize, "about past its bound");
            if (!r_.bytes(g.about, about)) return truncated();
            if (!valid_about(g.about)) return fail(SyncFault::malformed, "about is not UTF-8 text");
            if (!count(topics, max_topics, "topics")) return std::nullopt;
            g.topics.resize(topics);
            for (auto& t : g.topics)
                if (!label(t, max_tag_bytes, "topic")) return std::nullopt;
            if (!ascending_unique(g.topics)) return fail(SyncFault::malformed, "topics not ascending and unique");
            if (!r_.u32(g.members)) return truncated();
        }
        return m;
    }

    Reader r_;
    DecodeError& error_;
};

}  // namespace

std::string to_string(RefuseReason reason) {
    switch (reason) {
        case RefuseReason::unknown_group: return "unknown group";
        case RefuseReason::not_member: return "not a member";
        case RefuseReason::bad_join: return "not a valid join";
        case RefuseReason::invite_invalid: return "invite not valid";
        case RefuseReason::invite_expired: return "invite expired";
        case RefuseReason::invite_used: return "invite already used";
        case RefuseReason::too_many_groups: return "too many groups";
    }
    return "refused (code " + std::to_string(static_cast<unsigned>(reason)) + ")";
}

bool valid_label(std::string_view text, std::size_t max_bytes) {
    return !text.empty() && text.size() <= max_bytes && utf8(text) &&
           std::none_of(text.begin(), text.end(), [](char c) { return control(c, false); });
}

bool valid_summary(const GroupSummary& s) {
    if (!valid_label(s.name, max_name_bytes) || !valid_about(s.about) || s.topics.size() > max_topics) return false;
    if (!ascending_unique(s.topics)) return false;
    return std::all_of(s.topics.begin(), s.topics.end(),
                       [](const std::string& t) { return valid_label(t, max_tag_bytes); });
}

std::string encode(const Message& message) {
    std::string out;
    Writer w(out);
    std::visit(Encoder{w}, message);
    return out;
}

std::optional<Message> decode(std::string_view frame, DecodeError* error) {
    DecodeError local;
    DecodeError& e = error ? *error : local;
    if (frame.size() > max_frame_bytes) {
        e = {SyncFault::oversize, "frame larger than 1 MiB"};
        return std::nullopt;
    }
    if (frame.empty()) {
        e = {SyncFault::malformed, "empty frame"};
        return std::nullopt;
    }
    const auto type = static_cast<Type>(static_cast<std::uint8_t>(frame[0]));
    // Never lets an exception out: hostile bytes reach here.
    try {
        return Decoder(frame.substr(1), e).message(type);
    } catch (const std::exception& ex) {
        e = {SyncFault::malformed, std::string("cannot decode: ") + ex.what()};
        return std::nullopt;
    }
}

}  // namespace coop::group::sync
