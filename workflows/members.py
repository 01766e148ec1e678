"""Commands and queries on the association's members (municipalities)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain import register
from domain.actor import Actor, Role
from domain.errors import InvalidInputError, UnknownMemberError
from domain.member import Member, MemberFacts, member_id
from domain.messages import N_
from domain.rules import require_aware, require_reason
from workflows.base import CONFLICT_RETRIES, ConcurrentChangeError, ProcessService

MEMBER_REGISTERED = get_topic(Member.Registered)
MEMBER_ESTABLISHED = get_topic(Member.Established)
# Every way a member comes into the register: loaded from a file, or established as a successor.
MEMBER_CREATED = (MEMBER_REGISTERED, MEMBER_ESTABLISHED)


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def events_written(self) -> bool:
        return bool(self.added or self.updated)

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged}


class MemberService(ProcessService):
    def load_members(self, facts: list[MemberFacts], *, actor: Actor, reason: str) -> LoadReport:
        """Register new members and update changed ones, all in one transaction.

        Loading the same facts twice writes nothing: only differences become events.
        """
        actor.require(Role.OFFICER, doing="load members")
        duplicates = [code for code, n in Counter(f.code for f in facts).items() if n > 1]
        if duplicates:
            raise InvalidInputError(
                N_(
                    "duplicate municipality codes: %(duplicates)s",
                    duplicates=", ".join(sorted(duplicates)),
                )
            )
        if not reason.strip():
            raise InvalidInputError(N_("give a reason to load members"))
        now = self.clock.now()
        report = LoadReport()
        changed: list[Member] = []
        # The register in one read (a get per line of the file cost a query each).
        known = {m.id: m for m in self._all_members()}
        for fact in facts:
            existing = known.get(member_id(fact.code))
            if existing is None:
                changed.append(Member.register(fact, actor=str(actor), reason=reason, at=now))
                report.added.append(fact.code)
            elif existing.update(fact, actor=str(actor), reason=reason, at=now):
                changed.append(existing)
                report.updated.append(fact.code)
            else:
                report.unchanged += 1
        if changed:
            self.save(*changed)
        return report

    def _find_member(self, code: str) -> Member | None:
        try:
            return self._load(Member, member_id(code), UnknownMemberError(code))
        except UnknownMemberError:
            return None

    def get_member(self, code: str) -> dict[str, Any]:
        member = self._load(
            Member, member_id(code), UnknownMemberError(N_("unknown member %(code)s", code=code))
        )
        return member.summary()

    def list_members(
        self, as_of: datetime | None = None, *, everyone: bool = False
    ) -> list[dict[str, Any]]:
        """The register at `as_of` (default: now), or with `everyone` every member ever
        registered, ended ones and ones that begin later too."""
        members = list(self._all_members())
        if not everyone:
            members = register.register_as_of(members, as_of or self.clock.now())
        return sorted((m.summary() for m in members), key=lambda m: str(m["code"]))

    def _all_members(self) -> list[Member]:
        return self.app.many_small(Member, MEMBER_CREATED)

    def members_for_year(
        self, year: int, as_of: datetime | None = None
    ) -> list[tuple[str, str, str, int]]:
        """(code, name, province, inhabitants in `year`) of every member in the register at
        `as_of` (default: now), by the population rules of `register.population_for`;
        refuses gaps."""
        moment = as_of or self.clock.now()
        require_aware(moment, "the moment of the register")
        everyone = self._all_members()
        by_code = {m.code: m for m in everyone}
        rows: list[tuple[str, str, str, int]] = []
        missing: list[str] = []
        for member in register.register_as_of(everyone, moment):
            inhabitants = register.population_for(member, year, by_code, moment)
            if inhabitants is None:
                missing.append(member.code)
            else:
                rows.append((member.code, member.name, member.province, inhabitants))
        if missing:
            raise InvalidInputError(
                N_(
                    "%(n_missing)s members have no population for %(year)s "
                    "(first: %(first)s); load figures for %(year)s or pick another year",
                    n_missing=len(missing),
                    year=year,
                    first=sorted(missing)[0],
                )
            )
        return rows

    def load_populations(
        self, facts: list[MemberFacts], *, year: int, actor: Actor, reason: str
    ) -> LoadReport:
        """Record the inhabitants of reference `year` for members already in the register,
        ended ones too; names, provinces and the register's history stay as they are."""
        actor.require(Role.OFFICER, doing="load populations")
        reason = require_reason(reason, "load populations")
        duplicates = [code for code, n in Counter(f.code for f in facts).items() if n > 1]
        if duplicates:
            raise InvalidInputError(
                N_(
                    "duplicate municipality codes: %(duplicates)s",
                    duplicates=", ".join(sorted(duplicates)),
                )
            )
        other_years = sorted({f.year for f in facts} - {year})
        if other_years:
            first = next(f for f in facts if f.year != year)
            raise InvalidInputError(
                N_(
                    "%(first)s has figures for %(its_year)s, not %(year)s: a population file "
                    "holds one reference year",
                    first=first.code,
                    its_year=first.year,
                    year=year,
                )
            )
        now = self.clock.now()
        report = LoadReport()
        changed: list[Member] = []
        unknown: list[str] = []
        known = {m.id: m for m in self._all_members()}
        for fact in facts:
            member = known.get(member_id(fact.code))
            if member is None:
                unknown.append(fact.code)
            elif member.population(year) == fact.inhabitants:
                report.unchanged += 1
            else:
                member.record_population(
                    year=year, inhabitants=fact.inhabitants, actor=str(actor), reason=reason, at=now
                )
                changed.append(member)
                report.updated.append(fact.code)
        if unknown:
            raise UnknownMemberError(
                N_(
                    "%(n_unknown)s codes are not in the register (first: %(first)s); "
                    "register them first (members load without --year, or merge, split, rename)",
                    n_unknown=len(unknown),
                    first=sorted(unknown)[0],
                )
            )
        if changed:
            self.save(*changed)
        return report

    def merge_members(
        self,
        *,
        predecessors: list[str],
        successor: str,
        effective: datetime,
        actor: Actor,
        reason: str,
        name: str = "",
        province: str = "",
    ) -> dict[str, Any]:
        """The predecessors end on `effective`, merged into `successor` (see `register.merge`)."""
        actor.require(Role.OFFICER, doing="record a merger")
        return self._succession(
            [*predecessors, successor],
            effective,
            actor,
            reason,
            lambda found, change: register.merge(
                found,
                predecessors=predecessors,
                successor=successor,
                name=name,
                province=province,
                change=change,
            ),
        )

    def split_member(
        self,
        *,
        predecessor: str,
        successors: list[str],
        effective: datetime,
        actor: Actor,
        reason: str,
        names: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        actor.require(Role.OFFICER, doing="record a split")
        return self._succession(
            [predecessor, *successors],
            effective,
            actor,
            reason,
            lambda found, change: register.split(
                found,
                predecessor=predecessor,
                successors=successors,
                names=names or {},
                change=change,
            ),
        )

    def rename_member(
        self,
        *,
        code: str,
        successor: str,
        name: str,
        effective: datetime,
        actor: Actor,
        reason: str,
        province: str = "",
    ) -> dict[str, Any]:
        actor.require(Role.OFFICER, doing="record a rename")
        return self._succession(
            [code, successor],
            effective,
            actor,
            reason,
            lambda found, change: register.rename(
                found,
                code=code,
                successor=successor,
                name=name,
                province=province,
                change=change,
            ),
        )

    def _succession(
        self,
        codes: list[str],
        effective: datetime,
        actor: Actor,
        reason: str,
        apply: Callable[[Mapping[str, Member | None], register.Change], list[Member]],
    ) -> dict[str, Any]:
        """Load every member named, let the register change them all, save them in one go."""
        change = register.Change(
            effective=effective, actor=str(actor), reason=reason, at=self.clock.now()
        )
        for _ in range(CONFLICT_RETRIES):
            found = {
                c.strip().upper(): self._find_member(c.strip().upper())
                for c in codes
                if register.well_formed(c)
            }
            changed = apply(found, change)
            try:
                self.save(*changed)
            except IntegrityError:
                continue
            return {"effective": effective.isoformat(), "members": [m.summary() for m in changed]}
        raise ConcurrentChangeError(
            N_(
                "members %(codes)s were changed by someone else at the same "
                "moment; look at them again and retry",
                codes=", ".join(sorted(set(codes))),
            )
        )
