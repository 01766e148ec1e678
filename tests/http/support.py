"""Helpers for the HTTP tests: tokens issued on a real store, a client per role, a seeded story."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from adapters.auth.tokens import TokenStore
from adapters.config.settings import Settings
from domain.actor import Actor, Role
from tests.stores import initialised

ISSUER = Actor(Role.OFFICER, "beheer")
UNKNOWN = "00000000-0000-4000-8000-000000000000"

# role given to `tokens issue`, the holder's name, and the actor the token stands for
ROLES: dict[str, tuple[str, str]] = {
    "officer": ("officer", "j.devries"),
    "board": ("board", "voorzitter"),
    "auditor": ("auditor", "a.jansen"),
    "amsterdam": ("secretary:GM0363", "Griffier Amsterdam"),
    "utrecht": ("secretary:GM0344", "Griffier Utrecht"),
    "smallingerland": ("secretary:GM0090", "Griffier Smallingerland"),
}
ACTORS = {
    "officer": "officer:j.devries",
    "board": "board:voorzitter",
    "auditor": "auditor:a.jansen",
    "amsterdam": "secretary:GM0363",
    "utrecht": "secretary:GM0344",
    "smallingerland": "secretary:GM0090",
}


def issue_tokens(settings: Settings) -> dict[str, str]:
    """One token per role in ROLES, issued by an officer, on the store in `settings`."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = TokenStore(settings)
    try:
        return {
            key: store.issue(role=role, name=name, issued_by=ISSUER, reason="tests").token
            for key, (role, name) in ROLES.items()
        }
    finally:
        store.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def in_future(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat(timespec="seconds")


def consultation_body(closes: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Ledenraadpleging AZWA",
        "question": "Stemt u in met het AZWA?",
        "closes": closes or in_future(days=3),
        "agreements": ["AZWA", "IZA"],
        "reason": "Lbr. 25/041",
        **extra,
    }


IZA = {
    "code": "IZA",
    "name": "IZA",
    "full_name": "Integraal Zorgakkoord",
    "term": "2023-2026",
    "parties": ["VWS", "ZN", "VNG"],
    "involved": ["NZa"],
    "reason": "IZA signed in 2022",
}
AZWA = {
    "code": "AZWA",
    "name": "AZWA",
    "full_name": "Aanvullend Zorg- en Welzijnsakkoord",
    "term": "2026-2028",
    "parties": ["VWS", "ZN", "VNG"],
    "involved": ["IGJ"],
    "supplements": "IZA",
    "continues": "IZA",
    "reason": "talks on the AZWA",
}
SIGNING = {
    "party": "VNG",
    "agreement": "AZWA",
    "conditions": ["positieve uitkomst van de ledenraadpleging", "bekrachtiging door het bestuur"],
    "reason": "VNG signs under reservation (8 Sep 2025)",
}


@dataclass
class Api:
    """A TestClient and the tokens; `api.as_("officer").post(...)` sends that role's token."""

    client: TestClient
    tokens: dict[str, str]
    settings: Settings
    ids: dict[str, str] = field(default_factory=dict)

    def as_(self, role: str) -> _As:
        return _As(self.client, bearer(self.tokens[role]))

    def ok(self, role: str, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, path, headers=bearer(self.tokens[role]), **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json()

    def log_lines(self) -> list[dict[str, Any]]:
        text = self.settings.log_path.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@dataclass
class _As:
    client: TestClient
    headers: dict[str, str]

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.client.post(path, json=body, headers=self.headers, **kwargs)


def seed_story(api: Api, *, cast: bool = True, close: bool = False) -> dict[str, str]:
    """Members, IZA and AZWA, VNG's conditional signature, a consultation with (if `cast`)
    Amsterdam's yes, and a ratification scheduled on it (closed if `close`); returns the ids."""
    api.ok("officer", "POST", "/api/members/load", json={"reason": "CBS 2024"})
    api.ok("officer", "POST", "/api/agreements", json=IZA)
    api.ok("officer", "POST", "/api/agreements", json=AZWA)
    signing = api.ok("officer", "POST", "/api/signings", json=SIGNING)["id"]
    consultation = api.ok("officer", "POST", "/api/consultations", json=consultation_body())["id"]
    ratification = api.ok(
        "officer",
        "POST",
        "/api/ratifications",
        json={
            "title": "Bekrachtiging uitkomst ledenraadpleging",
            "date": in_future(days=10),
            "consultation": consultation,
            "agreements": ["AZWA"],
            "signings": [signing],
            "reason": "the board ratifies the outcome",
        },
    )["id"]
    if cast:
        api.ok(
            "amsterdam",
            "POST",
            f"/api/consultations/{consultation}/ballots",
            json={"member": "GM0363", "choice": "yes", "explanation": "Goed voor de wijkteams."},
        )
    if close:
        api.ok(
            "officer",
            "POST",
            f"/api/consultations/{consultation}/close",
            json={"reason": "all votes are in"},
        )
    ids = {"signing": signing, "consultation": consultation, "ratification": ratification}
    api.ids.update(ids)
    return ids


def store_path(tmp: Path) -> Settings:
    settings = Settings(tmp / "store")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return initialised(settings)


def seed_every_process(api: Api) -> dict[str, str]:
    """The story of `seed_story` plus a resolution, a UDO and an ALV: one of every process, for
    tests that walk every route (fuzzing, schema conformance); returns the ids."""
    ids = seed_story(api)
    ids["resolution"] = api.ok(
        "officer",
        "POST",
        "/api/resolutions",
        json={"title": "Opschorting", "conditions": ["gelijkwaardigheid"], "reason": "ALV"},
    )["id"]
    ids["udo"] = api.ok(
        "officer",
        "POST",
        "/api/udos",
        json={"agreement": "AZWA", "title": "UDO AZWA", "reason": "r"},
    )["id"]
    ids["assembly"] = api.ok(
        "officer",
        "POST",
        "/api/assemblies",
        json={"title": "Najaars-ALV", "date": "2099-11-20T10:00", "reason": "r"},
    )["id"]
    return ids
