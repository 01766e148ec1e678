"""The UDO (implementation test of an agreement), on the aggregate alone (no store)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidDeadlineError, InvalidInputError, MissingReasonError
from domain.implementation_test import ImplementationTest, ImplementationTestStateError

AMS = ZoneInfo("Europe/Amsterdam")
AT = datetime(2025, 10, 1, 9, 0, tzinfo=AMS)
LATER = AT + timedelta(days=30)


def commissioned(**overrides: Any) -> ImplementationTest:
    args: dict[str, Any] = {
        "agreement": "azwa",
        "title": "UDO AZWA",
        "executed_by": ["  VNG  ", "Rijk"],
        "actor": "officer:x",
        "reason": "afspraak in AZWA",
        "at": AT,
    }
    args.update(overrides)
    return ImplementationTest.commission(**args)


def add(u: ImplementationTest, members: list[str], reason: str = "aangemeld") -> int:
    return u.add_participants(members, actor="officer:x", reason=reason, at=LATER)


def point(u: ImplementationTest, title: str = "Capaciteit wijkteams", **kw: Any) -> int:
    kw.setdefault("description", "  te weinig mensen  ")
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "uit de sessies")
    kw.setdefault("at", LATER)
    return u.find_critical_point(title=title, **kw)


def agree(u: ImplementationTest, number: int, **kw: Any) -> None:
    kw.setdefault("parties", ["VNG", "Rijk"])
    kw.setdefault("text", "Het Rijk financiert extra capaciteit")
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "bestuurlijk overleg")
    kw.setdefault("at", LATER)
    u.make_process_agreement(number, **kw)


def complete(u: ImplementationTest, **kw: Any) -> None:
    kw.setdefault("summary", "  uitvoerbaar onder voorwaarden ")
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "alle punten besproken")
    kw.setdefault("at", LATER)
    u.complete(**kw)


def present(u: ImplementationTest, **kw: Any) -> None:
    kw.setdefault("reference", "Lbr. 25/077")
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "ledenbrief")
    kw.setdefault("at", LATER)
    u.present(**kw)


def names(u: ImplementationTest) -> list[str]:
    return [type(e).__name__ for e in u.collect_events()]


def completed() -> ImplementationTest:
    u = commissioned()
    agree(u, point(u))
    complete(u)
    u.collect_events()
    return u


# --- commissioning -------------------------------------------------------------------------


def test_commissioning_starts_an_empty_running_udo() -> None:
    u = commissioned()
    assert u.agreement == "AZWA"
    assert u.title == "UDO AZWA"
    assert u.participants == []
    assert u.points == {}
    assert (u.completed, u.presented) == (False, False)
    [e] = u.collect_events()
    assert isinstance(e, ImplementationTest.Commissioned)
    assert e.executed_by == ["VNG", "Rijk"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"at": AT.replace(tzinfo=None)}, InvalidDeadlineError),
        ({"agreement": "a zwa"}, InvalidInputError),
        ({"title": " "}, InvalidInputError),
        ({"title": "x" * 301}, InvalidInputError),
        ({"executed_by": ["VNG", "  "]}, InvalidInputError),
        ({"reason": ""}, MissingReasonError),
    ],
)
def test_commissioning_refuses_bad_input(overrides: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        commissioned(**overrides)


# --- participants --------------------------------------------------------------------------


def test_participants_are_deduplicated_and_sorted() -> None:
    u = commissioned()
    u.collect_events()
    assert add(u, ["GM0363", "GM0090", "GM0363"]) == 2
    assert u.participants == ["GM0090", "GM0363"]
    assert add(u, ["GM0090", "GM0088"]) == 1
    assert u.participants == ["GM0088", "GM0090", "GM0363"]
    first, second = u.collect_events()
    assert isinstance(first, ImplementationTest.ParticipantsAdded)
    assert first.members == ["GM0090", "GM0363"]
    assert isinstance(second, ImplementationTest.ParticipantsAdded)
    assert second.members == ["GM0088"]  # only the new one is recorded
    assert u.summary()["participants"] == 3


def test_adding_only_known_participants_records_nothing() -> None:
    u = commissioned()
    add(u, ["GM0090"])
    u.collect_events()
    assert add(u, ["GM0090", "GM0090"]) == 0
    assert add(u, []) == 0
    assert add(u, ["GM0090"], reason="") == 0  # nothing to record, nothing to justify
    assert u.collect_events() == []


@pytest.mark.parametrize("bad", ["gm0090", "GM090", "GM00900", "0090", " GM0090", "Harlingen"])
def test_malformed_municipality_codes_are_refused_and_none_added(bad: str) -> None:
    u = commissioned()
    u.collect_events()
    with pytest.raises(InvalidInputError, match="malformed municipality codes"):
        add(u, ["GM0363", bad])
    assert u.participants == []
    assert u.collect_events() == []


@pytest.mark.parametrize(
    "bad", ["GM0090\n", "GM\u0660\u0660\u0669\u0660"], ids=["newline", "arabic"]
)
def test_codes_with_a_trailing_newline_or_foreign_digits_are_refused(bad: str) -> None:
    u = commissioned()
    add(u, ["GM0090"])
    with pytest.raises(InvalidInputError):
        add(u, [bad])
    assert u.participants == ["GM0090"]


def test_adding_new_participants_needs_a_reason() -> None:
    u = commissioned()
    with pytest.raises(MissingReasonError):
        add(u, ["GM0090"], reason=" ")
    assert u.participants == []


# --- critical points and process agreements ------------------------------------------------


def test_critical_points_are_numbered_from_one() -> None:
    u = commissioned()
    u.collect_events()
    assert point(u, "Capaciteit") == 1
    assert point(u, "Financiering") == 2
    assert point(u, "Capaciteit") == 3  # the same title is another finding
    assert u.points == {"1": "Capaciteit", "2": "Financiering", "3": "Capaciteit"}
    events = u.collect_events()
    assert all(isinstance(e, ImplementationTest.CriticalPointFound) for e in events)
    assert [e.number for e in events] == [1, 2, 3]
    assert events[0].description == "te weinig mensen"


@pytest.mark.parametrize(
    ("kw", "error"),
    [({"title": " "}, InvalidInputError), ({"reason": ""}, MissingReasonError)],
)
def test_a_critical_point_needs_a_title_and_a_reason(
    kw: dict[str, Any], error: type[Exception]
) -> None:
    u = commissioned()
    with pytest.raises(error):
        point(u, **kw)
    assert u.points == {}
    assert point(u) == 1  # the refused one took no number


def test_process_agreements_are_kept_per_point() -> None:
    u = commissioned()
    one, two = point(u, "Capaciteit"), point(u, "Financiering")
    agree(u, two, parties=[" Rijk ", "VNG"], text="Middelen via het gemeentefonds")
    agree(u, one, parties=["VNG"], text="Regionale pool")
    agree(u, two, parties=["Zorgverzekeraars   Nederland"], text="Meerjarige afspraak")
    assert u.agreements_per_point == {
        "2": [
            {"parties": ["Rijk", "VNG"], "text": "Middelen via het gemeentefonds"},
            {"parties": ["Zorgverzekeraars Nederland"], "text": "Meerjarige afspraak"},
        ],
        "1": [{"parties": ["VNG"], "text": "Regionale pool"}],
    }
    summary = u.summary()["critical_points"]
    assert [p["number"] for p in summary] == [1, 2]
    assert [len(p["process_agreements"]) for p in summary] == [1, 2]


@pytest.mark.parametrize(
    ("number", "kw", "error"),
    [
        (2, {}, InvalidInputError),  # no such point
        (0, {}, InvalidInputError),
        (1, {"parties": []}, InvalidInputError),
        (1, {"parties": ["  "]}, InvalidInputError),
        (1, {"text": "  "}, InvalidInputError),
        (1, {"reason": ""}, MissingReasonError),
    ],
)
def test_a_process_agreement_is_refused_when_incomplete(
    number: int, kw: dict[str, Any], error: type[Exception]
) -> None:
    u = commissioned()
    point(u)
    u.collect_events()
    with pytest.raises(error):
        agree(u, number, **kw)
    assert u.agreements_per_point == {}
    assert u.collect_events() == []


# --- completing and presenting -------------------------------------------------------------


def test_completing_with_an_unanswered_point_is_refused() -> None:
    u = commissioned()
    one, two, three = point(u), point(u), point(u)
    agree(u, one)
    agree(u, three)
    with pytest.raises(ImplementationTestStateError, match="critical point\\(s\\) 2 "):
        complete(u)
    assert not u.completed
    agree(u, two)
    complete(u)
    assert u.completed


def test_completing_without_critical_points_is_allowed() -> None:
    u = commissioned()
    complete(u)
    assert u.completed


def test_a_completed_udo_takes_no_more_work() -> None:
    u = completed()
    with pytest.raises(ImplementationTestStateError):
        add(u, ["GM0090"])
    with pytest.raises(ImplementationTestStateError):
        point(u)
    with pytest.raises(ImplementationTestStateError):
        agree(u, 1)
    with pytest.raises(ImplementationTestStateError):
        complete(u)
    assert u.collect_events() == []


def test_completing_needs_a_reason() -> None:
    u = commissioned()
    with pytest.raises(MissingReasonError):
        complete(u, reason="")
    assert not u.completed


def test_presenting_only_after_completion_and_only_once() -> None:
    u = commissioned()
    agree(u, point(u))
    with pytest.raises(ImplementationTestStateError, match="not completed"):
        present(u)
    assert not u.presented
    complete(u)
    u.collect_events()
    present(u)
    assert u.presented
    [e] = u.collect_events()
    assert isinstance(e, ImplementationTest.PresentedToMembers)
    assert e.reference == "Lbr. 25/077"
    with pytest.raises(ImplementationTestStateError, match="presented already"):
        present(u, reference="Lbr. 25/078")
    assert u.collect_events() == []
    assert u.summary()["presented"] is True


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"reference": " "}, InvalidInputError),
        ({"reference": "x" * 201}, InvalidInputError),
        ({"reason": ""}, MissingReasonError),
    ],
)
def test_presenting_needs_a_reference_and_a_reason(
    kw: dict[str, Any], error: type[Exception]
) -> None:
    u = completed()
    with pytest.raises(error):
        present(u, **kw)
    assert not u.presented


def test_the_udo_is_replayable_from_its_events() -> None:
    u = commissioned()
    add(u, ["GM0090", "GM0363"])
    agree(u, point(u))
    agree(u, point(u, "Financiering"))
    complete(u)
    present(u)
    copy = None
    for e in u.collect_events():
        copy = e.mutate(copy)
    assert isinstance(copy, ImplementationTest)
    assert copy.summary() == u.summary()
    assert copy.participants == u.participants


@given(st.lists(st.sampled_from(["point", "agree", "complete"]), max_size=15), st.data())
@settings(max_examples=80, deadline=None)
def test_completion_succeeds_iff_every_point_has_an_agreement(
    actions: list[str], data: st.DataObject
) -> None:
    u = commissioned()
    answered: set[int] = set()
    count = 0
    for action in actions:
        if u.completed:
            break
        if action == "point":
            count += 1
            assert point(u) == count
        elif action == "agree" and count:
            number = data.draw(st.integers(1, count))
            agree(u, number)
            answered.add(number)
        elif action == "complete":
            if answered == set(range(1, count + 1)):
                complete(u)
                assert u.completed
            else:
                with pytest.raises(ImplementationTestStateError):
                    complete(u)
                assert not u.completed
