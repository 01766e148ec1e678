"""The ALV's attendance, proxies and members' votes on a real store (SQLite files, or PostgreSQL
with AKKOORD_DATABASE_URL): weights from the register's population year on the ALV's date, a
derived result that decides a resolution like a published one, refusals that write nothing, and
the same ALV after a reopen (replayed from the log)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.readmodels.queries import timeline_rows
from domain.actor import Actor, Role
from domain.assembly_tally import AssemblyChoice
from domain.errors import DomainError, InvalidInputError, NotAllowedError
from domain.general_assembly import (
    AssemblyStateError,
    ItemKind,
    NotInRegisterError,
    NotPresentError,
    ProxyError,
    ProxyLimitError,
    RepresentedError,
)
from domain.member import MemberFacts
from domain.resolution import ResolutionKind
from domain.weights import vote_weight
from tests.conftest import AMS, OFFICER
from tests.integration.test_consultation_store import FACTS
from workflows.clock import SimulatedClock

HELD_ON = datetime(2025, 11, 28, 10, 0, tzinfo=AMS)
INHABITANTS = {f.code: f.inhabitants for f in FACTS}
SECRETARY = Actor(Role.SECRETARY, "GM0363")
# Amsterdam, Groningen, Smallingerland, Ameland, Vlieland
AMSTERDAM, GRONINGEN, SMALLINGERLAND, AMELAND, VLIELAND = (
    "GM0363",
    "GM0014",
    "GM0090",
    "GM0060",
    "GM0096",
)


def weight(code: str) -> int:
    return vote_weight(INHABITANTS[code])


def convene(e: Engine, **kw: Any) -> UUID:
    return e.app.assemblies.convene_assembly(
        title="Najaars-ALV 2025", held_on=HELD_ON, actor=OFFICER, reason="jaarlijks", **kw
    )


@pytest.fixture
def alv(engine: Engine) -> UUID:
    engine.app.members.load_members(list(FACTS), actor=OFFICER, reason="CBS 2024")
    aid = convene(engine, proxy_limit=2)
    engine.app.assemblies.add_agenda_item(
        aid, kind=ItemKind.OTHER, title="Rondvraag", actor=OFFICER, reason="r"
    )
    return aid


def refused_without_writing(
    engine: Engine, error: type[DomainError], match: str, action: Callable[[], object]
) -> None:
    head = engine.app.head()
    with pytest.raises(error, match=match):
        action()
    assert engine.app.head() == head


def test_attendance_proxies_and_votes_decide_an_item_with_population_weights(
    engine: Engine, clock: SimulatedClock, store_dir: Path, alv: UUID
) -> None:
    svc = engine.app.assemblies
    resolution = engine.app.resolutions.table_resolution(
        kind=ResolutionKind.RESOLUTION,
        title="Voorwaardelijke instemming AZWA",
        text="De ALV stemt in.",
        tabled_by="VNG-bestuur",
        conditions=[],
        suspends=[],
        actor=OFFICER,
        reason="agenda",
        assembly_id=alv,
    )
    svc.record_proxy(alv, giver=AMELAND, holder=SMALLINGERLAND, actor=OFFICER, reason="volmacht")
    assert svc.record_attendance(
        alv, members=[AMSTERDAM, GRONINGEN, "gm0090"], actor=OFFICER, reason="presentielijst"
    ) == [AMSTERDAM, GRONINGEN, SMALLINGERLAND]
    clock.set(HELD_ON + timedelta(minutes=30))
    svc.record_member_vote(
        alv, number=2, member=AMSTERDAM, choice=AssemblyChoice.YES, actor=OFFICER, reason="s"
    )
    svc.record_member_vote(
        alv, number=2, member=SMALLINGERLAND, choice=AssemblyChoice.NO, actor=OFFICER, reason="s"
    )
    svc.record_member_vote(
        alv, number=2, member=GRONINGEN, choice=AssemblyChoice.ABSTAIN, actor=OFFICER, reason="s"
    )
    yes = weight(AMSTERDAM)
    no = weight(SMALLINGERLAND) + weight(AMELAND)
    counted = svc.count_item_votes(alv, number=2, actor=OFFICER, reason="stemming gesloten")
    assert (counted["yes_weight"], counted["no_weight"], counted["abstain_weight"]) == (
        yes,
        no,
        weight(GRONINGEN),
    )
    assert (counted["outcome"], counted["yes_pct"]) == ("adopted", "55.15")
    engine.catch_up()
    # the derived result reaches the resolution as a published one does
    shown_resolution = engine.app.resolutions.get_resolution(resolution)
    assert (shown_resolution["outcome"], shown_resolution["yes_pct"]) == ("adopted", "55.15")

    shown = svc.get_assembly(alv)
    assert (shown["population_year"], shown["proxy_limit"]) == (2024, 2)
    assert shown["proxies"] == [{"from": AMELAND, "to": SMALLINGERLAND, "weight": weight(AMELAND)}]
    assert [a["member"] for a in shown["attendance"]] == [GRONINGEN, SMALLINGERLAND, AMSTERDAM]
    [_, item] = shown["items"]
    assert item["tally"]["yes_pct"] == counted["yes_pct"]
    assert item["adopted"] is True

    summaries = [r["summary"] for r in timeline_rows(engine.views, str(alv))]
    assert "at most 2 proxies per holder (was 1)" in summaries
    assert any(s.startswith(f"{AMELAND} ({weight(AMELAND)} votes) authorises") for s in summaries)
    assert any(s.startswith("present: GM0363 (75 votes)") for s in summaries)
    assert f"item 2: {SMALLINGERLAND} votes no with {no} votes (also for {AMELAND})" in summaries
    assert "item 2 adopted with 55.15% in favour" in summaries

    # the same ALV, replayed from the log by a new process
    engine.close()
    with build(Settings(store_dir), clock=clock) as again:
        assert again.app.assemblies.get_assembly(alv) == shown


def test_the_register_on_the_alvs_date_decides_who_may_attend(
    engine: Engine, clock: SimulatedClock, alv: UUID
) -> None:
    svc = engine.app.assemblies
    refused_without_writing(
        engine,
        NotInRegisterError,
        "GM9999: not a member of the register on 2025-11-28",
        lambda: svc.record_attendance(alv, members=["GM9999"], actor=OFFICER, reason="r"),
    )
    # Vlieland and Terschelling merge before the ALV: neither is a member on its date
    engine.app.members.merge_members(
        predecessors=[VLIELAND, "GM0093"],
        successor="GM1999",
        name="Synthetisch",
        effective=datetime(2025, 10, 1, tzinfo=AMS),
        actor=OFFICER,
        reason="synthetische herindeling",
    )
    refused_without_writing(
        engine,
        NotInRegisterError,
        "GM0096: not a member",
        lambda: svc.record_attendance(
            alv, members=[AMSTERDAM, VLIELAND], actor=OFFICER, reason="r"
        ),
    )
    refused_without_writing(
        engine,
        NotInRegisterError,
        "GM0096: not a member",
        lambda: svc.record_proxy(alv, giver=VLIELAND, holder=AMSTERDAM, actor=OFFICER, reason="r"),
    )
    # the successor counts the predecessors' inhabitants of 2024
    svc.record_attendance(alv, members=["GM1999"], actor=OFFICER, reason="r")
    [entry] = svc.get_assembly(alv)["attendance"]
    assert entry["weight"] == vote_weight(INHABITANTS[VLIELAND] + INHABITANTS["GM0093"])


def test_the_latest_complete_population_year_up_to_the_alvs_year_counts(
    engine: Engine, clock: SimulatedClock
) -> None:
    engine.app.members.load_members(list(FACTS), actor=OFFICER, reason="CBS 2024")
    # 2025 figures for one member only (a gap for the others); 2030 lies after the ALV
    engine.app.members.load_populations(
        [MemberFacts(AMELAND, "Ameland", "Friesland", year=2025, inhabitants=90_000)],
        year=2025,
        actor=OFFICER,
        reason="CBS 2025 (deels)",
    )
    engine.app.members.load_populations(
        [
            MemberFacts(f.code, f.name, f.province, year=2030, inhabitants=f.inhabitants + 50_000)
            for f in FACTS
        ],
        year=2030,
        actor=OFFICER,
        reason="prognose",
    )
    aid = convene(engine)
    engine.app.assemblies.record_attendance(aid, members=[AMELAND], actor=OFFICER, reason="r")
    shown = engine.app.assemblies.get_assembly(aid)
    assert shown["population_year"] == 2024
    assert shown["attendance"][0]["weight"] == weight(AMELAND)
    # once fixed, later figures change no weight of this ALV
    engine.app.members.load_populations(
        [MemberFacts(f.code, f.name, f.province, year=2025, inhabitants=500_000) for f in FACTS],
        year=2025,
        actor=OFFICER,
        reason="CBS 2025",
    )
    engine.app.assemblies.record_attendance(aid, members=[VLIELAND], actor=OFFICER, reason="r")
    shown = engine.app.assemblies.get_assembly(aid)
    assert shown["population_year"] == 2024
    assert [a["weight"] for a in shown["attendance"]] == [weight(AMELAND), weight(VLIELAND)]


def test_without_population_figures_attendance_is_refused(engine: Engine) -> None:
    aid = convene(engine)
    refused_without_writing(
        engine,
        InvalidInputError,
        "load the members' population figures",
        lambda: engine.app.assemblies.record_attendance(
            aid, members=[AMSTERDAM], actor=OFFICER, reason="r"
        ),
    )


def test_refusals_write_nothing(engine: Engine, clock: SimulatedClock, alv: UUID) -> None:
    svc = engine.app.assemblies
    svc.record_attendance(alv, members=[AMSTERDAM, GRONINGEN], actor=OFFICER, reason="r")
    svc.record_proxy(alv, giver=AMELAND, holder=AMSTERDAM, actor=OFFICER, reason="r")
    svc.record_proxy(alv, giver=VLIELAND, holder=AMSTERDAM, actor=OFFICER, reason="r")
    clock.set(HELD_ON + timedelta(minutes=5))

    def vote(member: str, number: int = 1, **kw: Any) -> Callable[[], object]:
        kw.setdefault("actor", OFFICER)
        return lambda: svc.record_member_vote(
            alv, number=number, member=member, choice=AssemblyChoice.YES, reason="r", **kw
        )

    for error, match, action in [
        (NotAllowedError, "only officer", vote(AMSTERDAM, actor=SECRETARY)),
        (
            NotAllowedError,
            "only officer",
            lambda: svc.record_attendance(alv, members=[AMELAND], actor=SECRETARY, reason="r"),
        ),
        (NotPresentError, "not present", vote(SMALLINGERLAND)),
        (RepresentedError, "represented by GM0363", vote(AMELAND)),
        (
            ProxyLimitError,
            r"limit per holder \(2\)",
            lambda: svc.record_proxy(
                alv, giver=SMALLINGERLAND, holder=AMSTERDAM, actor=OFFICER, reason="r"
            ),
        ),
        (
            ProxyError,
            "cannot authorise itself",
            lambda: svc.record_proxy(
                alv, giver=GRONINGEN, holder=GRONINGEN, actor=OFFICER, reason="r"
            ),
        ),
        (
            ProxyLimitError,
            "cannot go below",
            lambda: svc.set_proxy_limit(alv, limit=1, actor=OFFICER, reason="r"),
        ),
        (
            NotPresentError,
            "not present",
            lambda: svc.record_leaving(alv, member=SMALLINGERLAND, actor=OFFICER, reason="r"),
        ),
        (
            AssemblyStateError,
            "no members' votes",
            lambda: svc.count_item_votes(alv, number=1, actor=OFFICER, reason="r"),
        ),
        (InvalidInputError, "no agenda item 7", vote(AMSTERDAM, number=7)),
    ]:
        refused_without_writing(engine, error, match, action)
    svc.record_leaving(alv, member=AMSTERDAM, actor=OFFICER, reason="weg")
    # a holder that left casts nothing, not for those it represents either
    refused_without_writing(engine, NotPresentError, "not present", vote(AMSTERDAM))
    svc.close_assembly(alv, actor=OFFICER, reason="einde")
    refused_without_writing(
        engine,
        AssemblyStateError,
        "closed",
        lambda: svc.record_attendance(alv, members=[AMSTERDAM], actor=OFFICER, reason="r"),
    )
