"""Hostile text in every free-text field never becomes live markup: not in the board's report
(HTML, Markdown rendered by a common renderer; the PDF must simply not crash), not on any
dashboard page, and not through a member name loaded from a CSV (refused at load).

"Live" is judged by parsing what a browser would parse: a tag or attribute the text smuggled in
is live; the same characters shown as text (`&lt;script&gt;`) are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt

from adapters.entrypoints.http.app import create_app
from tests.e2e.cli import Cli
from tests.http.support import AZWA, IZA, Api, issue_tokens, store_path
from tests.stores import store_fingerprint

HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[x](javascript:alert(1))",
)
# Every long free-text field carries every payload at once.
TEXT = " ".join(HOSTILE)
OFFICER = "officer:j.devries"
# A ballot per payload, each from another municipality (code, payload).
VOTERS = [("GM0090", HOSTILE[0]), ("GM0363", HOSTILE[1]), ("GM0344", HOSTILE[2])]
VOTERS.append(("GM0014", HOSTILE[3] + "\n\n# heading\n<script>alert(2)</script>"))


class LiveMarkup(HTMLParser):
    """What a browser would run or follow: scripts, event handlers, javascript: URLs."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.inline_scripts: list[str] = []
        self.script_sources: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.script_urls: list[tuple[str, str]] = []
        self.tags: set[str] = set()
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if re.sub(r"\s", "", value or "").lower().startswith("javascript:"):
                self.script_urls.append((tag, name))
        if tag == "script":
            source = dict(attrs).get("src") or ""
            self.script_sources.append(source)
            self._in_script = not source

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def assert_no_live_markup(html: str, where: str) -> None:
    found = LiveMarkup(html)
    assert not found.inline_scripts, (where, found.inline_scripts)
    # Our own pages load only vendored scripts from /static.
    assert all(s.startswith("/static/") for s in found.script_sources), (where, found)
    assert not found.handlers, (where, found.handlers)
    assert not found.script_urls, (where, found.script_urls)
    assert "img" not in found.tags, where
    assert "alert(" not in "".join(found.inline_scripts), where


def assert_shown_as_text(html: str, where: str) -> None:
    """The payload is there, escaped (as HTML text, or as JSON shown in a page): it was
    rendered, not dropped."""
    escaped = ("&lt;script&gt;alert(1)&lt;/script&gt;", "\\u003cscript\\u003ealert(1)")
    assert any(form in html for form in escaped), where


def in_future(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat(timespec="seconds")


# --- the board's report, through the real CLI ---------------------------------------------------


@pytest.fixture
def hostile_consultation(tmp_path: Path) -> tuple[Cli, str]:
    cli = Cli(tmp_path / "store")
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    opened = cli(
        "consultation",
        "open",
        "--title",
        TEXT,
        "--question",
        TEXT,
        "--agreement",
        "AZWA",
        "--closes",
        in_future(days=30),
        "--reason",
        TEXT,
        "--json",
        actor=OFFICER,
    )
    assert opened.exit_code == 0, opened.stderr
    cid = str(opened.json()["id"])
    for code, text in VOTERS:
        cast = cli(
            "consultation",
            "cast",
            cid,
            "--member",
            code,
            "--choice",
            "yes",
            "--explanation",
            text,
            actor=f"secretary:{code}",
        )
        assert cast.exit_code == 0, cast.stderr
    return cli, cid


def test_the_html_report_shows_hostile_text_as_text(hostile_consultation: tuple[Cli, str]) -> None:
    cli, cid = hostile_consultation
    run = cli("report", "consultation", cid, "--format", "html")
    assert run.exit_code == 0, run.stderr
    assert_no_live_markup(run.stdout, "report.html")
    assert_shown_as_text(run.stdout, "report.html")
    assert "<svg" in run.stdout  # the chart is still drawn: escaping is not blanket


def test_the_markdown_report_renders_without_live_markup(
    hostile_consultation: tuple[Cli, str],
) -> None:
    cli, cid = hostile_consultation
    run = cli("report", "consultation", cid, "--format", "md")
    assert run.exit_code == 0, run.stderr
    markdown = run.stdout
    assert "<script" not in markdown.lower() and "<img" not in markdown.lower()
    assert "<svg" not in markdown.lower()
    # No link syntax survives unescaped, whichever renderer follows javascript: links.
    assert not re.search(r"(?<!\\)\]\(", markdown), markdown
    # A line break in an explanation starts no heading or block of its own.
    assert not any(line.startswith("# heading") for line in markdown.splitlines())
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert_no_live_markup(html, "report.md rendered")
    assert_shown_as_text(html, "report.md rendered")
    assert "<h1>" in html and "<table>" in html  # still a document, not one escaped blob


def test_the_pdf_report_takes_hostile_text(
    hostile_consultation: tuple[Cli, str], tmp_path: Path
) -> None:
    cli, cid = hostile_consultation
    target = tmp_path / "uitslag.pdf"
    run = cli("report", "consultation", cid, "--format", "pdf", "-o", str(target))
    assert run.exit_code == 0, run.stderr
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("field", ["name", "province"])
@pytest.mark.parametrize("payload", [HOSTILE[0], HOSTILE[1], HOSTILE[2]])
def test_a_member_name_with_markup_is_refused_at_load(
    tmp_path: Path, field: str, payload: str
) -> None:
    cli = Cli(tmp_path / "store")
    row = {"code": "GM9999", "name": "Stad", "province": "Utrecht"}
    row[field] = payload
    source = tmp_path / "members.csv"
    quoted = '"' + payload.replace('"', '""') + '"'
    cells = [row["code"], row["name"], row["province"]]
    cells[["code", "name", "province"].index(field)] = quoted
    source.write_text(
        "code,name,province,inhabitants,year\n"
        "GM0014,Groningen,Groningen,243768,2024\n" + ",".join(cells) + ",1000,2024\n",
        encoding="utf-8",
    )
    before = store_fingerprint(cli.data_dir)
    run = cli("members", "load", "--file", str(source), actor=OFFICER)
    assert run.exit_code == 2, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert f"{source}:3:" in lines[0] and field in lines[0], lines[0]
    assert store_fingerprint(cli.data_dir) == before


def test_a_member_name_with_an_ampersand_still_loads(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "store")
    source = tmp_path / "members.csv"
    source.write_text(
        "code,name,province,inhabitants,year\nGM9999,Stad & Ommeland,Groningen,1000,2024\n",
        encoding="utf-8",
    )
    run = cli("members", "load", "--file", str(source), actor=OFFICER)
    assert run.exit_code == 0, run.stderr


# --- every dashboard page, in process ----------------------------------------------------------

PAGES = [
    "/",
    "/consultations",
    "/consultations/{cid}",
    "/consultations/{cid}/tally",
    "/board",
    "/timeline",
    "/log",
    "/deadlines",
]
ROLES = ["officer", "board", "auditor", "amsterdam"]


def _hostile_story(api: Api) -> str:
    api.ok("officer", "POST", "/api/members/load", json={"reason": TEXT})
    api.ok("officer", "POST", "/api/agreements", json={**IZA, "full_name": TEXT, "reason": TEXT})
    api.ok("officer", "POST", "/api/agreements", json={**AZWA, "full_name": TEXT, "reason": TEXT})
    api.ok(
        "officer",
        "POST",
        "/api/agreements/IZA/status",
        json={"parties": ["ZN"], "status": "signed", "detail": TEXT, "reason": TEXT},
    )
    signing = api.ok(
        "officer",
        "POST",
        "/api/signings",
        json={"party": "VNG", "agreement": "AZWA", "conditions": list(HOSTILE), "reason": TEXT},
    )["id"]
    cid = api.ok(
        "officer",
        "POST",
        "/api/consultations",
        json={
            "title": TEXT,
            "question": TEXT,
            "closes": in_future(days=3),
            "agreements": ["AZWA"],
            "reason": TEXT,
        },
    )["id"]
    rid = api.ok(
        "officer",
        "POST",
        "/api/ratifications",
        json={
            "title": TEXT,
            "date": in_future(days=10),
            "consultation": cid,
            "agreements": ["AZWA"],
            "signings": [signing],
            "reason": TEXT,
        },
    )["id"]
    for role, code, text in (("amsterdam", "GM0363", TEXT), ("utrecht", "GM0344", HOSTILE[2])):
        api.ok(
            role,
            "POST",
            f"/api/consultations/{cid}/ballots",
            json={"member": code, "choice": "yes", "explanation": text},
        )
    api.ok("officer", "POST", f"/api/consultations/{cid}/close", json={"reason": TEXT})
    api.ok(
        "board",
        "POST",
        f"/api/ratifications/{rid}/decision",
        json={"decision": "reject", "rationale": TEXT, "reason": TEXT},
    )
    api.ids["consultation"] = cid
    return str(cid)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, str]]:
    settings = store_path(Path(tmp_path_factory.mktemp("hostile")))
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = Api(client, tokens, settings)
        yield api, _hostile_story(api)


def _get(api: Api, role: str, path: str, **params: Any) -> str:
    # A bearer token reaches the dashboard's pages as a session would, without logging in.
    response = api.as_(role).get(path, params=params)
    assert response.status_code == 200, (role, path, response.status_code, response.text[:300])
    return str(response.text)


def test_the_dashboard_autoescapes_every_template() -> None:
    from adapters.entrypoints.http.dashboard import templates

    policy = templates.env.autoescape
    names = templates.env.list_templates()
    assert names
    for name in names:
        assert policy is True or (callable(policy) and policy(name)), name


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_no_dashboard_page_runs_stored_text(site: tuple[Api, str], role: str, path: str) -> None:
    api, cid = site
    html = _get(api, role, path.format(cid=cid))
    assert_no_live_markup(html, f"{role} {path}")


def test_the_stored_text_is_on_the_pages_escaped(site: tuple[Api, str]) -> None:
    api, cid = site
    for path in ("/consultations", f"/consultations/{cid}", "/board", "/log"):
        assert_shown_as_text(_get(api, "auditor", path), path)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/", {"error": TEXT}),
        ("/", {"message": TEXT}),
        ("/", {"as_of": HOSTILE[2]}),
        ("/login", {"error": TEXT}),
        ("/log", {"aggregate": HOSTILE[2], "event": HOSTILE[1], "actor": HOSTILE[0]}),
        ("/consultations/{cid}", {"error": TEXT, "message": TEXT}),
        ("/board", {"error": TEXT}),
    ],
)
def test_no_dashboard_page_reflects_a_query_as_markup(
    site: tuple[Api, str], path: str, params: dict[str, str]
) -> None:
    api, cid = site
    html = _get(api, "officer", path.format(cid=cid), **params)
    assert_no_live_markup(html, f"{path} {params}")
