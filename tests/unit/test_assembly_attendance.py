"""The ALV's register of members present, its proxies and the members' own weighted votes, on the
aggregate alone (no store): every rule, a refusal that changes nothing, and a property that the
derived tally equals an independent recount for random attendance, proxies and votes."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assembly_tally import AssemblyChoice
from domain.errors import DomainError, InvalidChoiceError, InvalidInputError, MissingReasonError
from domain.general_assembly import (
    DEFAULT_PROXY_LIMIT,
    AssemblyStateError,
    GeneralAssembly,
    ItemKind,
    NotPresentError,
    ProxyError,
    ProxyLimitError,
    RepresentedError,
)
from domain.rules import WeightedResult

AMS = ZoneInfo("Europe/Amsterdam")
AT = datetime(2025, 10, 1, 9, 0, tzinfo=AMS)
HELD_ON = datetime(2025, 11, 28, 10, 0, tzinfo=AMS)
DURING = HELD_ON + timedelta(hours=1)
YEAR = 2024
# Amsterdam, Groningen, Almere, Smallingerland, Ameland, Vlieland: capped, large, small, smallest.
WEIGHTS = {"GM0363": 75, "GM0014": 75, "GM0034": 75, "GM0090": 57, "GM0060": 4, "GM0096": 2}
OFFICER = "officer:x"


def convened() -> GeneralAssembly:
    g = GeneralAssembly.convene(
        title="Najaars-ALV 2025", held_on=HELD_ON, actor=OFFICER, reason="jaarlijks", at=AT
    )
    for title in ("Resolutie", "Motie"):
        g.add_item(
            kind=ItemKind.RESOLUTION, title=title, subject_id="", actor=OFFICER, reason="r", at=AT
        )
    return g


def attend(g: GeneralAssembly, *codes: str, **kw: Any) -> list[str]:
    kw.setdefault("weights", WEIGHTS)
    kw.setdefault("population_year", YEAR)
    kw.setdefault("actor", OFFICER)
    kw.setdefault("reason", "presentielijst")
    kw.setdefault("at", DURING)
    return g.attend(members=list(codes), **kw)


def proxy(g: GeneralAssembly, giver: str, holder: str, **kw: Any) -> None:
    kw.setdefault("weight", WEIGHTS.get(giver, 1))
    kw.setdefault("population_year", YEAR)
    kw.setdefault("actor", OFFICER)
    kw.setdefault("reason", "volmacht")
    kw.setdefault("at", DURING)
    g.give_proxy(giver=giver, holder=holder, **kw)


def vote(g: GeneralAssembly, number: int, member: str, choice: str, **kw: Any) -> bool:
    kw.setdefault("actor", OFFICER)
    kw.setdefault("reason", "stemming")
    kw.setdefault("at", DURING)
    return g.cast_vote(number, member=member, choice=AssemblyChoice.parse(choice), **kw)


def limit(g: GeneralAssembly, n: int, reason: str = "besluit voorzitter") -> bool:
    return g.set_proxy_limit(n, actor=OFFICER, reason=reason, at=DURING)


def count(g: GeneralAssembly, number: int, reason: str = "stemming gesloten") -> Any:
    return g.count_item(number, actor=OFFICER, reason=reason, at=DURING)


def state(g: GeneralAssembly) -> Any:
    """Everything a refused command must leave as it was."""
    return copy.deepcopy(
        (
            g.version,
            g.attendance,
            g.proxies,
            g.votes,
            g.items,
            g.proxy_limit,
            g.proxy_limit_recorded,
            g.population_year,
            g.closed,
        )
    )


def refused(g: GeneralAssembly, error: type[Exception], match: str, action: Any) -> None:
    before = state(g)
    with pytest.raises(error, match=match):
        action()
    assert state(g) == before


def names(g: GeneralAssembly) -> list[str]:
    return [type(e).__name__ for e in g.collect_events()]


# --- attendance ----------------------------------------------------------------------------


def test_attendance_records_members_with_their_weights_once() -> None:
    g = convened()
    g.collect_events()
    assert g.attendance == {} and g.population_year is None
    assert attend(g, "gm0363", "GM0090") == ["GM0363", "GM0090"]
    assert attend(g, "GM0363", "GM0060") == ["GM0060"]  # Amsterdam is there already
    assert attend(g, "GM0363") == []
    [first, second] = g.collect_events()
    assert isinstance(first, GeneralAssembly.Attended)
    assert (first.members, first.weights, first.population_year, first.weight_rule) == (
        ["GM0363", "GM0090"],
        {"GM0363": 75, "GM0090": 57},
        YEAR,
        "ceil",
    )
    assert isinstance(second, GeneralAssembly.Attended) and second.members == ["GM0060"]
    shown = g.summary()
    assert [a["member"] for a in shown["attendance"]] == ["GM0060", "GM0090", "GM0363"]
    assert shown["present"] == {
        "members": 3,
        "weight": 136,
        "represented_members": 0,
        "represented_weight": 0,
    }
    assert (shown["population_year"], shown["proxy_limit"]) == (YEAR, DEFAULT_PROXY_LIMIT)


@pytest.mark.parametrize(
    ("codes", "kw", "error", "match"),
    [
        ((), {}, InvalidInputError, "at least one"),
        (("GM0363", "gm0363"), {}, InvalidInputError, "more than once"),
        (("Amsterdam",), {}, InvalidInputError, "malformed"),
        (("GM0363",), {"weights": {}}, InvalidInputError, "no weight"),
        (("GM0363",), {"weights": {"GM0363": 76}}, InvalidInputError, r"1\.\.75"),
        (("GM0363",), {"weights": {"GM0363": 0}}, InvalidInputError, r"1\.\.75"),
        (("GM0363",), {"population_year": 2023}, InvalidInputError, "population of 2024"),
        (("GM0363",), {"weight_rule": "floor"}, InvalidInputError, "ceil from the population"),
        (("GM0363",), {"reason": " "}, MissingReasonError, "reason"),
    ],
)
def test_bad_attendance_is_refused_and_changes_nothing(
    codes: tuple[str, ...], kw: dict[str, Any], error: type[Exception], match: str
) -> None:
    g = convened()
    attend(g, "GM0014")  # fixes the population year and rule
    refused(g, error, match, lambda: attend(g, *codes, **kw))


def test_a_member_leaves_and_comes_back() -> None:
    g = convened()
    attend(g, "GM0363", "GM0090")
    assert vote(g, 1, "GM0363", "yes")
    g.leave("gm0363", actor=OFFICER, reason="vertrokken", at=DURING)
    assert not g.is_present("GM0363")
    refused(g, NotPresentError, "not present", lambda: vote(g, 2, "GM0363", "yes"))
    refused(
        g,
        NotPresentError,
        "not present",
        lambda: g.leave("GM0363", actor=OFFICER, reason="nogmaals", at=DURING),
    )
    assert g.tally(1).yes_weight == 75  # the vote cast while present stands
    assert attend(g, "GM0363") == ["GM0363"]
    assert vote(g, 2, "GM0363", "no")
    assert [a["present"] for a in g.summary()["attendance"]] == [True, True]


def test_nothing_is_recorded_on_a_closed_assembly() -> None:
    g = convened()
    attend(g, "GM0363")
    g.close(actor=OFFICER, reason="einde", at=DURING)
    refused(g, AssemblyStateError, "closed", lambda: attend(g, "GM0090"))
    refused(g, AssemblyStateError, "closed", lambda: proxy(g, "GM0090", "GM0363"))
    refused(g, AssemblyStateError, "closed", lambda: vote(g, 1, "GM0363", "yes"))
    refused(g, AssemblyStateError, "closed", lambda: limit(g, 2))
    refused(
        g,
        AssemblyStateError,
        "closed",
        lambda: g.leave("GM0363", actor=OFFICER, reason="r", at=DURING),
    )


def test_once_held_the_register_of_those_present_is_final_but_votes_may_be_entered() -> None:
    g = convened()
    attend(g, "GM0363", "GM0090")
    g.hold(actor=OFFICER, reason="gehouden", at=DURING)
    refused(g, AssemblyStateError, "held already", lambda: attend(g, "GM0014"))
    refused(g, AssemblyStateError, "held already", lambda: proxy(g, "GM0060", "GM0363"))
    refused(g, AssemblyStateError, "held already", lambda: limit(g, 3))
    refused(
        g,
        AssemblyStateError,
        "held already",
        lambda: g.leave("GM0363", actor=OFFICER, reason="r", at=DURING),
    )
    # from the minutes, until the ALV closes
    assert vote(g, 1, "GM0363", "yes")
    assert count(g, 1).yes_weight == 75


# --- proxies -------------------------------------------------------------------------------


def test_a_proxy_adds_the_givers_weight_to_the_holders_vote() -> None:
    g = convened()
    proxy(g, "GM0096", "GM0090")  # given before the holder arrives
    attend(g, "GM0090", "GM0363")
    assert vote(g, 1, "GM0090", "no")
    assert vote(g, 1, "GM0363", "yes")
    tally = g.tally(1)
    assert (tally.yes_weight, tally.no_weight, tally.voters, tally.represented) == (75, 59, 2, 1)
    shown = g.summary()
    assert shown["proxies"] == [{"from": "GM0096", "to": "GM0090", "weight": 2}]
    assert shown["present"]["represented_weight"] == 2
    [smallingerland] = [a for a in shown["attendance"] if a["member"] == "GM0090"]
    assert smallingerland["holds_proxies_for"] == ["GM0096"]
    assert shown["items"][0]["votes"][0] == {
        "member": "GM0090",
        "choice": "no",
        "weight": 59,
        "represents": ["GM0096"],
    }


def test_proxy_rules() -> None:
    g = convened()
    attend(g, "GM0363", "GM0014", "GM0090", "GM0060")
    refused(g, ProxyError, "cannot authorise itself", lambda: proxy(g, "GM0363", "GM0363"))
    proxy(g, "GM0060", "GM0090")
    refused(g, ProxyError, "authorised GM0090 .* already", lambda: proxy(g, "GM0060", "GM0014"))
    refused(g, ProxyError, "cannot hold one", lambda: proxy(g, "GM0014", "GM0060"))
    refused(g, ProxyError, "cannot be represented itself", lambda: proxy(g, "GM0090", "GM0014"))
    # the limit (1 by default): the second proxy for one holder is refused
    refused(g, ProxyLimitError, r"holds 1 proxies .* \(1\)", lambda: proxy(g, "GM0096", "GM0090"))
    assert limit(g, 2)
    proxy(g, "GM0096", "GM0090")
    refused(g, ProxyLimitError, r"\(2\)", lambda: proxy(g, "GM0034", "GM0090"))
    refused(g, ProxyLimitError, "cannot go below", lambda: limit(g, 1))
    assert not limit(g, 2)  # recorded so already
    assert g.proxies_held_by("GM0090") == ["GM0060", "GM0096"]


def test_a_represented_member_does_not_vote_itself() -> None:
    g = convened()
    attend(g, "GM0363", "GM0060")
    proxy(g, "GM0060", "GM0363")
    refused(g, RepresentedError, "represented by GM0363", lambda: vote(g, 1, "GM0060", "no"))


def test_a_member_that_voted_on_an_open_item_cannot_then_be_represented() -> None:
    g = convened()
    attend(g, "GM0363", "GM0060")
    vote(g, 1, "GM0060", "no")
    refused(g, ProxyError, "count its votes twice", lambda: proxy(g, "GM0060", "GM0363"))
    vote(g, 1, "GM0363", "yes")
    count(g, 1)
    proxy(g, "GM0060", "GM0363")  # once the item is counted, the proxy serves the next ones
    assert vote(g, 2, "GM0363", "yes")
    assert g.tally(2).yes_weight == 79


@pytest.mark.parametrize("bad", [-1, 401, True])
def test_a_proxy_limit_out_of_bounds_is_refused(bad: int) -> None:
    g = convened()
    refused(g, InvalidInputError, "proxy limit", lambda: limit(g, bad))


def test_a_proxy_limit_of_zero_allows_no_proxies() -> None:
    g = convened()
    assert limit(g, 0)
    refused(g, ProxyLimitError, r"\(0\)", lambda: proxy(g, "GM0060", "GM0363"))
    assert names(g)[-1] == "ProxyLimitSet"


# --- the members' votes --------------------------------------------------------------------


def test_votes_are_taken_only_from_present_members_once_the_assembly_meets() -> None:
    g = convened()
    attend(g, "GM0363", at=AT)  # registration before the meeting is fine
    refused(g, NotPresentError, "not present", lambda: vote(g, 1, "GM0014", "yes"))
    refused(
        g,
        AssemblyStateError,
        "cannot vote before",
        lambda: vote(g, 1, "GM0363", "yes", at=HELD_ON - timedelta(seconds=1)),
    )
    refused(g, InvalidInputError, "no agenda item 9", lambda: vote(g, 9, "GM0363", "yes"))
    refused(g, MissingReasonError, "reason", lambda: vote(g, 1, "GM0363", "yes", reason=""))
    with pytest.raises(InvalidChoiceError, match="yes, no or abstain"):
        AssemblyChoice.parse("blanco")
    assert vote(g, 1, "GM0363", "YES", at=HELD_ON)


def test_a_new_vote_replaces_the_earlier_one_and_the_same_vote_records_nothing() -> None:
    g = convened()
    attend(g, "GM0363", "GM0090")
    g.collect_events()
    assert vote(g, 1, "GM0363", "yes")
    assert not vote(g, 1, "GM0363", "yes")
    assert vote(g, 1, "GM0363", "no")
    assert names(g) == ["MemberVoted", "MemberVoted"]
    assert (g.tally(1).yes_weight, g.tally(1).no_weight) == (0, 75)


def test_counting_derives_the_outcome_and_leaves_abstentions_out_of_the_percentage() -> None:
    g = convened()
    attend(g, "GM0363", "GM0014", "GM0090", "GM0060")
    vote(g, 1, "GM0363", "yes")
    vote(g, 1, "GM0014", "abstain")
    vote(g, 1, "GM0090", "no")
    vote(g, 1, "GM0060", "yes")
    g.collect_events()
    tally = count(g, 1)
    assert (tally.yes_weight, tally.no_weight, tally.abstain_weight) == (79, 57, 75)
    assert tally.yes_pct == Decimal("58.09")
    [decided] = g.collect_events()
    assert isinstance(decided, GeneralAssembly.ItemDecided)
    assert (decided.adopted, decided.yes_pct, decided.yes_weight, decided.no_weight) == (
        True,
        Decimal("58.09"),
        79,
        57,
    )
    shown = g.summary()["items"][0]
    assert (shown["adopted"], shown["yes_pct"]) == (True, "58.09")
    assert shown["tally"] == {
        "yes_weight": 79,
        "no_weight": 57,
        "abstain_weight": 75,
        "yes_pct": "58.09",
        "voters": 4,
        "represented": 0,
    }
    refused(g, AssemblyStateError, "voted on already", lambda: vote(g, 1, "GM0363", "no"))
    refused(g, AssemblyStateError, "voted on already", lambda: count(g, 1))


def test_a_tie_is_rejected() -> None:
    g = convened()
    attend(g, "GM0363", "GM0014")
    vote(g, 1, "GM0363", "yes")
    vote(g, 1, "GM0014", "no")
    count(g, 1)
    assert g.items["1"]["adopted"] is False and g.items["1"]["yes_pct"] == Decimal("50.00")


def test_counting_needs_a_yes_or_no_vote() -> None:
    g = convened()
    attend(g, "GM0363")
    refused(g, AssemblyStateError, "no members' votes", lambda: count(g, 1))
    vote(g, 1, "GM0363", "abstain")
    refused(g, AssemblyStateError, "only abstentions", lambda: count(g, 1))
    vote(g, 1, "GM0363", "yes")
    refused(g, MissingReasonError, "reason", lambda: count(g, 1, ""))


def test_totals_stay_possible_but_not_for_an_item_with_members_votes() -> None:
    g = convened()
    attend(g, "GM0363")
    vote(g, 1, "GM0363", "yes")
    refused(
        g,
        AssemblyStateError,
        "members' votes recorded",
        lambda: g.decide_item(
            1, WeightedResult.published("93.4"), actor=OFFICER, reason="r", at=DURING
        ),
    )
    assert g.decide_item(2, WeightedResult.published("93.4"), actor=OFFICER, reason="r", at=DURING)
    assert g.summary()["items"][1]["tally"] is None


def test_replay_gives_the_same_assembly() -> None:
    g = convened()
    limit(g, 2)
    proxy(g, "GM0060", "GM0090")
    attend(g, "GM0363", "GM0090", "GM0014")
    vote(g, 1, "GM0363", "yes")
    vote(g, 1, "GM0090", "no")
    g.leave("GM0014", actor=OFFICER, reason="weg", at=DURING)
    count(g, 1)
    replayed = None
    for e in g.collect_events():
        replayed = e.mutate(replayed)
    assert isinstance(replayed, GeneralAssembly)
    assert replayed.summary() == g.summary()


# --- the property ------------------------------------------------------------------------------

CODES = sorted(WEIGHTS)
ACTIONS = st.one_of(
    st.tuples(st.just("attend"), st.lists(st.sampled_from(CODES), min_size=1, unique=True)),
    st.tuples(st.just("leave"), st.sampled_from(CODES)),
    st.tuples(st.just("proxy"), st.sampled_from(CODES), st.sampled_from(CODES)),
    st.tuples(st.just("limit"), st.integers(0, 3)),
    st.tuples(
        st.just("vote"),
        st.sampled_from([1, 2]),
        st.sampled_from(CODES),
        st.sampled_from(["yes", "no", "abstain"]),
    ),
    st.tuples(st.just("count"), st.sampled_from([1, 2])),
)


class Model:
    """The rules again, written out plainly, with an independent recount."""

    def __init__(self) -> None:
        self.present: set[str] = set()
        self.holder_of: dict[str, str] = {}
        self.limit = DEFAULT_PROXY_LIMIT
        self.limit_recorded = False
        self.votes: dict[int, dict[str, tuple[str, int]]] = {1: {}, 2: {}}
        self.decided: dict[int, bool] = {}

    def held(self, holder: str) -> list[str]:
        return [g for g, h in self.holder_of.items() if h == holder]

    def accepts(self, action: tuple[Any, ...]) -> bool:
        kind = action[0]
        if kind == "attend":
            return True
        if kind == "leave":
            return action[1] in self.present
        if kind == "limit":
            busiest = max((len(self.held(h)) for h in set(self.holder_of.values())), default=0)
            return bool(action[1] >= busiest)
        if kind == "proxy":
            giver, holder = action[1], action[2]
            voted_open = any(giver in self.votes[i] for i in (1, 2) if i not in self.decided)
            return not (
                giver == holder
                or giver in self.holder_of
                or holder in self.holder_of
                or self.held(giver)
                or len(self.held(holder)) >= self.limit
                or voted_open
            )
        if kind == "vote":
            number, member = action[1], action[2]
            return (
                number not in self.decided
                and member not in self.holder_of
                and member in self.present
            )
        number = action[1]
        weights = self.recount(number)
        return number not in self.decided and weights["yes"] + weights["no"] > 0

    def apply(self, action: tuple[Any, ...]) -> None:
        kind = action[0]
        if kind == "attend":
            self.present |= set(action[1])
        elif kind == "leave":
            self.present.discard(action[1])
        elif kind == "limit":
            self.limit, self.limit_recorded = action[1], True
        elif kind == "proxy":
            self.holder_of[action[1]] = action[2]
        elif kind == "vote":
            number, member, choice = action[1:]
            weight = WEIGHTS[member] + sum(WEIGHTS[g] for g in self.held(member))
            self.votes[number][member] = (choice, weight)
        else:
            weights = self.recount(action[1])
            self.decided[action[1]] = weights["yes"] > weights["no"]

    def recount(self, number: int) -> dict[str, int]:
        weights = {"yes": 0, "no": 0, "abstain": 0}
        for choice, weight in self.votes[number].values():
            weights[choice] += weight
        return weights


def run(g: GeneralAssembly, action: tuple[Any, ...]) -> None:
    kind = action[0]
    if kind == "attend":
        attend(g, *action[1])
    elif kind == "leave":
        g.leave(action[1], actor=OFFICER, reason="weg", at=DURING)
    elif kind == "limit":
        limit(g, action[1])
    elif kind == "proxy":
        proxy(g, action[1], action[2])
    elif kind == "vote":
        vote(g, *action[1:])
    else:
        count(g, action[1])


@given(st.lists(ACTIONS, max_size=40))
@settings(max_examples=300, deadline=None)
def test_the_tally_equals_an_independent_recount_and_refusals_change_nothing(
    actions: list[tuple[Any, ...]],
) -> None:
    g = convened()
    model = Model()
    for action in actions:
        before = state(g)
        if model.accepts(action):
            run(g, action)
            model.apply(action)
        else:
            with pytest.raises(DomainError):
                run(g, action)
            assert state(g) == before, action
        # the limit per holder always holds
        holders = {p["holder"] for p in g.proxies.values()}
        assert all(len(g.proxies_held_by(h)) <= g.proxy_limit for h in holders)
    for number in (1, 2):
        tally = g.tally(number)
        recount = model.recount(number)
        assert (tally.yes_weight, tally.no_weight, tally.abstain_weight) == (
            recount["yes"],
            recount["no"],
            recount["abstain"],
        )
        counted = recount["yes"] + recount["no"]
        expected_pct = (
            None
            if counted == 0
            else (Decimal(100) * recount["yes"] / counted).quantize(Decimal("0.01"))
        )
        assert tally.yes_pct == expected_pct
        assert g.items[str(number)]["adopted"] == model.decided.get(number)
    replayed = None
    for e in g.collect_events():
        replayed = e.mutate(replayed)
    assert isinstance(replayed, GeneralAssembly)
    assert replayed.summary() == g.summary()


def test_an_alv_recorded_before_attendance_was_kept_replays_with_the_defaults() -> None:
    # Only the events an older akkoord wrote: the new state starts empty, the limit at its default.
    g = convened()
    g.decide_item(1, WeightedResult.published("93.4"), actor=OFFICER, reason="r", at=DURING)
    g.close(actor=OFFICER, reason="einde", at=DURING)
    replayed = None
    for e in g.collect_events():
        replayed = e.mutate(replayed)
    assert isinstance(replayed, GeneralAssembly)
    shown = replayed.summary()
    assert (shown["proxy_limit"], shown["population_year"], shown["weight_rule"]) == (
        1,
        None,
        "ceil",
    )
    assert (shown["attendance"], shown["proxies"]) == ([], [])
    assert [i["tally"] for i in shown["items"]] == [None, None]
    assert shown["items"][0]["yes_pct"] == "93.4"
