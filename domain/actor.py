"""Who acts: a role and, for most roles, an identity (`officer:j.devries`, `secretary:GM0090`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InvalidInputError, NotAllowedError
from domain.messages import N_


class Role(StrEnum):
    OFFICER = "officer"
    SECRETARY = "secretary"
    BOARD = "board"
    AUDITOR = "auditor"
    SYSTEM = "system"


SYSTEM_IDENTITIES = ("scheduler", "workflow")
MEMBER_CODE = re.compile(r"\AGM[0-9]{4}\Z")
_IDENTITY = re.compile(r"\A[A-Za-z0-9_.@+-]{1,64}\Z")


@dataclass(frozen=True)
class Actor:
    role: Role
    identity: str

    @classmethod
    def parse(cls, text: str) -> Actor:
        role_text, _, identity = text.strip().partition(":")
        try:
            role = Role(role_text.lower())
        except ValueError:
            roles = ", ".join(r.value for r in Role)
            raise InvalidInputError(
                N_(
                    "unknown role %(role_text)r in actor %(text)r (roles: %(roles)s)",
                    role_text=role_text,
                    text=text,
                    roles=roles,
                )
            ) from None
        if role is Role.SECRETARY:
            if not MEMBER_CODE.match(identity):
                raise InvalidInputError(
                    N_(
                        "a secretary acts for one municipality: write secretary:GMxxxx, not "
                        "%(text)r",
                        text=text,
                    )
                )
        elif role is Role.SYSTEM:
            if identity not in SYSTEM_IDENTITIES:
                raise InvalidInputError(
                    N_(
                        "system actors are system:scheduler and system:workflow, not %(text)r",
                        text=text,
                    )
                )
        elif not identity:
            raise InvalidInputError(
                N_(
                    "say who acts, e.g. %(role)s:j.devries (got %(text)r)",
                    role=role.value,
                    text=text,
                )
            )
        if not _IDENTITY.match(identity):
            raise InvalidInputError(N_("malformed identity in actor %(text)r", text=text))
        return cls(role, identity)

    def __str__(self) -> str:
        return f"{self.role.value}:{self.identity}"

    def require(self, *roles: Role, doing: str) -> None:
        if self.role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise NotAllowedError(
                N_(
                    "%(actor)s may not %(doing)s: only %(allowed)s may",
                    actor=self,
                    doing=doing,
                    allowed=allowed,
                )
            )

    def require_may_cast_for(self, member_code: str) -> None:
        if self.role is not Role.SECRETARY:
            raise NotAllowedError(
                N_(
                    "%(actor)s may not cast a ballot: only the secretary of the municipality may",
                    actor=self,
                )
            )
        if self.identity != member_code:
            raise NotAllowedError(
                N_(
                    "%(actor)s may cast only for %(identity)s, not for %(member_code)s",
                    actor=self,
                    identity=self.identity,
                    member_code=member_code,
                )
            )


SCHEDULER = Actor(Role.SYSTEM, "scheduler")
WORKFLOW = Actor(Role.SYSTEM, "workflow")
