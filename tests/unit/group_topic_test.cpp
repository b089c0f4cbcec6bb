// The DHT topics of groups and interest tags (core/group/topic.hpp). The
// known values are BLAKE2b-160 computed elsewhere (Python's hashlib), so a
// change to the derivation, which would split the network, fails here.
#include "core/group/topic.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using coop::group::Id;
using coop::group::normalize_tag;
using coop::group::topic_of_group;
using coop::group::topic_of_tag;

Id counting_id() {
    Id id;
    for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(i);
    return id;
}

TEST(GroupTopic, GroupTopicIsAStableKnownValue) {
    // blake2b(b"coop-group:" + bytes(range(32)), digest_size=20)
    EXPECT_EQ(topic_of_group(counting_id()), "5dd81e5fa028365edbb307adf68d4deee19c9a32");
}

TEST(GroupTopic, TagTopicIsAStableKnownValue) {
    // blake2b(b"coop-tag:jazz", digest_size=20)
    EXPECT_EQ(topic_of_tag("jazz"), "c8b87208b805b39ec3df396d017c589fa23e871c");
    // UTF-8 bytes pass through as they are.
    EXPECT_EQ(topic_of_tag("música"), "dbf8695297f457c6e35b22a4b5e168d7ac6d8dfb");
}

TEST(GroupTopic, TagsAreCaseInsensitiveAndTrimmed) {
    const std::string jazz = topic_of_tag("jazz");
    EXPECT_EQ(topic_of_tag("Jazz"), jazz);
    EXPECT_EQ(topic_of_tag("JAZZ"), jazz);
    EXPECT_EQ(topic_of_tag("  jazz\t\n"), jazz);
    EXPECT_NE(topic_of_tag("jaz z"), jazz) << "inner space is part of the tag";
    EXPECT_NE(topic_of_tag("blues"), jazz);
    EXPECT_EQ(normalize_tag(" Free Jazz "), "free jazz");
    EXPECT_EQ(normalize_tag("MÚSICA"), "mÚsica") << "only ASCII letters change case";
    EXPECT_EQ(normalize_tag(" \t "), "");
}

TEST(GroupTopic, TopicsAreFortyLowerCaseHexDigits) {
    for (const std::string& topic : {topic_of_group(counting_id()), topic_of_group(Id{}), topic_of_tag("x")}) {
        EXPECT_EQ(topic.size(), 40u);
        EXPECT_EQ(topic.find_first_not_of("0123456789abcdef"), std::string::npos) << topic;
    }
}

TEST(GroupTopic, GroupsAndTagsNeverShareATopic) {
    // The labels keep a tag from naming a group's topic and back.
    Id zero{};
    EXPECT_NE(topic_of_group(zero), topic_of_tag(std::string(32, '\0')));
    EXPECT_NE(topic_of_group(zero), topic_of_group(counting_id()));
}

}  // namespace
