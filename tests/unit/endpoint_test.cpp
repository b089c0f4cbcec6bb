// ADDR:PORT as users type it on the command line (core/endpoint.hpp).
#include "core/endpoint.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

coop::Endpoint parsed(const std::string& text) {
    std::string error;
    auto e = coop::parse_endpoint(text, error);
    EXPECT_TRUE(e.has_value()) << text << ": " << error;
    EXPECT_TRUE(error.empty()) << text << ": " << error;
    return e.value_or(coop::Endpoint{"<none>", 1});
}

// The reason parse_endpoint gave for refusing `text` ("" if it accepted it).
std::string refused(const std::string& text) {
    std::string error;
    auto e = coop::parse_endpoint(text, error);
    EXPECT_FALSE(e.has_value()) << text << " was accepted as " << (e ? e->to_string() : "");
    EXPECT_FALSE(error.empty()) << text;
    return error;
}

bool local(const std::string& address) { return coop::Endpoint{address, 1}.is_local_network(); }

TEST(ParseEndpoint, IPv4) {
    const auto e = parsed("127.0.0.2:6881");
    EXPECT_EQ(e.address, "127.0.0.2");
    EXPECT_EQ(e.port, 6881);
    EXPECT_FALSE(e.is_v6());
}

TEST(ParseEndpoint, BracketedIPv6) {
    const auto e = parsed("[::1]:6881");
    EXPECT_EQ(e.address, "::1");
    EXPECT_EQ(e.port, 6881);
    EXPECT_TRUE(e.is_v6());

    const auto full = parsed("[2001:db8::42:1]:443");
    EXPECT_EQ(full.address, "2001:db8::42:1");
    EXPECT_EQ(full.port, 443);
}

TEST(ParseEndpoint, PortEdges) {
    EXPECT_EQ(parsed("0.0.0.0:0").port, 0);
    EXPECT_EQ(parsed("10.0.0.1:65535").port, 65535);
    EXPECT_EQ(parsed("[::]:0").port, 0);
    EXPECT_EQ(parsed("[::]:65535").port, 65535);
}

TEST(ParseEndpoint, RejectsMissingPort) {
    EXPECT_NE(refused("127.0.0.1").find("ADDR:PORT"), std::string::npos);
    EXPECT_NE(refused("127.0.0.1:").find("port"), std::string::npos);
    EXPECT_NE(refused("[::1]").find("[ADDR]:PORT"), std::string::npos);
    EXPECT_NE(refused("[::1]:").find("port"), std::string::npos);
    refused("[::1]6881");
}

TEST(ParseEndpoint, RejectsPortOutOfRange) {
    const auto error = refused("127.0.0.1:65536");
    EXPECT_NE(error.find("65536"), std::string::npos) << error;
    EXPECT_NE(error.find("0 to 65535"), std::string::npos) << error;
    refused("[::1]:65536");
    refused("127.0.0.1:99999999999");
    refused("127.0.0.1:-1");
    refused("127.0.0.1:+80");
    refused("127.0.0.1:80x");
    refused("127.0.0.1: 80");
}

TEST(ParseEndpoint, RejectsHostNames) {
    const auto error = refused("localhost:6881");
    EXPECT_NE(error.find("'localhost'"), std::string::npos) << error;
    EXPECT_NE(error.find("not an IP address"), std::string::npos) << error;
    refused("example.org:80");
    refused("[localhost]:80");
}

TEST(ParseEndpoint, RejectsGarbage) {
    refused("");
    refused(":");
    refused(":80");
    refused("[]:80");
    refused("garbage");
    refused("1.2.3:80");
    refused("256.0.0.1:80");
    refused("1.2.3.4:80:90");
    refused("::1:80");  // IPv6 without brackets is ambiguous
    refused("[::1:80");
    refused("[::1]x:80");
    refused("[fe80::1%eth0]:80");
}

TEST(Endpoint, ToStringRoundTrips) {
    for (const std::string text : {"127.0.0.2:6881", "0.0.0.0:0", "192.168.1.20:65535", "[::1]:6881", "[::]:0",
                                   "[2001:db8::1]:443", "[fe80::1]:1"}) {
        const auto e = parsed(text);
        EXPECT_EQ(e.to_string(), text);
        const auto again = parsed(e.to_string());
        EXPECT_EQ(again.address, e.address);
        EXPECT_EQ(again.port, e.port);
    }
}

TEST(Endpoint, ToStringBracketsIPv6) {
    EXPECT_EQ((coop::Endpoint{"::1", 5}).to_string(), "[::1]:5");
    EXPECT_EQ((coop::Endpoint{"1.2.3.4", 5}).to_string(), "1.2.3.4:5");
}

TEST(Endpoint, IsUnspecified) {
    EXPECT_TRUE(parsed("0.0.0.0:6881").is_unspecified());
    EXPECT_TRUE(parsed("[::]:6881").is_unspecified());
    EXPECT_FALSE(parsed("127.0.0.1:6881").is_unspecified());
    EXPECT_FALSE(parsed("[::1]:6881").is_unspecified());
}

TEST(Endpoint, LocalIPv4Ranges) {
    EXPECT_TRUE(local("127.0.0.1"));
    EXPECT_TRUE(local("127.255.255.254"));
    EXPECT_TRUE(local("10.0.0.1"));
    EXPECT_TRUE(local("10.255.255.255"));
    EXPECT_TRUE(local("172.16.0.1"));
    EXPECT_TRUE(local("172.20.5.5"));
    EXPECT_TRUE(local("172.31.255.255"));
    EXPECT_TRUE(local("192.168.0.1"));
    EXPECT_TRUE(local("192.168.255.255"));
    EXPECT_TRUE(local("169.254.1.1"));
}

TEST(Endpoint, PublicIPv4IsNotLocal) {
    EXPECT_FALSE(local("8.8.8.8"));
    EXPECT_FALSE(local("1.1.1.1"));
    EXPECT_FALSE(local("172.15.255.255"));
    EXPECT_FALSE(local("172.32.0.0"));
    EXPECT_FALSE(local("192.167.255.255"));
    EXPECT_FALSE(local("192.169.0.0"));
    EXPECT_FALSE(local("169.253.255.255"));
    EXPECT_FALSE(local("11.0.0.1"));
    EXPECT_FALSE(local("128.0.0.1"));
}

TEST(Endpoint, LocalIPv6Ranges) {
    EXPECT_TRUE(local("::1"));
    EXPECT_TRUE(local("fc00::1"));
    EXPECT_TRUE(local("fd12:3456:789a::1"));
    EXPECT_TRUE(local("fdff:ffff::1"));
    EXPECT_TRUE(local("fe80::1"));
    EXPECT_TRUE(local("febf::1"));
}

TEST(Endpoint, IPv4MappedAddressesFollowTheirIPv4Range) {
    EXPECT_TRUE(local("::ffff:192.168.1.1"));
    EXPECT_TRUE(local("::ffff:127.0.0.2"));
    EXPECT_FALSE(local("::ffff:8.8.8.8"));
}

TEST(Endpoint, PublicIPv6IsNotLocal) {
    EXPECT_FALSE(local("2001:db8::1"));
    EXPECT_FALSE(local("2606:4700:4700::1111"));
    EXPECT_FALSE(local("fbff::1"));
    EXPECT_FALSE(local("fec0::1"));
    EXPECT_FALSE(local("::2"));
}

TEST(Endpoint, NotAnAddressIsNotLocal) {
    EXPECT_FALSE(local("localhost"));
    EXPECT_FALSE(local(""));
    EXPECT_FALSE(local("::zz"));
}

}  // namespace
