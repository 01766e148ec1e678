"""Ballot secrecy while a consultation is open: a secretary sees only its own member's ballot and
explanation (log, history, explanations) and the interim tally only when the consultation was
opened with `tally_visibility: everyone`; officers, the board and auditors see everything; after
the close every role sees every vote. Real app on a real store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from tests.http.support import Api, consultation_body, issue_tokens, seed_story, store_path

SECRETARIES = {"amsterdam": "GM0363", "utrecht": "GM0344", "smallingerland": "GM0090"}
OVERSEERS = ("officer", "board", "auditor")
VOTED = {"GM0363", "GM0344"}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, dict[str, str]]]:
    settings = store_path(Path(tmp_path_factory.mktemp("secrecy")))
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        ids = seed_story(api)  # Amsterdam votes yes, with an explanation
        ids["open"] = ids["consultation"]
        ids["everyone"] = api.ok(
            "officer",
            "POST",
            "/api/consultations",
            json=consultation_body(title="Open tally", tally_visibility="everyone"),
        )["id"]
        ids["closed"] = api.ok(
            "officer", "POST", "/api/consultations", json=consultation_body(title="Closed")
        )["id"]
        for cid in (ids["open"], ids["everyone"], ids["closed"]):
            if cid != ids["open"]:
                cast(api, "amsterdam", cid, "yes", "Goed voor de wijkteams.")
            cast(api, "utrecht", cid, "no", "Te weinig geld voor Utrecht.")
        cast(api, "utrecht", ids["open"], "yes", "Toch maar wel.")  # a re-cast
        api.ok("officer", "POST", f"/api/consultations/{ids['closed']}/close", json={"reason": "r"})
        yield api, ids


def cast(api: Api, role: str, cid: str, choice: str, explanation: str) -> None:
    body = {"member": SECRETARIES[role], "choice": choice, "explanation": explanation}
    api.ok(role, "POST", f"/api/consultations/{cid}/ballots", json=body)


def explained(api: Api, role: str, cid: str) -> set[str]:
    return {r["member"] for r in api.ok(role, "GET", f"/api/consultations/{cid}/explanations")}


def ballot_entries(api: Api, role: str, cid: str, **params: str) -> list[dict[str, Any]]:
    found = api.ok(role, "GET", "/api/log", params={"aggregate": cid, "limit": 1000, **params})
    return [e for e in found["entries"] if "Ballot" in e["event"]]


def members_seen_in_log(api: Api, role: str, cid: str) -> set[str]:
    return {
        str(e["data"]["member"]) for e in ballot_entries(api, role, cid) if "member" in e["data"]
    }


def history(api: Api, role: str, cid: str) -> dict[str, Any]:
    found: dict[str, Any] = api.ok(role, "GET", f"/api/history/{cid}")
    return found


@pytest.mark.parametrize("role", SECRETARIES)
def test_while_open_a_secretary_sees_only_its_own_ballot(
    story: tuple[Api, dict[str, str]], role: str
) -> None:
    api, ids = story
    own = SECRETARIES[role]
    mine = {own} & VOTED
    for cid in (ids["open"], ids["everyone"]):
        assert explained(api, role, cid) == mine
        assert members_seen_in_log(api, role, cid) == mine
        found = history(api, role, cid)
        assert set(found["state"]["ballots"]) == mine
        actors = {e["actor"] for e in found["events"] if "Ballot" in e["event"]}
        assert actors <= {f"secretary:{own}", ""}
    # A sealed entry says nothing: no member, no choice, no actor, no cast-or-recast.
    for entry in ballot_entries(api, role, ids["open"]):
        if entry["data"].get("member") != own:
            assert entry["event"] == "Consultation.Ballot"
            assert entry["actor"] == "" and set(entry["data"]) == {"sealed"}


@pytest.mark.parametrize("role", SECRETARIES)
def test_a_filter_does_not_reveal_what_the_seal_hides(
    story: tuple[Api, dict[str, str]], role: str
) -> None:
    api, ids = story
    others = [code for code in VOTED if code != SECRETARIES[role]]
    for code in others:
        assert ballot_entries(api, role, ids["open"], actor=f"secretary:{code}") == []
    if role != "utrecht":
        assert ballot_entries(api, role, ids["open"], event="Recast") == []


@pytest.mark.parametrize("role", SECRETARIES)
def test_the_interim_tally_follows_the_rule_set_at_opening(
    story: tuple[Api, dict[str, str]], role: str
) -> None:
    api, ids = story
    sealed = api.as_(role).get(f"/api/consultations/{ids['open']}/tally")
    assert sealed.status_code == 403, sealed.text
    assert sealed.json()["error"]["code"] == "tally_sealed"
    shown = api.ok(role, "GET", f"/api/consultations/{ids['everyone']}/tally")
    assert shown["voted_members"] == 2
    assert api.ok(role, "GET", f"/api/consultations/{ids['everyone']}")["tally_visibility"] == (
        "everyone"
    )


@pytest.mark.parametrize("role", OVERSEERS)
def test_officers_the_board_and_auditors_see_everything_while_open(
    story: tuple[Api, dict[str, str]], role: str
) -> None:
    api, ids = story
    for cid in (ids["open"], ids["everyone"]):
        assert explained(api, role, cid) == VOTED
        assert members_seen_in_log(api, role, cid) == VOTED
        assert set(history(api, role, cid)["state"]["ballots"]) == VOTED
        assert api.ok(role, "GET", f"/api/consultations/{cid}/tally")["voted_members"] == 2


@pytest.mark.parametrize("role", [*SECRETARIES, *OVERSEERS])
def test_after_the_close_every_role_sees_every_vote(
    story: tuple[Api, dict[str, str]], role: str
) -> None:
    api, ids = story
    cid = ids["closed"]
    assert explained(api, role, cid) == VOTED
    assert members_seen_in_log(api, role, cid) == VOTED
    assert set(history(api, role, cid)["state"]["ballots"]) == VOTED
    assert api.ok(role, "GET", f"/api/consultations/{cid}/tally")["voted_members"] == 2


def test_a_bad_tally_visibility_is_refused(story: tuple[Api, dict[str, str]]) -> None:
    api, _ = story
    response = api.as_("officer").post(
        "/api/consultations", consultation_body(tally_visibility="members")
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("role", "status"),
    [("amsterdam", 200), ("officer", 200), ("auditor", 200), ("utrecht", 403), ("board", 403)],
)
def test_a_ballot_receipt_is_for_its_secretary_officers_and_auditors(
    story: tuple[Api, dict[str, str]], role: str, status: int
) -> None:
    api, ids = story
    response = api.as_(role).get(f"/api/consultations/{ids['open']}/receipts/GM0363")
    assert response.status_code == status, response.text
    if status == 200:
        receipt = response.json()
        assert (receipt["member"], receipt["choice"]) == ("GM0363", "yes")
        assert receipt["consultation_id"] == ids["open"]


def test_the_ballot_answer_carries_its_receipt(story: tuple[Api, dict[str, str]]) -> None:
    api, _ = story
    cid = api.ok("officer", "POST", "/api/consultations", json=consultation_body(title="Receipts"))[
        "id"
    ]
    body = {"member": "GM0090", "choice": "no", "explanation": ""}
    answer = api.ok("smallingerland", "POST", f"/api/consultations/{cid}/ballots", json=body)
    assert answer["recorded"] is True
    assert (answer["receipt"]["member"], answer["receipt"]["choice"]) == ("GM0090", "no")
    fetched = api.ok("smallingerland", "GET", f"/api/consultations/{cid}/receipts/GM0090")
    assert fetched == answer["receipt"]  # built from what the cast stored, the same as read back
    body["choice"] = "yes"
    recast = api.ok("smallingerland", "POST", f"/api/consultations/{cid}/ballots", json=body)
    assert recast["receipt"]["position"] > answer["receipt"]["position"]
    assert recast["receipt"]["choice"] == "yes"
    fetched = api.ok("smallingerland", "GET", f"/api/consultations/{cid}/receipts/GM0090")
    assert fetched == recast["receipt"]
    same = api.ok("smallingerland", "POST", f"/api/consultations/{cid}/ballots", json=body)
    assert same["recorded"] is False
    assert same["receipt"] == recast["receipt"]  # nothing new: the standing ballot's receipt


def test_the_dashboard_keeps_the_same_secrecy(story: tuple[Api, dict[str, str]]) -> None:
    api, ids = story
    amsterdam_says = "Goed voor de wijkteams."
    for path in (f"/consultations/{ids['open']}", f"/log?aggregate={ids['open']}"):
        shown = api.as_("utrecht").get(path)
        assert shown.status_code == 200, shown.text
        assert amsterdam_says not in shown.text
        assert amsterdam_says in api.as_("officer").get(path).text
    after = api.as_("utrecht").get(f"/consultations/{ids['closed']}")
    assert amsterdam_says in after.text
