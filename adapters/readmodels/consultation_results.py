"""A consultation's result as every output shows it (CLI, API, dashboard, board report): the
tally with its voting rules and what they decide; who has not voted yet; and, after the close,
each municipality's vote."""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID

from adapters.readmodels.tables import ReadModels
from domain.actor import Actor
from domain.errors import UnknownConsultationError
from workflows.governance import Governance

NON_VOTER_COLUMNS = ("member", "name", "province", "weight")
VOTE_COLUMNS = ("member", "name", "province", "weight", "choice", "cast_at", "explanation")


def tally_result(app: Governance, views: ReadModels, consultation_id: UUID) -> dict[str, Any]:
    """The tally, the rules recorded at the opening and the outcome they give; a result from
    synthetic ballots says so."""
    cid = str(consultation_id)
    tally = views.tally(cid)
    if tally is None:
        raise UnknownConsultationError(f"unknown consultation {consultation_id}")
    info = app.consultations.get_consultation(consultation_id)
    rules = app.consultations.rules(consultation_id)
    outcome = rules.decide(
        views.option_counts(cid), tally.electorate_members, tally.electorate_weight
    )
    return {
        "consultation_id": cid,
        "synthetic": bool(info["synthetic_note"]),
        "synthetic_note": info["synthetic_note"],
        **tally.as_dict(),
        "rules": rules.as_dict(),
        "outcome": outcome.as_dict(),
        "provinces": {p: t.as_dict() for p, t in views.tally_by_province(cid).items()},
    }


def non_voters(
    app: Governance, views: ReadModels, consultation_id: UUID, actor: Actor
) -> list[dict[str, Any]]:
    """The members that have not voted (yet): for officers, the board and auditors."""
    app.consultations.require_non_voters_readable(consultation_id, actor)
    return [
        {k: r[k] for k in NON_VOTER_COLUMNS}
        for r in views.voters(str(consultation_id), voted=False)
    ]


def published_votes(
    app: Governance, views: ReadModels, consultation_id: UUID
) -> list[dict[str, Any]]:
    """Each municipality's standing vote (None: did not vote), only after the close."""
    app.consultations.require_votes_published(consultation_id)
    return [{k: r[k] for k in VOTE_COLUMNS} for r in views.voters(str(consultation_id))]


def _cell(value: Any) -> str:
    """A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a
    formula; an explanation is a member's free text, so such a cell gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def rows_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([_cell(r.get(c)) for c in columns])
    return buffer.getvalue()
