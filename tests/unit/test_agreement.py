"""A national agreement and where each party stands, on the aggregate alone (no store)."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from itertools import product
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.agreement import (
    RELATION_KINDS,
    TRANSITIONS,
    Agreement,
    InvalidTransitionError,
    PartyStatus,
    UnknownPartyError,
    agreement_id,
)
from domain.errors import ConflictError, InvalidDeadlineError, InvalidInputError, NotFoundError

AMS = ZoneInfo("Europe/Amsterdam")
AT = datetime(2025, 9, 1, 9, 0, tzinfo=AMS)
S = PartyStatus
SIGNING = ["VNG", "Rijk", "Zorgverzekeraars Nederland"]
INVOLVED = ["IPO"]


def registered(**overrides: Any) -> Agreement:
    args: dict[str, Any] = {
        "code": "azwa",
        "name": "AZWA",
        "full_name": "Aanvullend Zorg- en Welzijnsakkoord",
        "term": " 2025-2028 ",
        "signing_parties": list(SIGNING),
        "involved_parties": list(INVOLVED),
        "relations": [{"kind": "supplements", "agreement": "iza"}],
        "actor": "officer:x",
        "reason": "Lbr. 25/041",
        "at": AT,
    }
    args.update(overrides)
    return Agreement.register(**args)


def change(a: Agreement, party: str, status: PartyStatus, **kw: Any) -> bool:
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "besluit")
    kw.setdefault("at", AT + timedelta(days=1))
    return a.change_status(party, status, **kw)


def path_to(target: PartyStatus) -> list[PartyStatus]:
    """The shortest series of allowed moves from NEGOTIATING to `target`."""
    seen = {S.NEGOTIATING: [S.NEGOTIATING]}
    queue = deque([S.NEGOTIATING])
    while queue:
        here = queue.popleft()
        for there in sorted(TRANSITIONS[here]):
            if there not in seen:
                seen[there] = [*seen[here], there]
                queue.append(there)
    return seen[target][1:]


def party_in(status: PartyStatus) -> Agreement:
    """An agreement in which VNG stands at `status` (IPO when `status` is INVOLVED)."""
    a = registered()
    if status is not S.INVOLVED:
        for step in path_to(status):
            assert change(a, "VNG", step)
    a.collect_events()
    return a


def replay(events: list[Any]) -> Agreement:
    aggregate = None
    for e in events:
        aggregate = e.mutate(aggregate)
    assert isinstance(aggregate, Agreement)
    return aggregate


# --- registration --------------------------------------------------------------------------


def test_registration_normalises_and_records_every_party() -> None:
    a = registered(
        signing_parties=["  VNG ", "Zorgverzekeraars   Nederland"],
        involved_parties=["IPO"],
    )
    assert a.id == agreement_id("AZWA") == Agreement.create_id("AZWA")
    assert a.code == "AZWA"
    assert a.term == "2025-2028"
    assert a.statuses == {
        "VNG": "negotiating",
        "Zorgverzekeraars Nederland": "negotiating",
        "IPO": "involved, not signing",
    }
    assert a.status_of("IPO") is S.INVOLVED
    assert [type(e).__name__ for e in a.collect_events()] == ["Registered"]


def test_registration_is_replayable_from_its_events() -> None:
    a = registered()
    change(a, "VNG", S.SIGNED)
    change(a, "Rijk", S.SUSPENDED)
    a.add_party("GGD GHOR", signing=True, actor="officer:x", reason="toegetreden", at=AT)
    copy = replay(a.collect_events())
    assert copy.id == a.id
    assert copy.summary() == a.summary()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"at": AT.replace(tzinfo=None)}, InvalidDeadlineError),
        ({"code": "a zwa"}, InvalidInputError),
        ({"code": ""}, InvalidInputError),
        ({"name": " "}, InvalidInputError),
        ({"name": "x" * 81}, InvalidInputError),
        ({"full_name": ""}, InvalidInputError),
        ({"full_name": "x" * 201}, InvalidInputError),
        ({"reason": "  "}, InvalidInputError),
        ({"signing_parties": []}, InvalidInputError),
        ({"signing_parties": ["  "]}, InvalidInputError),
        ({"signing_parties": ["VNG", "VNG"]}, InvalidInputError),
        ({"signing_parties": ["VNG", " VNG  "]}, InvalidInputError),
        ({"involved_parties": ["IPO", "IPO"]}, InvalidInputError),
        ({"involved_parties": ["VNG"]}, InvalidInputError),
        ({"relations": [{"kind": "replaces", "agreement": "IZA"}]}, InvalidInputError),
        ({"relations": [{"agreement": "IZA"}]}, InvalidInputError),
        ({"relations": [{"kind": "supplements"}]}, InvalidInputError),
        ({"relations": [{"kind": "supplements", "agreement": "I Z A"}]}, InvalidInputError),
    ],
)
def test_registration_refuses_bad_input(overrides: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        registered(**overrides)


def test_a_party_signing_and_involved_is_named_in_the_refusal() -> None:
    with pytest.raises(InvalidInputError, match="VNG"):
        registered(signing_parties=["VNG", "Rijk"], involved_parties=["VNG"])


def test_an_agreement_without_involved_parties_or_relations_is_fine() -> None:
    a = registered(involved_parties=[], relations=[])
    assert set(a.statuses.values()) == {"negotiating"}
    assert a.relations == []


# --- relations -----------------------------------------------------------------------------


def test_relations_are_checked_and_normalised() -> None:
    a = registered(
        relations=[
            {"kind": "supplements", "agreement": " iza "},
            {"kind": "continues participation in", "agreement": "hlo"},
            {"kind": "supplements", "agreement": "GALA"},
        ]
    )
    assert a.related("supplements") == ["IZA", "GALA"]
    assert a.related("continues participation in") == ["HLO"]
    assert a.related("replaces") == []
    assert a.summary()["relations"] == a.relations
    assert set(RELATION_KINDS) == {r["kind"] for r in a.relations}


def test_relations_keep_only_kind_and_agreement() -> None:
    a = registered(relations=[{"kind": "supplements", "agreement": "IZA", "note": "x"}])
    assert a.relations == [{"kind": "supplements", "agreement": "IZA"}]


# --- transitions ---------------------------------------------------------------------------

PAIRS = [(a, b) for a, b in product(PartyStatus, PartyStatus) if a is not b]


@pytest.mark.parametrize("status", list(PartyStatus))
def test_every_status_is_reachable_for_the_tests(status: PartyStatus) -> None:
    a = party_in(status)
    party = "IPO" if status is S.INVOLVED else "VNG"
    assert a.status_of(party) is status


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=lambda s: s.name)
def test_transition_is_allowed_exactly_when_the_table_allows_it(
    current: PartyStatus, target: PartyStatus
) -> None:
    a = party_in(current)
    party = "IPO" if current is S.INVOLVED else "VNG"
    if target in TRANSITIONS[current]:
        assert change(a, party, target, detail="  art. 3  ", cause="res-1")
        assert a.status_of(party) is target
        [e] = a.collect_events()
        assert isinstance(e, Agreement.PartyStatusChanged)
        assert (e.party, e.status, e.previous) == (party, target.value, current.value)
        assert (e.detail, e.cause, e.reason) == ("art. 3", "res-1", "besluit")
    else:
        with pytest.raises(InvalidTransitionError, match=f"{current.value} to {target.value}"):
            change(a, party, target)
        assert a.status_of(party) is current
        assert a.collect_events() == []


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.NEGOTIATING, S.DEFINITIVE),
        (S.WITHDRAWN, S.SIGNED),
        (S.WITHDRAWN, S.DEFINITIVE),
        (S.DEFINITIVE, S.NEGOTIATING),
        (S.DEFINITIVE, S.CONDITIONALLY_SIGNED),
        (S.SUSPENDED, S.SIGNED),
        (S.CONDITIONALLY_SIGNED, S.NEGOTIATING),
        (S.NEGOTIATING, S.RESUMED),
    ],
    ids=lambda s: s.name,
)
def test_some_moves_make_no_sense_and_are_refused(
    current: PartyStatus, target: PartyStatus
) -> None:
    with pytest.raises(InvalidTransitionError):
        change(party_in(current), "VNG", target)


@pytest.mark.parametrize(
    ("steps"),
    [
        [S.SIGNED, S.DEFINITIVE],
        [S.CONDITIONALLY_SIGNED, S.DEFINITIVE, S.SUSPENDED, S.RESUMED, S.DEFINITIVE],
        [S.NEGOTIATOR_AGREEMENT, S.NEGOTIATING, S.WITHDRAWN, S.NEGOTIATING, S.SIGNED],
    ],
    ids=["sign", "conditional-suspend-resume", "withdraw-and-return"],
)
def test_realistic_paths_are_allowed(steps: list[PartyStatus]) -> None:
    a = registered()
    for step in steps:
        assert change(a, "VNG", step)
    assert a.status_of("VNG") is steps[-1]
    events = a.collect_events()
    assert [e.status for e in events[1:]] == [s.value for s in steps]


def test_the_table_covers_every_status_and_nobody_becomes_involved() -> None:
    assert set(TRANSITIONS) == set(PartyStatus)
    assert all(S.INVOLVED not in targets for targets in TRANSITIONS.values())
    assert all(status not in TRANSITIONS[status] for status in PartyStatus)
    assert all(
        S.WITHDRAWN in TRANSITIONS[s] for s in PartyStatus if s not in (S.INVOLVED, S.WITHDRAWN)
    )


@pytest.mark.parametrize("status", list(PartyStatus))
def test_the_same_status_again_is_false_and_records_nothing(status: PartyStatus) -> None:
    a = party_in(status)
    party = "IPO" if status is S.INVOLVED else "VNG"
    assert change(a, party, status) is False
    assert change(a, party, status, reason="") is False  # nothing to record, nothing to justify
    assert a.status_of(party) is status
    assert a.collect_events() == []


@pytest.mark.parametrize("target", [s for s in PartyStatus if s is not S.INVOLVED])
def test_involved_parties_never_change(target: PartyStatus) -> None:
    a = registered()
    with pytest.raises(InvalidTransitionError):
        change(a, "IPO", target)
    assert a.status_of("IPO") is S.INVOLVED


@given(st.lists(st.sampled_from(list(PartyStatus)), max_size=30))
@settings(max_examples=60, deadline=None)
def test_any_series_of_moves_follows_the_table(moves: list[PartyStatus]) -> None:
    a = registered()
    a.collect_events()
    for move in moves:
        for party in ("VNG", "IPO"):
            before = a.status_of(party)
            try:
                changed = change(a, party, move)
            except InvalidTransitionError:
                assert move is not before and move not in TRANSITIONS[before]
                assert a.status_of(party) is before
                continue
            assert changed is (move is not before)
            assert move is before or move in TRANSITIONS[before]
            assert a.status_of(party) is move
    assert a.status_of("IPO") is S.INVOLVED
    events = a.collect_events()
    assert all(e.party == "VNG" for e in events)
    assert all(e.status != e.previous for e in events)


def test_a_change_needs_an_aware_time_and_a_reason() -> None:
    a = registered()
    with pytest.raises(InvalidDeadlineError):
        change(a, "VNG", S.SIGNED, at=AT.replace(tzinfo=None))
    with pytest.raises(InvalidInputError):
        change(a, "VNG", S.SIGNED, reason=" ")
    assert a.status_of("VNG") is S.NEGOTIATING
    assert [type(e).__name__ for e in a.collect_events()] == ["Registered"]


# --- unknown and added parties -------------------------------------------------------------


def test_unknown_party_is_not_found() -> None:
    a = registered()
    with pytest.raises(UnknownPartyError, match="GGD GHOR"):
        a.status_of("GGD GHOR")
    with pytest.raises(UnknownPartyError):
        change(a, "GGD GHOR", S.SIGNED)
    assert issubclass(UnknownPartyError, NotFoundError)
    assert [type(e).__name__ for e in a.collect_events()] == ["Registered"]


def test_party_names_are_exact_when_changing_status() -> None:
    a = registered()
    with pytest.raises(UnknownPartyError):
        change(a, "vng", S.SIGNED)


@pytest.mark.parametrize(
    ("signing", "status"), [(True, S.NEGOTIATING), (False, S.INVOLVED)], ids=["signing", "not"]
)
def test_an_added_party_starts_negotiating_or_involved(signing: bool, status: PartyStatus) -> None:
    a = registered()
    a.collect_events()
    a.add_party("  GGD   GHOR ", signing=signing, actor="officer:x", reason="toegetreden", at=AT)
    assert a.status_of("GGD GHOR") is status
    [e] = a.collect_events()
    assert isinstance(e, Agreement.PartyAdded)
    assert (e.party, e.signing) == ("GGD GHOR", signing)


def test_adding_an_existing_party_conflicts() -> None:
    a = registered()
    a.collect_events()
    for name in ("VNG", " IPO "):
        with pytest.raises(ConflictError):
            a.add_party(name, signing=True, actor="officer:x", reason="r", at=AT)
    with pytest.raises(InvalidInputError):
        a.add_party("GGD", signing=True, actor="officer:x", reason=" ", at=AT)
    assert a.collect_events() == []
    assert a.status_of("IPO") is S.INVOLVED


# --- PartyStatus.parse ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("signed", S.SIGNED),
        ("  SIGNED ", S.SIGNED),
        ("negotiator agreement", S.NEGOTIATOR_AGREEMENT),
        ("negotiator_agreement", S.NEGOTIATOR_AGREEMENT),
        ("Negotiator-Agreement", S.NEGOTIATOR_AGREEMENT),
        ("conditionally-signed", S.CONDITIONALLY_SIGNED),
        ("participation suspended", S.SUSPENDED),
        ("suspended", S.SUSPENDED),
        ("resumed", S.RESUMED),
        ("withdrawn", S.WITHDRAWN),
        ("definitive", S.DEFINITIVE),
        ("involved, not signing", S.INVOLVED),
        ("involved", S.INVOLVED),
    ],
)
def test_party_status_parses_values_and_names(text: str, status: PartyStatus) -> None:
    assert PartyStatus.parse(text) is status


@pytest.mark.parametrize("status", list(PartyStatus))
def test_party_status_parse_round_trips(status: PartyStatus) -> None:
    assert PartyStatus.parse(status.value) is status
    assert PartyStatus.parse(status.name) is status


@pytest.mark.parametrize("text", ["", "sign", "signed!", "suspend", "ratified"])
def test_party_status_parse_refuses_unknown_text(text: str) -> None:
    with pytest.raises(InvalidInputError, match="unknown party status") as info:
        PartyStatus.parse(text)
    assert "conditionally signed" in str(info.value)
    assert "involved, not signing" not in str(info.value)
