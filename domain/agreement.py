"""A national agreement (IZA, AZWA, HLO, GALA), its parties, and where each party stands."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.errors import ConflictError, InvalidInputError, NotFoundError
from domain.ids import natural_id
from domain.messages import N_
from domain.rules import agreement_code, party_name, require_aware, require_text


class PartyStatus(StrEnum):
    NEGOTIATING = "negotiating"
    NEGOTIATOR_AGREEMENT = "negotiator agreement"
    SIGNED = "signed"
    CONDITIONALLY_SIGNED = "conditionally signed"
    DEFINITIVE = "definitive"
    SUSPENDED = "participation suspended"
    TALKS_RESUMED = "talks resumed"  # back at the table; participation itself still suspended
    RESUMED = "resumed"
    WITHDRAWN = "withdrawn"
    INVOLVED = "involved, not signing"

    @classmethod
    def parse(cls, text: str) -> PartyStatus:
        wanted = text.strip().lower().replace("_", " ").replace("-", " ")
        for status in cls:
            if wanted in (status.value, status.name.lower().replace("_", " ")):
                return status
        options = ", ".join(s.value for s in cls if s is not cls.INVOLVED)
        raise InvalidInputError(
            N_("unknown party status %(text)r (one of: %(options)s)", text=text, options=options)
        )


S = PartyStatus
# Where a signing party may go from each status. "Involved" parties never change.
TRANSITIONS: dict[PartyStatus, frozenset[PartyStatus]] = {
    S.NEGOTIATING: frozenset(
        {S.NEGOTIATOR_AGREEMENT, S.SIGNED, S.CONDITIONALLY_SIGNED, S.SUSPENDED, S.WITHDRAWN}
    ),
    S.NEGOTIATOR_AGREEMENT: frozenset(
        {S.SIGNED, S.CONDITIONALLY_SIGNED, S.SUSPENDED, S.WITHDRAWN, S.NEGOTIATING}
    ),
    S.SIGNED: frozenset({S.SUSPENDED, S.WITHDRAWN, S.CONDITIONALLY_SIGNED, S.DEFINITIVE}),
    S.CONDITIONALLY_SIGNED: frozenset({S.DEFINITIVE, S.WITHDRAWN, S.SUSPENDED}),
    S.DEFINITIVE: frozenset({S.SUSPENDED, S.WITHDRAWN}),
    S.SUSPENDED: frozenset({S.TALKS_RESUMED, S.RESUMED, S.WITHDRAWN}),
    S.TALKS_RESUMED: frozenset({S.NEGOTIATOR_AGREEMENT, S.RESUMED, S.SUSPENDED, S.WITHDRAWN}),
    S.RESUMED: frozenset(
        {
            S.NEGOTIATOR_AGREEMENT,
            S.SIGNED,
            S.CONDITIONALLY_SIGNED,
            S.DEFINITIVE,
            S.SUSPENDED,
            S.WITHDRAWN,
        }
    ),
    S.WITHDRAWN: frozenset({S.NEGOTIATING}),
    S.INVOLVED: frozenset(),
}

RELATION_KINDS = ("supplements", "continues participation in")


class UnknownAgreementError(NotFoundError):
    code = "unknown_agreement"


class UnknownPartyError(NotFoundError):
    code = "unknown_party"


class InvalidTransitionError(ConflictError):
    code = "invalid_transition"


def agreement_id(code: str) -> UUID:
    return natural_id("agreement", agreement_code(code))


class Agreement(GovernanceAggregate):
    class Registered(Aggregate.Created):
        code: str
        name: str
        full_name: str
        term: str
        signing_parties: list[str]
        involved_parties: list[str]
        relations: list[dict[str, str]]
        actor: str
        reason: str
        at: datetime

    class PartyStatusChanged(Aggregate.Event):
        agreement: str
        party: str
        status: str
        previous: str
        detail: str
        cause: str
        actor: str
        reason: str
        at: datetime

    class PartyAdded(Aggregate.Event):
        agreement: str
        party: str
        signing: bool
        actor: str
        reason: str
        at: datetime

    code: str
    name: str
    full_name: str
    term: str
    statuses: dict[str, str]
    relations: list[dict[str, str]]

    @staticmethod
    def create_id(code: str) -> UUID:
        return agreement_id(code)

    @classmethod
    def register(
        cls,
        *,
        code: str,
        name: str,
        full_name: str,
        term: str,
        signing_parties: list[str],
        involved_parties: list[str],
        relations: list[dict[str, str]],
        actor: str,
        reason: str,
        at: datetime,
    ) -> Agreement:
        require_aware(at, "now")
        signing = [party_name(p) for p in signing_parties]
        involved = [party_name(p) for p in involved_parties]
        if not signing:
            raise InvalidInputError(N_("an agreement needs at least one signing party"))
        both = set(signing) & set(involved)
        if both or len(set(signing)) != len(signing) or len(set(involved)) != len(involved):
            raise InvalidInputError(
                N_("each party is listed once (twice: %(twice)s)", twice=sorted(both) or "?")
            )
        checked: list[dict[str, str]] = []
        for relation in relations:
            kind = relation.get("kind", "")
            if kind not in RELATION_KINDS:
                raise InvalidInputError(
                    N_(
                        "unknown relation %(kind)r (one of %(relation_kinds)s)",
                        kind=kind,
                        relation_kinds=RELATION_KINDS,
                    )
                )
            checked.append(
                {"kind": kind, "agreement": agreement_code(relation.get("agreement", ""))}
            )
        return cls(
            code=agreement_code(code),
            name=require_text(name, "the name", 80),
            full_name=require_text(full_name, "the full name", 200),
            term=term.strip(),
            signing_parties=signing,
            involved_parties=involved,
            relations=checked,
            actor=actor,
            reason=require_text(reason, "the reason"),
            at=at,
        )

    @event(Registered)
    def __init__(
        self,
        code: str,
        name: str,
        full_name: str,
        term: str,
        signing_parties: list[str],
        involved_parties: list[str],
        relations: list[dict[str, str]],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.code = code
        self.name = name
        self.full_name = full_name
        self.term = term
        self.relations = relations
        self.statuses = dict.fromkeys(signing_parties, PartyStatus.NEGOTIATING.value)
        self.statuses.update(dict.fromkeys(involved_parties, PartyStatus.INVOLVED.value))

    def status_of(self, party: str) -> PartyStatus:
        try:
            return PartyStatus(self.statuses[party])
        except KeyError:
            raise UnknownPartyError(
                N_("%(party)s is not a party to %(code)s", party=party, code=self.code)
            ) from None

    def related(self, kind: str) -> list[str]:
        return [r["agreement"] for r in self.relations if r["kind"] == kind]

    def add_party(
        self, party: str, *, signing: bool, actor: str, reason: str, at: datetime
    ) -> None:
        party = party_name(party)
        if party in self.statuses:
            raise ConflictError(
                N_("%(party)s is already a party to %(code)s", party=party, code=self.code)
            )
        self._party_added(
            agreement=self.code,
            party=party,
            signing=signing,
            actor=actor,
            reason=require_text(reason, "the reason"),
            at=at,
        )

    def change_status(
        self,
        party: str,
        status: PartyStatus,
        *,
        actor: str,
        reason: str,
        at: datetime,
        detail: str = "",
        cause: str = "",
    ) -> bool:
        """Move `party` to `status`; False when it is there already (nothing to record)."""
        require_aware(at, "now")
        current = self.status_of(party)
        detail = detail.strip()
        if current is status:
            return False
        if status not in TRANSITIONS[current]:
            raise InvalidTransitionError(
                N_(
                    "%(party)s in %(code)s cannot go from %(current)s to %(status)s",
                    party=party,
                    code=self.code,
                    current=current.value,
                    status=status.value,
                )
            )
        self._party_status_changed(
            agreement=self.code,
            party=party,
            status=status.value,
            previous=current.value,
            detail=detail,
            cause=cause,
            actor=actor,
            reason=require_text(reason, "the reason"),
            at=at,
        )
        return True

    def restate(
        self, party: str, *, detail: str, actor: str, reason: str, at: datetime, cause: str = ""
    ) -> None:
        """Record a new detail under `party`'s unchanged status, so a step that changes no status
        (one condition of a resolution met, revoked or failed) still shows, with its cause."""
        require_aware(at, "now")
        current = self.status_of(party)
        if current is PartyStatus.INVOLVED:
            raise InvalidTransitionError(
                N_("%(party)s is involved in %(code)s, not signing", party=party, code=self.code)
            )
        self._party_status_changed(
            agreement=self.code,
            party=party,
            status=current.value,
            previous=current.value,
            detail=require_text(detail, "the detail"),
            cause=cause,
            actor=actor,
            reason=require_text(reason, "the reason"),
            at=at,
        )

    @event(PartyAdded)
    def _party_added(
        self, agreement: str, party: str, signing: bool, actor: str, reason: str, at: datetime
    ) -> None:
        self.statuses[party] = (PartyStatus.NEGOTIATING if signing else PartyStatus.INVOLVED).value

    @event(PartyStatusChanged)
    def _party_status_changed(
        self,
        agreement: str,
        party: str,
        status: str,
        previous: str,
        detail: str,
        cause: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.statuses[party] = status

    def summary(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "full_name": self.full_name,
            "term": self.term,
            "relations": list(self.relations),
            "parties": dict(sorted(self.statuses.items())),
        }
