"""The ALV (algemene ledenvergadering): its agenda and the binding weighted votes on each item.

Its date may move until it meets (or votes); the "ALV meets" deadline moves with it.

An item's result is recorded in one of two forms: the totals a meeting published (`decide_item`),
or derived from the members' own votes (`cast_vote`, then `count_item`). For the second the ALV
keeps a register of the members present, with each one's weight snapshotted from the population
year the first record fixed, and the proxies between members (at most `proxy_limit` per holder).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.actor import MEMBER_CODE
from domain.aggregate import GovernanceAggregate
from domain.assembly_tally import AssemblyChoice, ItemTally, count
from domain.errors import (
    ConflictError,
    DomainError,
    InvalidDeadlineError,
    InvalidInputError,
    NotFoundError,
)
from domain.messages import N_
from domain.rules import WeightedResult, require_aware, require_reason, require_text
from domain.weights import MAX_VOTES, MIN_VOTES, WeightRule

# Proxies one member may hold when the ALV sets no limit of its own: the common rule of Dutch
# association statutes (a member may act for one other member). The letters say nothing.
DEFAULT_PROXY_LIMIT = 1
MAX_PROXY_LIMIT = 400  # more than there are members: a bound on input, not a rule


class ItemKind(StrEnum):
    RESOLUTION = "resolution"
    MOTION = "motion"
    RATIFICATION = "ratification"
    OTHER = "other"


class UnknownAssemblyError(NotFoundError):
    code = "unknown_assembly"


class AssemblyStateError(ConflictError):
    code = "assembly_state"


class NotInRegisterError(DomainError):
    code = "not_in_register"


class NotPresentError(ConflictError):
    code = "not_present"


class RepresentedError(ConflictError):
    code = "represented"


class ProxyError(ConflictError):
    code = "proxy_refused"


class ProxyLimitError(ProxyError):
    code = "proxy_limit"


def member_code(text: str, what: str = "member") -> str:
    code = text.strip().upper()
    if not MEMBER_CODE.match(code):
        raise InvalidInputError(
            N_(
                "malformed municipality code %(text)r for the %(what)s (GMxxxx)",
                text=text,
                what=what,
            )
        )
    return code


class GeneralAssembly(GovernanceAggregate):
    class Convened(Aggregate.Created):
        title: str
        held_on: datetime
        actor: str
        reason: str
        at: datetime

    class Rescheduled(Aggregate.Event):
        held_on: datetime
        previous_held_on: datetime
        timezone: str
        actor: str
        reason: str
        at: datetime

    class ItemAdded(Aggregate.Event):
        number: int
        kind: str
        title: str
        subject_id: str
        actor: str
        reason: str
        at: datetime

    class ItemDecided(Aggregate.Event):
        number: int
        adopted: bool
        yes_pct: Decimal | None
        yes_weight: int | None
        no_weight: int | None
        actor: str
        reason: str
        at: datetime

    class Held(Aggregate.Event):
        actor: str
        reason: str
        at: datetime

    class Closed(Aggregate.Event):
        actor: str
        reason: str
        at: datetime

    class ProxyLimitSet(Aggregate.Event):
        limit: int
        previous: int
        actor: str
        reason: str
        at: datetime

    class Attended(Aggregate.Event):
        members: list[str]
        weights: dict[str, int]  # each member's votes, from `population_year` by `weight_rule`
        population_year: int
        weight_rule: str
        actor: str
        reason: str
        at: datetime

    class Left(Aggregate.Event):
        member: str
        actor: str
        reason: str
        at: datetime

    class ProxyGiven(Aggregate.Event):
        giver: str  # the member represented
        holder: str  # the member that votes for it
        weight: int  # the giver's votes
        population_year: int
        weight_rule: str
        actor: str
        reason: str
        at: datetime

    class MemberVoted(Aggregate.Event):
        number: int
        member: str
        choice: str
        weight: int  # the member's own votes plus those of the members it represents
        represents: list[str]
        actor: str
        reason: str
        at: datetime

    title: str
    held_on: datetime
    items: dict[str, dict[str, Any]]
    held: bool
    closed: bool
    attendance: dict[str, dict[str, Any]]  # code -> {"weight", "present"}
    proxies: dict[str, dict[str, Any]]  # giver -> {"holder", "weight"}
    # item number -> code -> {"choice", "weight", "represents"}
    votes: dict[str, dict[str, dict[str, Any]]]
    timezone: str = "Europe/Amsterdam"  # the default for ALVs convened before it was kept
    # The defaults also for ALVs convened before attendance was kept.
    proxy_limit: int = DEFAULT_PROXY_LIMIT
    proxy_limit_recorded: bool = False
    population_year: int | None = None  # fixed by the first attendance or proxy recorded
    weight_rule: str = WeightRule.CEIL.value

    @classmethod
    def convene(
        cls, *, title: str, held_on: datetime, actor: str, reason: str, at: datetime
    ) -> GeneralAssembly:
        require_aware(held_on, "the date of the ALV")
        return cls(
            title=require_text(title, "the title", 300),
            held_on=held_on,
            actor=actor,
            reason=require_reason(reason, "convene an ALV"),
            at=at,
        )

    @event(Convened)
    def __init__(
        self, title: str, held_on: datetime, actor: str, reason: str, at: datetime
    ) -> None:
        self.title = title
        self.held_on = held_on
        self.items = {}
        self.held = False
        self.closed = False
        self.attendance = {}
        self.proxies = {}
        self.votes = {}

    def reschedule(
        self, *, held_on: datetime, timezone: str, actor: str, reason: str, at: datetime
    ) -> None:
        require_aware(held_on, "the new date of the ALV")
        require_aware(at, "now")
        if self.held or self.closed:
            raise AssemblyStateError(
                N_(
                    "ALV %(id)s was %(state)s already; its date cannot move",
                    id=self.id,
                    state=N_("closed") if self.closed else N_("held"),
                )
            )
        voted = [n for n, item in self.items.items() if item.get("adopted") is not None]
        if voted:
            raise AssemblyStateError(
                N_(
                    "ALV %(id)s has voted already (item %(voted)s); its date cannot move",
                    id=self.id,
                    voted=min(voted, key=int),
                )
            )
        if held_on == self.held_on:
            raise InvalidDeadlineError(
                N_(
                    "ALV %(id)s meets on %(held_on)s already",
                    id=self.id,
                    held_on=held_on,
                    tz=self.timezone,
                )
            )
        if held_on <= at:
            raise InvalidDeadlineError(
                N_(
                    "the new date %(held_on)s has already passed: an ALV moves to a "
                    "moment still ahead",
                    held_on=held_on,
                    tz=self.timezone,
                )
            )
        self._rescheduled(
            held_on=held_on,
            previous_held_on=self.held_on,
            timezone=timezone,
            actor=actor,
            reason=require_reason(reason, "reschedule an ALV"),
            at=at,
        )

    def item_for(self, subject_id: str) -> int | None:
        for number, item in self.items.items():
            if item["subject_id"] == subject_id:
                return int(number)
        return None

    def add_item(
        self, *, kind: ItemKind, title: str, subject_id: str, actor: str, reason: str, at: datetime
    ) -> int:
        """Put an item on the agenda; an item about the same subject is not added twice."""
        if self.closed:
            raise AssemblyStateError(N_("ALV %(id)s is closed", id=self.id))
        existing = self.item_for(subject_id) if subject_id else None
        if existing is not None:
            return existing
        number = len(self.items) + 1
        self._item_added(
            number=number,
            kind=kind.value,
            title=require_text(title, "the title", 300),
            subject_id=subject_id,
            actor=actor,
            reason=require_reason(reason, "add an agenda item"),
            at=at,
        )
        return number

    def decide_item(
        self, number: int, result: WeightedResult, *, actor: str, reason: str, at: datetime
    ) -> bool:
        require_aware(at, "now")
        if self.closed:
            raise AssemblyStateError(N_("ALV %(id)s is closed", id=self.id))
        if at < self.held_on:
            raise AssemblyStateError(
                N_(
                    "ALV %(id)s meets on %(held_on)s; it cannot vote before that",
                    id=self.id,
                    held_on=self.held_on,
                    tz=self.timezone,
                )
            )
        item = self.items.get(str(number))
        if item is None:
            raise InvalidInputError(
                N_("ALV %(id)s has no agenda item %(number)s", id=self.id, number=number)
            )
        if item.get("adopted") is not None:
            if (item["adopted"], item["yes_pct"]) == (result.adopted, result.yes_pct):
                return False
            raise AssemblyStateError(
                N_("item %(number)s of ALV %(id)s was voted on already", number=number, id=self.id)
            )
        if self.votes.get(str(number)):
            # Two sources for one result could disagree: the members' votes decide this item.
            raise AssemblyStateError(
                N_(
                    "item %(number)s of ALV %(id)s has members' votes recorded; derive its "
                    "result from them (close-item), not from totals",
                    number=number,
                    id=self.id,
                )
            )
        self._item_decided(
            number=number,
            adopted=result.adopted,
            yes_pct=result.yes_pct,
            yes_weight=result.yes_weight,
            no_weight=result.no_weight,
            actor=actor,
            reason=require_reason(reason, "record a vote"),
            at=at,
        )
        return True

    # --- attendance, proxies and the members' own votes --------------------------------------

    def _refuse_if_closed(self, doing: str) -> None:
        if self.closed:
            raise AssemblyStateError(
                N_("ALV %(id)s is closed; it cannot %(doing)s", id=self.id, doing=doing)
            )

    def _refuse_if_over(self, doing: str) -> None:
        """Who is present and who votes for whom is settled before or during the meeting: once
        it is recorded as held (or closed) the register of those present is final. Votes and
        counts may still be entered from the minutes until the ALV closes."""
        self._refuse_if_closed(doing)
        if self.held:
            raise AssemblyStateError(
                N_("ALV %(id)s was held already; it cannot %(doing)s", id=self.id, doing=doing)
            )

    def is_present(self, code: str) -> bool:
        return bool(self.attendance.get(code, {}).get("present"))

    def proxies_held_by(self, holder: str) -> list[str]:
        return sorted(g for g, p in self.proxies.items() if p["holder"] == holder)

    def _check_weights(
        self, weights: Mapping[str, int], population_year: int, weight_rule: str
    ) -> None:
        """The weights come from the ALV's one population year and rule; each is a whole
        number of votes within the rule's bounds."""
        if weight_rule not in {r.value for r in WeightRule}:
            raise InvalidInputError(
                N_("unknown weight rule %(weight_rule)r", weight_rule=weight_rule)
            )
        if isinstance(population_year, bool) or not 1800 <= population_year <= 2200:
            raise InvalidInputError(
                N_(
                    "implausible population year %(population_year)r",
                    population_year=population_year,
                )
            )
        if self.population_year is not None and (population_year, weight_rule) != (
            self.population_year,
            self.weight_rule,
        ):
            raise InvalidInputError(
                N_(
                    "ALV %(id)s weighs its members by %(weight_rule)s from the population "
                    "of %(population_year)s, not %(other_rule)s from %(other_year)s",
                    id=self.id,
                    weight_rule=self.weight_rule,
                    population_year=self.population_year,
                    other_rule=weight_rule,
                    other_year=population_year,
                )
            )
        for code, weight in weights.items():
            if isinstance(weight, bool) or not isinstance(weight, int):
                raise InvalidInputError(
                    N_("the weight of %(code)s must be a whole number", code=code)
                )
            if not MIN_VOTES <= weight <= MAX_VOTES:
                raise InvalidInputError(
                    N_(
                        "the weight of %(code)s must be %(low)s..%(high)s votes, not %(weight)s",
                        code=code,
                        low=MIN_VOTES,
                        high=MAX_VOTES,
                        weight=weight,
                    )
                )

    def set_proxy_limit(self, limit: int, *, actor: str, reason: str, at: datetime) -> bool:
        """The most proxies one member may hold at this ALV; False when already recorded so."""
        self._refuse_if_over("change its proxy limit")
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise InvalidInputError(
                N_("the proxy limit must be a whole number, not %(limit)r", limit=limit)
            )
        if not 0 <= limit <= MAX_PROXY_LIMIT:
            raise InvalidInputError(
                N_(
                    "the proxy limit must be 0..%(max_proxy_limit)s, not %(limit)s",
                    max_proxy_limit=MAX_PROXY_LIMIT,
                    limit=limit,
                )
            )
        if self.proxy_limit_recorded and limit == self.proxy_limit:
            return False
        holders = {p["holder"] for p in self.proxies.values()}
        busiest = max(holders, key=lambda h: (len(self.proxies_held_by(h)), h), default=None)
        if busiest is not None and len(self.proxies_held_by(busiest)) > limit:
            raise ProxyLimitError(
                N_(
                    "%(busiest)s holds %(n_held)s proxies at ALV %(id)s already; the limit "
                    "cannot go below that",
                    busiest=busiest,
                    n_held=len(self.proxies_held_by(busiest)),
                    id=self.id,
                )
            )
        self._proxy_limit_set(
            limit=limit,
            previous=self.proxy_limit,
            actor=actor,
            reason=require_reason(reason, "set the proxy limit of an ALV"),
            at=at,
        )
        return True

    def attend(
        self,
        *,
        members: Sequence[str],
        weights: Mapping[str, int],
        population_year: int,
        weight_rule: str = WeightRule.CEIL.value,
        actor: str,
        reason: str,
        at: datetime,
    ) -> list[str]:
        """Record members as present (with their weights); returns those not present already.

        Whether each is a member of the register on the ALV's date is the caller's to check: the
        register is another aggregate's.
        """
        self._refuse_if_over("record attendance")
        codes = [member_code(m) for m in members]
        if not codes:
            raise InvalidInputError(N_("name at least one member present"))
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise InvalidInputError(
                N_("the attendance names %(twice)s more than once", twice=", ".join(twice))
            )
        missing = [c for c in codes if c not in weights]
        if missing:
            raise InvalidInputError(
                N_("no weight given for %(missing)s", missing=", ".join(missing))
            )
        self._check_weights({c: weights[c] for c in codes}, population_year, weight_rule)
        arriving = [c for c in codes if not self.is_present(c)]
        if not arriving:
            return []
        self._attended(
            members=arriving,
            weights={c: weights[c] for c in arriving},
            population_year=population_year,
            weight_rule=weight_rule,
            actor=actor,
            reason=require_reason(reason, "record attendance at an ALV"),
            at=at,
        )
        return arriving

    def leave(self, member: str, *, actor: str, reason: str, at: datetime) -> None:
        """A member present leaves the meeting: its votes cast so far stand, it casts no more
        (nor for the members it holds proxies for) until it is recorded present again."""
        self._refuse_if_over("record a member leaving")
        code = member_code(member)
        if not self.is_present(code):
            raise NotPresentError(
                N_("%(code)s is not present at ALV %(id)s", code=code, id=self.id)
            )
        self._left(
            member=code,
            actor=actor,
            reason=require_reason(reason, "record a member leaving an ALV"),
            at=at,
        )

    def give_proxy(
        self,
        *,
        giver: str,
        holder: str,
        weight: int,
        population_year: int,
        weight_rule: str = WeightRule.CEIL.value,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        """`giver` authorises `holder` to vote for it. The holder need not be present yet, but
        casts nothing for anyone until it is."""
        self._refuse_if_over("record a proxy")
        giver = member_code(giver, "member giving the proxy")
        holder = member_code(holder, "proxy holder")
        if giver == holder:
            raise ProxyError(N_("%(giver)s cannot authorise itself", giver=giver))
        given = self.proxies.get(giver)
        if given is not None:
            raise ProxyError(
                N_(
                    "%(giver)s has authorised %(given)s at ALV %(id)s already",
                    giver=giver,
                    given=given["holder"],
                    id=self.id,
                )
            )
        holders_proxy = self.proxies.get(holder)
        if holders_proxy is not None:
            raise ProxyError(
                N_(
                    "%(holder)s is represented by %(proxy)s at ALV %(id)s; a "
                    "member represented by a proxy cannot hold one",
                    holder=holder,
                    proxy=holders_proxy["holder"],
                    id=self.id,
                )
            )
        held = self.proxies_held_by(giver)
        if held:
            raise ProxyError(
                N_(
                    "%(giver)s holds a proxy for %(held)s at ALV %(id)s; a proxy holder "
                    "cannot be represented itself",
                    giver=giver,
                    held=", ".join(held),
                    id=self.id,
                )
            )
        holding = self.proxies_held_by(holder)
        if len(holding) >= self.proxy_limit:
            raise ProxyLimitError(
                N_(
                    "%(holder)s holds %(n_holding)s proxies at ALV %(id)s already, the limit "
                    "per holder (%(proxy_limit)s)",
                    holder=holder,
                    n_holding=len(holding),
                    id=self.id,
                    proxy_limit=self.proxy_limit,
                )
            )
        open_votes = sorted(
            int(n)
            for n, votes in self.votes.items()
            if giver in votes and self.items[n]["adopted"] is None
        )
        if open_votes:
            raise ProxyError(
                N_(
                    "%(giver)s has voted on item %(item)s of ALV %(id)s, which is still "
                    "open: a proxy now would count its votes twice",
                    giver=giver,
                    item=open_votes[0],
                    id=self.id,
                )
            )
        self._check_weights({giver: weight}, population_year, weight_rule)
        self._proxy_given(
            giver=giver,
            holder=holder,
            weight=weight,
            population_year=population_year,
            weight_rule=weight_rule,
            actor=actor,
            reason=require_reason(reason, "record a proxy at an ALV"),
            at=at,
        )

    def _open_item(self, number: int, at: datetime, doing: str) -> dict[str, Any]:
        require_aware(at, "now")
        self._refuse_if_closed(doing)
        if at < self.held_on:
            raise AssemblyStateError(
                N_(
                    "ALV %(id)s meets on %(held_on)s; it cannot vote before that",
                    id=self.id,
                    held_on=self.held_on,
                    tz=self.timezone,
                )
            )
        item = self.items.get(str(number))
        if item is None:
            raise InvalidInputError(
                N_("ALV %(id)s has no agenda item %(number)s", id=self.id, number=number)
            )
        if item.get("adopted") is not None:
            raise AssemblyStateError(
                N_("item %(number)s of ALV %(id)s was voted on already", number=number, id=self.id)
            )
        return item

    def cast_vote(
        self,
        number: int,
        *,
        member: str,
        choice: AssemblyChoice,
        actor: str,
        reason: str,
        at: datetime,
    ) -> bool:
        """A present member's vote on an open item, counted with its own weight and that of
        each member it holds a proxy for. A new vote replaces the member's earlier one until
        the item is counted; the same vote again records nothing."""
        self._open_item(number, at, "take votes")
        code = member_code(member)
        proxy = self.proxies.get(code)
        if proxy is not None:
            raise RepresentedError(
                N_(
                    "%(code)s is represented by %(proxy)s at ALV %(id)s: its proxy "
                    "holder votes for it",
                    code=code,
                    proxy=proxy["holder"],
                    id=self.id,
                )
            )
        if not self.is_present(code):
            raise NotPresentError(
                N_(
                    "%(code)s is not present at ALV %(id)s: record its attendance first",
                    code=code,
                    id=self.id,
                )
            )
        represents = self.proxies_held_by(code)
        weight = self.attendance[code]["weight"] + sum(
            self.proxies[g]["weight"] for g in represents
        )
        standing = self.votes.get(str(number), {}).get(code)
        if standing == {"choice": choice.value, "weight": weight, "represents": represents}:
            return False
        self._member_voted(
            number=number,
            member=code,
            choice=choice.value,
            weight=weight,
            represents=represents,
            actor=actor,
            reason=require_reason(reason, "record a vote at an ALV"),
            at=at,
        )
        return True

    def tally(self, number: int) -> ItemTally:
        return count(self.votes.get(str(number), {}))

    def count_item(self, number: int, *, actor: str, reason: str, at: datetime) -> ItemTally:
        """Decide an item from its members' votes: adopted by a majority of the yes and no
        weight (abstentions are shown, not counted in the percentage)."""
        self._open_item(number, at, "count votes")
        if not self.votes.get(str(number)):
            raise AssemblyStateError(
                N_(
                    "item %(number)s of ALV %(id)s has no members' votes to count",
                    number=number,
                    id=self.id,
                )
            )
        counted = self.tally(number)
        if counted.yes_weight + counted.no_weight == 0:
            raise AssemblyStateError(
                N_(
                    "item %(number)s of ALV %(id)s has only abstentions: no majority to derive",
                    number=number,
                    id=self.id,
                )
            )
        result = WeightedResult.from_weights(counted.yes_weight, counted.no_weight)
        self._item_decided(
            number=number,
            adopted=result.adopted,
            yes_pct=result.yes_pct,
            yes_weight=result.yes_weight,
            no_weight=result.no_weight,
            actor=actor,
            reason=require_reason(reason, "count the votes on an item"),
            at=at,
        )
        return counted

    def hold(self, *, actor: str, reason: str, at: datetime) -> None:
        if self.held:
            raise AssemblyStateError(N_("ALV %(id)s was held already", id=self.id))
        self._held(actor=actor, reason=require_reason(reason, "record the ALV as held"), at=at)

    def close(self, *, actor: str, reason: str, at: datetime) -> bool:
        if self.closed:
            return False
        self._closed(actor=actor, reason=require_reason(reason, "close the ALV"), at=at)
        return True

    @event(Rescheduled)
    def _rescheduled(
        self,
        held_on: datetime,
        previous_held_on: datetime,
        timezone: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.held_on = held_on
        self.timezone = timezone

    @event(ItemAdded)
    def _item_added(
        self,
        number: int,
        kind: str,
        title: str,
        subject_id: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.items[str(number)] = {
            "kind": kind,
            "title": title,
            "subject_id": subject_id,
            "adopted": None,
            "yes_pct": None,
        }

    @event(ItemDecided)
    def _item_decided(
        self,
        number: int,
        adopted: bool,
        yes_pct: Decimal | None,
        yes_weight: int | None,
        no_weight: int | None,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.items[str(number)].update(adopted=adopted, yes_pct=yes_pct)

    @event(ProxyLimitSet)
    def _proxy_limit_set(
        self, limit: int, previous: int, actor: str, reason: str, at: datetime
    ) -> None:
        self.proxy_limit = limit
        self.proxy_limit_recorded = True

    @event(Attended)
    def _attended(
        self,
        members: list[str],
        weights: dict[str, int],
        population_year: int,
        weight_rule: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.population_year = population_year
        self.weight_rule = weight_rule
        for code in members:
            self.attendance[code] = {"weight": weights[code], "present": True}

    @event(Left)
    def _left(self, member: str, actor: str, reason: str, at: datetime) -> None:
        self.attendance[member] = {**self.attendance[member], "present": False}

    @event(ProxyGiven)
    def _proxy_given(
        self,
        giver: str,
        holder: str,
        weight: int,
        population_year: int,
        weight_rule: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.population_year = population_year
        self.weight_rule = weight_rule
        self.proxies[giver] = {"holder": holder, "weight": weight}

    @event(MemberVoted)
    def _member_voted(
        self,
        number: int,
        member: str,
        choice: str,
        weight: int,
        represents: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.votes.setdefault(str(number), {})[member] = {
            "choice": choice,
            "weight": weight,
            "represents": list(represents),
        }

    @event(Held)
    def _held(self, actor: str, reason: str, at: datetime) -> None:
        self.held = True

    @event(Closed)
    def _closed(self, actor: str, reason: str, at: datetime) -> None:
        self.closed = True

    def attendance_summary(self) -> dict[str, Any]:
        present = sorted(c for c in self.attendance if self.is_present(c))
        return {
            "proxy_limit": self.proxy_limit,
            "population_year": self.population_year,
            "weight_rule": self.weight_rule,
            "attendance": [
                {
                    "member": code,
                    "weight": entry["weight"],
                    "present": bool(entry["present"]),
                    "represented_by": self.proxies.get(code, {}).get("holder"),
                    "holds_proxies_for": self.proxies_held_by(code),
                }
                for code, entry in sorted(self.attendance.items())
            ],
            "proxies": [
                {"from": giver, "to": p["holder"], "weight": p["weight"]}
                for giver, p in sorted(self.proxies.items())
            ],
            "present": {
                "members": len(present),
                "weight": sum(self.attendance[c]["weight"] for c in present),
                "represented_members": sum(len(self.proxies_held_by(c)) for c in present),
                "represented_weight": sum(
                    self.proxies[g]["weight"] for c in present for g in self.proxies_held_by(c)
                ),
            },
        }

    def summary(self) -> dict[str, Any]:
        def with_votes(number: str) -> dict[str, Any]:
            votes = self.votes.get(number, {})
            if not votes:
                return {"tally": None, "votes": []}
            return {
                "tally": count(votes).as_dict(),
                "votes": [
                    {"member": code, **vote, "represents": list(vote["represents"])}
                    for code, vote in sorted(votes.items())
                ],
            }

        return {
            "id": str(self.id),
            "title": self.title,
            "held_on": self.held_on.isoformat(),
            "held": self.held,
            "closed": self.closed,
            **self.attendance_summary(),
            "items": [
                {
                    "number": int(n),
                    **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in item.items()},
                    **with_votes(n),
                }
                for n, item in sorted(self.items.items(), key=lambda kv: int(kv[0]))
            ],
        }
