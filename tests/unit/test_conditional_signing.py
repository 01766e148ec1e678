"""A signature under reservation, on the aggregate alone (no store)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.conditional_signing import ConditionalSigning, SigningStateError
from domain.errors import ConflictError, InvalidDeadlineError, InvalidInputError, MissingReasonError

AMS = ZoneInfo("Europe/Amsterdam")
AT = datetime(2025, 11, 3, 14, 0, tzinfo=AMS)
LATER = AT + timedelta(days=60)


def signed(**overrides: Any) -> ConditionalSigning:
    args: dict[str, Any] = {
        "party": "  VNG ",
        "agreement": "azwa",
        "conditions": ["  Het Rijk compenseert  ", "Een UDO is uitgevoerd"],
        "actor": "officer:x",
        "reason": "ALV-besluit",
        "at": AT,
    }
    args.update(overrides)
    return ConditionalSigning.sign(**args)


def definitive(s: ConditionalSigning, reason: str = "voorwaarden vervuld") -> bool:
    return s.make_definitive(cause="resolution:1", actor="system:workflow", reason=reason, at=LATER)


def withdraw(s: ConditionalSigning, reason: str = "voorwaarde niet vervuld") -> bool:
    return s.withdraw(cause="resolution:1", actor="officer:x", reason=reason, at=LATER)


def names(s: ConditionalSigning) -> list[str]:
    return [type(e).__name__ for e in s.collect_events()]


def test_signing_records_a_conditional_signature() -> None:
    s = signed()
    assert s.party == "VNG"
    assert s.agreement == "AZWA"
    assert s.conditions == ["Het Rijk compenseert", "Een UDO is uitgevoerd"]
    assert s.state == "conditional"
    assert s.summary()["state"] == "conditional"
    assert names(s) == ["Signed"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"conditions": []}, InvalidInputError),
        ({"conditions": ["ok", " "]}, InvalidInputError),
        ({"conditions": ["x" * 501]}, InvalidInputError),
        ({"party": "  "}, InvalidInputError),
        ({"agreement": "a zwa"}, InvalidInputError),
        ({"reason": ""}, MissingReasonError),
        ({"at": AT.replace(tzinfo=None)}, InvalidDeadlineError),
    ],
)
def test_signing_refuses_bad_input(overrides: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        signed(**overrides)


def test_making_definitive_is_idempotent() -> None:
    s = signed()
    s.collect_events()
    assert definitive(s)
    assert s.state == "definitive"
    assert not definitive(s)
    assert not definitive(s, reason="")  # nothing to record, nothing to justify
    [e] = s.collect_events()
    assert isinstance(e, ConditionalSigning.MadeDefinitive)
    assert (e.cause, e.reason) == ("resolution:1", "voorwaarden vervuld")


def test_withdrawing_is_idempotent() -> None:
    s = signed()
    s.collect_events()
    assert withdraw(s)
    assert s.state == "withdrawn"
    assert not withdraw(s)
    assert not withdraw(s, reason="")
    assert names(s) == ["Withdrawn"]


def test_a_definitive_signature_cannot_be_withdrawn() -> None:
    s = signed()
    definitive(s)
    s.collect_events()
    with pytest.raises(SigningStateError, match="definitive"):
        withdraw(s)
    assert s.state == "definitive"
    assert s.collect_events() == []


def test_a_withdrawn_signature_cannot_become_definitive() -> None:
    s = signed()
    withdraw(s)
    s.collect_events()
    with pytest.raises(SigningStateError, match="withdrawn"):
        definitive(s)
    assert s.state == "withdrawn"
    assert s.collect_events() == []
    assert issubclass(SigningStateError, ConflictError)


@pytest.mark.parametrize("act", [definitive, withdraw], ids=["definitive", "withdraw"])
def test_a_change_needs_a_reason(act: Callable[..., bool]) -> None:
    s = signed()
    s.collect_events()
    with pytest.raises(MissingReasonError):
        act(s, reason="  ")
    assert s.state == "conditional"
    assert s.collect_events() == []


def test_the_signature_is_replayable_from_its_events() -> None:
    s = signed()
    definitive(s)
    copy = None
    for e in s.collect_events():
        copy = e.mutate(copy)
    assert isinstance(copy, ConditionalSigning)
    assert copy.summary() == s.summary()


@given(st.lists(st.sampled_from(["definitive", "withdraw"]), min_size=1, max_size=10))
@settings(max_examples=60, deadline=None)
def test_the_first_decision_is_final(actions: list[str]) -> None:
    s = signed()
    s.collect_events()
    first = actions[0]
    for i, action in enumerate(actions):
        act = definitive if action == "definitive" else withdraw
        if action != first:
            with pytest.raises(SigningStateError):
                act(s)
        else:
            assert act(s) is (i == 0)
    assert s.state == ("definitive" if first == "definitive" else "withdrawn")
    assert names(s) == ["MadeDefinitive" if first == "definitive" else "Withdrawn"]
