// coop::agent::Groups without other agents: a real store in a temp dir, an
// overlay on 127.0.0.1 that nobody dials, a DHT that finds nobody, and the
// group.* methods called through the RPC server as the commands call them.
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/agent/groups.hpp"
#include "core/agent/overlay_node.hpp"
#include "core/agent/rpc_server.hpp"
#include "core/group/invite.hpp"
#include "core/home.hpp"
#include "core/rpc/client.hpp"
#include "core/store/store.hpp"
#include "tests/unit/temp_dir.hpp"

namespace {

using coop::Endpoint;
using coop::agent::reachable_addresses;
using coop::rpc::json;
using coop::testing::TempDir;

// The agent's groups on a loop of their own; the test calls in over the socket.
class AgentGroupsTest : public ::testing::Test {
protected:
    void SetUp() override {
        spdlog::set_level(spdlog::level::off);
        store_ = std::make_unique<coop::Store>(home_.database());
        identity_ = store_->identity();
        coop::agent::OverlayOptions options;
        options.listen = {"127.0.0.1", 0};
        overlay_ = std::make_unique<coop::agent::OverlayNode>(io_, identity_, options);
        coop::agent::TopicDirectory topics;
        topics.announce = [this](const std::string& topic, int) { announced_.insert(topic); };
        topics.withdraw = [this](const std::string& topic) { announced_.erase(topic); };
        topics.lookup = [](const std::string&, std::function<void(std::vector<Endpoint>)>,
                           std::function<void()> done) { done(); };  // nobody out there
        groups_ = std::make_unique<coop::agent::Groups>(io_, *store_, identity_, *overlay_, std::move(topics));
        overlay_->set_handler(groups_.get());
        server_ = std::make_unique<coop::agent::RpcServer>(io_, home_.socket());
        groups_->register_methods(*server_);
        overlay_->start();
        groups_->start();
        server_->listen();
        loop_ = std::thread([this] {
            try {
                io_.run();
            } catch (...) {
                loop_error_ = std::current_exception();
            }
        });
    }

    void TearDown() override {
        io_.stop();
        if (loop_.joinable()) loop_.join();
        server_.reset();
        groups_->close();
        overlay_->close();
        EXPECT_FALSE(loop_error_) << "the loop threw";
    }

    json call(const std::string& method, json params) {
        auto client = coop::rpc::Client::try_connect(home_);
        if (!client) throw std::runtime_error("no server at " + home_.socket().string());
        timeval tv{};
        tv.tv_sec = 10;  // no test hangs on a method that never answers
        ::setsockopt(client->fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        return client->call(method, std::move(params));
    }

    struct Failure {
        int code = 0;
        std::string message;
    };
    // The error of a call that must fail.
    Failure failure(const std::string& method, json params) {
        try {
            const json r = call(method, params);
            ADD_FAILURE() << method << " " << params.dump() << " answered " << r.dump();
        } catch (const coop::rpc::RpcError& e) {
            return {e.code(), e.what()};
        }
        return {};
    }

    std::string create(const std::string& name, json extra = json::object()) {
        json params = {{"name", name}};
        params.update(extra);
        return call("group.create", params).at("group").get<std::string>();
    }

    TempDir dir_;
    coop::Home home_{dir_.path()};
    boost::asio::io_context io_;
    std::unique_ptr<coop::Store> store_;
    coop::Identity identity_;
    std::unique_ptr<coop::agent::OverlayNode> overlay_;
    std::unique_ptr<coop::agent::Groups> groups_;
    std::unique_ptr<coop::agent::RpcServer> server_;
    std::set<std::string> announced_;  // touched on the loop only
    std::thread loop_;
    std::exception_ptr loop_error_;
};

TEST_F(AgentGroupsTest, CreateThenListShowsTheGroup) {
    const json made = call("group.create", {{"name", "film club"}, {"open", true}, {"topics", {"film", "noir"}},
                                            {"about", "we watch films"}});
    const std::string id = made.at("group");
    ASSERT_EQ(id.size(), 64u);
    EXPECT_EQ(made, (json{{"group", id}, {"name", "film club"}, {"open", true}}));

    const json groups = call("group.list", json::object()).at("groups");
    ASSERT_EQ(groups.size(), 1u) << groups.dump();
    EXPECT_EQ(groups[0], (json{{"group", id},
                               {"name", "film club"},
                               {"status", "member"},
                               {"open", true},
                               {"about", "we watch films"},
                               {"topics", {"film", "noir"}},
                               {"members", 1},
                               {"online", 0},
                               {"catalog", 0},
                               {"events", 1}}));
}

TEST_F(AgentGroupsTest, PostShowAndLog) {
    const std::string id = create("club");
    const json posted = call("group.post", {{"group", "club"}, {"text", "hello\n\tall"}});
    EXPECT_EQ(posted.at("group"), id);
    const std::string event = posted.at("event");

    const json show = call("group.show", {{"group", id.substr(0, 8)}});
    EXPECT_EQ(show.at("name"), "club");
    EXPECT_EQ(show.at("chat"), 1);
    EXPECT_EQ(show.at("events"), 2);
    EXPECT_EQ(show.at("founder"), identity_.peer_id());
    ASSERT_EQ(show.at("members").size(), 1u);
    EXPECT_EQ(show.at("members")[0].at("key"), identity_.peer_id());
    EXPECT_TRUE(show.at("members")[0].at("you").get<bool>());
    EXPECT_EQ(show.at("heads"), json::array({event}));
    EXPECT_EQ(show.at("online"), json::array());

    const json events = call("group.log", {{"group", "club"}}).at("events");
    ASSERT_EQ(events.size(), 2u) << events.dump();
    EXPECT_EQ(events[0].at("kind"), "genesis");
    EXPECT_EQ(events[0].at("name"), "club");
    EXPECT_EQ(events[1].at("kind"), "post");
    EXPECT_EQ(events[1].at("event"), event);
    EXPECT_EQ(events[1].at("text"), "hello\n\tall");
    EXPECT_EQ(events[1].at("author"), identity_.peer_id());
    EXPECT_EQ(call("group.log", {{"group", "club"}, {"kinds", {"genesis"}}}).at("events").size(), 1u);
}

TEST_F(AgentGroupsTest, AnUnknownGroupSaysWhereToLook) {
    create("club");
    for (const std::string given : {"nope", "0123456789abcdef0123"}) {
        const auto f = failure("group.show", {{"group", given}});
        EXPECT_EQ(f.code, coop::rpc::not_found);
        EXPECT_EQ(f.message, "no group '" + given +
                                 "' here; coop group list shows yours (join one with coop group join TOKEN)");
    }
    EXPECT_EQ(failure("group.post", {{"group", "nope"}, {"text", "hi"}}).code, coop::rpc::not_found);
}

TEST_F(AgentGroupsTest, AnAmbiguousPrefixListsTheMatches) {
    // Seventeen groups: two of them surely share the first hex digit.
    std::map<char, std::vector<std::pair<std::string, std::string>>> by_digit;  // digit -> (id, name)
    for (int i = 0; i < 17; ++i) {
        const std::string name = "g" + std::to_string(i);
        const std::string id = create(name);
        by_digit[id[0]].emplace_back(id, name);
    }
    auto shared = std::find_if(by_digit.begin(), by_digit.end(), [](const auto& d) { return d.second.size() > 1; });
    ASSERT_NE(shared, by_digit.end());
    auto matches = shared->second;
    std::sort(matches.begin(), matches.end());  // the agent lists them in id order
    std::string list;
    for (const auto& [id, name] : matches) list += (list.empty() ? "" : ", ") + id.substr(0, 12) + " (" + name + ")";
    const std::string prefix(1, shared->first);
    const auto f = failure("group.show", {{"group", prefix}});
    EXPECT_EQ(f.code, coop::rpc::ambiguous);
    EXPECT_EQ(f.message, "group '" + prefix + "' matches " + list + "; give more of the id");

    // More of the id, in capitals too, picks one; a name wins over a prefix.
    const std::string one = matches[0].first;
    std::string upper = one.substr(0, 20);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    EXPECT_EQ(call("group.show", {{"group", upper}}).at("group"), one);
    const std::string named = create(prefix);
    EXPECT_EQ(call("group.show", {{"group", prefix}}).at("group"), named);
}

TEST_F(AgentGroupsTest, CreateRefusesADuplicateOrBadName) {
    const std::string id = create("club");
    auto f = failure("group.create", {{"name", "club"}});
    EXPECT_EQ(f.code, coop::rpc::bad_input);
    EXPECT_EQ(f.message, "you already have a group named 'club' (" + id.substr(0, 12) + "); choose another name");
    f = failure("group.create", {{"name", ""}});
    EXPECT_EQ(f.message, "the name is empty");
    f = failure("group.create", {{"name", "two\nlines"}});
    EXPECT_EQ(f.message, "the name holds a control character (U+000A at byte 4); it must be one line of text");
    f = failure("group.create", {{"name", "ok"}, {"topics", {"jazz", ""}}});
    EXPECT_EQ(f.message, "topic 2 is empty");
    EXPECT_EQ(call("group.list", json::object()).at("groups").size(), 1u);
}

TEST_F(AgentGroupsTest, APostSaysWhatIsWrongWithIt) {
    create("club");
    auto f = failure("group.post", {{"group", "club"}, {"text", "red \x1b[31malert"}});
    EXPECT_EQ(f.code, coop::rpc::bad_input);
    EXPECT_EQ(f.message,
              "the message holds a control character (U+001B at byte 5); only line breaks and tabs are allowed");
    f = failure("group.post", {{"group", "club"}, {"text", std::string(4097, 'x')}});
    EXPECT_EQ(f.message, "the message is 4097 bytes; a post holds at most 4096");
    EXPECT_EQ(call("group.show", {{"group", "club"}}).at("chat"), 0) << "a refused post was kept";
}

TEST_F(AgentGroupsTest, InviteNamesOurAddress) {
    const std::string id = create("club");
    const json r = call("group.invite", {{"group", "club"}, {"expires_s", 0}, {"uses", 0}});
    EXPECT_EQ(r.at("group"), id);
    EXPECT_EQ(r.at("expires_ms"), 0);
    EXPECT_FALSE(r.at("single_use").get<bool>());
    const std::string own = overlay_->endpoint().to_string();
    EXPECT_EQ(r.at("addresses"), json::array({own}));
    std::string why;
    const auto token = coop::group::decode_token(r.at("token").get<std::string>(), &why);
    ASSERT_TRUE(token) << why;
    EXPECT_EQ(coop::group::hex(token->invite.group), id);
    EXPECT_EQ(token->addresses, std::vector<std::string>{own});
}

TEST_F(AgentGroupsTest, LeftGroupsRefusePostsAndStayListed) {
    create("club");
    EXPECT_EQ(call("group.leave", {{"group", "club"}}).at("name"), "club");
    const auto f = failure("group.post", {{"group", "club"}, {"text", "still here?"}});
    EXPECT_EQ(f.code, coop::rpc::not_member);
    EXPECT_EQ(f.message, "you left club; join it again with a new invite");
    EXPECT_EQ(failure("group.leave", {{"group", "club"}}).message, "you left club already");
    const json groups = call("group.list", json::object()).at("groups");
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].at("status"), "left");
}

TEST_F(AgentGroupsTest, FindWithNobodyOutThereFindsNothing) {
    create("jazz-club", {{"open", true}, {"topics", {"jazz"}}});  // ours: never listed
    EXPECT_EQ(call("group.find", {{"tag", "jazz"}, {"wait_s", 1}}), (json{{"groups", json::array()}}));
    EXPECT_EQ(failure("group.find", {{"tag", ""}}).code, coop::rpc::bad_input);
    EXPECT_EQ(failure("group.find", {{"tag", "jazz"}, {"wait_s", 0}}).message, "wait_s must be 1 to 60 seconds");
}

// ---- reachable_addresses -------------------------------------------------

const std::vector<std::string> host = {"127.0.0.1", "192.0.2.2", "::1", "fd00::2", "fe80::1", "10.1.2.3"};

TEST(ReachableAddresses, ASpecificAddressIsItself) {
    EXPECT_EQ(reachable_addresses({"127.0.0.5", 7000}, host, 4), std::vector<std::string>{"127.0.0.5:7000"});
    EXPECT_EQ(reachable_addresses({"::1", 7000}, host, 4), std::vector<std::string>{"[::1]:7000"});
    EXPECT_TRUE(reachable_addresses({"127.0.0.5", 7000}, host, 0).empty());
}

TEST(ReachableAddresses, AnyIPv4IsEveryIPv4InterfaceLoopbackLast) {
    EXPECT_EQ(reachable_addresses({"0.0.0.0", 7000}, host, 8),
              (std::vector<std::string>{"192.0.2.2:7000", "10.1.2.3:7000", "127.0.0.1:7000"}));
    EXPECT_EQ(reachable_addresses({"0.0.0.0", 7000}, host, 2),
              (std::vector<std::string>{"192.0.2.2:7000", "10.1.2.3:7000"}));
    EXPECT_EQ(reachable_addresses({"0.0.0.0", 7000}, {"127.0.0.1", "::1"}, 8),
              std::vector<std::string>{"127.0.0.1:7000"})
        << "loopback when there is nothing else";
}

TEST(ReachableAddresses, AnyIPv6TakesBothFamiliesButNotLinkLocal) {
    EXPECT_EQ(reachable_addresses({"::", 7000}, host, 8),
              (std::vector<std::string>{"[fd00::2]:7000", "192.0.2.2:7000", "10.1.2.3:7000", "127.0.0.1:7000",
                                        "[::1]:7000"}));
    EXPECT_EQ(reachable_addresses({"::", 7000}, {"fe80::1", "ff02::1", "0.0.0.0", "junk", "::ffff:10.0.0.1"}, 8),
              std::vector<std::string>{});
    EXPECT_EQ(reachable_addresses({"::", 7000}, {"10.0.0.1", "10.0.0.1"}, 8), std::vector<std::string>{"10.0.0.1:7000"});
}

}  // namespace
