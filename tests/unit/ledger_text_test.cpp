// The ledger for people and spreadsheets (core/cli/ledger_text.hpp), from
// canned agent answers shaped as core/rpc/protocol.hpp says, and from
// hostile ones.
#include "core/cli/ledger_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/cli_text.hpp"

namespace {

using nlohmann::json;
using namespace coop::cli;
using namespace coop::testing;

const std::string carol = "c0c0c0c0" + std::string(56, 'c');
const std::string group_id = "9e8d7c6b5a493827" + std::string(48, 'd');
const std::string record_id = "e17e17e17e17e17e" + std::string(48, 'e');
const std::string zeros(64, '0');

constexpr std::int64_t day = 24 * 3600 * 1000;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json record(std::int64_t seq, const std::string& kind, const std::string& counterparty, bool countersigned) {
    return {{"seq", seq},        {"id", record_id},          {"kind", kind},      {"counterparty", counterparty},
            {"link_seq", kind == "agreement" ? 4 : 0},       {"link", zeros},     {"time_ms", now - 60000},
            {"gave", 3 << 20},   {"got", 512},               {"countersigned", countersigned}};
}

json effort_answer() {
    json effort = {{alice,
                    {{"declared_capacity", 10000}, {"observed_capacity", 8000}, {"available_seconds", 500},
                     {"capacity", 10000}, {"given", 4000000}, {"received", 1100000}, {"credited", 3000000},
                     {"bandwidth", 0.3}, {"availability", 0.5}, {"duties", 0}, {"score", 0.38},
                     {"share", 0.251656}, {"offender", false}}},
                   {bob,
                    {{"capacity", 2000}, {"given", 2000000}, {"received", 3000000}, {"availability", 1.0},
                     {"score", 0.85}, {"share", 0.562914}, {"offender", false}}},
                   {carol,
                    {{"capacity", 1000}, {"given", 600000}, {"received", 2500000}, {"availability", 0.25},
                     {"score", 0}, {"share", 0}, {"offender", true}}}};
    json group = {{"group", group_id},
                  {"name", "Jazz"},
                  {"members", {{alice, {{"since", record_id}, {"joined_ms", now - 40 * day}}},
                               {bob, {{"since", record_id}, {"joined_ms", now - 40 * day}, {"name", "Bob"}}},
                               {carol, json::object()}}},
                  {"ledger",
                   {{"settings",
                     {{"window_days", 30},
                      {"floor_capacity", 32768},
                      {"weights", {{"bandwidth", 0.6}, {"availability", 0.4}, {"duties", 0}}},
                      {"cap_share", 0.25}}},
                    {"capacities", {{alice, 10000}}},
                    {"offenders", {{carol, {record_id}}}},
                    {"transfers", 12},
                    {"window", {{"start_ms", now - 30 * day}, {"end_ms", now + 1}}},
                    {"effort", effort}}}};
    return {{"groups", {group}}};
}

class LedgerText : public coop::testing::CliText {};

TEST_F(LedgerText, ShowSummarisesTheChainPeersAndRecords) {
    const json show = {
        {"key", alice},
        {"seq", 5},
        {"tip", record_id},
        {"records", {record(5, "proposal", bob, false), record(4, "agreement", carol, true)}},
        {"peers",
         {{{"peer", bob}, {"gave", 3 << 20}, {"got", 1024}, {"agreed_gave", 2 << 20}, {"agreed_got", 0},
           {"transfers", 3}, {"last_ms", now - 60000}, {"pending", true}}}},
        {"totals", {{"gave", 2 << 20}, {"got", 0}}},
        {"counters",
         {{"proposed", 4}, {"agreed", 3}, {"countersigned", 1}, {"refused_by_us", 2}, {"refused_by_them", 1},
          {"unanswered", 0}, {"bad_messages", 0}, {"refusals", {{"inflated", 2}}}}}};
    const std::string text = ledger_show_text(show, as_alice);
    EXPECT_TRUE(has(text, "key       " + alice + "\n")) << text;
    EXPECT_TRUE(has(text, "chain     5 records, tip e17e17e17e17e17e\n")) << text;
    EXPECT_TRUE(has(text, "agreed    gave 2.0 MiB, got 0 B with 1 peer, as both signed\n")) << text;
    EXPECT_TRUE(has(text, "proposed  4: 3 countersigned, 1 refused, 0 unanswered\n")) << text;
    EXPECT_TRUE(has(text, "answered  1 countersigned, 2 refused (inflated 2), 0 bad messages\n")) << text;
    EXPECT_TRUE(has(text, "(the newest 2 of 5 records; --limit 0 shows all)")) << text;

    const std::string peers = printed(ledger_peers_table(show["peers"], as_alice));
    EXPECT_EQ(peers,
              "PEER         GAVE      GOT  AGREED GAVE  AGREED GOT  PAIRS  LAST   PENDING\n"
              "b0b0b0b0  3.0 MiB  1.0 KiB      2.0 MiB         0 B      3  14:02  proposed\n");
    const std::string records = printed(ledger_records_table(show["records"], as_alice));
    EXPECT_EQ(records,
              "SEQ  KIND            PEER         GAVE    GOT  TIME   COUNTERSIGNED  ID\n"
              "  5  proposal        b0b0b0b0  3.0 MiB  512 B  14:02  no             e17e17e17e17e17e\n"
              "  4  agreement of 4  c0c0c0c0  3.0 MiB  512 B  14:02  yes            e17e17e17e17e17e\n");
}

TEST_F(LedgerText, ShowOfAnEmptyLedgerSaysHowRecordsAreMade) {
    const json show = {{"key", alice}, {"seq", 0}, {"tip", zeros}, {"records", json::array()},
                       {"peers", json::array()}, {"totals", {{"gave", 0}, {"got", 0}}}, {"counters", json::object()}};
    const std::string text = ledger_show_text(show, as_alice);
    EXPECT_TRUE(has(text, "chain     empty\n")) << text;
    EXPECT_TRUE(has(text, "no records yet")) << text;
    EXPECT_FALSE(has(text, "PEER")) << text;
}

TEST_F(LedgerText, EffortHasOneTableAGroupWithTheWindowInItsHeading) {
    const std::string text = effort_text(effort_answer(), as_alice);
    EXPECT_TRUE(has(text, "Jazz (9e8d7c6b5a493827): effort from 2026-02-02 to 2026-03-04, 12 transfers counted\n")) << text;
    EXPECT_TRUE(has(text, "weights: bandwidth 0.6, availability 0.4, duties 0; at most 25% from one counterparty; "
                          "floor 32.0 KiB/s; window 30 days\n"))
        << text;
    EXPECT_EQ(printed(effort_table(effort_answer()["groups"][0], as_alice)),
              "MEMBER            GIVEN  RECEIVED   CAPACITY  AVAILABLE   SCORE  SHARE  OFFENDER\n"
              "3f2a9c0e (you)  3.8 MiB   1.0 MiB  9.8 KiB/s      50.0%  0.3800  25.2%\n"
              "b0b0b0b0 Bob    1.9 MiB   2.9 MiB  2.0 KiB/s     100.0%  0.8500  56.3%\n"
              "c0c0c0c0        586 KiB   2.4 MiB   1000 B/s      25.0%  0.0000   0.0%  yes\n");
}

TEST_F(LedgerText, EffortOfAnEmptyWindowOrNoGroup) {
    json answer = effort_answer();
    answer["groups"][0]["ledger"]["window"] = {{"start_ms", 0}, {"end_ms", 0}};
    EXPECT_TRUE(has(effort_text(answer, as_alice), "Jazz (9e8d7c6b5a493827): no transfer counted yet"));
    EXPECT_TRUE(has(effort_text({{"groups", json::array()}}, as_alice), "you are in no group"));
}

TEST_F(LedgerText, VerifyListsChainsAndProofsOfFraud) {
    const json report = {
        {"ok", false},
        {"fraud", 1},
        {"own", {{"author", alice}, {"records", 12}, {"highest_seq", 12}, {"links", true},
                 {"missing", json::array()}, {"missing_count", 0}, {"problem", nullptr}}},
        {"foreign",
         {{{"author", bob}, {"records", 4}, {"highest_seq", 9}, {"links", true}, {"missing", {1, 2, 3, 6, 8}},
           {"missing_count", 5}, {"problem", nullptr}},
          {{"author", carol}, {"records", 2}, {"highest_seq", 2}, {"links", false}, {"missing", json::array()},
           {"missing_count", 0}, {"problem", "seq 2: the author signed another record with this seq"}}}},
        {"proofs",
         {{{"id", record_id}, {"kind", "fork"}, {"offender", carol}, {"valid", true}, {"stored", false},
           {"problem", nullptr}}}}};
    const std::string text = verify_text(report);
    EXPECT_TRUE(has(text, "CHAIN     RECORDS  HIGHEST SEQ  LINKS  MISSING    PROBLEM\n")) << text;
    EXPECT_TRUE(has(text, "ours           12           12  yes\n")) << text;
    EXPECT_TRUE(has(text, "b0b0b0b0        4            9  yes    1-3, 6, 8\n")) << text;
    EXPECT_TRUE(has(text, "c0c0c0c0        2            2  no" + std::string(16, ' ') +
                              "seq 2: the author signed another record with this seq\n"))
        << text;
    EXPECT_TRUE(has(text, "proofs of fraud:\n")) << text;
    EXPECT_TRUE(has(text, "e17e17e17e17e17e  fork  c0c0c0c0  yes       found now\n")) << text;
    EXPECT_EQ(verify_problems(report), "1 chain held does not link; 1 proof of fraud");
    EXPECT_TRUE(has(text, "\nproblems: 1 chain held does not link; 1 proof of fraud\n")) << text;

    json clean = report;
    clean["ok"] = true;
    clean["foreign"] = json::array();
    clean["proofs"] = json::array();
    EXPECT_EQ(verify_problems(clean), "");
    EXPECT_TRUE(has(verify_text(clean), "the ledger verifies")) << verify_text(clean);
    EXPECT_FALSE(has(verify_text(clean), "proofs of fraud"));

    json bogus = clean;
    bogus["ok"] = false;
    bogus["own"]["links"] = false;
    bogus["proofs"] = {{{"id", record_id}, {"kind", "fork"}, {"offender", bob}, {"valid", false}, {"stored", true},
                        {"problem", "a record's signature is not valid"}}};
    EXPECT_EQ(verify_problems(bogus), "our chain does not link; 1 stored proof does not verify");
}

TEST_F(LedgerText, SeqRangesFoldRuns) {
    EXPECT_EQ(seq_ranges(json::array()), "");
    EXPECT_EQ(seq_ranges({7}), "7");
    EXPECT_EQ(seq_ranges({1, 2, 3, 6, 8, 9}), "1-3, 6, 8-9");
    EXPECT_EQ(seq_ranges({"x", 4}), "4");
}

TEST_F(LedgerText, CsvQuotesAsRfc4180Says) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
}

TEST_F(LedgerText, CsvHasAHeaderAndOneRowPerRecord) {
    json big = record(2, "agreement", carol, true);
    big["gave"] = UINT64_MAX;
    const json exported = {{"key", alice}, {"records", {record(1, "proposal", bob, false), big}}, {"transfers", json::array()}};
    EXPECT_EQ(records_csv(exported),
              "seq,id,kind,counterparty,link_seq,link,time_ms,gave,got,countersigned\r\n"
              "1," + record_id + ",proposal," + bob + ",0," + zeros + ",1772632920000,3145728,512,false\r\n"
              "2," + record_id + ",agreement," + carol + ",4," + zeros + ",1772632920000,18446744073709551615,512,true\r\n");
    EXPECT_EQ(records_csv(json::object()), "seq,id,kind,counterparty,link_seq,link,time_ms,gave,got,countersigned\r\n");
    // A field the agent should never send, quoted all the same.
    json odd = record(3, "a,\"b\"", bob, false);
    EXPECT_TRUE(has(records_csv({{"records", {odd}}}), ",\"a,\"\"b\"\"\","));
}

TEST_F(LedgerText, CapacitySaysWhatWasDeclaredAndWhere) {
    EXPECT_EQ(capacity_text({{"up", 2 << 20}, {"groups", {"Jazz", "Linux help"}}}, true),
              "declared capacity: 2.0 MiB/s (2097152 bytes/s); posted to Jazz, Linux help\n");
    EXPECT_EQ(capacity_text({{"up", 2 << 20}, {"groups", json::array()}}, true),
              "declared capacity: 2.0 MiB/s (2097152 bytes/s); posted to no group: you are in none yet\n");
    EXPECT_EQ(capacity_text({{"up", 2 << 20}, {"groups", json::array()}}, false),
              "declared capacity: 2.0 MiB/s (2097152 bytes/s)\n");
    EXPECT_TRUE(has(capacity_text({{"up", 0}, {"groups", json::array()}}, false), "no capacity declared"));
}

TEST_F(LedgerText, HostileAnswersNeitherThrowNorReachTheTerminal) {
    json answer = effort_answer();
    answer["groups"][0]["name"] = "\x1b[2JJazz";
    answer["groups"][0]["members"][bob]["name"] = "\x1b]0;owned\x07";
    answer["groups"][0]["ledger"]["effort"][bob]["score"] = "high";
    const std::string text = effort_text(answer, as_alice);
    EXPECT_FALSE(has(text, "\x1b")) << text;
    EXPECT_TRUE(has(text, "^[[2JJazz")) << text;
    for (const json& junk : {json(nullptr), json(42), json::array(), json{{"groups", "x"}}, json{{"records", {1, "x"}}}}) {
        EXPECT_NO_THROW(ledger_show_text(junk, as_alice));
        EXPECT_NO_THROW(effort_text(junk, as_alice));
        EXPECT_NO_THROW(verify_text(junk));
        EXPECT_NO_THROW(records_csv(junk));
        EXPECT_NO_THROW(capacity_text(junk, true));
    }
    EXPECT_NE(verify_problems(json::object()), "") << "an answer that does not say ok is not ok";
}

}  // namespace
