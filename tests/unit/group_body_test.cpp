// What each kind's body holds and its bounds (core/group/body.hpp).
#include "core/group/body.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace {

using nlohmann::json;
namespace g = coop::group;

std::string share(json fields) {
    json j = {{"magnet", "magnet:?xt=urn:btih:" + std::string(40, '0')}, {"title", "A film"}};
    j.update(fields);
    return j.dump();
}

std::string tags(std::size_t count, std::size_t bytes) {
    json list = json::array();
    for (std::size_t i = 0; i < count; ++i) list.push_back(std::string(bytes, static_cast<char>('a' + i % 26)));
    return share({{"tags", list}});
}

TEST(GroupBody, EveryBodyRoundTrips) {
    const g::GenesisBody genesis{"Club", "about\nus", {"a", "b"}, true};
    const auto gb = g::parse_genesis(g::to_body(genesis));
    ASSERT_TRUE(gb);
    EXPECT_EQ(gb->name, "Club");
    EXPECT_EQ(gb->about, "about\nus");
    EXPECT_EQ(gb->topics, genesis.topics);
    EXPECT_TRUE(gb->open);

    g::ShareBody s;
    s.magnet = "magnet:?xt=urn:btih:abc";
    s.title = "Title";
    s.tags = {"x", "y"};
    s.size = 77;
    s.info_hash = std::string(40, 'f');
    s.media = {{"w", 1920}};
    const auto sb = g::parse_share(g::to_body(s));
    ASSERT_TRUE(sb);
    EXPECT_EQ(sb->magnet, s.magnet);
    EXPECT_EQ(sb->title, s.title);
    EXPECT_EQ(sb->tags, s.tags);
    EXPECT_EQ(sb->size, 77);
    EXPECT_EQ(sb->info_hash, s.info_hash);
    EXPECT_EQ(sb->media, s.media);

    EXPECT_EQ(g::parse_post(g::to_body(g::PostBody{"hello"}))->text, "hello");
    g::Id entry;
    entry.fill(3);
    EXPECT_EQ(g::parse_retract(g::to_body(g::RetractBody{entry}))->entry, entry);
    EXPECT_FALSE(g::parse_join(g::to_body(g::JoinBody{}))->invite);
}

TEST(GroupBody, GenesisRules) {
    std::string why;
    EXPECT_FALSE(g::parse_genesis(R"({"open":true})", &why));
    EXPECT_EQ(why, "the name is missing");
    EXPECT_FALSE(g::parse_genesis(R"({"name":"","open":true})"));
    EXPECT_TRUE(g::parse_genesis(json{{"name", std::string(100, 'n')}, {"open", true}}.dump()));
    EXPECT_FALSE(g::parse_genesis(json{{"name", std::string(101, 'n')}, {"open", true}}.dump()));
    EXPECT_FALSE(g::parse_genesis(R"({"name":"a\nb","open":true})"));
    EXPECT_FALSE(g::parse_genesis(R"({"name":"a"})", &why));
    EXPECT_EQ(why, "open must be true or false");
    EXPECT_FALSE(g::parse_genesis(R"({"name":"a","open":1})"));
    EXPECT_FALSE(g::parse_genesis(json{{"name", "a"}, {"open", true}, {"about", std::string(2001, 'x')}}.dump()));
    EXPECT_FALSE(g::parse_genesis(json{{"name", "a"}, {"open", true}, {"topics", std::vector<std::string>(17, "t")}}.dump()));
    const auto sorted = g::parse_genesis(R"({"name":"a","open":false,"topics":["b","a","b"],"extra":1})");
    ASSERT_TRUE(sorted) << "unknown fields are ignored";
    EXPECT_EQ(sorted->topics, (std::vector<std::string>{"a", "b"}));
}

TEST(GroupBody, ShareTitleAndTagBounds) {
    EXPECT_TRUE(g::parse_share(share({{"title", std::string(300, 't')}})));
    EXPECT_FALSE(g::parse_share(share({{"title", std::string(301, 't')}})));
    EXPECT_FALSE(g::parse_share(share({{"title", ""}})));
    EXPECT_FALSE(g::parse_share(share({{"title", "tab\there"}})));
    EXPECT_FALSE(g::parse_share(share({{"title", "esc\x1b[31m"}})));
    EXPECT_TRUE(g::parse_share(share({{"title", "ünïcødé 映画"}})));
    EXPECT_TRUE(g::parse_share(tags(16, 40)));
    EXPECT_FALSE(g::parse_share(tags(17, 1)));
    EXPECT_FALSE(g::parse_share(tags(1, 41)));
    EXPECT_FALSE(g::parse_share(tags(1, 0)));
    EXPECT_FALSE(g::parse_share(share({{"tags", "film"}})));
    EXPECT_FALSE(g::parse_share(share({{"tags", {1, 2}}})));
}

TEST(GroupBody, ShareFieldTypes) {
    std::string why;
    EXPECT_FALSE(g::parse_share(R"({"title":"t"})", &why));
    EXPECT_EQ(why, "magnet must be a magnet:? link of at most 8192 bytes");
    EXPECT_FALSE(g::parse_share(share({{"magnet", "http://example.org/x.torrent"}})));
    EXPECT_FALSE(g::parse_share(share({{"magnet", "magnet:?" + std::string(8200, 'x')}})));
    EXPECT_FALSE(g::parse_share(share({{"size", -1}})));
    EXPECT_FALSE(g::parse_share(share({{"size", 1.5}})));
    EXPECT_FALSE(g::parse_share(share({{"size", "12"}})));
    EXPECT_FALSE(g::parse_share(share({{"size", std::uint64_t{1} << 63}})));
    EXPECT_EQ(g::parse_share(share({{"size", INT64_MAX}}))->size, INT64_MAX);
    EXPECT_TRUE(g::parse_share(share({{"info_hash", std::string(64, 'a')}})));
    EXPECT_FALSE(g::parse_share(share({{"info_hash", std::string(64, 'A')}})));
    EXPECT_FALSE(g::parse_share(share({{"info_hash", std::string(50, 'a')}})));
    EXPECT_FALSE(g::parse_share(share({{"info_hash", std::string(40, 'g')}})));
    EXPECT_FALSE(g::parse_share(share({{"media", json::array()}})));
    EXPECT_FALSE(g::parse_share(share({{"media", "mp4"}})));
    const auto bare = g::parse_share(share(json::object()));
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->size, 0);
    EXPECT_TRUE(bare->tags.empty());
    EXPECT_EQ(bare->media, json::object());
}

TEST(GroupBody, MediaNestingIsBounded) {
    json media = 1;
    for (int i = 0; i < coop::group::max_media_depth; ++i) media = json{{"a", media}};
    EXPECT_TRUE(g::parse_share(share({{"media", media}})));
    EXPECT_FALSE(g::parse_share(share({{"media", json{{"a", media}}}})));
    json arrays = json::array({json::array({json::array()})});
    EXPECT_TRUE(g::parse_share(share({{"media", {{"streams", arrays}}}})));
}

TEST(GroupBody, PostAndRetractRules) {
    EXPECT_TRUE(g::parse_post(json{{"text", std::string(4096, 'x')}}.dump()));
    EXPECT_FALSE(g::parse_post(json{{"text", std::string(4097, 'x')}}.dump()));
    EXPECT_TRUE(g::parse_post(R"({"text":""})")) << "an empty line is still a post";
    EXPECT_FALSE(g::parse_post(R"({})"));
    EXPECT_FALSE(g::parse_post(R"({"text":"a\u0000b"})"));
    EXPECT_FALSE(g::parse_post("{\"text\":\"\xff\"}")) << "not UTF-8";
    EXPECT_FALSE(g::parse_retract(R"({"entry":"abc"})"));
    EXPECT_FALSE(g::parse_retract(R"({"entry":7})"));
    EXPECT_FALSE(g::parse_retract(R"({})"));
}

// Each problem of a post's text has its own message, the same from
// post_text_problem and from parse_post.
TEST(GroupBody, PostProblemsAreToldApart) {
    EXPECT_EQ(g::post_text_problem("hello\n\tworld, ünïcødé 映画"), "");
    EXPECT_EQ(g::post_text_problem(""), "");
    EXPECT_EQ(g::post_text_problem(std::string(4096, 'x')), "");
    const std::pair<std::string, std::string> cases[] = {
        {"red \x1b[31malert", "the message holds a control character (U+001B at byte 5); only line breaks and tabs are allowed"},
        {"a\rb", "the message holds a control character (U+000D at byte 2); only line breaks and tabs are allowed"},
        {std::string("nul\0", 4), "the message holds a control character (U+0000 at byte 4); only line breaks and tabs are allowed"},
        {"del\x7f", "the message holds a control character (U+007F at byte 4); only line breaks and tabs are allowed"},
        {std::string(4097, 'x'), "the message is 4097 bytes; a post holds at most 4096"},
        {std::string(5000, '\x1b'), "the message is 5000 bytes; a post holds at most 4096"},
        {"caf\xe9", "the message is not valid UTF-8 (byte 4 is 0xE9)"},
        {"\xff", "the message is not valid UTF-8 (byte 1 is 0xFF)"},
        {"over\xc0\xaflong", "the message is not valid UTF-8 (byte 5 is 0xC0)"},
        {"surrogate \xed\xa0\x80", "the message is not valid UTF-8 (byte 11 is 0xED)"},
        {"cut \xe6\x98", "the message is not valid UTF-8 (byte 5 is 0xE6)"},
        {"beyond \xf4\x90\x80\x80", "the message is not valid UTF-8 (byte 8 is 0xF4)"},
    };
    for (const auto& [text, message] : cases) {
        EXPECT_EQ(g::post_text_problem(text), message) << text;
        if (message.find("UTF-8") != std::string::npos) continue;  // no JSON body holds such a string
        std::string why;
        EXPECT_FALSE(g::parse_post(json{{"text", text}}.dump(), &why));
        EXPECT_EQ(why, message);
    }
    std::string why;
    EXPECT_FALSE(g::parse_post(R"({})", &why));
    EXPECT_EQ(why, "the message is missing");
    EXPECT_FALSE(g::parse_post(R"({"text":7})", &why));
    EXPECT_EQ(why, "the message must be a string");
}

TEST(GroupBody, NamesTitlesAndTagsSayWhatIsWrong) {
    auto genesis_why = [](const json& fields) {
        json j = {{"name", "club"}, {"open", true}};
        j.update(fields);
        std::string why;
        EXPECT_FALSE(g::parse_genesis(j.dump(), &why)) << j.dump();
        return why;
    };
    EXPECT_EQ(genesis_why({{"name", ""}}), "the name is empty");
    EXPECT_EQ(genesis_why({{"name", std::string(101, 'n')}}), "the name is 101 bytes; a name holds at most 100");
    EXPECT_EQ(genesis_why({{"name", "a\tb"}}),
              "the name holds a control character (U+0009 at byte 2); it must be one line of text");
    EXPECT_EQ(genesis_why({{"name", 5}}), "the name must be a string");
    EXPECT_EQ(genesis_why({{"about", std::string(2001, 'x')}}),
              "the about text is 2001 bytes; a group's about text holds at most 2000");
    EXPECT_EQ(genesis_why({{"about", "bell\a"}}),
              "the about text holds a control character (U+0007 at byte 5); only line breaks and tabs are allowed");
    EXPECT_EQ(genesis_why({{"topics", std::vector<std::string>(17, "t")}}), "there are 17 topics; a group has at most 16");
    EXPECT_EQ(genesis_why({{"topics", "jazz"}}), "topics must be a list of strings");
    EXPECT_EQ(genesis_why({{"topics", {"jazz", std::string(41, 't')}}}), "topic 2 is 41 bytes; a topic holds at most 40");
    EXPECT_EQ(genesis_why({{"topics", {"jazz", 3}}}), "topic 2 must be a string");

    auto share_why = [](const json& fields) {
        std::string why;
        EXPECT_FALSE(g::parse_share(share(fields), &why)) << fields.dump();
        return why;
    };
    EXPECT_EQ(share_why({{"title", ""}}), "the title is empty");
    EXPECT_EQ(share_why({{"title", "esc\x1b[31m"}}),
              "the title holds a control character (U+001B at byte 4); it must be one line of text");
    EXPECT_EQ(share_why({{"title", std::string(301, 't')}}), "the title is 301 bytes; a title holds at most 300");
    EXPECT_EQ(share_why({{"tags", {"live", ""}}}), "tag 2 is empty");
    EXPECT_EQ(share_why({{"tags", std::vector<std::string>(17, "t")}}), "there are 17 tags; an entry has at most 16");
    std::string why;
    EXPECT_FALSE(g::parse_share(R"({"magnet":"magnet:?xt=urn:btih:00"})", &why));
    EXPECT_EQ(why, "the title is missing");
}

TEST(GroupBody, OnlyObjectsAreBodies) {
    EXPECT_TRUE(g::is_object_body("{}"));
    EXPECT_TRUE(g::is_object_body(R"( {"reason":"moving"} )"));
    for (const char* b : {"", "[]", "1", "\"s\"", "null", "{} {}", "{"}) EXPECT_FALSE(g::is_object_body(b)) << b;
}

}  // namespace
