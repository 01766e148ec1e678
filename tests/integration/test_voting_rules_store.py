"""Voting rules through a real store (SQLite, or PostgreSQL with AKKOORD_DATABASE_URL): blank
votes and options of its own in the tally read model, the rebuild (SQL over the stored events)
equal to live, the advice to the board with turnout, quorum and the tie rule, non-voters, and
each municipality's vote published only after the close."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from adapters.bootstrap import Engine
from adapters.readmodels.consultation_results import non_voters, published_votes, tally_result
from domain.actor import SCHEDULER, Actor, Role
from domain.consultation import VotesSealedError
from domain.errors import InvalidChoiceError, InvalidInputError, NotAllowedError
from domain.voting_rules import VotingRules
from domain.weights import vote_weight
from tests.conftest import CLOSES, OFFICER, OPENS, secretary
from tests.integration.test_consultation_store import FACTS
from workflows.clock import SimulatedClock

MEMBERS = FACTS[:30]
BOARD = Actor(Role.BOARD, "bestuur")


def _open(e: Engine, clock: SimulatedClock, rules: VotingRules | None, title: str = "T") -> str:
    if clock.now() < OPENS:
        e.app.members.load_members(list(MEMBERS), actor=OFFICER, reason="CBS 2024")
        clock.set(OPENS)
    cid = e.app.consultations.open_consultation(
        title=title,
        question="Stemt u in?",
        agreements=["AZWA"],
        closes_at=CLOSES,
        timezone="Europe/Amsterdam",
        actor=OFFICER,
        reason="test",
        rules=rules,
    )
    e.catch_up()
    return str(cid)


def _cast(e: Engine, clock: SimulatedClock, cid: str, code: str, choice: str) -> None:
    clock.advance(timedelta(minutes=1))
    e.app.consultations.cast_ballot(UUID(cid), member=code, choice=choice, actor=secretary(code))


def _recount(e: Engine, cid: str) -> dict[str, tuple[int, int]]:
    """From the aggregate's standing ballots, not the read model."""
    counts: dict[str, tuple[int, int]] = {}
    for choice, weight in e.app.consultations.standing_ballots(UUID(cid)).values():
        m, w = counts.get(choice, (0, 0))
        counts[choice] = (m + 1, w + weight)
    return counts


def test_blank_votes_and_options_are_tallied_and_a_rebuild_equals_live(
    engine: Engine, clock: SimulatedClock
) -> None:
    blank = _open(engine, clock, VotingRules.make(options="yes,no,blank"), "blanco")
    abc = _open(engine, clock, VotingRules.make(options="A,B,C"), "abc")
    for i, fact in enumerate(MEMBERS[:20]):
        _cast(engine, clock, blank, fact.code, ("yes", "no", "blank")[i % 3])
        _cast(engine, clock, abc, fact.code, ("A", "b", "C", "A")[i % 4])
    for fact in MEMBERS[:4]:  # recasts, across the kinds of counter
        _cast(engine, clock, blank, fact.code, "blank")
        _cast(engine, clock, abc, fact.code, "B")
    engine.catch_up()

    t = engine.views.tally(blank)
    assert t is not None
    counts = _recount(engine, blank)
    assert (t.blank_members, t.blank_weight) == counts["blank"]
    assert (t.yes_members, t.yes_weight) == counts["yes"]
    assert t.voted_members == 20 and t.counted_weight == t.yes_weight + t.no_weight
    assert t.as_dict()["yes_pct"] == round(100 * t.yes_weight / t.counted_weight, 2)
    assert engine.views.option_counts(blank) == counts

    a = engine.views.tally(abc)
    assert a is not None and a.other_members == 20 and a.yes_members == a.blank_members == 0
    assert engine.views.option_counts(abc) == _recount(engine, abc)
    result = tally_result(engine.app, engine.views, UUID(abc))
    assert result["rules"]["options"] == ["A", "B", "C"]
    assert result["outcome"]["options"]["B"]["members"] == _recount(engine, abc)["B"][0]

    live = engine.views.dump()
    engine.rebuild()
    assert engine.views.dump() == live


def test_a_bad_choice_or_bad_rules_write_nothing(engine: Engine, clock: SimulatedClock) -> None:
    cid = _open(engine, clock, VotingRules.make(options="A,B"))
    head = engine.app.head()
    with pytest.raises(InvalidChoiceError):
        _cast(engine, clock, cid, MEMBERS[0].code, "yes")
    with pytest.raises(InvalidInputError, match="more than the electorate"):
        _open(engine, clock, VotingRules.make(quorum_members=len(MEMBERS) + 1))
    assert engine.app.head() == head


def _equal_weights(n: int) -> list[str]:
    """`n` members of the same weight, so that a yes and a no tie."""
    by_weight: dict[int, list[str]] = {}
    for f in MEMBERS:
        by_weight.setdefault(vote_weight(f.inhabitants), []).append(f.code)
    return max(by_weight.values(), key=len)[:n]


def _ratified(e: Engine, cid: str) -> dict[str, object]:
    e.app.agreements.register_agreement(
        code="AZWA",
        name="AZWA",
        full_name="Aanvullend Zorg- en Welzijnsakkoord",
        term="2023-2026",
        signing_parties=["VNG"],
        involved_parties=[],
        relations=[],
        actor=OFFICER,
        reason="r",
    )
    rid = e.app.ratifications.schedule_ratification(
        title="Bekrachtiging",
        scheduled_for=CLOSES + timedelta(days=7),
        timezone="Europe/Amsterdam",
        consultation_id=UUID(cid),
        party="VNG",
        agreements=["AZWA"],
        signing_ids=[],
        actor=OFFICER,
        reason="test",
    )
    return {"id": rid}


@pytest.mark.parametrize(
    ("rules", "ballots", "advice", "detail"),
    [
        # 4 of 30 members: a positive advice with a low turnout, said so
        (VotingRules.make(turnout_warning_pct="50"), "yyyy", "positive", "low turnout"),
        (VotingRules.make(quorum_members=5), "yyyy", "no quorum", "quorum not met"),
        (VotingRules.make(quorum_members=4), "yyyy", "positive", "quorum met"),
        (VotingRules(), "", "none", "0 of 30 members"),
        (VotingRules.make(options="yes,no,blank"), "bbyn", "negative", "4 of 30 members"),
        (VotingRules.make(options="yes,no,blank", tie_rule="undecided"), "yn", "tie", "tie"),
        (VotingRules(), "yn", "negative", "a tie (tie rule: negative)"),
    ],
)
def test_the_advice_carries_turnout_quorum_tie_and_warning(
    engine: Engine,
    clock: SimulatedClock,
    rules: VotingRules,
    ballots: str,
    advice: str,
    detail: str,
) -> None:
    cid = _open(engine, clock, rules)
    ratification = _ratified(engine, cid)
    words = {"y": "yes", "n": "no", "b": "blank"}
    for code, letter in zip(_equal_weights(len(ballots)), ballots, strict=False):
        _cast(engine, clock, cid, code, words[letter])
    clock.set(CLOSES)
    engine.app.consultations.close_consultation(UUID(cid), actor=SCHEDULER, rule="deadline")
    engine.catch_up()
    summary = engine.app.ratifications.get_ratification(ratification["id"])  # type: ignore[arg-type]
    outcome = tally_result(engine.app, engine.views, UUID(cid))["outcome"]
    assert summary["advice"] == advice == outcome["advice"]
    assert detail in summary["advice_detail"]
    assert summary["advice_detail"] == outcome["summary"]


def test_non_voters_are_for_officers_and_votes_only_after_the_close(
    engine: Engine, clock: SimulatedClock
) -> None:
    cid = _open(engine, clock, None)
    uid = UUID(cid)
    for fact in MEMBERS[:3]:
        _cast(engine, clock, cid, fact.code, "yes")
    engine.catch_up()
    missing = non_voters(engine.app, engine.views, uid, OFFICER)
    assert [m["member"] for m in missing] == sorted(f.code for f in MEMBERS[3:])
    assert non_voters(engine.app, engine.views, uid, BOARD) == missing
    with pytest.raises(NotAllowedError):
        non_voters(engine.app, engine.views, uid, secretary(MEMBERS[0].code))
    for who in (OFFICER, BOARD, secretary(MEMBERS[0].code)):
        with pytest.raises(VotesSealedError):
            engine.app.consultations.require_votes_published(uid)
        del who
    with pytest.raises(VotesSealedError):
        published_votes(engine.app, engine.views, uid)
    clock.set(CLOSES)  # the deadline passed but nobody closed it: still sealed
    with pytest.raises(VotesSealedError):
        published_votes(engine.app, engine.views, uid)
    engine.app.consultations.close_consultation(uid, actor=SCHEDULER, rule="deadline")
    engine.catch_up()
    votes = published_votes(engine.app, engine.views, uid)
    assert len(votes) == len(MEMBERS)
    assert {v["member"]: v["choice"] for v in votes if v["choice"]} == {
        f.code: "yes" for f in MEMBERS[:3]
    }
