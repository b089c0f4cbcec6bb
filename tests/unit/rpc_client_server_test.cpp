// The RPC pair in one process: coop::agent::RpcServer on an io_context
// thread, coop::rpc::Client (and plain sockets) on the test's thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/temp_dir.hpp"
#include "core/agent/rpc_server.hpp"
#include "core/home.hpp"
#include "core/rpc/client.hpp"

namespace {

namespace fs = std::filesystem;
using coop::rpc::json;

using coop::testing::TempDir;

// No test may hang on a server that stopped answering: reads and writes
// give up after a few seconds (the client then reports AgentLost).
void limit_reads(int fd) {
    timeval tv{};
    tv.tv_sec = 5;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// A plain Unix socket connected to `path`, for writing raw bytes.
class RawSocket {
public:
    explicit RawSocket(const fs::path& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        limit_reads(fd_);
    }
    ~RawSocket() { close(); }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    bool connected() const { return connected_; }

    bool write(const std::string& bytes) {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }
    // One line without its '\n', or nullopt on end of stream or timeout.
    std::optional<std::string> read_line() {
        for (;;) {
            if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            char chunk[4096];
            const ssize_t n = ::read(fd_, chunk, sizeof chunk);
            if (n <= 0) return std::nullopt;
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }
    std::optional<json> read_json() {
        auto line = read_line();
        if (!line) return std::nullopt;
        return json::parse(*line, nullptr, false);
    }

private:
    int fd_ = -1;
    bool connected_ = false;
    std::string buffer_;
};

template <class Predicate>
bool eventually(Predicate done) {
    for (int i = 0; i < 500; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

class RpcTest : public ::testing::Test {
protected:
    void SetUp() override {
        spdlog::set_level(spdlog::level::off);  // handlers that throw are logged
        server_ = std::make_unique<coop::agent::RpcServer>(io_, home_.socket());
        using coop::agent::Call;
        server_->handle("echo", [](const std::shared_ptr<Call>& call) { call->reply(call->params()); });
        server_->handle("add", [](const std::shared_ptr<Call>& call) {
            call->reply({{"sum", call->params().at("a").get<int>() + call->params().at("b").get<int>()}});
        });
        // Two notifications, then the result; a late one must not follow it.
        server_->handle("count", [](const std::shared_ptr<Call>& call) {
            call->notify("count.progress", {{"n", 1}});
            call->notify("count.progress", {{"n", 2}});
            call->reply({{"done", true}});
            call->notify("count.progress", {{"n", 3}});
        });
        // The same, answered later from the event loop rather than at once.
        server_->handle("count.later", [this](const std::shared_ptr<Call>& call) {
            boost::asio::post(io_, [this, call] {
                call->notify("count.progress", {{"n", 1}});
                boost::asio::post(io_, [call] {
                    call->notify("count.progress", {{"n", 2}});
                    call->reply({{"done", true}});
                });
            });
        });
        server_->handle("fail", [](const std::shared_ptr<Call>&) {
            throw coop::agent::RpcFailure(coop::rpc::ambiguous, "id 'ab' matches 2 transfers");
        });
        server_->handle("crash", [](const std::shared_ptr<Call>&) { throw std::runtime_error("disk on fire"); });
        server_->handle("named", [](const std::shared_ptr<Call>& call) {
            call->reply({{"hello", call->string_param("name")}});
        });
        server_->handle("hold", [this](const std::shared_ptr<Call>& call) {
            held_ = call;
            call->on_disconnect([this] { disconnected_ = true; });
            holding_ = true;
        });
        server_->handle("not.utf8", [](const std::shared_ptr<Call>&) {
            throw coop::agent::RpcFailure(coop::rpc::io_error, "cannot read /data/caf\xe9.mkv");
        });
    }

    void start() {
        server_->listen();
        loop_ = std::thread([this] {
            try {
                io_.run();
            } catch (...) {
                loop_error_ = std::current_exception();
            }
        });
    }

    void stop() {
        if (loop_.joinable()) {
            io_.stop();
            loop_.join();
        }
        held_.reset();
        if (server_) server_refused_ = server_->refused();
        server_.reset();  // closes the acceptor and removes the socket file
    }

    void TearDown() override {
        stop();
        EXPECT_FALSE(loop_error_) << "the server's event loop threw: " << describe(loop_error_);
    }

    static std::string describe(std::exception_ptr e) {
        if (!e) return "nothing";
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            return x.what();
        } catch (...) {
            return "a non-std exception";
        }
    }

    coop::rpc::Client connect() {
        auto client = coop::rpc::Client::try_connect(home_);
        if (!client) throw std::runtime_error("no server at " + home_.socket().string());
        limit_reads(client->fd());
        return std::move(*client);
    }

    TempDir dir_;
    coop::Home home_{dir_.path()};
    boost::asio::io_context io_;
    std::unique_ptr<coop::agent::RpcServer> server_;
    std::thread loop_;
    std::exception_ptr loop_error_;
    std::shared_ptr<coop::agent::Call> held_;  // touched on the loop thread only until stop()
    std::atomic<bool> holding_{false};
    std::size_t server_refused_ = 0;
    std::atomic<bool> disconnected_{false};
};

TEST_F(RpcTest, SocketIsInHomeAndOwnerOnly) {
    start();
    const auto path = dir_.path() / "agent.sock";
    ASSERT_EQ(home_.socket(), path);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(RpcTest, CallReturnsTheResult) {
    start();
    auto client = connect();
    EXPECT_EQ(client.call("add", {{"a", 2}, {"b", 40}}), (json{{"sum", 42}}));
    const json params = {{"text", "héllo"}, {"list", {1, 2, 3}}, {"nested", {{"null", nullptr}}}};
    EXPECT_EQ(client.call("echo", params), params);
    EXPECT_EQ(client.call("echo"), json::object());
}

TEST_F(RpcTest, ManyCallsOnOneConnection) {
    start();
    auto client = connect();
    for (int i = 0; i < 100; ++i) ASSERT_EQ(client.call("add", {{"a", i}, {"b", 1}}).at("sum"), i + 1);
}

TEST_F(RpcTest, SeveralClientsAtOnce) {
    start();
    auto a = connect();
    auto b = connect();
    EXPECT_EQ(a.call("add", {{"a", 1}, {"b", 1}}).at("sum"), 2);
    EXPECT_EQ(b.call("add", {{"a", 2}, {"b", 2}}).at("sum"), 4);
    EXPECT_EQ(a.call("add", {{"a", 3}, {"b", 3}}).at("sum"), 6);
}

TEST_F(RpcTest, LargeParamsAndResults) {
    start();
    auto client = connect();
    const std::string big(512 * 1024, 'x');
    EXPECT_EQ(client.call("echo", {{"big", big}}).at("big"), big);
}

TEST_F(RpcTest, NotificationsArriveInOrderBeforeTheResult) {
    start();
    auto client = connect();
    std::vector<std::string> seen;
    bool returned = false;
    const json r = client.call("count", json::object(), [&](const std::string& method, const json& params) {
        EXPECT_FALSE(returned);
        seen.push_back(method + " " + params.dump());
    });
    returned = true;
    EXPECT_EQ(r, (json{{"done", true}}));
    EXPECT_EQ(seen, (std::vector<std::string>{R"(count.progress {"n":1})", R"(count.progress {"n":2})"}));
    // Nothing the handler sent after its result leaks into the next call.
    seen.clear();
    EXPECT_EQ(client.call("add", {{"a", 1}, {"b", 2}}, [&](const std::string& m, const json&) { seen.push_back(m); })
                  .at("sum"),
              3);
    EXPECT_TRUE(seen.empty());
}

TEST_F(RpcTest, NotificationsOfALaterAnswer) {
    start();
    auto client = connect();
    std::vector<int> seen;
    const json r = client.call("count.later", json::object(),
                               [&](const std::string&, const json& params) { seen.push_back(params.at("n")); });
    EXPECT_EQ(r, (json{{"done", true}}));
    EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}

TEST_F(RpcTest, NotificationsOnTheWireComeBeforeTheResult) {
    start();
    RawSocket raw(home_.socket());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.write(R"({"jsonrpc":"2.0","id":7,"method":"count","params":{}})" "\n"));
    for (int n : {1, 2}) {
        const auto msg = raw.read_json();
        ASSERT_TRUE(msg && msg->is_object());
        EXPECT_FALSE(msg->contains("id")) << msg->dump();
        EXPECT_EQ(msg->value("method", ""), "count.progress");
        EXPECT_EQ(msg->at("params").at("n"), n);
        EXPECT_EQ(msg->at("params").at("request"), 7) << msg->dump();
        EXPECT_EQ(msg->value("jsonrpc", ""), "2.0");
    }
    const auto result = raw.read_json();
    ASSERT_TRUE(result);
    EXPECT_EQ(*result, (json{{"jsonrpc", "2.0"}, {"id", 7}, {"result", {{"done", true}}}}));
}

// Every notification names its request, whatever the handler put in its
// params: a field of its own called "id" (fetch.progress has one) stays.
TEST_F(RpcTest, EveryNotificationCarriesItsRequestId) {
    server_->handle("own.id", [](const std::shared_ptr<coop::agent::Call>& call) {
        call->notify("own.progress", {{"id", "abc123"}, {"done", 1}});
        call->notify("own.progress", json::object());
        call->notify("own.progress", 42);
        call->reply(json::object());
    });
    start();
    RawSocket raw(home_.socket());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.write(R"({"jsonrpc":"2.0","id":"call-9","method":"own.id","params":{}})" "\n"));
    const std::vector<json> expected = {{{"id", "abc123"}, {"done", 1}, {"request", "call-9"}},
                                        {{"request", "call-9"}},
                                        {{"value", 42}, {"request", "call-9"}}};
    for (const auto& params : expected) {
        const auto msg = raw.read_json();
        ASSERT_TRUE(msg && msg->is_object());
        EXPECT_FALSE(msg->contains("id")) << msg->dump();
        EXPECT_EQ(msg->at("params"), params) << msg->dump();
    }
    const auto result = raw.read_json();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->at("id"), "call-9");
}

// Two calls in flight on one connection: each notification goes with its own.
TEST_F(RpcTest, NotificationsOfTwoCallsOnOneConnectionAreTold) {
    start();
    RawSocket raw(home_.socket());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.write(R"({"jsonrpc":"2.0","id":1,"method":"count.later","params":{}})" "\n"
                          R"({"jsonrpc":"2.0","id":2,"method":"count.later","params":{}})" "\n"));
    std::map<int, std::vector<int>> seen;
    int answered = 0;
    while (answered < 2) {
        const auto msg = raw.read_json();
        ASSERT_TRUE(msg && msg->is_object()) << "the server stopped early";
        if (msg->contains("id")) {
            ++answered;
            EXPECT_EQ(seen[msg->at("id").get<int>()].size(), 2u) << "answered before its notifications";
            continue;
        }
        seen[msg->at("params").at("request").get<int>()].push_back(msg->at("params").at("n"));
    }
    EXPECT_EQ(seen[1], (std::vector<int>{1, 2}));
    EXPECT_EQ(seen[2], (std::vector<int>{1, 2}));
}

TEST_F(RpcTest, RpcErrorCarriesCodeAndMessage) {
    start();
    auto client = connect();
    try {
        client.call("fail");
        FAIL() << "no RpcError";
    } catch (const coop::rpc::RpcError& e) {
        EXPECT_EQ(e.code(), coop::rpc::ambiguous);
        EXPECT_STREQ(e.what(), "id 'ab' matches 2 transfers");
    }
    // The connection is still good after an error.
    EXPECT_EQ(client.call("add", {{"a", 1}, {"b", 1}}).at("sum"), 2);
}

TEST_F(RpcTest, OtherExceptionsAreInternalErrors) {
    start();
    auto client = connect();
    try {
        client.call("crash");
        FAIL() << "no RpcError";
    } catch (const coop::rpc::RpcError& e) {
        EXPECT_EQ(e.code(), -32603);
        EXPECT_STREQ(e.what(), "disk on fire");
    }
}

TEST_F(RpcTest, MissingParameterIsInvalidParams) {
    start();
    auto client = connect();
    EXPECT_EQ(client.call("named", {{"name", "ann"}}), (json{{"hello", "ann"}}));
    for (const json& params : {json::object(), json{{"name", 5}}}) {
        try {
            client.call("named", params);
            FAIL() << "accepted " << params.dump();
        } catch (const coop::rpc::RpcError& e) {
            EXPECT_EQ(e.code(), -32602);
            EXPECT_NE(std::string(e.what()).find("'name'"), std::string::npos) << e.what();
        }
    }
}

TEST_F(RpcTest, UnknownMethodIsMethodNotFound) {
    start();
    auto client = connect();
    try {
        client.call("no.such.method");
        FAIL() << "no RpcError";
    } catch (const coop::rpc::RpcError& e) {
        EXPECT_EQ(e.code(), -32601);
        EXPECT_NE(std::string(e.what()).find("no.such.method"), std::string::npos) << e.what();
    }
}

TEST_F(RpcTest, LineThatIsNotJsonGetsAParseError) {
    start();
    RawSocket raw(home_.socket());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.write("this is not json\n"));
    const auto reply = raw.read_json();
    ASSERT_TRUE(reply) << "no reply to a line that is not JSON";
    ASSERT_TRUE(reply->is_object()) << reply->dump();
    EXPECT_EQ(reply->at("error").at("code"), -32700) << reply->dump();
    EXPECT_TRUE(reply->at("id").is_null()) << reply->dump();

    // A JSON value that is not an object is no request either.
    ASSERT_TRUE(raw.write("[1,2,3]\n"));
    const auto array = raw.read_json();
    ASSERT_TRUE(array);
    EXPECT_EQ(array->at("error").at("code"), -32700) << array->dump();

    // The connection survives and still answers proper requests.
    ASSERT_TRUE(raw.write(R"({"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":2}})" "\n"));
    const auto ok = raw.read_json();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->at("result").at("sum"), 3) << ok->dump();
    EXPECT_EQ(ok->at("id"), 1);
}

TEST_F(RpcTest, RequestWithoutMethodIsInvalidRequest) {
    start();
    RawSocket raw(home_.socket());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.write(R"({"jsonrpc":"2.0","id":"x"})" "\n"));
    const auto reply = raw.read_json();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->at("error").at("code"), -32600) << reply->dump();
    EXPECT_EQ(reply->at("id"), "x");
}

// JSON-RPC answers no notification (a request without an id): the next
// reply on the connection belongs to the next real request.
TEST_F(RpcTest, NotificationsFromAClientGetNoAnswer) {
    start();
    RawSocket raw(home_.socket());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.write(R"({"jsonrpc":"2.0","method":"add","params":{"a":1,"b":2}})" "\n"
                          R"({"jsonrpc":"2.0","id":7,"method":"no.such.method"})" "\n"));
    const auto reply = raw.read_json();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->at("id"), 7) << reply->dump();
}

TEST_F(RpcTest, LineOverOneMiBIsRefused) {
    start();
    RawSocket raw(home_.socket());
    ASSERT_TRUE(raw.connected());
    // The server stops reading at 1 MiB; the rest may not fit the socket.
    std::thread writer([&raw] { raw.write(std::string(coop::rpc::max_line_bytes + 4096, 'x') + "\n"); });
    const auto reply = raw.read_json();
    writer.join();
    ASSERT_TRUE(reply) << "the connection closed without saying why";
    EXPECT_EQ(reply->at("error").at("code"), -32600) << reply->dump();
}

TEST_F(RpcTest, DisconnectWhileACallWaitsIsReported) {
    start();
    {
        RawSocket raw(home_.socket());
        ASSERT_TRUE(raw.connected());
        ASSERT_TRUE(raw.write(R"({"jsonrpc":"2.0","id":1,"method":"hold"})" "\n"));
        ASSERT_TRUE(eventually([&] { return holding_.load(); }));
        EXPECT_FALSE(disconnected_);
    }
    EXPECT_TRUE(eventually([&] { return disconnected_.load(); })) << "on_disconnect never ran";
}

TEST_F(RpcTest, ServerSurvivesAnErrorMessageThatIsNotUtf8) {
    start();
    auto client = connect();
    // File names are bytes: an error naming one must still reach the user,
    // and must not take the agent's event loop down with it.
    try {
        client.call("not.utf8");
        ADD_FAILURE() << "no RpcError";
    } catch (const coop::rpc::RpcError& e) {
        EXPECT_EQ(e.code(), coop::rpc::io_error);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not an RpcError: " << e.what();
    }
    auto other = coop::rpc::Client::try_connect(home_);
    ASSERT_TRUE(other);
    limit_reads(other->fd());
    try {
        EXPECT_EQ(other->call("add", {{"a", 1}, {"b", 1}}).at("sum"), 2);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "the server stopped answering: " << e.what();
    }
}

TEST_F(RpcTest, ListenFailsWithThePathInTheMessage) {
    coop::agent::RpcServer server(io_, dir_.path() / "missing" / "agent.sock");
    try {
        server.listen();
        FAIL() << "listened in a folder that does not exist";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("missing/agent.sock"), std::string::npos) << e.what();
    }
}

TEST_F(RpcTest, AnotherUserIsRefusedEvenIfTheSocketIsOpenToAll) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect as another user";
    start();
    // Open the folder and socket to everyone, so only the uid check stands.
    ASSERT_EQ(::chmod(dir_.path().c_str(), 0711), 0);
    ASSERT_EQ(::chmod(home_.socket().c_str(), 0666), 0);
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // Only async-signal-safe calls from here on: the parent has threads.
        ::close(out[0]);
        // The agent may refuse and close before the request is written:
        // a write then fails with EPIPE, and the refusal is still readable.
        ::signal(SIGPIPE, SIG_IGN);
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) {
            (void)!::write(out[1], "setuid failed", 13);
            ::_exit(2);
        }
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, home_.socket().c_str(), sizeof addr.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            (void)!::write(out[1], "connect failed", 14);
            ::_exit(3);
        }
        const char request[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":{\"a\":1,\"b\":1}}\n";
        (void)!::write(fd, request, sizeof request - 1);
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) (void)!::write(out[1], buf, static_cast<std::size_t>(n));
        ::_exit(0);
    }
    ::close(out[1]);
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(out[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (got == "setuid failed") GTEST_SKIP() << "cannot become another user here";
    ASSERT_EQ(WEXITSTATUS(status), 0) << got;
    // One error, then the server hangs up (the read above saw end of stream).
    ASSERT_FALSE(got.empty());
    ASSERT_EQ(got.back(), '\n') << got;
    ASSERT_EQ(got.find('\n'), got.size() - 1) << "more than one line: " << got;
    const json reply = json::parse(got, nullptr, false);
    ASSERT_TRUE(reply.is_object()) << got;
    EXPECT_EQ(reply.at("error").at("code"), coop::rpc::peer_refused) << got;
    EXPECT_NE(reply.at("error").at("message").get<std::string>().find("uid " + std::to_string(::geteuid())),
              std::string::npos)
        << got;
    EXPECT_FALSE(reply.contains("result")) << got;
    stop();
    EXPECT_EQ(server_refused_, 1u);
}

TEST_F(RpcTest, TryConnectWithoutAServer) {
    // Nothing ever listened here: no socket file at all.
    EXPECT_FALSE(fs::exists(home_.socket()));
    EXPECT_FALSE(coop::rpc::Client::try_connect(home_).has_value());
    // A home folder that does not exist yet.
    EXPECT_FALSE(coop::rpc::Client::try_connect(coop::Home(dir_.path() / "missing")).has_value());
}

TEST_F(RpcTest, TryConnectWithAStaleSocketFile) {
    // An agent that was killed leaves its socket file behind.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, home_.socket().c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
    ::close(fd);
    ASSERT_TRUE(fs::exists(home_.socket()));
    EXPECT_FALSE(coop::rpc::Client::try_connect(home_).has_value());

    // A new server replaces the stale file and answers.
    start();
    auto client = connect();
    EXPECT_EQ(client.call("add", {{"a", 1}, {"b", 1}}).at("sum"), 2);
}

TEST_F(RpcTest, TryConnectAfterTheServerStopped) {
    start();
    ASSERT_TRUE(coop::rpc::Client::try_connect(home_).has_value());
    stop();
    EXPECT_FALSE(fs::exists(home_.socket())) << "the socket file outlived its server";
    EXPECT_FALSE(coop::rpc::Client::try_connect(home_).has_value());
}

TEST_F(RpcTest, ClientIsMovable) {
    start();
    auto first = connect();
    coop::rpc::Client moved(std::move(first));
    EXPECT_EQ(first.fd(), -1);
    EXPECT_GE(moved.fd(), 0);
    EXPECT_EQ(moved.call("add", {{"a", 2}, {"b", 2}}).at("sum"), 4);
}

// ---- the client against a scripted agent made of plain sockets ----------

// Listens on `path`, takes one connection, reads one request line, writes
// `replies` (each in its own write, with a pause between), then hangs up.
class FakeAgent {
public:
    FakeAgent(const fs::path& path, std::vector<std::string> replies) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 1) != 0)
            throw std::runtime_error(std::string("fake agent: ") + std::strerror(errno));
        thread_ = std::thread([this, replies = std::move(replies)] {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            limit_reads(c);
            char ch;
            while (::read(c, &ch, 1) == 1 && ch != '\n') request_ += ch;
            for (const auto& r : replies) {
                if (::send(c, r.data(), r.size(), MSG_NOSIGNAL) < 0) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            ::close(c);
        });
    }
    ~FakeAgent() {
        if (thread_.joinable()) thread_.join();
        ::close(fd_);
        std::error_code ec;
        fs::remove(path_, ec);
    }
    // The request line the client sent; waits for the agent to finish.
    json request() {
        if (thread_.joinable()) thread_.join();
        return json::parse(request_, nullptr, false);
    }

private:
    fs::path path_;
    int fd_ = -1;
    std::thread thread_;
    std::string request_;
};

class RpcClientTest : public ::testing::Test {
protected:
    coop::rpc::Client connect() {
        auto client = coop::rpc::Client::try_connect(home_);
        if (!client) throw std::runtime_error("no fake agent");
        limit_reads(client->fd());
        return std::move(*client);
    }
    TempDir dir_;
    coop::Home home_{dir_.path()};
};

TEST_F(RpcClientTest, SendsAJsonRpcRequestLine) {
    FakeAgent agent(home_.socket(), {R"({"jsonrpc":"2.0","id":1,"result":{}})" "\n"});
    auto client = connect();
    EXPECT_EQ(client.call("share.list", {{"x", 1}}), json::object());
    EXPECT_EQ(agent.request(),
              (json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "share.list"}, {"params", {{"x", 1}}}}));
}

TEST_F(RpcClientTest, SkipsAnswersForOtherIdsAndReassemblesSplitLines) {
    FakeAgent agent(home_.socket(), {R"({"jsonrpc":"2.0","id":99,"result":{"wrong":true}})" "\n",
                                     R"({"jsonrpc":"2.0","method":"m","par)", R"(ams":{"a":1}})" "\n",
                                     R"({"jsonrpc":"2.0","id":1,"result":{"right":true}})" "\n"});
    auto client = connect();
    std::vector<std::string> seen;
    const auto r = client.call("x", json::object(),
                               [&](const std::string& m, const json& p) { seen.push_back(m + " " + p.dump()); });
    EXPECT_EQ(r, (json{{"right", true}}));
    EXPECT_EQ(seen, (std::vector<std::string>{R"(m {"a":1})"}));
}

TEST_F(RpcClientTest, NotificationsOfOtherRequestsAreDropped) {
    FakeAgent agent(home_.socket(), {R"({"jsonrpc":"2.0","method":"m","params":{"n":1,"request":1}})" "\n",
                                     R"({"jsonrpc":"2.0","method":"m","params":{"n":2,"request":99}})" "\n",
                                     R"({"jsonrpc":"2.0","method":"m","params":{"n":3,"id":"abc","request":1}})" "\n",
                                     R"({"jsonrpc":"2.0","id":1,"result":{}})" "\n"});
    auto client = connect();
    std::vector<std::string> seen;
    client.call("x", json::object(), [&](const std::string& m, const json& p) { seen.push_back(m + " " + p.dump()); });
    EXPECT_EQ(seen, (std::vector<std::string>{R"(m {"n":1})", R"(m {"id":"abc","n":3})"}));
}

TEST_F(RpcClientTest, ErrorWithoutIdIsTheAnswer) {
    FakeAgent agent(home_.socket(),
                    {R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"request is not JSON"}})" "\n"});
    auto client = connect();
    try {
        client.call("x");
        FAIL() << "no RpcError";
    } catch (const coop::rpc::RpcError& e) {
        EXPECT_EQ(e.code(), -32700);
        EXPECT_STREQ(e.what(), "request is not JSON");
    }
}

TEST_F(RpcClientTest, HangUpBeforeTheAnswerIsAgentLost) {
    FakeAgent agent(home_.socket(), {R"({"jsonrpc":"2.0","method":"m","params":{}})" "\n"});
    auto client = connect();
    EXPECT_THROW(client.call("x"), coop::rpc::AgentLost);
}

TEST_F(RpcClientTest, AnswerThatIsNotJsonIsAgentLost) {
    FakeAgent agent(home_.socket(), {"<html>not json</html>\n"});
    auto client = connect();
    try {
        client.call("x");
        FAIL() << "no AgentLost";
    } catch (const coop::rpc::AgentLost& e) {
        EXPECT_NE(std::string(e.what()).find("not JSON"), std::string::npos) << e.what();
    }
}

TEST_F(RpcClientTest, SocketPathTooLongIsAClearError) {
    const coop::Home deep(dir_.path() / std::string(120, 'd'));
    try {
        coop::rpc::Client::try_connect(deep);
        FAIL() << "no error for a socket path over the Unix limit";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("too long"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("COOP_HOME"), std::string::npos) << e.what();
    }
}

}  // namespace
