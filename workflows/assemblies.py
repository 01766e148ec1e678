"""Commands and queries on the ALV (general members' meeting).

Attendance and proxies name members of the register on the ALV's date; their weights come from
the latest population year, not after the ALV's own year, for which that whole register has
figures (one vote per 1,000 inhabitants or part, 1..75). The first record fixes that year for
the ALV, so figures loaded during the meeting change no weight already counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.assembly_tally import AssemblyChoice
from domain.errors import InvalidInputError
from domain.general_assembly import (
    GeneralAssembly,
    ItemKind,
    NotInRegisterError,
    UnknownAssemblyError,
    member_code,
)
from domain.messages import N_
from domain.rules import WeightedResult
from domain.weights import WeightRule, vote_weight
from workflows.base import GovernanceBase, ProcessService
from workflows.members import MemberService

CONVENED = get_topic(GeneralAssembly.Convened)


def unknown_assembly(assembly_id: UUID) -> UnknownAssemblyError:
    return UnknownAssemblyError(N_("unknown ALV %(assembly_id)s", assembly_id=assembly_id))


class AssemblyService(ProcessService):
    def __init__(self, app: GovernanceBase, members: MemberService | None = None) -> None:
        super().__init__(app)
        # The one call into another process: the register and its populations.
        self.members = members or MemberService(app)

    def convene_assembly(
        self,
        *,
        title: str,
        held_on: datetime,
        actor: Actor,
        reason: str,
        proxy_limit: int | None = None,
    ) -> UUID:
        actor.require(Role.OFFICER, doing="convene an ALV")
        now = self.clock.now()
        assembly = GeneralAssembly.convene(
            title=title, held_on=held_on, actor=str(actor), reason=reason, at=now
        )
        if proxy_limit is not None:
            assembly.set_proxy_limit(proxy_limit, actor=str(actor), reason=reason, at=now)
        self.save(assembly)
        return assembly.id

    def reschedule_assembly(
        self, assembly_id: UUID, *, held_on: datetime, timezone: str, actor: Actor, reason: str
    ) -> None:
        actor.require(Role.OFFICER, doing="reschedule an ALV")
        now = self.clock.now()
        # No retry: a date someone else just moved is for a person to look at again.
        self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.reschedule(
                held_on=held_on, timezone=timezone, actor=str(actor), reason=reason, at=now
            ),
            retry=False,
        )

    def add_agenda_item(
        self,
        assembly_id: UUID,
        *,
        kind: ItemKind,
        title: str,
        actor: Actor,
        reason: str,
        subject_id: str = "",
    ) -> int:
        actor.require(Role.OFFICER, doing="add an agenda item")
        now = self.clock.now()
        return self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.add_item(
                kind=kind,
                title=title,
                subject_id=subject_id,
                actor=str(actor),
                reason=reason,
                at=now,
            ),
        )

    def record_item_vote(
        self, assembly_id: UUID, *, number: int, result: WeightedResult, actor: Actor, reason: str
    ) -> bool:
        actor.require(Role.OFFICER, doing="record an ALV vote")
        now = self.clock.now()
        return self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.decide_item(number, result, actor=str(actor), reason=reason, at=now),
        )

    def hold_assembly(self, assembly_id: UUID, *, actor: Actor, reason: str) -> None:
        actor.require(Role.OFFICER, doing="record an ALV as held")
        now = self.clock.now()
        self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.hold(actor=str(actor), reason=reason, at=now),
        )

    def close_assembly(self, assembly_id: UUID, *, actor: Actor, reason: str) -> bool:
        actor.require(Role.OFFICER, doing="close an ALV")
        now = self.clock.now()
        return self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.close(actor=str(actor), reason=reason, at=now),
        )

    # --- attendance, proxies and the members' own votes --------------------------------------

    def _weights(
        self, assembly: GeneralAssembly, codes: Sequence[str]
    ) -> tuple[int, dict[str, int]]:
        """(population year, weight of each of `codes`) for `assembly`; refuses a code that is
        not a member of the register on the ALV's date (unknown, not yet begun or ended)."""
        moment = assembly.held_on
        year = assembly.population_year
        rows: list[tuple[str, str, str, int]] | None = None
        if year is not None:
            rows = self.members.members_for_year(year, as_of=moment)
        else:
            register = self.members.list_members(as_of=moment)
            loaded = sorted(
                {int(y) for m in register for y in m["populations"] if int(y) <= moment.year},
                reverse=True,
            )
            for candidate in loaded:
                try:
                    rows = self.members.members_for_year(candidate, as_of=moment)
                except InvalidInputError:
                    continue  # a year with gaps: an earlier complete one counts
                year = candidate
                break
            if year is None or rows is None:
                raise InvalidInputError(
                    N_(
                        "no population year up to %(year)s covers the whole register on "
                        "%(day)s: load the members' population figures first",
                        year=moment.year,
                        day=moment.date(),
                    )
                )
        inhabitants = {code: people for code, _, _, people in rows}
        outside = [c for c in codes if c not in inhabitants]
        if outside:
            raise NotInRegisterError(
                N_(
                    "%(outside)s: not a member of the register on %(day)s "
                    "(unknown, or ended or not yet begun by then)",
                    outside=", ".join(outside),
                    day=moment.date(),
                )
            )
        rule = WeightRule(assembly.weight_rule)
        return year, {c: vote_weight(inhabitants[c], rule) for c in codes}

    def set_proxy_limit(self, assembly_id: UUID, *, limit: int, actor: Actor, reason: str) -> bool:
        actor.require(Role.OFFICER, doing="set the proxy limit of an ALV")
        now = self.clock.now()
        return self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.set_proxy_limit(limit, actor=str(actor), reason=reason, at=now),
        )

    def record_attendance(
        self, assembly_id: UUID, *, members: Sequence[str], actor: Actor, reason: str
    ) -> list[str]:
        """Record members as present; returns those who were not present already."""
        actor.require(Role.OFFICER, doing="record attendance at an ALV")
        codes = [member_code(m) for m in members]
        now = self.clock.now()

        def attend(a: GeneralAssembly) -> list[str]:
            year, weights = self._weights(a, sorted(set(codes)))
            return a.attend(
                members=codes,
                weights=weights,
                population_year=year,
                weight_rule=a.weight_rule,
                actor=str(actor),
                reason=reason,
                at=now,
            )

        return self._change(GeneralAssembly, assembly_id, unknown_assembly(assembly_id), attend)

    def record_leaving(self, assembly_id: UUID, *, member: str, actor: Actor, reason: str) -> None:
        actor.require(Role.OFFICER, doing="record a member leaving an ALV")
        now = self.clock.now()
        self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.leave(member, actor=str(actor), reason=reason, at=now),
        )

    def record_proxy(
        self, assembly_id: UUID, *, giver: str, holder: str, actor: Actor, reason: str
    ) -> None:
        actor.require(Role.OFFICER, doing="record a proxy at an ALV")
        codes = [member_code(giver, "member giving the proxy"), member_code(holder, "proxy holder")]
        now = self.clock.now()

        def give(a: GeneralAssembly) -> None:
            year, weights = self._weights(a, codes)
            a.give_proxy(
                giver=codes[0],
                holder=codes[1],
                weight=weights[codes[0]],
                population_year=year,
                weight_rule=a.weight_rule,
                actor=str(actor),
                reason=reason,
                at=now,
            )

        self._change(GeneralAssembly, assembly_id, unknown_assembly(assembly_id), give)

    def record_member_vote(
        self,
        assembly_id: UUID,
        *,
        number: int,
        member: str,
        choice: AssemblyChoice,
        actor: Actor,
        reason: str,
    ) -> bool:
        actor.require(Role.OFFICER, doing="record a member's vote at an ALV")
        now = self.clock.now()
        return self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.cast_vote(
                number, member=member, choice=choice, actor=str(actor), reason=reason, at=now
            ),
        )

    def count_item_votes(
        self, assembly_id: UUID, *, number: int, actor: Actor, reason: str
    ) -> dict[str, Any]:
        """Decide an item from its members' votes; returns the tally with the outcome."""
        actor.require(Role.OFFICER, doing="count the votes on an ALV item")
        now = self.clock.now()
        tally = self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.count_item(number, actor=str(actor), reason=reason, at=now),
        )
        return {
            "item": number,
            "outcome": "adopted" if tally.yes_weight > tally.no_weight else "rejected",
            **tally.as_dict(),
        }

    def get_assembly(self, assembly_id: UUID) -> dict[str, Any]:
        return self._load(GeneralAssembly, assembly_id, unknown_assembly(assembly_id)).summary()

    def list_assemblies(self) -> list[dict[str, Any]]:
        return [a.summary() for a in self.aggregates_of(GeneralAssembly, CONVENED)]
