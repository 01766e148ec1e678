"""For any history of status changes, votes and corrections: the status known at a recorded
moment K is what the status said at K, and known at now it is the plain "as of"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.readmodels.queries import status_known_at
from domain.agreement import PartyStatus
from domain.errors import DomainError
from domain.resolution import ResolutionKind
from domain.rules import WeightedResult
from projections.status import StatusRow
from tests.conftest import AMS, OFFICER
from workflows.clock import SimulatedClock

PARTIES = ["VNG", "VWS", "ZN"]
T0 = datetime(2024, 11, 1, tzinfo=AMS)
PCTS = ["12", "40", "51", "60.5", "93.4", "94.3"]

ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("status"),
            st.sampled_from(PARTIES),
            st.sampled_from(list(PartyStatus)),
            st.integers(0, 5 * 86_400),
        ),
        st.tuples(st.just("decide"), st.sampled_from(PCTS), st.integers(0, 86_400)),
        st.tuples(st.just("correct"), st.sampled_from(PCTS), st.integers(0, 86_400)),
    ),
    max_size=12,
)
probes = st.lists(st.integers(-86_400, 60 * 86_400), min_size=1, max_size=5)


@given(ops=ops, probes=probes)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_known_at_reproduces_what_the_status_said_then(tmp_path_factory, ops, probes) -> None:
    clock = SimulatedClock(T0)
    moments = [T0 + timedelta(seconds=p) for p in probes]
    with build(Settings(tmp_path_factory.mktemp("s")), create=True, clock=clock) as e:

        def answers(known_at: datetime | None) -> list[list[StatusRow]]:
            return [status_known_at(e.app, e.views, t, known_at) for t in moments]

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
        rid = e.app.resolutions.table_resolution(
            kind=ResolutionKind.RESOLUTION,
            title="Stop",
            text="",
            tabled_by="bestuur",
            conditions=["Gelijkwaardigheid"],
            suspends=[("VNG", "AZWA")],
            actor=OFFICER,
            reason="r",
        )
        e.catch_up()
        said: list[tuple[datetime, list[list[StatusRow]]]] = []
        for op in ops:
            clock.advance(timedelta(seconds=op[-1]))
            try:
                if op[0] == "status":
                    e.app.agreements.change_party_status(
                        "AZWA", parties=[op[1]], status=op[2], actor=OFFICER, reason="r"
                    )
                elif op[0] == "decide":
                    e.app.resolutions.decide_resolution(
                        rid, result=WeightedResult.published(op[1]), actor=OFFICER, reason="r"
                    )
                else:
                    e.app.resolutions.correct_decision(
                        rid, yes_pct=op[1], actor=OFFICER, reason="typefout"
                    )
            except DomainError:
                pass
            e.catch_up()
            said.append((datetime.now(UTC), answers(None)))
        for known_at, then in said:
            assert answers(known_at) == then
        assert answers(datetime.now(UTC)) == answers(None)
