"""What the API's bodies and paths accept, shared by the route modules: bounded text, reasons,
moments and zones, member codes, and the bodies more than one process uses."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, Field

Reason = Annotated[str, Field(min_length=1, max_length=2000, description="Why (recorded).")]


Text = Annotated[str, Field(max_length=2000)]


MEMBER_PATTERN = r"^[Gg][Mm][0-9]{4}$"  # any case: the server upper-cases it
# ISO 8601 date and time (minutes at least), optionally with an offset; parse_moment then
# refuses a time the zone does not have.


MOMENT_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)


AS_OF_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
)


ZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+/-]{0,63}$"


Moment = Annotated[
    str, Field(pattern=MOMENT_PATTERN, max_length=40, description="e.g. 2025-10-22T16:00")
]


Zone = Annotated[
    str, Field(pattern=ZONE_PATTERN, max_length=64, description="IANA zone, e.g. Europe/Amsterdam")
]


MemberCode = Annotated[
    str,
    Field(
        pattern=MEMBER_PATTERN,
        max_length=6,
        description="CBS municipality code, e.g. GM0363",
    ),
]


MemberPath = Annotated[
    str, Path(pattern=MEMBER_PATTERN, max_length=6, description="CBS code, e.g. GM0363")
]


class Created(BaseModel):
    id: str


class ResultIn(BaseModel):
    yes_pct: str | None = Field(None, max_length=20)
    yes_weight: int | None = Field(None, ge=0, le=10**9)
    no_weight: int | None = Field(None, ge=0, le=10**9)
    outcome: Literal["adopted", "rejected"] | None = None
    reason: Reason


class ReasonIn(BaseModel):
    reason: Reason
