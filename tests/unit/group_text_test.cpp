// Groups for people (core/cli/group_text.hpp), from canned agent answers
// shaped as core/rpc/protocol.hpp says, and from hostile ones.
#include "core/cli/group_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/cli_text.hpp"

namespace {

using nlohmann::json;
using namespace coop::cli;
using namespace coop::testing;

const std::string group_id = "9e8d7c6b5a493827" + std::string(48, 'c');
const std::string entry_id = "e17e17e17e17e17e" + std::string(48, 'd');

// Times around now.
constexpr std::int64_t minute = 60 * 1000, day = 24 * 60 * minute;

class GroupText : public coop::testing::CliText {};

TEST_F(GroupText, PrintableDefusesEscapesAndControlCharacters) {
    EXPECT_EQ(printable("\x1b[2Jhi"), "^[[2Jhi");
    EXPECT_EQ(printable("a\rb\x7f"), "a^Mb^?");
    EXPECT_EQ(printable("tab\there"), "tab here");
    EXPECT_EQ(printable("two\nlines"), "two lines");
    EXPECT_EQ(printable("two\nlines", true), "two\nlines");
    EXPECT_EQ(printable("caf\xc3\xa9 \xe6\x97\xa5"), "caf\xc3\xa9 \xe6\x97\xa5");
}

TEST_F(GroupText, PrintableReplacesWhatIsNotSafeUtf8) {
    const std::string fffd = "\xef\xbf\xbd";
    EXPECT_EQ(printable("a\xff" "b"), "a" + fffd + "b");
    EXPECT_EQ(printable("\xc3"), fffd);                      // cut short
    EXPECT_EQ(printable("\xc0\xaf"), fffd + fffd);           // overlong
    EXPECT_EQ(printable("\xed\xa0\x80"), fffd + fffd + fffd);  // a surrogate
    EXPECT_EQ(printable("\xc2\x9b" "2J"), fffd + "2J");      // C1 CSI
    EXPECT_EQ(printable("\xe2\x80\xae" "txt.exe"), fffd + "txt.exe");  // right-to-left override
}

TEST_F(GroupText, ClippedCutsToColumnsWithAnEllipsis) {
    EXPECT_EQ(clipped("short", 10), "short");
    EXPECT_EQ(clipped("a longer title", 8), "a longe\xe2\x80\xa6");
    EXPECT_EQ(clipped("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5), "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6");
    EXPECT_EQ(clipped("line\none", 20), "line one");
}

TEST_F(GroupText, ShortIds) {
    EXPECT_EQ(short_id(group_id), "9e8d7c6b5a493827");
    EXPECT_EQ(short_key(alice), "3f2a9c0e");
    EXPECT_EQ(short_id("ab"), "ab");
}

TEST_F(GroupText, TimesReadAsTodayThisYearOrWithTheYear) {
    EXPECT_EQ(format_time(now, now), "14:03");
    EXPECT_EQ(format_time(now - 3 * day, now), "Mar 01 14:03");
    EXPECT_EQ(format_time(now - 400 * day, now), "2025-01-28 14:03");
    EXPECT_EQ(format_time(0, now), "-");
    EXPECT_EQ(rough_span(45), "45s");
    EXPECT_EQ(rough_span(20 * 60), "20m");
    EXPECT_EQ(rough_span(5 * 3600), "5h");
    EXPECT_EQ(rough_span(3 * 86400), "3d");
    EXPECT_EQ(rough_span(-5), "0s");
}

TEST_F(GroupText, PostsReadAsChatLines) {
    const json post = {{"event", "e1"}, {"kind", "post"}, {"author", bob}, {"time_ms", now}, {"seq", 3}, {"text", "hello"}};
    EXPECT_EQ(event_text(post, as_alice), "14:03 <b0b0b0b0> hello");
    json mine = post;
    mine["author"] = alice;
    EXPECT_EQ(event_text(mine, as_alice), "14:03 <you> hello");
}

TEST_F(GroupText, APostOfSeveralLinesIsIndentedUnderItsAuthor) {
    const json post = {{"kind", "post"}, {"author", bob}, {"time_ms", now}, {"text", "first\nsecond\x1b[31m"}};
    EXPECT_EQ(event_text(post, as_alice), "14:03 <b0b0b0b0> first\n                 second^[[31m");
}

TEST_F(GroupText, OtherEventsReadAsWhatHappened) {
    auto line = [&](json e) {
        e["author"] = bob;
        e["time_ms"] = now;
        return event_text(e, as_alice);
    };
    EXPECT_EQ(line({{"kind", "genesis"}}), "14:03 * b0b0b0b0 created the group");
    EXPECT_EQ(line({{"kind", "genesis"}, {"name", "Jazz"}}), "14:03 * b0b0b0b0 created the group \"Jazz\"");
    EXPECT_EQ(line({{"kind", "join"}}), "14:03 * b0b0b0b0 joined");
    EXPECT_EQ(line({{"kind", "leave"}}), "14:03 * b0b0b0b0 left");
    EXPECT_EQ(line({{"kind", "share"}, {"entry", entry_id}}), "14:03 * b0b0b0b0 shared as e17e17e17e17e17e");
    EXPECT_EQ(line({{"kind", "share"}, {"entry", entry_id}, {"title", "Talk"}}),
              "14:03 * b0b0b0b0 shared \"Talk\" as e17e17e17e17e17e");
    EXPECT_EQ(line({{"kind", "retract"}, {"entry", entry_id}}), "14:03 * b0b0b0b0 retracted e17e17e17e17e17e");
    EXPECT_EQ(line({{"kind", "proposal"}}), "14:03 * b0b0b0b0 made a proposal event");
}

TEST_F(GroupText, FieldsOfTheWrongTypeReadAsEmpty) {
    EXPECT_NO_THROW(event_text(json::array(), as_alice));
    EXPECT_NO_THROW(event_text({{"kind", 5}, {"author", 7}, {"time_ms", "soon"}, {"text", json::object()}}, as_alice));
    EXPECT_EQ(event_text({{"kind", "post"}, {"author", bob}, {"time_ms", now}, {"text", 42}}, as_alice), "14:03 <b0b0b0b0> ");
    EXPECT_NO_THROW(printed(groups_table(json::object())));
    EXPECT_NO_THROW(printed(groups_table(json::array({1, "x", {{"members", "many"}, {"topics", "t"}}}))));
    EXPECT_NO_THROW(printed(members_table(json::array({{{"key", 1}}}), "nope", as_alice)));
    EXPECT_NO_THROW(printed(catalog_table(json::array({{{"tags", {1, 2}}, {"size", "big"}}}), as_alice)));
    EXPECT_NO_THROW(show_text({{"ignored", {{"bad", "x"}}}, {"heads", {1}}, {"members", 3}}, as_alice));
    EXPECT_NO_THROW(show_text("not an object", as_alice));
}

TEST_F(GroupText, GroupsTable) {
    const json groups = json::array({{{"group", group_id},
                                      {"name", "Jazz"},
                                      {"open", true},
                                      {"about", "records"},
                                      {"topics", {"jazz", "vinyl"}},
                                      {"members", 3},
                                      {"online", 1},
                                      {"catalog", 12},
                                      {"events", 40},
                                      {"status", "member"}}});
    EXPECT_EQ(printed(groups_table(groups)),
              "GROUP             NAME  ACCESS  MEMBERS  ONLINE  CATALOG  STATUS  TOPICS\n"
              "9e8d7c6b5a493827  Jazz  open          3       1       12  member  jazz,vinyl\n");
    EXPECT_TRUE(groups_table(json::array()).empty());
}

TEST_F(GroupText, MembersTableMarksYouAndShowsAddressesOfThoseOnline) {
    const json members = json::array({{{"key", alice}, {"since", "x"}, {"joined_ms", now - 3 * day}, {"online", true}, {"you", true}},
                                      {{"key", bob}, {"since", "y"}, {"joined_ms", now}, {"online", false}, {"you", false}}});
    const json online = json::array({{{"key", bob}, {"address", "127.0.77.3:41234"}}});
    EXPECT_EQ(printed(members_table(members, online, as_alice)),
              "MEMBER                  JOINED        ONLINE  ADDRESS\n"
              "3f2a9c0e1b7d4a55 (you)  Mar 01 14:03  you\n"
              "b0b0b0b012345678        14:03         yes     127.0.77.3:41234\n");
}

TEST_F(GroupText, CatalogTableMarksRetractedEntries) {
    const json entries = json::array({{{"entry", entry_id},
                                       {"title", "Talk \x1b[1mbold"},
                                       {"tags", {"talk", "video"}},
                                       {"size", 44 * 1024 * 1024},
                                       {"magnet", "magnet:?xt=urn:btih:00"},
                                       {"info_hash", std::string(40, '0')},
                                       {"uploader", bob},
                                       {"time_ms", now - minute},
                                       {"media", json::object()},
                                       {"retracted", false}},
                                      {{"entry", "0000"}, {"title", "gone"}, {"retracted", true}}});
    EXPECT_EQ(printed(catalog_table(entries, as_alice)),
              "ENTRY             TITLE                 SIZE  TAGS        BY        ADDED\n"
              "e17e17e17e17e17e  Talk ^[[1mbold    44.0 MiB  talk,video  b0b0b0b0  14:02\n"
              "0000              (retracted) gone       0 B              ?         -\n");
}

TEST_F(GroupText, FoundTable) {
    const json found = json::array({{{"group", group_id},
                                     {"name", "Jazz"},
                                     {"about", "records and gigs"},
                                     {"topics", {"jazz"}},
                                     {"members", 3},
                                     {"peers", {"127.0.77.2:5000", "127.0.77.3:5000"}}}});
    EXPECT_EQ(printed(found_table(found)),
              "GROUP             NAME  MEMBERS  PEERS  TOPICS  ABOUT\n"
              "9e8d7c6b5a493827  Jazz        3      2  jazz    records and gigs\n");
}

TEST_F(GroupText, ShowTextSaysWhatTheGroupIsAndWhoIsIn) {
    const json show = {{"group", group_id},
                       {"name", "Jazz"},
                       {"about", "records"},
                       {"topics", {"jazz", "vinyl"}},
                       {"open", false},
                       {"founder", alice},
                       {"members", {{{"key", alice}, {"joined_ms", now}, {"online", true}, {"you", true}}}},
                       {"left", {bob}},
                       {"online", json::array()},
                       {"catalog", 1},
                       {"chat", 2},
                       {"events", 5},
                       {"heads", {entry_id}},
                       {"ignored", {{"bad signature", 2}}},
                       {"equivocators", json::array()},
                       {"state_hash", std::string(64, 'f')}};
    const std::string text = show_text(show, as_alice);
    EXPECT_NE(text.find("name      Jazz\n"), std::string::npos) << text;
    EXPECT_NE(text.find("group     " + group_id + "\n"), std::string::npos) << text;
    EXPECT_NE(text.find("topics    jazz, vinyl\n"), std::string::npos) << text;
    EXPECT_NE(text.find("access    by invite: a member runs coop group invite 9e8d7c6b5a493827\n"), std::string::npos) << text;
    EXPECT_NE(text.find("members   1, 0 online\n"), std::string::npos) << text;
    EXPECT_NE(text.find("catalog   1 entry\n"), std::string::npos) << text;
    EXPECT_NE(text.find("chat      2 posts\n"), std::string::npos) << text;
    EXPECT_NE(text.find("heads     e17e17e17e17e17e\n"), std::string::npos) << text;
    EXPECT_NE(text.find("ignored   bad signature 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("left      b0b0b0b012345678\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("forked by"), std::string::npos) << text;
    EXPECT_NE(text.find("3f2a9c0e1b7d4a55 (you)"), std::string::npos) << text;
}

TEST_F(GroupText, JoinProgressAndInviteTerms) {
    EXPECT_EQ(join_progress_text({{"id", 1}, {"group", group_id}, {"events", 12}, {"peers", 1}}),
              "waiting for the group's log: 12 events, 1 peer");
    EXPECT_EQ(invite_terms({{"expires_ms", now + day}, {"single_use", true}}, now), "single use, expires in 24h");
    EXPECT_EQ(invite_terms({{"expires_ms", 0}, {"single_use", false}}, now), "any number of uses, never expires");
}

}  // namespace
