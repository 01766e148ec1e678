"""A consultation's voting rules: its options, tie rule, quorum and turnout warning, and the
decision they give over a count of the standing ballots.

The rules are recorded in the consultation's `Opened` event; an event from before they existed
carries none of them and means what the engine did then: yes or no, no quorum, no turnout
warning, and a tie is not a majority in favour.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import InvalidChoiceError, InvalidInputError
from domain.messages import N_

DEFAULT_OPTIONS = ("yes", "no")
# The blank vote: it counts for turnout (and a quorum) but not in the percentages.
BLANK = "blank"
MAX_OPTIONS = 20
MAX_OPTION = 40
_OPTION = re.compile(r"^\w[\w .+/-]*$")
# These are stored in lower case whatever case they were given in, so that the tally's
# yes/no/blank counters find them.
_KNOWN = ("yes", "no", BLANK)

# "negative": a tie is not a majority in favour (for options: no option is chosen);
# "undecided": the advice says the vote tied and leaves the outcome to the board.
TIE_RULES = ("negative", "undecided")
DEFAULT_TIE_RULE = "negative"
# New consultations warn below half of the weight; one opened before the rule had no warning.
DEFAULT_TURNOUT_WARNING = Decimal(50)


def _percentage(value: Decimal | float | str | None, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        pct = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        raise InvalidInputError(
            N_("%(what)s is a percentage like 50, not %(value)r", what=what, value=value)
        ) from None
    if not pct.is_finite() or not Decimal(0) < pct <= Decimal(100):
        raise InvalidInputError(
            N_(
                "%(what)s is a percentage above 0 and at most 100, not %(value)r",
                what=what,
                value=value,
            )
        )
    return pct


def parse_options(options: list[str] | tuple[str, ...] | str | None) -> tuple[str, ...]:
    """Options as given (a list or `yes,no,blank`), checked: 2..20 distinct names (case does
    not make two names different), at least two of them not the blank vote."""
    if options is None:
        return DEFAULT_OPTIONS
    items = options.split(",") if isinstance(options, str) else list(options)
    names: list[str] = []
    seen: set[str] = set()
    for raw in items:
        name = str(raw).strip()
        if not name or len(name) > MAX_OPTION or not _OPTION.match(name):
            raise InvalidInputError(
                N_(
                    "an option is 1..%(max_option)s letters, digits, spaces or . + / - _, not "
                    "%(raw)r",
                    max_option=MAX_OPTION,
                    raw=raw,
                )
            )
        key = name.casefold()
        if key in seen:
            raise InvalidInputError(N_("option %(name)r is given twice", name=name))
        seen.add(key)
        names.append(key if key in _KNOWN else name)
    if len(names) > MAX_OPTIONS:
        raise InvalidInputError(
            N_("a consultation has at most %(max_options)s options", max_options=MAX_OPTIONS)
        )
    if len([n for n in names if n != BLANK]) < 2:
        raise InvalidInputError(N_("a consultation needs at least two options besides blank"))
    return tuple(names)


@dataclass(frozen=True)
class VotingRules:
    options: tuple[str, ...] = DEFAULT_OPTIONS
    tie_rule: str = DEFAULT_TIE_RULE
    quorum_members: int = 0  # 0: no quorum in members
    quorum_weight_pct: Decimal | None = None  # of the electorate's weight; None: no quorum
    turnout_warning_pct: Decimal | None = None  # warn below this share of the weight

    @classmethod
    def make(
        cls,
        *,
        options: list[str] | tuple[str, ...] | str | None = None,
        tie_rule: str = DEFAULT_TIE_RULE,
        quorum_members: int = 0,
        quorum_weight_pct: Decimal | float | str | None = None,
        turnout_warning_pct: Decimal | float | str | None = None,
        electorate_members: int | None = None,
    ) -> VotingRules:
        """Checked rules; `electorate_members` bounds a quorum in members."""
        rule = tie_rule.strip().lower()
        if rule not in TIE_RULES:
            raise InvalidInputError(
                N_(
                    "the tie rule is %(tie_rules)s, not %(tie_rule)r",
                    tie_rules=" or ".join(TIE_RULES),
                    tie_rule=tie_rule,
                )
            )
        if quorum_members < 0 or (
            electorate_members is not None and quorum_members > electorate_members
        ):
            raise InvalidInputError(
                N_(
                    "a quorum in members is 0..%(electorate_members)s, not %(quorum_members)s",
                    electorate_members=electorate_members,
                    quorum_members=quorum_members,
                )
            )
        return cls(
            options=parse_options(options),
            tie_rule=rule,
            quorum_members=quorum_members,
            quorum_weight_pct=_percentage(quorum_weight_pct, "a quorum in weight"),
            turnout_warning_pct=_percentage(turnout_warning_pct, "the turnout warning"),
        )

    @property
    def yes_no(self) -> bool:
        """Whether the question is answered yes or no (with or without a blank vote)."""
        return tuple(o for o in self.options if o != BLANK) == DEFAULT_OPTIONS

    @property
    def has_quorum(self) -> bool:
        return bool(self.quorum_members) or self.quorum_weight_pct is not None

    def choice(self, text: str) -> str:
        """The option a ballot names, in the case it was declared in."""
        wanted = text.strip().casefold()
        for option in self.options:
            if option.casefold() == wanted:
                return option
        raise InvalidChoiceError(
            N_(
                "a ballot says %(options)s, not %(text)r",
                options=" or ".join(self.options),
                text=text,
            )
            if self.yes_no
            else N_(
                "a ballot names one of the options %(options)s, not %(text)r",
                options=", ".join(self.options),
                text=text,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "options": list(self.options),
            "blank_vote": BLANK in self.options,
            "tie_rule": self.tie_rule,
            "quorum_members": self.quorum_members,
            "quorum_weight_pct": _float(self.quorum_weight_pct),
            "turnout_warning_pct": _float(self.turnout_warning_pct),
        }

    def decide(
        self,
        counts: Mapping[str, tuple[int, int]],
        electorate_members: int,
        electorate_weight: int,
    ) -> Outcome:
        """The outcome of `counts` (option -> (members, weight) of the standing ballots)."""
        voted_members = sum(m for m, _ in counts.values())
        voted_weight = sum(w for _, w in counts.values())
        counted = {o: counts.get(o, (0, 0))[1] for o in self.options if o != BLANK}
        turnout = _share(voted_weight, electorate_weight)
        quorum_met: bool | None = None
        if self.has_quorum:
            quorum_met = voted_members >= self.quorum_members and (
                self.quorum_weight_pct is None
                # exact: weight x 100 against pct x electorate weight, no rounding in between
                or Decimal(voted_weight) * 100 >= self.quorum_weight_pct * electorate_weight
            )
        low = self.turnout_warning_pct is not None and (
            Decimal(voted_weight) * 100 < self.turnout_warning_pct * electorate_weight
        )
        top = max(counted.values(), default=0)
        leaders = [o for o, w in counted.items() if w == top]
        tie = top > 0 and len(leaders) > 1
        winner = leaders[0] if top > 0 and not tie else None
        if voted_members == 0 and not self.has_quorum:
            advice = "none"
        elif quorum_met is False:
            advice = "no quorum"
        elif sum(counted.values()) == 0:
            advice = "none"  # only blank votes
        elif self.yes_no:
            if tie and self.tie_rule == "undecided":
                advice = "tie"
            else:
                advice = "positive" if winner == "yes" else "negative"
        elif tie:
            advice = "tie" if self.tie_rule == "undecided" else "no option"
        else:
            advice = f"option {winner}"
        return Outcome(
            advice=advice,
            winner=winner if quorum_met is not False else None,
            tie=tie,
            tie_rule=self.tie_rule,
            voted_members=voted_members,
            voted_weight=voted_weight,
            electorate_members=electorate_members,
            electorate_weight=electorate_weight,
            turnout_weight_pct=turnout,
            turnout_members_pct=_share(voted_members, electorate_members),
            quorum_met=quorum_met,
            low_turnout=low,
            counts={o: counts.get(o, (0, 0)) for o in self.options},
        )


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.01")) if whole else Decimal(0)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Outcome:
    """What the rules make of a count: the advice and what the board must know with it."""

    advice: str  # positive, negative, tie, none, no quorum, no option, "option NAME"
    winner: str | None
    tie: bool
    tie_rule: str
    voted_members: int
    voted_weight: int
    electorate_members: int
    electorate_weight: int
    turnout_weight_pct: Decimal
    turnout_members_pct: Decimal
    quorum_met: bool | None  # None: no quorum was set
    low_turnout: bool
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the board: turnout, quorum, tie and warning."""
        parts = [
            f"turnout {self.voted_members} of {self.electorate_members} members, "
            f"{self.turnout_weight_pct}% of the weight"
        ]
        if self.quorum_met is not None:
            parts.append("quorum met" if self.quorum_met else "quorum not met")
        if self.tie:
            parts.append(f"a tie (tie rule: {self.tie_rule})")
        if self.low_turnout:
            parts.append("low turnout")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "advice": self.advice,
            "winner": self.winner,
            "tie": self.tie,
            "tie_rule": self.tie_rule,
            "quorum_met": self.quorum_met,
            "low_turnout": self.low_turnout,
            "turnout_weight_pct": float(self.turnout_weight_pct),
            "turnout_members_pct": float(self.turnout_members_pct),
            "options": {o: {"members": m, "weight": w} for o, (m, w) in self.counts.items()},
            "summary": self.summary(),
        }
