"""The ALV: its agenda and the weighted votes on each item, on the aggregate alone (no store)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidDeadlineError, InvalidInputError, MissingReasonError
from domain.general_assembly import AssemblyStateError, GeneralAssembly, ItemKind
from domain.rules import WeightedResult

AMS = ZoneInfo("Europe/Amsterdam")
AT = datetime(2025, 10, 1, 9, 0, tzinfo=AMS)
HELD_ON = datetime(2025, 12, 11, 13, 0, tzinfo=AMS)
DURING = HELD_ON + timedelta(hours=2)


def convened(**overrides: Any) -> GeneralAssembly:
    args: dict[str, Any] = {
        "title": "ALV december 2025",
        "held_on": HELD_ON,
        "actor": "officer:x",
        "reason": "jaarlijkse ALV",
        "at": AT,
    }
    args.update(overrides)
    return GeneralAssembly.convene(**args)


def item(g: GeneralAssembly, subject_id: str = "res-1", **kw: Any) -> int:
    kw.setdefault("kind", ItemKind.RESOLUTION)
    kw.setdefault("title", "Voorwaardelijke instemming AZWA")
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "geagendeerd")
    kw.setdefault("at", AT)
    return g.add_item(subject_id=subject_id, **kw)


def vote(g: GeneralAssembly, number: int, result: WeightedResult, **kw: Any) -> bool:
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "stemming")
    kw.setdefault("at", DURING)
    return g.decide_item(number, result, **kw)


def close(g: GeneralAssembly, reason: str = "afgesloten") -> bool:
    return g.close(actor="officer:x", reason=reason, at=DURING + timedelta(hours=3))


def names(g: GeneralAssembly) -> list[str]:
    return [type(e).__name__ for e in g.collect_events()]


# --- convening -----------------------------------------------------------------------------


def test_convening_records_an_empty_agenda() -> None:
    g = convened()
    assert g.items == {}
    assert (g.held, g.closed) == (False, False)
    assert g.summary()["held_on"] == "2025-12-11T13:00:00+01:00"
    assert names(g) == ["Convened"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"held_on": HELD_ON.replace(tzinfo=None)}, InvalidDeadlineError),
        ({"title": " "}, InvalidInputError),
        ({"title": "x" * 301}, InvalidInputError),
        ({"reason": ""}, MissingReasonError),
    ],
)
def test_convening_refuses_bad_input(overrides: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        convened(**overrides)


# --- the agenda ----------------------------------------------------------------------------


def test_agenda_items_are_numbered_from_one() -> None:
    g = convened()
    g.collect_events()
    assert item(g, "res-1") == 1
    assert item(g, "rat-1", kind=ItemKind.RATIFICATION, title="Bekrachtiging HLO") == 2
    assert item(g, "", kind=ItemKind.OTHER, title="Rondvraag") == 3
    events = g.collect_events()
    assert all(isinstance(e, GeneralAssembly.ItemAdded) for e in events)
    assert [(e.number, e.kind, e.subject_id) for e in events] == [
        (1, "resolution", "res-1"),
        (2, "ratification", "rat-1"),
        (3, "other", ""),
    ]
    assert [i["number"] for i in g.summary()["items"]] == [1, 2, 3]
    assert g.item_for("rat-1") == 2
    assert g.item_for("nothing") is None


def test_the_same_subject_is_not_added_twice() -> None:
    g = convened()
    assert item(g, "res-1") == 1
    assert item(g, "res-2") == 2
    g.collect_events()
    assert item(g, "res-1", title="Anders genoemd", kind=ItemKind.MOTION) == 1
    assert item(g, "res-1", reason="") == 1  # nothing to record, nothing to justify
    assert g.collect_events() == []
    assert g.items["1"]["title"] == "Voorwaardelijke instemming AZWA"
    assert len(g.items) == 2


def test_items_without_a_subject_are_always_new() -> None:
    g = convened()
    assert item(g, "", kind=ItemKind.OTHER, title="Rondvraag") == 1
    assert item(g, "", kind=ItemKind.OTHER, title="Rondvraag") == 2
    assert len(g.items) == 2


@pytest.mark.parametrize(
    ("kw", "error"),
    [({"title": ""}, InvalidInputError), ({"reason": " "}, MissingReasonError)],
)
def test_an_item_needs_a_title_and_a_reason(kw: dict[str, Any], error: type[Exception]) -> None:
    g = convened()
    with pytest.raises(error):
        item(g, **kw)
    assert g.items == {}
    assert item(g) == 1  # the refused one took no number


# --- voting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "adopted"),
    [
        (WeightedResult.published("93.4%"), True),
        (WeightedResult.published("50"), False),
        (WeightedResult.from_weights(47, 46), True),
        (WeightedResult.from_weights(46, 46), False),
    ],
)
def test_a_vote_decides_an_item(result: WeightedResult, adopted: bool) -> None:
    g = convened()
    number = item(g)
    g.collect_events()
    assert vote(g, number, result)
    assert g.items["1"]["adopted"] is adopted
    assert g.items["1"]["yes_pct"] == result.yes_pct
    [e] = g.collect_events()
    assert isinstance(e, GeneralAssembly.ItemDecided)
    assert (e.number, e.adopted, e.yes_pct, e.yes_weight, e.no_weight) == (
        1,
        adopted,
        result.yes_pct,
        result.yes_weight,
        result.no_weight,
    )
    assert g.summary()["items"][0]["yes_pct"] == str(result.yes_pct)


def test_voting_before_the_assembly_meets_is_refused() -> None:
    g = convened()
    item(g)
    g.collect_events()
    with pytest.raises(AssemblyStateError, match="cannot vote before"):
        vote(g, 1, WeightedResult.published("80"), at=HELD_ON - timedelta(microseconds=1))
    assert g.items["1"]["adopted"] is None
    assert g.collect_events() == []
    assert vote(g, 1, WeightedResult.published("80"), at=HELD_ON)  # the moment it meets is fine


def test_voting_is_judged_on_the_moment_not_its_zone() -> None:
    g = convened()
    item(g)
    same_moment_in_utc = HELD_ON.astimezone(ZoneInfo("UTC"))
    assert vote(g, 1, WeightedResult.published("80"), at=same_moment_in_utc)


def test_voting_twice_with_the_same_result_records_it_once() -> None:
    g = convened()
    item(g)
    g.collect_events()
    assert vote(g, 1, WeightedResult.from_weights(60, 32))
    assert not vote(g, 1, WeightedResult.from_weights(60, 32), reason="nogmaals")
    assert not vote(g, 1, WeightedResult.published("65.22"))  # the same percentage
    assert names(g) == ["ItemDecided"]


@pytest.mark.parametrize("again", ["20", "65.23", "93.4"])
def test_voting_twice_with_a_different_result_is_refused(again: str) -> None:
    g = convened()
    item(g)
    vote(g, 1, WeightedResult.from_weights(60, 32))
    g.collect_events()
    with pytest.raises(AssemblyStateError, match="voted on already"):
        vote(g, 1, WeightedResult.published(again))
    assert g.items["1"]["yes_pct"] == Decimal("65.22")
    assert g.items["1"]["adopted"] is True
    assert g.collect_events() == []


@pytest.mark.parametrize("number", [0, 2, -1])
def test_voting_on_an_unknown_item_is_refused(number: int) -> None:
    g = convened()
    item(g)
    with pytest.raises(InvalidInputError, match=f"no agenda item {number}"):
        vote(g, number, WeightedResult.published("80"))


def test_voting_needs_an_aware_time_and_a_reason() -> None:
    g = convened()
    item(g)
    g.collect_events()
    with pytest.raises(InvalidDeadlineError):
        vote(g, 1, WeightedResult.published("80"), at=DURING.replace(tzinfo=None))
    with pytest.raises(MissingReasonError):
        vote(g, 1, WeightedResult.published("80"), reason="")
    assert g.items["1"]["adopted"] is None
    assert g.collect_events() == []


# --- holding and closing -------------------------------------------------------------------


def test_holding_is_recorded_once() -> None:
    g = convened()
    g.collect_events()
    g.hold(actor="officer:x", reason="vergadering gehouden", at=DURING)
    assert g.held
    with pytest.raises(AssemblyStateError, match="held already"):
        g.hold(actor="officer:x", reason="nogmaals", at=DURING)
    with pytest.raises(MissingReasonError):
        convened().hold(actor="officer:x", reason=" ", at=DURING)
    assert names(g) == ["Held"]


def test_closing_is_idempotent() -> None:
    g = convened()
    g.collect_events()
    with pytest.raises(MissingReasonError):
        close(g, reason="")
    assert not g.closed
    assert close(g)
    assert not close(g)
    assert g.closed
    assert names(g) == ["Closed"]


def test_a_closed_assembly_refuses_items_and_votes() -> None:
    g = convened()
    item(g, "res-1")
    close(g)
    g.collect_events()
    with pytest.raises(AssemblyStateError, match="closed"):
        item(g, "res-2")
    with pytest.raises(AssemblyStateError, match="closed"):
        item(g, "res-1")  # even one it has
    with pytest.raises(AssemblyStateError, match="closed"):
        vote(g, 1, WeightedResult.published("80"))
    assert g.items["1"]["adopted"] is None
    assert g.collect_events() == []


def test_the_assembly_is_replayable_from_its_events() -> None:
    g = convened()
    item(g, "res-1")
    item(g, "mot-1", kind=ItemKind.MOTION, title="Motie financiering")
    vote(g, 1, WeightedResult.from_weights(70, 22))
    vote(g, 2, WeightedResult.published("30"))
    g.hold(actor="officer:x", reason="gehouden", at=DURING)
    close(g)
    copy = None
    for e in g.collect_events():
        copy = e.mutate(copy)
    assert isinstance(copy, GeneralAssembly)
    assert copy.summary() == g.summary()


@given(st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=12))
@settings(max_examples=60, deadline=None)
def test_agenda_numbers_are_dense_and_a_subject_keeps_its_number(subjects: list[str]) -> None:
    g = convened()
    first_number: dict[str, int] = {}
    for subject in subjects:
        number = item(g, subject)
        if subject:
            assert number == first_number.setdefault(subject, number)
    assert sorted(int(n) for n in g.items) == list(range(1, len(g.items) + 1))
    assert len(g.items) == len(set(filter(None, subjects))) + subjects.count("")
