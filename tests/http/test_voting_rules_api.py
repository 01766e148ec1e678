"""Voting rules over the API: a consultation opened with options, a blank vote, a quorum and a
tie rule; the tally and the board's advice carrying them; non-voters for officers, the board and
auditors (JSON and CSV); each municipality's vote refused to every role while open and published
to every role after the close (and on the dashboard). Real app on a real store."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from tests.http.support import Api, consultation_body, issue_tokens, seed_story, store_path
from tests.http.test_api import error_of, head

ROLES = ("officer", "board", "auditor", "amsterdam", "utrecht")


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, dict[str, str]]]:
    settings = store_path(Path(tmp_path_factory.mktemp("rules")))
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        ids = seed_story(api, cast=False)
        ids["blank"] = api.ok(
            "officer",
            "POST",
            "/api/consultations",
            json=consultation_body(
                title="Blanco",
                options=["yes", "no", "blank"],
                quorum_members=2,
                quorum_weight_pct=10,
                tie_rule="undecided",
            ),
        )["id"]
        for role, member, choice in (
            ("amsterdam", "GM0363", "blank"),
            ("utrecht", "GM0344", "YES"),
        ):
            api.ok(
                role,
                "POST",
                f"/api/consultations/{ids['blank']}/ballots",
                json={"member": member, "choice": choice},
            )
        api.ok(
            "amsterdam",
            "POST",
            f"/api/consultations/{ids['consultation']}/ballots",
            json={"member": "GM0363", "choice": "no", "explanation": '=HYPERLINK("x")'},
        )
        yield api, ids


def test_the_rules_are_recorded_and_shown_with_the_tally(story: tuple[Api, dict[str, str]]) -> None:
    api, ids = story
    shown = api.ok("officer", "GET", f"/api/consultations/{ids['blank']}")
    assert shown["options"] == ["yes", "no", "blank"] and shown["tie_rule"] == "undecided"
    assert shown["quorum_members"] == 2 and shown["quorum_weight_pct"] == 10.0
    assert shown["turnout_warning_pct"] == 50.0  # the default for a new consultation
    tally = api.ok("officer", "GET", f"/api/consultations/{ids['blank']}/tally")
    assert tally["blank_weight"] == 75 and tally["blank_members"] == 1
    assert tally["yes_pct"] == 100.0 and tally["voted_members"] == 2
    assert tally["outcome"]["quorum_met"] is False  # 2 members, but not 10% of the weight
    assert tally["outcome"]["advice"] == "no quorum"
    assert tally["outcome"]["low_turnout"] is True
    default = api.ok("officer", "GET", f"/api/consultations/{ids['consultation']}/tally")
    assert default["rules"]["options"] == ["yes", "no"]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"options": ["yes", "Yes"]}, "invalid_input"),
        ({"options": ["a"]}, "invalid_request"),
        ({"options": ["yes", "blank"]}, "invalid_input"),
        ({"options": ["a", "b;c"]}, "invalid_input"),
        ({"tie_rule": "coin"}, "invalid_request"),
        ({"quorum_members": 343}, "invalid_input"),
        ({"quorum_members": -1}, "invalid_request"),
        ({"quorum_weight_pct": 0}, "invalid_request"),
        ({"turnout_warning_pct": 101}, "invalid_request"),
    ],
)
def test_bad_rules_are_422_and_write_nothing(
    story: tuple[Api, dict[str, str]], extra: dict[str, object], code: str
) -> None:
    api, _ = story
    before = head(api)
    response = api.as_("officer").post("/api/consultations", consultation_body(**extra))
    error_of(response, 422, code)
    assert head(api) == before


def test_a_choice_not_among_the_options_is_422_and_writes_nothing(
    story: tuple[Api, dict[str, str]],
) -> None:
    api, ids = story
    before = head(api)
    response = api.as_("utrecht").post(
        f"/api/consultations/{ids['consultation']}/ballots", {"member": "GM0344", "choice": "blank"}
    )
    error_of(response, 422, "invalid_choice")
    assert head(api) == before


@pytest.mark.parametrize("role", ["officer", "board", "auditor"])
def test_non_voters_for_officers_the_board_and_auditors(
    story: tuple[Api, dict[str, str]], role: str
) -> None:
    api, ids = story
    rows = api.ok(role, "GET", f"/api/consultations/{ids['blank']}/non-voters")
    assert len(rows) == 340 and not {"GM0363", "GM0344"} & {r["member"] for r in rows}
    response = api.as_(role).get(
        f"/api/consultations/{ids['blank']}/non-voters", params={"format": "csv"}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == 340


def test_a_secretary_gets_no_list_of_non_voters(story: tuple[Api, dict[str, str]]) -> None:
    api, ids = story
    response = api.as_("amsterdam").get(f"/api/consultations/{ids['blank']}/non-voters")
    error_of(response, 403, "not_allowed")


@pytest.mark.parametrize("role", ROLES)
def test_votes_are_refused_to_every_role_while_open(
    story: tuple[Api, dict[str, str]], role: str
) -> None:
    api, ids = story
    for fmt in ("json", "csv"):
        response = api.as_(role).get(
            f"/api/consultations/{ids['consultation']}/votes", params={"format": fmt}
        )
        error_of(response, 403, "votes_sealed")


def test_after_the_close_every_role_sees_each_vote(story: tuple[Api, dict[str, str]]) -> None:
    api, ids = story
    cid = ids["consultation"]
    api.ok("officer", "POST", f"/api/consultations/{cid}/close", json={"reason": "klaar"})
    for role in ROLES:
        votes = api.ok(role, "GET", f"/api/consultations/{cid}/votes")
        assert len(votes) == 342
        assert {v["member"]: v["choice"] for v in votes if v["choice"]} == {"GM0363": "no"}
    text = api.as_("utrecht").get(f"/api/consultations/{cid}/votes", params={"format": "csv"}).text
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["member"] == "GM0363")
    assert row["explanation"].startswith("'=")  # a spreadsheet does not run it
    # the advice to the board: negative (no only), with turnout and the low-turnout warning
    advice = api.ok("board", "GET", f"/api/ratifications/{ids['ratification']}")
    assert advice["advice"] == "negative"
    assert "1 of 342 members" in advice["advice_detail"]
    assert "low turnout" in advice["advice_detail"]
    non_voters = api.ok("officer", "GET", f"/api/consultations/{cid}/non-voters")
    assert len(non_voters) == 341
