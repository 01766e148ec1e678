"""The assembled service layer: one application, and a service per process that runs on it.

Composition rather than mixins: each process's commands and queries live in one service class
(`app.consultations.cast_ballot`, `app.ratifications.decide_ratification`), and a service that
needs another process is handed that service here, so the only links between processes are the
constructor arguments below. The application itself keeps what is shared: the one event log,
its repository and clock, and the process managers that react to its events.

Each service is made, and its module imported, the first time it is asked for: a command run
as a process of its own (`akkoord consultation cast`) then loads the one process it touches.
Defining a process's events is most of what importing it costs (the library makes a dataclass
of every event), and a cast needs the consultation's, not the ten other processes'.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from eventsourcing.utils import EnvType

from workflows.clock import Clock
from workflows.process_managers import ProcessManagers

if TYPE_CHECKING:
    from workflows.agreements import AgreementService
    from workflows.assemblies import AssemblyService
    from workflows.consultations import ConsultationService
    from workflows.deadlines import DeadlineService
    from workflows.funding import FundingService
    from workflows.history import HistoryService
    from workflows.members import MemberService
    from workflows.monitoring import MonitoringService
    from workflows.ratifications import RatificationService
    from workflows.regions import RegionService
    from workflows.resolutions import ResolutionService
    from workflows.signings import SigningService
    from workflows.udo import ImplementationTestService


class Governance(ProcessManagers):
    """All of akkoord's processes over the one event log."""

    def __init__(self, env: EnvType | None = None, clock: Clock | None = None) -> None:
        super().__init__(env, clock)

    # The services hold no state of their own (the application holds it), so two threads that
    # both make one on first use lose nothing by keeping either.

    @cached_property
    def members(self) -> MemberService:
        from workflows.members import MemberService

        return MemberService(self)

    @cached_property
    def agreements(self) -> AgreementService:
        from workflows.agreements import AgreementService

        return AgreementService(self)

    @cached_property
    def resolutions(self) -> ResolutionService:
        from workflows.resolutions import ResolutionService

        return ResolutionService(self)

    @cached_property
    def udos(self) -> ImplementationTestService:
        from workflows.udo import ImplementationTestService

        return ImplementationTestService(self)

    @cached_property
    def signings(self) -> SigningService:
        from workflows.signings import SigningService

        return SigningService(self)

    @cached_property
    def consultations(self) -> ConsultationService:
        from workflows.consultations import ConsultationService

        return ConsultationService(self, members=self.members)

    @cached_property
    def ratifications(self) -> RatificationService:
        from workflows.ratifications import RatificationService

        return RatificationService(self)

    @cached_property
    def assemblies(self) -> AssemblyService:
        from workflows.assemblies import AssemblyService

        return AssemblyService(self, members=self.members)

    @cached_property
    def regions(self) -> RegionService:
        from workflows.regions import RegionService

        return RegionService(self)

    @cached_property
    def funding(self) -> FundingService:
        from workflows.funding import FundingService

        return FundingService(self)

    @cached_property
    def monitoring(self) -> MonitoringService:
        from workflows.monitoring import MonitoringService

        return MonitoringService(self)

    @cached_property
    def deadlines(self) -> DeadlineService:
        from workflows.deadlines import DeadlineService

        return DeadlineService(self, consultations=self.consultations)

    @cached_property
    def history(self) -> HistoryService:
        from workflows.history import HistoryService

        return HistoryService(self)
