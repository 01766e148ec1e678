"""Funding rules, allocations and regional budgets, kept with the moment each took effect, so
"what is region R entitled to in year Y, as of T" reads the rows valid at T."""

from __future__ import annotations

from typing import Any

from domain.money import euros
from projections.rows import Rows, event_ref, time_key
from projections.topics import GrantScheme, Region, topic

RULES = "funding_rules"
ALLOCATIONS = "funding_allocations"
BUDGETS = "region_budgets"
TOPICS = [
    GrantScheme.Registered,
    GrantScheme.RuleSet,
    GrantScheme.Allocated,
    GrantScheme.Excluded,
    Region.BudgetRecorded,
]


class FundingProjection:
    name = "funding"
    topics = TOPICS

    def process(self, event: Any, rows: Rows, position: int) -> None:
        t = topic(event)
        at, ref = time_key(event.at), event_ref(position, event)
        if t == GrantScheme.Registered:
            rows.insert(
                RULES,
                {
                    "scheme_id": str(event.originator_id),
                    "scheme": event.code,
                    "year": 0,
                    "kind": "registered",
                    "cut_pct": 0,
                    "agreement": "",
                    "party": "",
                    "keeps_on": "",
                    "note": event.name,
                    "valid_from": at,
                    "because": ref,
                },
            )
        elif t == GrantScheme.RuleSet:
            rows.insert(
                RULES,
                {
                    "scheme_id": str(event.originator_id),
                    "scheme": "",
                    "year": event.year,
                    "kind": event.kind,
                    "cut_pct": event.cut_pct,
                    "agreement": event.agreement,
                    "party": event.party,
                    "keeps_on": "|".join(event.keeps_on),
                    "note": event.note,
                    "valid_from": at,
                    "because": ref,
                },
            )
        elif t == GrantScheme.Excluded:
            # Year 0, like the registration: a row about the scheme itself, never a year's rule
            # (a year's entitlement reads the latest row of that year).
            onwards = " onwards" if event.onwards else ""
            rows.insert(
                RULES,
                {
                    "scheme_id": str(event.originator_id),
                    "scheme": "",
                    "year": 0,
                    "kind": "excludes",
                    "cut_pct": 0,
                    "agreement": "",
                    "party": "",
                    "keeps_on": "",
                    "note": f"{event.year}{onwards}: {event.part}, {euros(event.amount_cents)}",
                    "valid_from": at,
                    "because": ref,
                },
            )
        elif t == GrantScheme.Allocated:
            rows.insert(
                ALLOCATIONS,
                {
                    "scheme_id": str(event.originator_id),
                    "region": event.region,
                    "year": event.year,
                    "amount_cents": event.amount_cents,
                    "reference": event.reference,
                    "valid_from": at,
                    "because": ref,
                },
            )
        elif t == Region.BudgetRecorded:
            rows.insert(
                BUDGETS,
                {
                    "region_id": str(event.originator_id),
                    "scheme": event.scheme,
                    "year": event.year,
                    "amount_cents": event.amount_cents,
                    "valid_from": at,
                    "because": ref,
                },
            )
