"""Specific grants (SPUK IZA, SPUK GALA): the rule per year and the allocations per region.

Amounts are whole euro cents, never floats. What a region is entitled to follows from the
allocation, the year's rule and, for a rule that depends on participation, where the named party
stands in the named agreement at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.agreement import PartyStatus
from domain.errors import InvalidInputError, NotFoundError
from domain.ids import natural_id
from domain.messages import N_
from domain.money import whole_cents
from domain.rules import agreement_code, party_name, require_reason, require_text


class UnknownSchemeError(NotFoundError):
    code = "unknown_scheme"


class RuleKind(StrEnum):
    CONTINUES = "continues"
    DEPENDS = "depends on participation"


def scheme_id(code: str) -> UUID:
    return natural_id("grant-scheme", code.strip().upper())


@dataclass(frozen=True)
class YearRule:
    year: int
    kind: RuleKind
    cut_pct: int
    agreement: str
    party: str
    keeps_on: tuple[str, ...]
    note: str

    def apply(self, allocation_cents: int) -> int:
        """The allocation after the generic cut, rounded down to whole cents."""
        return allocation_cents * (100 - self.cut_pct) // 100


class GrantScheme(GovernanceAggregate):
    class Registered(Aggregate.Created):
        code: str
        name: str
        actor: str
        reason: str
        at: datetime

    class RuleSet(Aggregate.Event):
        year: int
        kind: str
        cut_pct: int
        agreement: str
        party: str
        keeps_on: list[str]
        note: str
        actor: str
        reason: str
        at: datetime

    class Allocated(Aggregate.Event):
        region: str
        year: int
        amount_cents: int
        reference: str
        actor: str
        reason: str
        at: datetime

    class Excluded(Aggregate.Event):
        """Money outside the scheme, named with its amount (SPUK GALA excludes the sport
        agreement and BRC: EUR 87 mln in 2026, EUR 78 mln from 2027)."""

        part: str
        year: int
        onwards: bool
        amount_cents: int
        actor: str
        reason: str
        at: datetime

    code: str
    name: str
    rules: dict[str, dict[str, Any]]
    allocations: dict[str, int]
    exclusions: dict[str, dict[str, Any]]  # absent on schemes from before it: see excluded()

    @staticmethod
    def create_id(code: str) -> UUID:
        return scheme_id(code)

    @classmethod
    def register(
        cls, *, code: str, name: str, actor: str, reason: str, at: datetime
    ) -> GrantScheme:
        return cls(
            code=require_text(code, "the code", 40).upper(),
            name=require_text(name, "the name", 200),
            actor=actor,
            reason=require_reason(reason, "register a grant scheme"),
            at=at,
        )

    @event(Registered)
    def __init__(self, code: str, name: str, actor: str, reason: str, at: datetime) -> None:
        self.code = code
        self.name = name
        self.rules = {}
        self.allocations = {}

    def set_rule(
        self,
        *,
        year: int,
        kind: RuleKind,
        cut_pct: int,
        actor: str,
        reason: str,
        at: datetime,
        agreement: str = "",
        party: str = "",
        keeps_on: list[PartyStatus] | None = None,
        note: str = "",
    ) -> None:
        if not 2000 <= year <= 2100:
            raise InvalidInputError(N_("implausible year %(year)s", year=year))
        if isinstance(cut_pct, bool) or not 0 <= cut_pct <= 100:
            raise InvalidInputError(N_("a cut is a whole percentage between 0 and 100"))
        if kind is RuleKind.DEPENDS and not (agreement and party and keeps_on):
            raise InvalidInputError(
                N_(
                    "a rule that depends on participation names the agreement, "
                    "the party and the statuses that keep the grant"
                )
            )
        self._rule_set(
            year=year,
            kind=kind.value,
            cut_pct=cut_pct,
            agreement=agreement_code(agreement) if agreement else "",
            party=party_name(party) if party else "",
            keeps_on=[s.value for s in keeps_on or []],
            note=note.strip(),
            actor=actor,
            reason=require_reason(reason, "set a funding rule"),
            at=at,
        )

    def allocate(
        self,
        *,
        region: str,
        year: int,
        amount_cents: int,
        reference: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        if not 2000 <= year <= 2100:
            raise InvalidInputError(N_("implausible year %(year)s", year=year))
        self._allocated(
            region=require_text(region, "the region", 80),
            year=year,
            amount_cents=whole_cents(amount_cents),
            reference=require_text(reference, "the reference", 200),
            actor=actor,
            reason=require_reason(reason, "record an allocation"),
            at=at,
        )

    def exclude(
        self,
        *,
        part: str,
        year: int,
        amount_cents: int,
        actor: str,
        reason: str,
        at: datetime,
        onwards: bool = False,
    ) -> None:
        """Record what the scheme does not cover in `year` (and later ones if `onwards`)."""
        if not 2000 <= year <= 2100:
            raise InvalidInputError(N_("implausible year %(year)s", year=year))
        self._excluded(
            part=require_text(part, "what is excluded", 200),
            year=year,
            onwards=bool(onwards),
            amount_cents=whole_cents(amount_cents),
            actor=actor,
            reason=require_reason(reason, "record an exclusion"),
            at=at,
        )

    @event(RuleSet)
    def _rule_set(
        self,
        year: int,
        kind: str,
        cut_pct: int,
        agreement: str,
        party: str,
        keeps_on: list[str],
        note: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.rules[str(year)] = {
            "kind": kind,
            "cut_pct": cut_pct,
            "agreement": agreement,
            "party": party,
            "keeps_on": keeps_on,
            "note": note,
        }

    @event(Allocated)
    def _allocated(
        self,
        region: str,
        year: int,
        amount_cents: int,
        reference: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.allocations[f"{region}:{year}"] = amount_cents

    @event(Excluded)
    def _excluded(
        self,
        part: str,
        year: int,
        onwards: bool,
        amount_cents: int,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        # A new dict, and read with a default: schemes saved before exclusions existed have none.
        self.exclusions = {
            **self.excluded(),
            f"{year}{'+' if onwards else ''}": {"part": part, "amount_cents": amount_cents},
        }

    def excluded(self) -> dict[str, dict[str, Any]]:
        """Year ("2026", or "2027+" for that year onwards) -> what is excluded and how much."""
        return dict(getattr(self, "exclusions", {}))

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "code": self.code,
            "name": self.name,
            "rules": dict(sorted(self.rules.items())),
            "allocations": dict(sorted(self.allocations.items())),
            "excluded": dict(sorted(self.excluded().items())),
        }
