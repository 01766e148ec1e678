"""For any sequence of status changes, "as of T" from the temporal projection equals a replay."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.readmodels.queries import status_as_of
from domain.agreement import TRANSITIONS, PartyStatus, agreement_id
from domain.errors import DomainError
from tests.conftest import AMS, OFFICER
from workflows.clock import SimulatedClock
from workflows.history import UnknownAggregateError

PARTIES = ["VNG", "VWS", "ZN"]
T0 = datetime(2025, 1, 1, tzinfo=AMS)

changes = st.lists(
    st.tuples(
        st.sampled_from(PARTIES), st.sampled_from(list(PartyStatus)), st.integers(0, 5 * 86_400)
    ),
    max_size=25,
)


@given(changes=changes, probes=st.lists(st.integers(-86_400, 200 * 86_400), min_size=1, max_size=8))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_as_of_equals_replay_for_random_histories(tmp_path_factory, changes, probes) -> None:
    clock = SimulatedClock(T0)
    with build(Settings(tmp_path_factory.mktemp("s")), create=True, clock=clock) as e:
        e.app.agreements.register_agreement(
            code="AZWA",
            name="AZWA",
            full_name="Aanvullend",
            term="",
            signing_parties=PARTIES,
            involved_parties=[],
            relations=[],
            actor=OFFICER,
            reason="r",
        )
        for party, status, gap in changes:
            clock.advance(timedelta(seconds=gap))
            try:
                e.app.agreements.change_party_status(
                    "AZWA", parties=[party], status=status, actor=OFFICER, reason="r"
                )
            except DomainError:
                assert (
                    status
                    not in TRANSITIONS[
                        PartyStatus(e.app.agreements.get_agreement("AZWA")["parties"][party])
                    ]
                )
        e.catch_up()
        live = e.views.dump()
        for offset in probes:
            moment = T0 + timedelta(seconds=offset)
            projected = {r.party: r.status for r in status_as_of(e.views, moment, "AZWA")}
            try:
                replayed = e.app.history.of(agreement_id("AZWA"), as_of=moment)["state"]["statuses"]
            except UnknownAggregateError:
                replayed = {}
            assert projected == replayed
        e.rebuild()
        assert e.views.dump() == live
