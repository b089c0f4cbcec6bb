// The sync protocol's messages (core/group/sync_messages.hpp): layout,
// canonical form, bounds, and hostile bytes.
#include "core/group/sync_messages.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/group/invite.hpp"

namespace {

using coop::Identity;
using coop::group::Event;
using coop::group::GroupSummary;
using coop::group::Id;
using coop::group::Kind;
using coop::group::PublicKey;
using coop::group::SyncFault;
namespace msg = coop::group::sync;

Id id_of(std::uint8_t fill) {
    Id id{};
    id.fill(fill);
    return id;
}

const Identity& someone() {
    static const Identity who = Identity::generate();
    return who;
}

Event post(std::uint64_t seq, std::size_t body_bytes = 10) {
    std::string text(body_bytes, 'x');
    return coop::group::make_event(someone(), id_of(1), seq, 1000 + static_cast<std::int64_t>(seq), Kind::post,
                                   {id_of(2)}, R"({"text":")" + text + R"("})");
}

GroupSummary summary(std::uint8_t fill) {
    return GroupSummary{id_of(fill), "Film club", "we watch\tfilms\nand talk", {"drama", "film"}, 42};
}

// One of each message, with and without their optional parts.
std::vector<msg::Message> samples() {
    const Event join =
        coop::group::make_event(someone(), id_of(1), 1, 5000, Kind::join, {id_of(1)}, R"({"invite":{}})");
    msg::State state{id_of(1), {{PublicKey{}, 3}, {id_of(9), 1}}, {id_of(3), id_of(4)}};
    return {
        msg::Subscribe{id_of(1), std::nullopt},
        msg::Subscribe{id_of(1), join},
        msg::Refuse{id_of(1), msg::RefuseReason::invite_expired},
        msg::Refuse{id_of(1), static_cast<msg::RefuseReason>(200)},  // a newer peer's reason
        msg::State{id_of(1), {}, {}},
        state,
        msg::Events{id_of(1), {}, false, false},
        msg::Events{id_of(1), {post(1), post(2, 300)}, true, true},
        msg::Want{id_of(1), {id_of(5), id_of(6)}},
        msg::Find{"film"},
        msg::Find{"日本映画"},
        msg::Found{"film", {}},
        msg::Found{"film", {summary(7), GroupSummary{id_of(8), "x", "", {}, 0}}},
        msg::Have{id_of(1), {}},
        msg::Have{id_of(1), state.frontier},
    };
}

std::string one_line_reason(std::string_view frame, SyncFault* fault = nullptr) {
    msg::DecodeError error;
    EXPECT_FALSE(msg::decode(frame, &error).has_value());
    EXPECT_FALSE(error.why.empty());
    EXPECT_EQ(error.why.find('\n'), std::string::npos);
    if (fault) *fault = error.fault;
    return error.why;
}

SyncFault fault_of(std::string_view frame) {
    SyncFault f{};
    one_line_reason(frame, &f);
    return f;
}

TEST(GroupSyncMessages, EveryMessageRoundTripsToTheSameBytes) {
    for (const auto& m : samples()) {
        const std::string bytes = msg::encode(m);
        ASSERT_LE(bytes.size(), msg::max_frame_bytes);
        msg::DecodeError error;
        const auto back = msg::decode(bytes, &error);
        ASSERT_TRUE(back.has_value()) << error.why;
        EXPECT_TRUE(*back == m) << "type " << int(bytes[0]);
        EXPECT_EQ(msg::encode(*back), bytes);
    }
}

TEST(GroupSyncMessages, LayoutIsFixed) {
    std::string group(32, '\x01');
    EXPECT_EQ(msg::encode(msg::Refuse{id_of(1), msg::RefuseReason::not_member}), "\x02" + group + "\x02");
    EXPECT_EQ(msg::encode(msg::Subscribe{id_of(1), std::nullopt}), "\x01" + group + std::string(1, '\0'));
    EXPECT_EQ(msg::encode(msg::Find{"film"}), std::string("\x06\x04"
                                                          "film"));
    // Ids are written ascending, whatever order they were given in.
    EXPECT_EQ(msg::encode(msg::Want{id_of(1), {id_of(6), id_of(5)}}),
              "\x05" + group + std::string("\x00\x02", 2) + std::string(32, '\x05') + std::string(32, '\x06'));
    EXPECT_EQ(msg::encode(msg::State{id_of(1), {{PublicKey{}, 0x0102}}, {}}),
              "\x03" + group + std::string("\x00\x01", 2) + std::string(32, '\0') +
                  std::string("\0\0\0\0\0\0\x01\x02", 8) + std::string("\x00\x00", 2));
    EXPECT_EQ(msg::encode(msg::Have{id_of(1), {{PublicKey{}, 0x0102}}}),
              "\x08" + group + std::string("\x00\x01", 2) + std::string(32, '\0') +
                  std::string("\0\0\0\0\0\0\x01\x02", 8));
    const Event e = post(1);
    const std::string bytes = e.encode();
    const std::string expected = "\x04" + group + "\x03" + std::string("\x00\x01", 2) + std::string(1, '\0') +
                                 std::string(1, '\0') + std::string(1, '\0') +
                                 std::string(1, static_cast<char>(bytes.size())) + bytes;
    EXPECT_EQ(msg::encode(msg::Events{id_of(1), {e}, true, true}), expected);
    const std::string found = msg::encode(msg::Found{"t", {GroupSummary{id_of(2), "n", "a", {"x"}, 7}}});
    EXPECT_EQ(found, std::string("\x07\x01t\x01", 4) + std::string(32, '\x02') +
                         std::string("\x01n\x00\x01"
                                     "a\x01\x01x",
                                     8) +
                         std::string("\0\0\0\x07", 4));
}

TEST(GroupSyncMessages, EveryTruncationIsRefusedWithAOneLineReason) {
    for (const auto& m : samples()) {
        const std::string bytes = msg::encode(m);
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            SyncFault f{};
            one_line_reason(std::string_view(bytes).substr(0, n), &f);
            EXPECT_EQ(f, SyncFault::malformed) << "type " << int(bytes[0]) << " cut at " << n;
        }
    }
}

TEST(GroupSyncMessages, TrailingBytesAreRefused) {
    for (const auto& m : samples())
        EXPECT_EQ(one_line_reason(msg::encode(m) + '\0'), "trailing bytes after the message");
}

TEST(GroupSyncMessages, UnknownTypesAndEmptyFrames) {
    EXPECT_EQ(fault_of(""), SyncFault::malformed);
    EXPECT_EQ(fault_of(std::string(1, '\0')), SyncFault::unknown_type);
    EXPECT_EQ(fault_of("\x09"), SyncFault::unknown_type);
    EXPECT_EQ(one_line_reason("\xff"
                              "abc"),
              "unknown message type 255");
}

// Replaces `size` bytes at `at` of an encoding.
std::string patched(std::string bytes, std::size_t at, std::string_view with) {
    bytes.replace(at, with.size(), with);
    return bytes;
}

TEST(GroupSyncMessages, OnlyTheCanonicalEncodingIsTaken) {
    const std::string head = "\x03" + std::string(32, '\x01');
    // Frontier out of order, duplicate, and with seq 0.
    auto entry = [](std::uint8_t author, std::uint8_t seq) {
        return std::string(32, static_cast<char>(author)) + std::string(7, '\0') + static_cast<char>(seq);
    };
    const std::string no_heads("\x00\x00", 2);
    EXPECT_EQ(one_line_reason(head + std::string("\x00\x02", 2) + entry(2, 1) + entry(1, 1) + no_heads),
              "frontier authors not ascending and unique");
    EXPECT_EQ(one_line_reason(head + std::string("\x00\x02", 2) + entry(1, 1) + entry(1, 2) + no_heads),
              "frontier authors not ascending and unique");
    EXPECT_EQ(one_line_reason(head + std::string("\x00\x01", 2) + entry(1, 0) + no_heads),
              "frontier sequence number 0");
    EXPECT_EQ(
        one_line_reason(head + std::string("\x00\x00\x00\x02", 4) + std::string(32, '\x02') + std::string(32, '\x01')),
        "ids not ascending and unique");

    const std::string want = msg::encode(msg::Want{id_of(1), {id_of(5), id_of(6)}});
    EXPECT_EQ(one_line_reason(patched(want, 35, std::string(32, '\x06'))), "ids not ascending and unique");
    EXPECT_EQ(one_line_reason("\x05" + std::string(32, '\x01') + std::string("\x00\x00", 2)), "empty want");

    const std::string events = msg::encode(msg::Events{id_of(1), {post(1)}, false, false});
    EXPECT_EQ(one_line_reason(patched(events, 33, "\x04")), "unknown events flags");
    EXPECT_EQ(one_line_reason(patched(events, 40, "\x07")), "event 0: unknown event encoding version");

    const std::string subscribe = msg::encode(msg::Subscribe{id_of(1), std::nullopt});
    EXPECT_EQ(one_line_reason(patched(subscribe, 33, "\x02")), "join flag is neither 0 nor 1");

    const std::string found = msg::encode(msg::Found{"t", {GroupSummary{id_of(2), "n", "", {"a", "b"}, 7}}});
    const std::size_t topics = found.find(
        "\x01"
        "a");
    EXPECT_EQ(one_line_reason(patched(found, topics,
                                      "\x01"
                                      "b")),
              "topics not ascending and unique");
    EXPECT_EQ(one_line_reason(patched(found, found.find("\x01n"), "\x01\x1b")),
              "name is empty, too long or not one line of UTF-8");
    EXPECT_EQ(one_line_reason(patched(found, found.find("\x01n"), std::string("\x00", 1))),
              "name is empty, too long or not one line of UTF-8");
    EXPECT_EQ(one_line_reason(std::string("\x06\x02\xc0\xaf", 4)), "tag is empty, too long or not one line of UTF-8");
}

TEST(GroupSyncMessages, LabelsAreOneLineOfUtf8WithinTheirBound) {
    EXPECT_TRUE(msg::valid_label("film", 40));
    EXPECT_TRUE(msg::valid_label("café", 40));
    EXPECT_TRUE(msg::valid_label("日本映画", 40));
    EXPECT_TRUE(msg::valid_label("\xf0\x9f\x8e\xac", 40));  // U+1F3AC
    EXPECT_TRUE(msg::valid_label(std::string(40, 'a'), 40));
    EXPECT_FALSE(msg::valid_label(std::string(41, 'a'), 40));
    EXPECT_FALSE(msg::valid_label("", 40));
    EXPECT_FALSE(msg::valid_label("two\nlines", 40));
    EXPECT_FALSE(msg::valid_label("\x1b[31mred", 40));  // a terminal escape
    EXPECT_FALSE(msg::valid_label("del\x7f", 40));
    EXPECT_FALSE(msg::valid_label("\xc0\xaf", 40));          // overlong '/'
    EXPECT_FALSE(msg::valid_label("\xe0\x80\xaf", 40));      // overlong '/'
    EXPECT_FALSE(msg::valid_label("\xed\xa0\x80", 40));      // a surrogate
    EXPECT_FALSE(msg::valid_label("\xf4\x90\x80\x80", 40));  // past U+10FFFF
    EXPECT_FALSE(msg::valid_label("\xe6\x97", 40));          // cut short
    EXPECT_FALSE(msg::valid_label("\x80", 40));
    EXPECT_FALSE(msg::valid_label("\xf8\x88\x80\x80\x80", 40));

    GroupSummary s = summary(1);
    EXPECT_TRUE(msg::valid_summary(s));
    s.about = "bell\a";
    EXPECT_FALSE(msg::valid_summary(s));
    s = summary(1);
    s.topics = {"b", "a"};
    EXPECT_FALSE(msg::valid_summary(s));
    s.topics.assign(coop::group::max_topics + 1, "t");
    EXPECT_FALSE(msg::valid_summary(s));
}

TEST(GroupSyncMessages, EveryMessageAtItsBoundsFitsOneFrame) {
    msg::State state{id_of(1), {}, {}};
    for (std::size_t i = 0; i < msg::max_frontier_authors; ++i) {
        PublicKey k{};
        k[0] = static_cast<std::uint8_t>(i >> 8);
        k[1] = static_cast<std::uint8_t>(i);
        state.frontier[k] = i + 1;
    }
    for (std::size_t i = 0; i < msg::max_state_heads; ++i) {
        Id h{};
        h[0] = static_cast<std::uint8_t>(i >> 8);
        h[1] = static_cast<std::uint8_t>(i);
        state.heads.push_back(h);
    }
    msg::Want want{id_of(1), state.heads};
    want.ids.resize(msg::max_want_ids);
    msg::Events many{id_of(1), {}, false, false};
    for (std::size_t i = 0; i < msg::max_batch_events; ++i) many.events.push_back(post(i + 1));
    msg::Events large{id_of(1), {}, false, false};
    const std::size_t big = coop::group::max_body - 20;
    while ((large.events.size() + 1) * post(1, big).encode().size() <= msg::max_batch_bytes)
        large.events.push_back(post(large.events.size() + 1, big));
    EXPECT_GE(large.events.size(), 28u);
    msg::Found found{std::string(coop::group::max_tag_bytes, 't'), {}};
    GroupSummary widest{id_of(3),
                        std::string(coop::group::max_name_bytes, 'n'),
                        std::string(coop::group::max_about_bytes, 'a'),
                        {},
                        0xffffffff};
    for (std::size_t i = 0; i < coop::group::max_topics; ++i)
        widest.topics.push_back(std::string(coop::group::max_tag_bytes - 1, 'a') + static_cast<char>('a' + i));
    found.groups.assign(msg::max_found_groups, widest);

    for (const msg::Message& m : std::vector<msg::Message>{state, want, many, large, found}) {
        const std::string bytes = msg::encode(m);
        EXPECT_LE(bytes.size(), msg::max_frame_bytes);
        msg::DecodeError error;
        const auto back = msg::decode(bytes, &error);
        ASSERT_TRUE(back.has_value()) << error.why;
        EXPECT_TRUE(*back == m);
    }
}

TEST(GroupSyncMessages, PastTheBoundsEncodeThrowsAndDecodeSaysOversize) {
    const std::string group(32, '\x01');
    msg::State state{id_of(1), {}, {}};
    for (std::size_t i = 0; i <= msg::max_frontier_authors; ++i) {
        PublicKey k{};
        k[0] = static_cast<std::uint8_t>(i >> 8);
        k[1] = static_cast<std::uint8_t>(i);
        state.frontier[k] = 1;
    }
    EXPECT_THROW(msg::encode(state), std::length_error);
    msg::Events events{id_of(1), {}, false, false};
    events.events.assign(msg::max_batch_events + 1, post(1));
    EXPECT_THROW(msg::encode(events), std::length_error);
    EXPECT_THROW(msg::encode(msg::Want{id_of(1), {}}), std::length_error);
    EXPECT_THROW(msg::encode(msg::Find{"bad\ntag"}), std::invalid_argument);
    EXPECT_THROW(msg::encode(msg::Found{"t", std::vector<GroupSummary>(msg::max_found_groups + 1, summary(1))}),
                 std::length_error);

    // Counts past the bound are refused before anything is allocated.
    EXPECT_EQ(fault_of("\x03" + group + "\x40\x01"), SyncFault::oversize);
    EXPECT_EQ(fault_of("\x03" + group + std::string("\x00\x00\x04\x01", 4)), SyncFault::oversize);
    EXPECT_EQ(fault_of("\x04" + group + std::string("\x00\x02\x01", 3)), SyncFault::oversize);
    EXPECT_EQ(fault_of("\x05" + group + "\x04\x01"), SyncFault::oversize);
    EXPECT_EQ(fault_of("\x07\x01t\x21"), SyncFault::oversize);
    EXPECT_EQ(fault_of("\x04" + group + std::string("\x00\x00\x01\x00\x10\x00\x00", 7)), SyncFault::oversize);
    EXPECT_EQ(fault_of("\x01" + group + std::string("\x01\x00\x10\x00\x00", 5)), SyncFault::oversize);
    EXPECT_EQ(fault_of(std::string(msg::max_frame_bytes + 1, '\x04')), SyncFault::oversize);
    // A count the bytes cannot hold is truncation, found before reserving.
    EXPECT_EQ(one_line_reason("\x03" + group + "\x3f\xff"), "message truncated");
}

TEST(GroupSyncMessages, RandomBytesNeverCrashAndWhatDecodesIsCanonical) {
    std::mt19937 rng(3);
    std::vector<std::string> valid;
    for (const auto& m : samples()) valid.push_back(msg::encode(m));
    for (int i = 0; i < 20'000; ++i) {
        std::string frame;
        if (i % 2) {
            // A valid frame with a few bytes changed, inserted or removed.
            frame = valid[rng() % valid.size()];
            const int edits = 1 + static_cast<int>(rng() % 3);
            for (int k = 0; k < edits && !frame.empty(); ++k) {
                const std::size_t at = rng() % frame.size();
                switch (rng() % 3) {
                    case 0: frame[at] = static_cast<char>(frame[at] ^ (1 << (rng() % 8))); break;
                    case 1: frame.insert(at, 1, static_cast<char>(rng())); break;
                    default: frame.erase(at, 1); break;
                }
            }
        } else {
            frame.resize(rng() % 200);
            for (auto& c : frame) c = static_cast<char>(rng());
            if (!frame.empty()) frame[0] = static_cast<char>(1 + rng() % 8);
        }
        msg::DecodeError error;
        const auto m = msg::decode(frame, &error);
        if (m) {
            EXPECT_EQ(msg::encode(*m), frame) << "two encodings of one message";
        } else {
            EXPECT_FALSE(error.why.empty());
        }
    }
}

}  // namespace
