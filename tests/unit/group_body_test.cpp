// What each kind's body holds and its bounds (core/group/body.hpp).
#include "core/group/body.hpp"

#include <gtest/gtest.h>

#include <string>

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
    EXPECT_EQ(why, "name must be 1 to 100 bytes on one line");
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

TEST(GroupBody, OnlyObjectsAreBodies) {
    EXPECT_TRUE(g::is_object_body("{}"));
    EXPECT_TRUE(g::is_object_body(R"( {"reason":"moving"} )"));
    for (const char* b : {"", "[]", "1", "\"s\"", "null", "{} {}", "{"}) EXPECT_FALSE(g::is_object_body(b)) << b;
}

}  // namespace
