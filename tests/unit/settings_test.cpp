// The agent's saved settings and coopd's overrides (core/agent/settings.hpp).
#include "core/agent/settings.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using coop::agent::Settings;
using coop::agent::SettingsOverride;

Settings custom() {
    Settings s;
    s.listen = "[::1]:7000";
    s.peers = {"127.0.0.2:6881", "[::1]:6882"};
    s.no_public = true;
    s.upload_limit = 512000;
    s.download_limit = 2097152;
    s.log_level = "debug";
    s.stream_port = 8090;
    s.overlay_port = 7070;
    return s;
}

void expect_same(const Settings& a, const Settings& b) {
    EXPECT_EQ(a.listen, b.listen);
    EXPECT_EQ(a.peers, b.peers);
    EXPECT_EQ(a.no_public, b.no_public);
    EXPECT_EQ(a.upload_limit, b.upload_limit);
    EXPECT_EQ(a.download_limit, b.download_limit);
    EXPECT_EQ(a.log_level, b.log_level);
    EXPECT_EQ(a.stream_port, b.stream_port);
    EXPECT_EQ(a.overlay_port, b.overlay_port);
}

// The message apply() threw, or "" if it did not throw.
std::string apply_error(const SettingsOverride& o, Settings& s) {
    try {
        o.apply(s);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

TEST(Settings, Defaults) {
    const Settings s;
    EXPECT_EQ(s.listen, "0.0.0.0:6881");
    EXPECT_TRUE(s.peers.empty());
    EXPECT_FALSE(s.no_public);
    EXPECT_EQ(s.upload_limit, 0);
    EXPECT_EQ(s.download_limit, 0);
    EXPECT_EQ(s.log_level, "info");
    EXPECT_EQ(s.stream_port, 0);  // any free port
    EXPECT_EQ(s.overlay_port, 0);  // a free port, remembered
}

TEST(Settings, JsonRoundTrip) {
    const Settings s = custom();
    expect_same(Settings::from_json(s.to_json()), s);
    // Through text, as the store keeps it.
    expect_same(Settings::from_json(nlohmann::json::parse(s.to_json().dump())), s);
    expect_same(Settings::from_json(Settings().to_json()), Settings());
}

TEST(Settings, ToJsonNamesEveryField) {
    const auto j = custom().to_json();
    EXPECT_EQ(j, nlohmann::json::parse(R"({"listen":"[::1]:7000","peers":["127.0.0.2:6881","[::1]:6882"],
        "no_public":true,"upload_limit":512000,"download_limit":2097152,"log_level":"debug",
        "stream_port":8090,"overlay_port":7070})"));
}

TEST(Settings, MissingFieldsKeepTheirDefaults) {
    expect_same(Settings::from_json(nlohmann::json::object()), Settings());
    const auto s = Settings::from_json({{"no_public", true}, {"unknown", 1}});
    EXPECT_TRUE(s.no_public);
    EXPECT_EQ(s.listen, "0.0.0.0:6881");
    EXPECT_EQ(s.log_level, "info");
    EXPECT_EQ(s.stream_port, 0);
    EXPECT_EQ(Settings::from_json({{"stream_port", 8092}}).stream_port, 8092);
}

TEST(SettingsOverride, NothingSetChangesNothing) {
    Settings s = custom();
    SettingsOverride().apply(s);
    expect_same(s, custom());
}

TEST(SettingsOverride, ChangesOnlyTheSetFields) {
    Settings s = custom();
    SettingsOverride o;
    o.upload_limit = "2M";
    o.apply(s);
    EXPECT_EQ(s.upload_limit, 2097152);
    Settings expected = custom();
    expected.upload_limit = 2097152;
    expect_same(s, expected);

    SettingsOverride listen;
    listen.listen = "127.0.0.2:0";
    listen.apply(s);
    expected.listen = "127.0.0.2:0";
    expect_same(s, expected);
}

TEST(SettingsOverride, EveryField) {
    Settings s;
    SettingsOverride o;
    o.listen = "127.0.0.3:6890";
    o.peers = std::vector<std::string>{"127.0.0.4:6891"};
    o.no_public = true;
    o.upload_limit = "500K";
    o.download_limit = "1.5 MB";
    o.log_level = "warn";
    o.stream_port = "8091";
    o.apply(s);
    EXPECT_EQ(s.listen, "127.0.0.3:6890");
    EXPECT_EQ(s.peers, std::vector<std::string>{"127.0.0.4:6891"});
    EXPECT_TRUE(s.no_public);
    EXPECT_EQ(s.upload_limit, 512000);
    EXPECT_EQ(s.download_limit, 1572864);
    EXPECT_EQ(s.log_level, "warn");
    EXPECT_EQ(s.stream_port, 8091);
}

TEST(SettingsOverride, CanTurnThingsBackOff) {
    Settings s = custom();
    SettingsOverride o;
    o.no_public = false;
    o.peers = std::vector<std::string>{};
    o.upload_limit = "0";
    o.download_limit = "0";
    o.apply(s);
    EXPECT_FALSE(s.no_public);
    EXPECT_TRUE(s.peers.empty());
    EXPECT_EQ(s.upload_limit, 0);
    EXPECT_EQ(s.download_limit, 0);
}

TEST(SettingsOverride, BadRateNamesTheOption) {
    Settings s;
    SettingsOverride up;
    up.upload_limit = "fast";
    auto error = apply_error(up, s);
    EXPECT_NE(error.find("--upload-limit"), std::string::npos) << error;
    EXPECT_NE(error.find("'fast'"), std::string::npos) << error;

    SettingsOverride down;
    down.download_limit = "-1";
    error = apply_error(down, s);
    EXPECT_NE(error.find("--download-limit"), std::string::npos) << error;
    EXPECT_NE(error.find("'-1'"), std::string::npos) << error;

    SettingsOverride unit;
    unit.download_limit = "5X";
    EXPECT_NE(apply_error(unit, s).find("--download-limit"), std::string::npos);
    EXPECT_EQ(s.upload_limit, 0);
    EXPECT_EQ(s.download_limit, 0);
}

TEST(SettingsOverride, BadListenNamesTheOption) {
    Settings s;
    SettingsOverride o;
    o.listen = "localhost:6881";
    const auto error = apply_error(o, s);
    EXPECT_EQ(error.rfind("--listen ", 0), 0u) << error;
    EXPECT_NE(error.find("localhost"), std::string::npos) << error;
    EXPECT_EQ(s.listen, "0.0.0.0:6881");

    SettingsOverride port;
    port.listen = "127.0.0.1:65536";
    EXPECT_EQ(apply_error(port, s).rfind("--listen ", 0), 0u);
}

TEST(SettingsOverride, BadPeerNamesTheOptionAndThePeer) {
    Settings s;
    SettingsOverride o;
    o.peers = std::vector<std::string>{"127.0.0.2:6881", "127.0.0.3"};
    const auto error = apply_error(o, s);
    EXPECT_EQ(error.rfind("--peer ", 0), 0u) << error;
    EXPECT_NE(error.find("127.0.0.3"), std::string::npos) << error;
    EXPECT_TRUE(s.peers.empty()) << "a list with a bad peer was kept in part";
}

TEST(SettingsOverride, StreamPort) {
    Settings s;
    SettingsOverride o;
    o.stream_port = "8090";
    o.apply(s);
    EXPECT_EQ(s.stream_port, 8090);
    Settings expected;
    expected.stream_port = 8090;
    expect_same(s, expected);  // nothing else changed

    SettingsOverride highest;
    highest.stream_port = "65535";
    highest.apply(s);
    EXPECT_EQ(s.stream_port, 65535);

    SettingsOverride any;
    any.stream_port = "0";  // back to any free port
    any.apply(s);
    EXPECT_EQ(s.stream_port, 0);
}

TEST(SettingsOverride, BadStreamPortNamesTheOption) {
    for (const char* text : {"65536", "99999", "100000", "abc", "-1", "", "80a", " 80", "8.5"}) {
        Settings s = custom();
        SettingsOverride o;
        o.stream_port = text;
        const auto error = apply_error(o, s);
        EXPECT_EQ(error.rfind("--stream-port", 0), 0u) << "'" << text << "': " << error;
        EXPECT_NE(error.find(std::string("'") + text + "'"), std::string::npos) << error;
        EXPECT_EQ(s.stream_port, 8090) << "'" << text << "' changed the port";
    }
}

}  // namespace
