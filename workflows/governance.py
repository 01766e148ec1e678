"""The assembled service layer: one application with the commands and queries of every process."""

from __future__ import annotations

from workflows.agreements import AgreementService
from workflows.assemblies import AssemblyService
from workflows.deadlines import DeadlineService
from workflows.funding import FundingService
from workflows.history import HistoryService
from workflows.monitoring import MonitoringService
from workflows.process_managers import ProcessManagers
from workflows.ratifications import RatificationService
from workflows.regions import RegionService
from workflows.resolutions import ResolutionService
from workflows.signings import SigningService
from workflows.udo import ImplementationTestService


class Governance(
    DeadlineService,
    AgreementService,
    ResolutionService,
    ImplementationTestService,
    SigningService,
    RatificationService,
    AssemblyService,
    HistoryService,
    RegionService,
    FundingService,
    MonitoringService,
    ProcessManagers,
):
    """All of akkoord's commands and queries over the one event log."""
