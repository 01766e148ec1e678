"""The assembled service layer: one application, and a service per process that runs on it.

Composition rather than mixins: each process's commands and queries live in one service class
(`app.consultations.cast_ballot`, `app.ratifications.decide_ratification`), and a service that
needs another process is handed that service here, so the only links between processes are the
constructor arguments below. The application itself keeps what is shared: the one event log,
its repository and clock, and the process managers that react to its events.
"""

from __future__ import annotations

from eventsourcing.utils import EnvType

from workflows.agreements import AgreementService
from workflows.assemblies import AssemblyService
from workflows.clock import Clock
from workflows.consultations import ConsultationService
from workflows.deadlines import DeadlineService
from workflows.funding import FundingService
from workflows.history import HistoryService
from workflows.members import MemberService
from workflows.monitoring import MonitoringService
from workflows.process_managers import ProcessManagers
from workflows.ratifications import RatificationService
from workflows.regions import RegionService
from workflows.resolutions import ResolutionService
from workflows.signings import SigningService
from workflows.udo import ImplementationTestService


class Governance(ProcessManagers):
    """All of akkoord's processes over the one event log."""

    def __init__(self, env: EnvType | None = None, clock: Clock | None = None) -> None:
        super().__init__(env, clock)
        self.members = MemberService(self)
        self.agreements = AgreementService(self)
        self.resolutions = ResolutionService(self)
        self.udos = ImplementationTestService(self)
        self.signings = SigningService(self)
        self.consultations = ConsultationService(self, members=self.members)
        self.ratifications = RatificationService(self)
        self.assemblies = AssemblyService(self, members=self.members)
        self.regions = RegionService(self)
        self.funding = FundingService(self)
        self.monitoring = MonitoringService(self)
        self.deadlines = DeadlineService(self, consultations=self.consultations)
        self.history = HistoryService(self)
