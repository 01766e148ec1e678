"""Commands and queries on specific grants (SPUK) and their allocations."""

from __future__ import annotations

from typing import Any

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.agreement import PartyStatus
from domain.errors import ConflictError
from domain.funding import GrantScheme, RuleKind, UnknownSchemeError, scheme_id
from domain.messages import N_
from domain.region import Region, region_id
from workflows.base import ProcessService
from workflows.regions import unknown_region

SCHEME_REGISTERED = get_topic(GrantScheme.Registered)


def unknown_scheme(code: str) -> UnknownSchemeError:
    return UnknownSchemeError(N_("unknown grant scheme %(code)r", code=code))


class FundingService(ProcessService):
    def register_scheme(self, *, code: str, name: str, actor: Actor, reason: str) -> str:
        actor.require(Role.OFFICER, doing="register a grant scheme")
        scheme = GrantScheme.register(
            code=code, name=name, actor=str(actor), reason=reason, at=self.clock.now()
        )
        if self._find(GrantScheme, scheme.id) is not None:
            raise ConflictError(
                N_("grant scheme %(scheme)s is registered already", scheme=scheme.code)
            )
        self.save(scheme)
        return scheme.code

    def set_funding_rule(
        self,
        code: str,
        *,
        year: int,
        kind: RuleKind,
        cut_pct: int,
        actor: Actor,
        reason: str,
        agreement: str = "",
        party: str = "",
        keeps_on: list[PartyStatus] | None = None,
        note: str = "",
    ) -> None:
        actor.require(Role.OFFICER, doing="set a funding rule")
        now = self.clock.now()
        self._change(
            GrantScheme,
            scheme_id(code),
            unknown_scheme(code),
            lambda g: g.set_rule(
                year=year,
                kind=kind,
                cut_pct=cut_pct,
                actor=str(actor),
                reason=reason,
                at=now,
                agreement=agreement,
                party=party,
                keeps_on=keeps_on,
                note=note,
            ),
        )

    def allocate(
        self,
        code: str,
        *,
        region: str,
        year: int,
        amount_cents: int,
        reference: str,
        actor: Actor,
        reason: str,
    ) -> None:
        actor.require(Role.OFFICER, doing="record an allocation")
        known = self._load(Region, region_id(region), unknown_region(region))
        now = self.clock.now()
        self._change(
            GrantScheme,
            scheme_id(code),
            unknown_scheme(code),
            lambda g: g.allocate(
                region=known.name,
                year=year,
                amount_cents=amount_cents,
                reference=reference,
                actor=str(actor),
                reason=reason,
                at=now,
            ),
        )

    def exclude_from_scheme(
        self,
        code: str,
        *,
        part: str,
        year: int,
        amount_cents: int,
        actor: Actor,
        reason: str,
        onwards: bool = False,
    ) -> None:
        """Record money outside the scheme: what, from which year, how much."""
        actor.require(Role.OFFICER, doing="record an exclusion")
        now = self.clock.now()
        self._change(
            GrantScheme,
            scheme_id(code),
            unknown_scheme(code),
            lambda g: g.exclude(
                part=part,
                year=year,
                amount_cents=amount_cents,
                onwards=onwards,
                actor=str(actor),
                reason=reason,
                at=now,
            ),
        )

    def get_scheme(self, code: str) -> dict[str, Any]:
        return self._load(GrantScheme, scheme_id(code), unknown_scheme(code)).summary()

    def list_schemes(self) -> list[dict[str, Any]]:
        return [g.summary() for g in self.aggregates_of(GrantScheme, SCHEME_REGISTERED)]
