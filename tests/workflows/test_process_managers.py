"""The workflows that link the processes, on a real SQLite store and a simulated clock."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.readmodels.queries import status_as_of
from domain.actor import Actor, Role
from domain.agreement import PartyStatus
from domain.board_ratification import Decision, RatificationStateError
from domain.errors import InvalidInputError
from domain.resolution import ResolutionKind
from domain.rules import WeightedResult
from tests.conftest import AMS, OFFICER, secretary
from workflows.clock import SimulatedClock
from workflows.governance import Governance

BOARD = Actor(Role.BOARD, "bestuur")
T0 = datetime(2025, 9, 1, 9, 0, tzinfo=AMS)
FACTS = read_members_csv(shipped_members_path())[:12]
CHANGED = "domain.agreement:Agreement.PartyStatusChanged"


class World:
    """IZA and AZWA, VNG's conditional AZWA signature, a consultation and its ratification."""

    def __init__(self, e: Engine, clock: SimulatedClock) -> None:
        self.e, self.clock, self.app = e, clock, e.app
        self.app.members.load_members(FACTS, actor=OFFICER, reason="CBS")
        for code, extra in (("IZA", {}), ("AZWA", {"continues": "IZA"})):
            relations = (
                [{"kind": "continues participation in", "agreement": extra["continues"]}]
                if extra
                else []
            )
            self.app.agreements.register_agreement(
                code=code,
                name=code,
                full_name=f"{code} akkoord",
                term="",
                signing_parties=["VNG", "VWS", "ZN"],
                involved_parties=[],
                relations=relations,
                actor=OFFICER,
                reason="r",
            )
        self.app.agreements.change_party_status(
            "IZA",
            parties=["VNG", "VWS", "ZN"],
            status=PartyStatus.SIGNED,
            actor=OFFICER,
            reason="2022",
        )
        self.signing = self.app.signings.sign_conditionally(
            party="VNG",
            agreement="AZWA",
            conditions=["ledenraadpleging"],
            actor=OFFICER,
            reason="8 Sep",
        )
        self.closes = T0 + timedelta(days=30)
        self.consultation = self.app.consultations.open_consultation(
            title="AZWA",
            question="Stemt u in?",
            agreements=["AZWA"],
            closes_at=self.closes,
            timezone="Europe/Amsterdam",
            actor=OFFICER,
            reason="r",
        )
        e.catch_up()

    def vote(self, yes: int, no: int) -> None:
        for i, fact in enumerate(FACTS[: yes + no]):
            self.clock.advance(timedelta(hours=1))
            self.app.consultations.cast_ballot(
                self.consultation,
                member=fact.code,
                choice="yes" if i < yes else "no",
                actor=secretary(fact.code),
            )

    def close(self) -> None:
        self.clock.set(self.closes)
        self.app.deadlines.fire_deadline("consultation closes", self.consultation)
        self.e.catch_up()

    def schedule(self) -> UUID:
        rid = self.app.ratifications.schedule_ratification(
            title="Bekrachtiging",
            scheduled_for=self.closes + timedelta(days=7),
            timezone="Europe/Amsterdam",
            consultation_id=self.consultation,
            party="VNG",
            agreements=["AZWA"],
            signing_ids=[self.signing],
            actor=OFFICER,
            reason="r",
        )
        self.e.catch_up()
        return rid

    def status(self, agreement: str, party: str = "VNG") -> str:
        [row] = status_as_of(
            self.e.views, self.clock.now() + timedelta(seconds=1), agreement, party
        )
        return row.status


@pytest.fixture
def world(engine: Engine, clock: SimulatedClock) -> World:
    clock.set(T0)
    return World(engine, clock)


def test_signing_conditionally_continues_iza_conditionally(world: World) -> None:
    assert world.status("AZWA") == "conditionally signed"
    assert world.status("IZA") == "conditionally signed"


def test_ratify_makes_the_signature_definitive_and_continues_iza(world: World) -> None:
    rid = world.schedule()
    world.vote(yes=8, no=2)
    world.close()
    assert world.app.ratifications.get_ratification(rid)["advice"] == "positive"
    world.app.ratifications.decide_ratification(
        rid, decision=Decision.RATIFY, rationale="", actor=BOARD, reason="r"
    )
    world.e.catch_up()
    assert world.status("AZWA") == "definitive"
    assert world.status("IZA") == "definitive"
    assert world.app.signings.get_signing(world.signing)["state"] == "definitive"


def test_departing_from_the_advice_needs_a_rationale_and_withdraws(world: World) -> None:
    rid = world.schedule()
    world.vote(yes=8, no=2)
    world.close()
    with pytest.raises(InvalidInputError, match="rationale"):
        world.app.ratifications.decide_ratification(
            rid, decision=Decision.REJECT, rationale="", actor=BOARD, reason="r"
        )
    world.app.ratifications.decide_ratification(
        rid, decision=Decision.REJECT, rationale="financiering onzeker", actor=BOARD, reason="r"
    )
    world.e.catch_up()
    assert world.status("AZWA") == "withdrawn"
    assert world.status("IZA") == "withdrawn"


def test_a_ratification_scheduled_after_the_close_gets_the_advice_at_once(world: World) -> None:
    world.vote(yes=1, no=5)
    world.close()
    rid = world.schedule()
    assert world.app.ratifications.get_ratification(rid)["advice"] == "negative"
    world.app.ratifications.decide_ratification(
        rid, decision=Decision.REJECT, rationale="", actor=BOARD, reason="r"
    )
    world.e.catch_up()
    assert world.status("AZWA") == "withdrawn"


def test_the_board_cannot_decide_before_the_consultation_closed(world: World) -> None:
    rid = world.schedule()
    with pytest.raises(RatificationStateError, match="has not closed"):
        world.app.ratifications.decide_ratification(
            rid, decision=Decision.RATIFY, rationale="", actor=BOARD, reason="r"
        )


@pytest.mark.parametrize(("outcome", "expected"), [(True, "definitive"), (False, "withdrawn")])
def test_a_referral_puts_it_on_the_alv_agenda_and_the_alv_vote_decides(
    world: World, outcome: bool, expected: str
) -> None:
    rid = world.schedule()
    world.vote(yes=6, no=4)
    world.close()
    alv = world.app.assemblies.convene_assembly(
        title="Najaars-ALV",
        held_on=world.clock.now() + timedelta(days=10),
        actor=OFFICER,
        reason="r",
    )
    world.app.ratifications.decide_ratification(
        rid,
        decision=Decision.REFER,
        rationale="laat de leden beslissen",
        actor=BOARD,
        reason="r",
        assembly_id=alv,
    )
    world.e.catch_up()
    [item] = world.app.assemblies.get_assembly(alv)["items"]
    assert item["kind"] == "ratification" and item["subject_id"] == str(rid)
    assert world.status("AZWA") == "conditionally signed"  # the referral alone changes nothing
    world.clock.advance(timedelta(days=10))
    world.app.assemblies.record_item_vote(
        alv,
        number=item["number"],
        result=WeightedResult.published("71.2" if outcome else "38.5"),
        actor=OFFICER,
        reason="ALV",
    )
    world.e.catch_up()
    assert world.status("AZWA") == expected
    assert world.app.ratifications.get_ratification(rid)["outcome"] == (
        "ratified" if outcome else "rejected"
    )


def test_a_resolution_adopted_at_the_alv_suspends_until_all_conditions_are_met(
    world: World,
) -> None:
    alv = world.app.assemblies.convene_assembly(
        title="ALV", held_on=world.clock.now(), actor=OFFICER, reason="r"
    )
    rid = world.app.resolutions.table_resolution(
        kind=ResolutionKind.RESOLUTION,
        title="Stop",
        text="",
        tabled_by="leden",
        conditions=["gelijkwaardigheid", "financiering"],
        suspends=[("VNG", "IZA")],
        actor=OFFICER,
        reason="r",
        assembly_id=alv,
    )
    world.clock.advance(timedelta(hours=1))
    world.app.assemblies.record_item_vote(
        alv, number=1, result=WeightedResult.published("93.4"), actor=OFFICER, reason="ALV"
    )
    world.e.catch_up()
    assert world.app.resolutions.get_resolution(rid)["outcome"] == "adopted"
    assert world.status("IZA") == "participation suspended"
    world.app.resolutions.meet_condition(
        rid, number=1, evidence="akkoord", actor=OFFICER, reason="r"
    )
    world.e.catch_up()
    assert world.status("IZA") == "participation suspended"
    world.app.resolutions.meet_condition(
        rid, number=2, evidence="middelen", actor=OFFICER, reason="r"
    )
    world.e.catch_up()
    assert world.status("IZA") == "resumed"


def test_a_refused_reaction_is_recorded_and_the_log_goes_on(world: World) -> None:
    world.app.agreements.register_agreement(
        code="HLO",
        name="HLO",
        full_name="Hoofdlijnenakkoord",
        term="",
        signing_parties=["VNG"],
        involved_parties=[],
        relations=[],
        actor=OFFICER,
        reason="r",
    )
    world.app.agreements.change_party_status(
        "HLO", parties=["VNG"], status=PartyStatus.WITHDRAWN, actor=OFFICER, reason="r"
    )
    world.app.signings.sign_conditionally(
        party="VNG", agreement="HLO", conditions=["c"], actor=OFFICER, reason="r"
    )
    world.e.catch_up()
    failed = [
        world.app.mapper.to_domain_event(n)
        for n in world.app.notifications(
            topics=["domain.workflow_instance:WorkflowInstance.StepFailed"]
        )
    ]
    assert len(failed) == 1 and "cannot go from withdrawn" in failed[0].error
    assert world.status("HLO") == "withdrawn"


def _reactions(app: Governance) -> int:
    return sum(1 for _ in app.notifications(topics=[CHANGED]))


def test_reactions_happen_once_across_processes_and_restarts(store_dir: Path, world: World) -> None:
    rid = world.schedule()
    world.vote(yes=8, no=2)
    # Write the close and the decision without letting any workflow react yet.
    world.clock.set(world.closes)
    world.app.deadlines.fire_deadline("consultation closes", world.consultation)
    world.app.run_workflows()
    world.app.ratifications.decide_ratification(
        rid, decision=Decision.RATIFY, rationale="", actor=BOARD, reason="r"
    )
    before = _reactions(world.app)
    engines = [build(Settings(store_dir)) for _ in range(3)]
    threads = [threading.Thread(target=e.app.run_workflows) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.close()
    assert _reactions(world.app) == before + 2  # AZWA and IZA definitive, once each
    head = world.app.head()
    assert world.app.run_workflows() == 0
    with build(Settings(store_dir)) as again:  # a restart resumes where it stopped
        assert again.app.run_workflows() == 0
    assert world.app.head() == head
