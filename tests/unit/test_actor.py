from __future__ import annotations

import pytest

from domain.actor import Actor, Role
from domain.errors import InvalidInputError, NotAllowedError


@pytest.mark.parametrize(
    ("text", "role", "identity"),
    [
        ("officer:j.devries", Role.OFFICER, "j.devries"),
        ("secretary:GM0090", Role.SECRETARY, "GM0090"),
        ("board:voorzitter", Role.BOARD, "voorzitter"),
        ("system:scheduler", Role.SYSTEM, "scheduler"),
    ],
)
def test_parse(text: str, role: Role, identity: str) -> None:
    actor = Actor.parse(text)
    assert (actor.role, actor.identity) == (role, identity)
    assert str(actor) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "mayor:x",
        "secretary:Harlingen",
        "secretary:GM90",
        "officer",
        "system:me",
        "officer:a b",
        "officer:" + "x" * 65,
    ],
)
def test_malformed_actors_are_refused(text: str) -> None:
    with pytest.raises(InvalidInputError):
        Actor.parse(text)


def test_a_secretary_casts_only_for_its_own_municipality() -> None:
    Actor.parse("secretary:GM0090").require_may_cast_for("GM0090")
    with pytest.raises(NotAllowedError, match="GM0363"):
        Actor.parse("secretary:GM0090").require_may_cast_for("GM0363")
    with pytest.raises(NotAllowedError):
        Actor.parse("officer:x").require_may_cast_for("GM0090")


def test_roles_are_checked() -> None:
    with pytest.raises(NotAllowedError, match="officer"):
        Actor.parse("auditor:a").require(Role.OFFICER, doing="open a consultation")
