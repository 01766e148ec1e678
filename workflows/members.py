"""Commands and queries on the association's members (municipalities)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.errors import InvalidInputError, UnknownMemberError
from domain.member import Member, MemberFacts, member_id
from workflows.base import ProcessService

MEMBER_REGISTERED = get_topic(Member.Registered)


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
                f"duplicate municipality codes: {', '.join(sorted(duplicates))}"
            )
        if not reason.strip():
            raise InvalidInputError("give a reason to load members")
        now = self.clock.now()
        report = LoadReport()
        changed: list[Member] = []
        for fact in facts:
            existing = self._find_member(fact.code)
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
        member = self._load(Member, member_id(code), UnknownMemberError(f"unknown member {code}"))
        return member.summary()

    def list_members(self) -> list[dict[str, Any]]:
        members = [m.summary() for m in self.aggregates_of(Member, MEMBER_REGISTERED)]
        return sorted(members, key=lambda m: str(m["code"]))

    def members_for_year(self, year: int) -> list[tuple[str, str, str, int]]:
        """(code, name, province, inhabitants in `year`) of every member; refuses gaps."""
        rows: list[tuple[str, str, str, int]] = []
        missing: list[str] = []
        for member in self.aggregates_of(Member, MEMBER_REGISTERED):
            inhabitants = member.population(year)
            if inhabitants is None:
                missing.append(member.code)
            else:
                rows.append((member.code, member.name, member.province, inhabitants))
        if missing:
            raise InvalidInputError(
                f"{len(missing)} members have no population for {year} "
                f"(first: {sorted(missing)[0]}); load figures for {year} or pick another year"
            )
        return rows
