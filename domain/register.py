"""The register of members through time: who is a member at a moment, what a member's
population is for a reference year, and the changes that involve several members at once
(a merger, a split, a rename), checked as a whole before any member changes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.actor import MEMBER_CODE
from domain.errors import InvalidInputError, UnknownMemberError
from domain.member import MERGED, RENAMED, SPLIT, Member
from domain.messages import N_
from domain.rules import require_aware, require_reason


def register_as_of(members: Iterable[Member], moment: datetime) -> list[Member]:
    """The members at `moment`: begun at or before it, not ended at or before it."""
    require_aware(moment, "the moment of the register")
    return sorted((m for m in members if m.in_register(moment)), key=lambda m: m.code)


def population_for(
    member: Member, year: int, by_code: Mapping[str, Member], moment: datetime
) -> int | None:
    """The inhabitants that count for `member` in reference `year`, in the register at `moment`
    (None: not known). `by_code` holds every member, ended ones too.

    1. The member's own figure for the year counts.
    2. A member that began by a merger or a rename and has no figure of its own (the year's
       file predates it) counts the sum of its predecessors' figures, by these same rules.
    3. A surviving code (Amsterdam after Weesp joined it) with a figure of its own adds the
       figure of each member it took in that has one for the year (by these rules): that file
       still listed them apart. Where the year's file lists the successor only, its figure
       already covers them and the absorbed member has none to add.
    4. A split's territory cannot be apportioned: a member that began by a split counts only
       a figure of its own, and one that took in part of a split territory counts its own.
    """
    return _population(member, year, by_code, moment, frozenset())


def _population(
    member: Member,
    year: int,
    by_code: Mapping[str, Member],
    moment: datetime,
    seen: frozenset[str],
) -> int | None:
    if member.code in seen:  # a cycle cannot be recorded, but a lookup must still end
        return None
    seen = seen | {member.code}
    own = member.population(year)
    total = own
    for succession in member.successions:
        if succession.effective > moment:  # recorded ahead: the others are still apart
            break
        others = [by_code[c] for c in succession.predecessors if c != member.code and c in by_code]
        if succession.begins:
            if own is not None or succession.how == SPLIT:
                continue
            figures = [_population(p, year, by_code, moment, seen) for p in others]
            if not others or any(f is None for f in figures):
                return None
            total = sum(f for f in figures if f is not None)
        elif succession.how == MERGED and total is not None:
            for p in others:
                figure = _population(p, year, by_code, moment, seen)
                total += figure or 0
    return total


@dataclass(frozen=True)
class Change:
    """Who acts, why and when, shared by every member a merger, split or rename touches."""

    effective: datetime
    actor: str
    reason: str
    at: datetime

    def __post_init__(self) -> None:
        require_aware(self.effective, "the effective date")
        require_reason(self.reason, "record a change in the register")


def well_formed(code: str) -> bool:
    return bool(MEMBER_CODE.match(code.strip().upper()))


def _codes(codes: Iterable[str], what: str) -> list[str]:
    cleaned = [c.strip().upper() for c in codes]
    for code in cleaned:
        if not MEMBER_CODE.match(code):
            raise InvalidInputError(
                N_(
                    "malformed municipality code %(code)r in %(what)s (want GMxxxx)",
                    code=code,
                    what=what,
                )
            )
    duplicates = sorted(c for c, n in Counter(cleaned).items() if n > 1)
    if duplicates:
        raise InvalidInputError(
            N_(
                "%(what)s names %(duplicates)s more than once",
                what=what,
                duplicates=", ".join(duplicates),
            )
        )
    return cleaned


def _existing(found: Mapping[str, Member | None], code: str, change: Change) -> Member:
    member = found.get(code)
    if member is None:
        raise UnknownMemberError(N_("unknown member %(code)s", code=code))
    member.refuse_if_ended()
    latest = member.last_change()
    if latest is not None and latest >= change.effective:
        raise InvalidInputError(
            N_(
                "%(member)s %(name)s changed on %(latest_day)s; a change effective "
                "%(effective_day)s must come after it",
                member=member.code,
                name=member.name,
                latest_day=latest.date(),
                effective_day=change.effective.date(),
            )
        )
    return member


def merge(
    found: Mapping[str, Member | None],
    *,
    predecessors: Iterable[str],
    successor: str,
    name: str,
    province: str,
    change: Change,
) -> list[Member]:
    """Predecessors end on the effective date, merged into `successor`.

    The successor is one of the predecessors (a surviving code: it continues and takes in the
    others), a code the register does not hold (it is established), or a code registered
    ahead of its start, e.g. from a newer CBS file (it begins on the effective date).
    """
    codes = _codes(predecessors, "the merger")
    into = _codes([successor], "the merger")[0]
    surviving = into in codes
    ending = [c for c in codes if c != into]
    if not ending or len(codes) < 2:
        raise InvalidInputError(
            N_(
                "a merger needs at least two municipalities: list each with --from "
                "(the surviving code too, if it stays)"
            )
        )
    olds = [_existing(found, c, change) for c in codes]
    first_province = olds[0].province
    if surviving:
        changed = _continue(found, into, name, ending, MERGED, change)
    else:
        common = {m.province for m in olds}
        chosen = province or (first_province if len(common) == 1 else "")
        if not chosen:
            raise InvalidInputError(
                N_(
                    "the merged municipalities lie in %(common)s: give --province",
                    common=", ".join(sorted(common)),
                )
            )
        changed = _begin(found, into, name, chosen, codes, MERGED, change)
    for old in olds:
        if old.code != into:
            old.end(
                effective=change.effective,
                how=MERGED,
                successors=[into],
                actor=change.actor,
                reason=change.reason,
                at=change.at,
            )
    return [*changed, *(m for m in olds if m.code != into)]


def split(
    found: Mapping[str, Member | None],
    *,
    predecessor: str,
    successors: Iterable[str],
    names: Mapping[str, str],
    change: Change,
) -> list[Member]:
    """`predecessor` ends, split among `successors`: registered ones continue with part of
    its territory (Haaren among Boxtel, Oisterwijk, Tilburg and Vught), new ones are
    established under the names given."""
    old_code = _codes([predecessor], "the split")[0]
    codes = _codes(successors, "the split")
    if old_code in codes:
        raise InvalidInputError(
            N_(
                "%(old_code)s cannot be its own successor in a split; list only the "
                "municipalities its territory goes to",
                old_code=old_code,
            )
        )
    if len(codes) < 2:
        raise InvalidInputError(N_("a split needs at least two successors (--into, repeated)"))
    unused = sorted(set(names) - set(codes))
    if unused:
        raise InvalidInputError(
            N_("a name is given for %(unused)s, which is no successor", unused=", ".join(unused))
        )
    old = _existing(found, old_code, change)
    changed: list[Member] = []
    for code in codes:
        if found.get(code) is None:
            if code not in names:
                raise InvalidInputError(
                    N_("%(code)s is not registered: give its name (--name %(code)s=…)", code=code)
                )
            changed += _begin(found, code, names[code], old.province, [old_code], SPLIT, change)
        else:
            changed += _continue(found, code, names.get(code, ""), [old_code], SPLIT, change)
    old.end(
        effective=change.effective,
        how=SPLIT,
        successors=codes,
        actor=change.actor,
        reason=change.reason,
        at=change.at,
    )
    return [*changed, old]


def rename(
    found: Mapping[str, Member | None],
    *,
    code: str,
    successor: str,
    name: str,
    province: str,
    change: Change,
) -> list[Member]:
    """A new name under a new CBS code: the old code ends, the new one begins on the effective
    date with the old territory (and, until it has figures of its own, the old population)."""
    old_code = _codes([code], "the rename")[0]
    new_code = _codes([successor], "the rename")[0]
    if old_code == new_code:
        raise InvalidInputError(
            N_(
                "a rename gives %(old_code)s a new CBS code (--into); to correct a name under "
                "the same code, load the corrected file",
                old_code=old_code,
            )
        )
    old = _existing(found, old_code, change)
    changed = _begin(found, new_code, name, province or old.province, [old_code], RENAMED, change)
    old.end(
        effective=change.effective,
        how=RENAMED,
        successors=[new_code],
        actor=change.actor,
        reason=change.reason,
        at=change.at,
    )
    return [*changed, old]


def _same_name(member: Member, name: str) -> None:
    if name and name.strip() != member.name:
        raise InvalidInputError(
            N_(
                "%(member)s is registered as %(name)r, not %(given)r; correct "
                "names by loading the corrected file",
                member=member.code,
                name=member.name,
                given=name.strip(),
            )
        )


def _begin(
    found: Mapping[str, Member | None],
    code: str,
    name: str,
    province: str,
    predecessors: list[str],
    how: str,
    change: Change,
) -> list[Member]:
    member = found.get(code)
    if member is None:
        if not name.strip():
            raise InvalidInputError(
                N_("%(code)s is not registered yet: give its name (--name)", code=code)
            )
        return [
            Member.establish(
                code=code,
                name=" ".join(name.split()),
                province=province,
                effective=change.effective,
                how=how,
                predecessors=predecessors,
                actor=change.actor,
                reason=change.reason,
                at=change.at,
            )
        ]
    _same_name(member, name)
    member.succeed(
        effective=change.effective,
        how=how,
        predecessors=predecessors,
        begins=True,
        actor=change.actor,
        reason=change.reason,
        at=change.at,
    )
    return [member]


def _continue(
    found: Mapping[str, Member | None],
    code: str,
    name: str,
    predecessors: list[str],
    how: str,
    change: Change,
) -> list[Member]:
    member = _existing(found, code, change)
    _same_name(member, name)
    member.succeed(
        effective=change.effective,
        how=how,
        predecessors=predecessors,
        begins=False,
        actor=change.actor,
        reason=change.reason,
        at=change.at,
    )
    return [member]
