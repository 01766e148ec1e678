"""Status of every agreement for every party, as intervals in effective time.

Each change closes the party's open interval and opens a new one, with the events that caused
it, so "as of T" is one indexed lookup: the row whose interval holds T.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projections.rows import Rows, event_ref, time_key
from projections.topics import Agreement, topic

TABLE = "party_status"
TOPICS = [Agreement.Registered, Agreement.PartyAdded, Agreement.PartyStatusChanged]


@dataclass(frozen=True)
class StatusRow:
    agreement: str
    party: str
    status: str
    detail: str
    since: str
    because: list[str]
    # The vote of the resolution a status rests on, as the record says (a corrected percentage
    # shows here); filled in by the query, not stored: a correction changes no status.
    decision: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement,
            "party": self.party,
            "status": self.status,
            "detail": self.detail,
            "since": self.since,
            "because": list(self.because),
            "decision": self.decision,
        }


def _open(
    rows: Rows, agreement: str, party: str, status: str, detail: str, at: str, because: list[str]
) -> None:
    rows.update(TABLE, {"agreement": agreement, "party": party, "valid_to": None}, {"valid_to": at})
    rows.insert(
        TABLE,
        {
            "agreement": agreement,
            "party": party,
            "status": status,
            "detail": detail,
            "valid_from": at,
            "valid_to": None,
            "because": " ".join(because),
        },
    )


class StatusProjection:
    name = "status"
    topics = TOPICS

    def process(self, event: Any, rows: Rows, position: int) -> None:
        # Imported here: every event this projection follows is an agreement's, so the module is
        # loaded by the time one arrives, and a command that writes none never defines them.
        from domain.agreement import PartyStatus

        t = topic(event)
        ref = event_ref(position, event)
        if t == Agreement.Registered:
            at = time_key(event.at)
            for party in event.signing_parties:
                _open(rows, event.code, party, PartyStatus.NEGOTIATING.value, "", at, [ref])
            for party in event.involved_parties:
                _open(rows, event.code, party, PartyStatus.INVOLVED.value, "", at, [ref])
        elif t == Agreement.PartyAdded:
            status = PartyStatus.NEGOTIATING if event.signing else PartyStatus.INVOLVED
            _open(rows, event.agreement, event.party, status.value, "", time_key(event.at), [ref])
        elif t == Agreement.PartyStatusChanged:
            because = [ref, event.cause] if event.cause else [ref]
            _open(
                rows,
                event.agreement,
                event.party,
                event.status,
                event.detail,
                time_key(event.at),
                because,
            )
