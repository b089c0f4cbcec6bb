#pragma once
// The planning part of the fold (fold.hpp): plan_start, plan_offer,
// plan_request and the close of a planning's round, into
// GroupState::plans. The fold calls it only with members' events, in
// canonical order, and finish() after the ledger's, once effort is known.
//
// The rules, per planning:
// - A plan_start (body_plan.hpp) opens a planning with its terms; round 1
//   opens at the start's time, at one credit per unit of each resource.
// - A plan_offer or plan_request names a planning by its start id. It is
//   ignored if the planning is unknown or has ended, or if it names a
//   resource the planning does not cover. Otherwise, for each resource it
//   names, it replaces the member's standing offer (request) of it; an empty
//   schedule withdraws it. Silence keeps a member's standing offers and
//   requests from one round to the next.
// - A close {"of": planning, "round": k} closes round k if k is the open
//   round and it is signed by the planning's starter (at any time), or by
//   any member at or after the round's deadline (its opening time plus the
//   round's minutes, by the event's clock). Any other close of a planning
//   is ignored and counted.
// - At a close, the share bound first: a member may request of resource j
//   at most floor(C_j * w_i / W) units, where C_j is the capacity of j the
//   current members' standing offers declare, w_i the member's share weight
//   (plan::share_weight of its effort share in the ledger) and W the sum of
//   the current members' weights. Until the ledger counts a transfer it
//   gives every member an equal share (core/ledger/effort.hpp), so the
//   bound is then C_j / n for n current members; and if every weight is 0
//   it is floor(C_j / n). A standing request whose largest
//   quantity is over it is dropped and counted as ignored ("plan request
//   over the member's share"). The agent refuses such a request before
//   signing it with the same function (share_bound).
// - Then the procedure (plan::make_plan) over the current members in key
//   order (one who said nothing takes part with nothing) with their share
//   weights, from the round's opening prices, for at most inner_iterations
//   steps of the board. If it converged, its plan is adopted and the
//   planning ends. If not, and rounds remain, the next round opens at the
//   close's time at the board's next prices. If not at the last round, the
//   fallback: the procedure's rationed plan is adopted (prices frozen at
//   the last step's; each over-demanded resource shared out pro rata to the
//   budget-clipped requests, each surplus offer trimmed pro rata).
// - It is all computed after the last event: a planning is what its events
//   give with the ledger's shares and the membership as the log stands.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "core/group/body.hpp"
#include "core/group/body_plan.hpp"
#include "core/group/event.hpp"
#include "core/group/plan_state.hpp"
#include "core/group/state.hpp"

namespace coop::group {

inline constexpr int plan_inner_iterations = 200;

// A member's bound on its requests of one resource, and what it comes from.
struct ShareBound {
    coop::plan::Quantity most = 0;      // floor(declared * weight / total)
    coop::plan::Quantity declared = 0;  // C_j
    std::uint64_t weight = 0;           // w_i, or 1 with equal shares
    std::uint64_t total = 0;            // W, or n with equal shares
    bool equal = false;                 // no transfer counted yet: equal shares
};
ShareBound share_bound(const GroupState& state, const Planning& planning, const std::string& member,
                       const std::string& resource);
// The largest quantity a request asks for (at price 0: a request never rises).
coop::plan::Quantity largest(const coop::plan::Schedule& request);

// The economy of a planning's open round as the rules above say, and the
// procedure's rules for it.
coop::plan::Economy round_economy(const GroupState& state, const Planning& planning);
coop::plan::Rules round_rules(const Planning& planning);

class PlanFold {
public:
    // Each returns "" when the event counted, else why the fold ignores it.
    std::string start(const Id& id, const Event& e);
    std::string offer(const Event& e);
    std::string request(const Event& e);
    std::string close(const Event& e, const CloseBody& body);
    // A planning of this start id has been seen.
    bool holds(const Id& planning) const { return plannings_.count(planning) != 0; }

    // After the last event and the ledger's finish: the plannings' rounds.
    void finish(GroupState& state) const;

private:
    struct Close {
        std::uint32_t round = 0;
    };
    struct Item {
        std::string author;  // hex
        std::int64_t time_ms = 0;
        std::variant<PlanOfferBody, PlanRequestBody, Close> what;
    };
    std::map<Id, Planning> plannings_;
    std::map<Id, std::vector<Item>> items_;  // per planning, in canonical order
};

}  // namespace coop::group
