"""The consultation's rules, on the aggregate alone (no store)."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from domain.consultation import Choice, Consultation, Phase, build_electorate
from domain.errors import (
    BallotTooEarlyError,
    BallotTooLateError,
    ConsultationCancelledError,
    ConsultationClosedError,
    InvalidChoiceError,
    InvalidDeadlineError,
    InvalidInputError,
    MissingReasonError,
    NoElectorateError,
    NotInElectorateError,
)
from domain.weights import WeightRule
from tests.conftest import CLOSES, OPENS

MEMBERS = [
    ("GM0090", "Harlingen", "Friesland", 16_000),
    ("GM0363", "Amsterdam", "Noord-Holland", 931_298),
    ("GM0088", "Schiermonnikoog", "Friesland", 972),
]


def opened(**overrides: object) -> Consultation:
    args: dict[str, object] = {
        "title": "Ledenraadpleging AZWA en HLO",
        "question": "Stemt u in?",
        "agreements": ["azwa", "HLO"],
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "timezone": "Europe/Amsterdam",
        "weight_rule": WeightRule.CEIL,
        "population_year": 2024,
        "electorate": build_electorate(MEMBERS, WeightRule.CEIL),
        "actor": "officer:x",
        "reason": "Lbr. 25/041",
        "at": OPENS,
    }
    args.update(overrides)
    return Consultation.open(**args)  # type: ignore[arg-type]


def cast(c: Consultation, member: str, choice: str = "yes", at=None, explanation: str = "") -> bool:
    return c.cast(
        member=member,
        choice=Choice.parse(choice),
        explanation=explanation,
        actor=f"secretary:{member}",
        at=at or OPENS + timedelta(days=1),
    )


def test_opening_snapshots_the_electorate_with_weights() -> None:
    c = opened()
    assert c.electorate["GM0363"]["weight"] == 75
    assert c.electorate["GM0088"]["weight"] == 1
    assert c.electorate["GM0090"]["weight"] == 16
    assert c.electorate_weight == 92
    assert c.agreements == ["AZWA", "HLO"]
    assert c.phase(OPENS - timedelta(seconds=1)) is Phase.SCHEDULED
    assert c.phase(OPENS) is Phase.OPEN


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"title": "  "}, InvalidInputError),
        ({"question": ""}, InvalidInputError),
        ({"closes_at": OPENS}, InvalidDeadlineError),
        ({"closes_at": CLOSES.replace(tzinfo=None)}, InvalidDeadlineError),
        ({"at": CLOSES}, InvalidDeadlineError),
        ({"electorate": {}}, NoElectorateError),
        ({"reason": " "}, MissingReasonError),
    ],
)
def test_opening_refuses_bad_input(overrides: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        opened(**overrides)


def test_ballot_before_opening_is_refused() -> None:
    with pytest.raises(BallotTooEarlyError):
        cast(opened(), "GM0090", at=OPENS - timedelta(microseconds=1))


def test_deadline_is_an_exclusive_cut_off_judged_from_the_clock() -> None:
    c = opened()
    assert cast(c, "GM0090", at=CLOSES - timedelta(microseconds=1))
    with pytest.raises(BallotTooLateError):
        cast(c, "GM0363", at=CLOSES)  # 16:00:00.000 is late, with no close event written
    assert c.phase(CLOSES) is Phase.DEADLINE_PASSED
    assert not c.closed


def test_non_member_and_bad_choice_are_refused() -> None:
    c = opened()
    with pytest.raises(NotInElectorateError):
        cast(c, "GM0014")
    with pytest.raises(InvalidChoiceError):
        cast(c, "GM0090", choice="maybe")


def test_recast_counts_the_latest_and_keeps_the_earlier_in_history() -> None:
    c = opened()
    assert cast(c, "GM0090", "yes")
    assert cast(c, "GM0090", "no", explanation="toch niet")
    ballot = c.ballot("GM0090")
    assert ballot is not None and ballot.choice is Choice.NO
    names = [type(e).__name__ for e in c.collect_events()]
    assert names == ["Opened", "BallotCast", "BallotRecast"]


def test_repeating_the_standing_ballot_writes_nothing() -> None:
    c = opened()
    cast(c, "GM0090", "yes", explanation="eens")
    c.collect_events()
    assert not cast(c, "GM0090", "yes", explanation="eens")
    assert c.collect_events() == []


def test_close_is_idempotent_and_ends_balloting() -> None:
    c = opened()
    assert c.close(actor="system:scheduler", reason="", at=CLOSES, rule="closes_at")
    assert not c.close(actor="system:scheduler", reason="", at=CLOSES, rule="closes_at")
    assert [type(e).__name__ for e in c.collect_events()] == ["Opened", "Closed"]
    with pytest.raises(ConsultationClosedError):
        cast(c, "GM0090")


def test_closing_early_needs_a_reason() -> None:
    c = opened()
    with pytest.raises(MissingReasonError):
        c.close(actor="officer:x", reason="", at=OPENS + timedelta(days=1))
    assert c.close(actor="officer:x", reason="bestuursbesluit", at=OPENS + timedelta(days=1))


def test_extend_only_later_only_while_open_and_with_reason() -> None:
    c = opened()
    during = OPENS + timedelta(days=2)
    with pytest.raises(InvalidDeadlineError):
        c.extend(closes_at=CLOSES - timedelta(hours=1), actor="officer:x", reason="r", at=during)
    with pytest.raises(MissingReasonError):
        c.extend(closes_at=CLOSES + timedelta(days=1), actor="officer:x", reason="", at=during)
    c.extend(closes_at=CLOSES + timedelta(days=1), actor="officer:x", reason="storing", at=during)
    assert cast(c, "GM0090", at=CLOSES + timedelta(hours=1))  # the old deadline no longer cuts
    with pytest.raises(ConsultationClosedError):
        c.extend(
            closes_at=CLOSES + timedelta(days=9),
            actor="officer:x",
            reason="r",
            at=CLOSES + timedelta(days=2),
        )


def test_cancel_needs_a_reason_and_ends_everything() -> None:
    c = opened()
    during = OPENS + timedelta(days=2)
    with pytest.raises(MissingReasonError):
        c.cancel(actor="officer:x", reason="", at=during)
    c.cancel(actor="officer:x", reason="ingetrokken", at=during)
    assert c.phase(during) is Phase.CANCELLED
    with pytest.raises(ConsultationCancelledError):
        cast(c, "GM0090")
    with pytest.raises(ConsultationCancelledError):
        c.close(actor="officer:x", reason="x", at=during)
    with pytest.raises(ConsultationCancelledError):
        c.cancel(actor="officer:x", reason="again", at=during)


def test_a_result_cannot_be_cancelled_after_the_deadline() -> None:
    c = opened()
    with pytest.raises(ConsultationClosedError):
        c.cancel(actor="officer:x", reason="late", at=CLOSES)


def test_explanations_are_bounded() -> None:
    with pytest.raises(InvalidInputError):
        cast(opened(), "GM0090", explanation="x" * 4001)


def test_a_copy_from_the_cache_changes_alone() -> None:
    """The repository's cache hands out copies that share what never changes in place; a
    command on a copy (a cast, a recast) must leave the cached original as it was."""
    original = opened()
    cast(original, "GM0090", "yes")
    copied = copy.deepcopy(original)
    cast(copied, "GM0090", "no", explanation="herzien")
    cast(copied, "GM0363", "yes")
    assert list(original.ballots) == ["GM0090"]
    assert original.ballots["GM0090"]["choice"] == "yes"
    assert copied.ballots["GM0090"]["choice"] == "no"
    assert original.result() != copied.result()
