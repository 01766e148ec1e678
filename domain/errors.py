"""Domain errors. Each carries a stable `code` and a `kind` that adapters map to exit codes and
HTTP statuses, so the mapping is explicit rather than guessed from class names."""

from __future__ import annotations

from typing import ClassVar, Literal

Kind = Literal["invalid", "not_found", "conflict", "forbidden"]


class DomainError(Exception):
    """A command was refused by a rule. The message is one line, meant for the person acting."""

    kind: ClassVar[Kind] = "invalid"
    code: ClassVar[str] = "invalid"


class InvalidInputError(DomainError):
    code = "invalid_input"


class NotFoundError(DomainError):
    kind = "not_found"
    code = "not_found"


class ConflictError(DomainError):
    kind = "conflict"
    code = "conflict"


class NotAllowedError(DomainError):
    kind = "forbidden"
    code = "not_allowed"


class UnknownMemberError(NotFoundError):
    code = "unknown_member"


class UnknownConsultationError(NotFoundError):
    code = "unknown_consultation"


class NotInElectorateError(DomainError):
    code = "not_in_electorate"


class InvalidChoiceError(DomainError):
    code = "invalid_choice"


class BallotTooEarlyError(ConflictError):
    code = "ballot_too_early"


class BallotTooLateError(ConflictError):
    code = "ballot_too_late"


class ConsultationClosedError(ConflictError):
    code = "consultation_closed"


class ConsultationCancelledError(ConflictError):
    code = "consultation_cancelled"


class InvalidDeadlineError(DomainError):
    code = "invalid_deadline"


class MissingReasonError(DomainError):
    code = "missing_reason"


class NoElectorateError(ConflictError):
    code = "no_electorate"
