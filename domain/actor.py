"""Who acts: a role and, for most roles, an identity (`officer:j.devries`, `secretary:GM0090`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InvalidInputError, NotAllowedError


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
                f"unknown role {role_text!r} in actor {text!r} (roles: {roles})"
            ) from None
        if role is Role.SECRETARY:
            if not MEMBER_CODE.match(identity):
                raise InvalidInputError(
                    f"a secretary acts for one municipality: write secretary:GMxxxx, not {text!r}"
                )
        elif role is Role.SYSTEM:
            if identity not in SYSTEM_IDENTITIES:
                raise InvalidInputError(
                    f"system actors are system:scheduler and system:workflow, not {text!r}"
                )
        elif not identity:
            raise InvalidInputError(f"say who acts, e.g. {role.value}:j.devries (got {text!r})")
        if not _IDENTITY.match(identity):
            raise InvalidInputError(f"malformed identity in actor {text!r}")
        return cls(role, identity)

    def __str__(self) -> str:
        return f"{self.role.value}:{self.identity}"

    def require(self, *roles: Role, doing: str) -> None:
        if self.role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise NotAllowedError(f"{self} may not {doing}: only {allowed} may")

    def require_may_cast_for(self, member_code: str) -> None:
        if self.role is not Role.SECRETARY:
            raise NotAllowedError(
                f"{self} may not cast a ballot: only the secretary of the municipality may"
            )
        if self.identity != member_code:
            raise NotAllowedError(
                f"{self} may cast only for {self.identity}, not for {member_code}"
            )


SCHEDULER = Actor(Role.SYSTEM, "scheduler")
WORKFLOW = Actor(Role.SYSTEM, "workflow")
