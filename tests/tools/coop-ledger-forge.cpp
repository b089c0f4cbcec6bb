// coop-ledger-forge: a cheating agent's build, for the integration tests
// only. With the agent of COOP_HOME stopped, it forks that agent's ledger
// chain: a second record with the seq of its newest one, claiming a large
// transfer to a key made up for the run, countersigned by that key (the
// two colluding keys of the known attack). It posts the pair into group G
// as the agent's own ledger_record event, stored as the agent stores its
// events, so the restarted agent gossips it like any other. Every member
// that then holds both records must see the fork.
// Prints the forger's key. Exit 0 done, 1 failed, 2 bad usage.
#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>

#include "core/group/body.hpp"
#include "core/group/event_store.hpp"
#include "core/group/hex.hpp"
#include "core/group/log.hpp"
#include "core/home.hpp"
#include "core/ledger/ledger_store.hpp"
#include "core/store/store.hpp"

int main(int argc, char** argv) {
    CLI::App app{"coop-ledger-forge: fork the stopped agent's ledger chain and post the fork into a group"};
    std::string group_name;
    app.add_option("group", group_name, "name of a group the agent is a member of")->required();
    CLI11_PARSE(app, argc, argv);
    try {
        const auto home = coop::Home::resolve();
        coop::Store store(home.database());
        const coop::Identity forger = store.identity();
        coop::ledger::LedgerStore ledger(store.database());
        const auto own = ledger.own_records();
        if (own.empty()) throw std::runtime_error("the agent's chain is empty: nothing to fork");
        const auto& newest = own.back();

        // The same seq and previous as the newest record, other contents.
        const coop::ledger::ChainTip before{newest.seq - 1, newest.previous, newest.time_ms};
        const coop::Identity accomplice = coop::Identity::generate();
        const auto fake = coop::ledger::make_proposal(forger, before, accomplice.public_key(), 40ull << 30, 0,
                                                      newest.time_ms + 1);
        const auto countersigned = coop::ledger::make_agreement(accomplice, {}, fake, newest.time_ms + 2);
        std::string why;
        const auto transfer = coop::ledger::Transfer::pair(fake, countersigned, &why);
        if (!transfer) throw std::runtime_error("the forged pair does not pair: " + why);

        coop::group::EventStore events(store.database());
        std::optional<coop::group::GroupRecord> record;
        for (auto& r : events.groups())
            if (r.name == group_name) record = r;
        if (!record) throw std::runtime_error("no group '" + group_name + "' in this COOP_HOME");
        coop::group::GroupLog log(record->group);
        for (const auto& result : log.add_all(events.load(record->group)))
            if (!result.accepted()) throw std::runtime_error("the stored log does not load: " + result.reason);
        using namespace std::chrono;
        const auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
        auto made = log.append(forger, coop::group::Kind::ledger_record,
                               coop::group::to_body(coop::group::LedgerRecordBody{*transfer}), now);
        if (!made.result.accepted()) throw std::runtime_error("the event was refused: " + made.result.reason);
        events.save(record->group, made.event);
        std::cout << coop::group::hex(forger.public_key()) << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "coop-ledger-forge: " << e.what() << "\n";
        return 1;
    }
}
