"""The two facts issue 18 added to the aggregates: a consultation's ballots marked synthetic,
and money a grant scheme excludes (SPUK GALA: the sport agreement and BRC)."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from domain.consultation import Consultation
from domain.errors import InvalidInputError, MissingReasonError
from domain.funding import GrantScheme
from tests.conftest import OPENS
from tests.unit.test_consultation import opened

NOTE = "synthetic ballots from a seeded generator"


def test_marking_the_ballots_synthetic_is_recorded_once() -> None:
    c = opened()
    assert c.synthetic_note == ""
    assert c.mark_ballots_synthetic(note=NOTE, actor="officer:x", reason="r", at=OPENS)
    assert c.synthetic_note == NOTE
    assert not c.mark_ballots_synthetic(note=f" {NOTE} ", actor="officer:x", reason="r", at=OPENS)
    [marked] = [e for e in c.collect_events() if isinstance(e, Consultation.BallotsMarkedSynthetic)]
    assert (marked.note, marked.reason) == (NOTE, "r")


def test_the_mark_needs_a_note_and_a_reason() -> None:
    c = opened()
    with pytest.raises(InvalidInputError, match="why the ballots are synthetic"):
        c.mark_ballots_synthetic(note=" ", actor="officer:x", reason="r", at=OPENS)
    with pytest.raises(MissingReasonError):
        c.mark_ballots_synthetic(note=NOTE, actor="officer:x", reason="", at=OPENS)
    assert c.synthetic_note == ""


def test_a_copy_keeps_the_mark() -> None:
    c = opened()
    c.mark_ballots_synthetic(note=NOTE, actor="officer:x", reason="r", at=OPENS)
    assert copy.deepcopy(c).synthetic_note == NOTE


def scheme() -> GrantScheme:
    return GrantScheme.register(
        code="SPUK-GALA", name="SPUK GALA", actor="officer:x", reason="r", at=OPENS
    )


def test_a_scheme_records_what_it_excludes_per_year_and_onwards() -> None:
    g = scheme()
    assert g.summary()["excluded"] == {}
    later = OPENS + timedelta(minutes=1)
    g.exclude(
        part="sportakkoord en BRC",
        year=2026,
        amount_cents=87_000_000_00,
        actor="officer:x",
        reason="r",
        at=later,
    )
    g.exclude(
        part="sportakkoord en BRC",
        year=2027,
        onwards=True,
        amount_cents=78_000_000_00,
        actor="officer:x",
        reason="r",
        at=later,
    )
    assert g.summary()["excluded"] == {
        "2026": {"part": "sportakkoord en BRC", "amount_cents": 87_000_000_00},
        "2027+": {"part": "sportakkoord en BRC", "amount_cents": 78_000_000_00},
    }


@pytest.mark.parametrize(
    ("part", "year", "amount", "message"),
    [
        ("", 2026, 1, "what is excluded"),
        ("BRC", 1999, 1, "implausible year"),
        ("BRC", 2026, -1, "euro cents"),
        ("BRC", 2026, 1.5, "euro cents"),
    ],
)
def test_a_bad_exclusion_is_refused(part: str, year: int, amount: object, message: str) -> None:
    g = scheme()
    with pytest.raises(InvalidInputError, match=message):
        g.exclude(
            part=part,
            year=year,
            amount_cents=amount,  # type: ignore[arg-type]
            actor="officer:x",
            reason="r",
            at=OPENS,
        )
    assert g.summary()["excluded"] == {}
