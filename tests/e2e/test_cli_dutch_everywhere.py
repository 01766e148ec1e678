"""Every group of commands speaks the locale's language: under LANG=nl_NL.UTF-8 the tables'
column names, the domain's words and the fixed sentences are Dutch, under LANG=C.UTF-8 they
are the English they always were; --json stays English either way.

One demo store serves the module; each command runs in-process with the locale in its
environment (the root callback reads it for each run)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adapters.entrypoints.cli.main import app
from tests.e2e.cli import CliRunner

DUTCH, ENGLISH = "nl_NL.UTF-8", "C.UTF-8"
OFFICER = "officer:j.devries"
CONSULTATION = "{consultation}"

# (command, English words a Dutch reader must not see, their Dutch). The words are the tables'
# headers, the domain's values and the fixed sentences; the demo's own data (Dutch titles, the
# rules' recorded English summaries) is not translated and is not checked.
COMMANDS: list[tuple[tuple[str, ...], list[str], list[str]]] = [
    (("members", "list"), ["members", "province", "population"], ["leden", "inwoners"]),
    (("consultation", "list"), ["title", "closes at", "closed"], ["titel", "sluit op"]),
    (
        ("consultation", "show", CONSULTATION),
        ["weight rule", "tally visibility", "tie rule"],
        ["afronding gewicht", "zichtbaarheid telling"],
    ),
    (
        ("consultation", "tally", CONSULTATION),
        ["turnout (weight)", "Tally", "total", "advice:"],
        ["opkomst (gewicht)", "Telling", "totaal", "advies: positief"],
    ),
    (
        ("consultation", "votes", CONSULTATION),
        ["choice", "cast at", "Votes per municipality"],
        ["keuze", "uitgebracht op", "Stemmen per gemeente"],
    ),
    (("agreement", "list"), ["term", "parties"], ["looptijd", "partijen"]),
    (("agreement", "show", "AZWA"), ["signed", "supplements"], ["ondertekend", "vult aan"]),
    (
        ("resolution", "list"),
        ["tabled by", "conditions met", "effects"],
        ["ingediend door", "voorwaarden vervuld"],
    ),
    (("udo", "list"), ["participants", "critical points"], ["deelnemers", "kritieke punten"]),
    (("signing", "list"), ["conditions", "definitive"], ["voorwaarden", "definitief"]),
    (("board", "list"), ["decided at", "ratified"], ["besloten op", "bekrachtigd"]),
    (("alv", "list"), ["held on", "items", "True"], ["gehouden op", "agendapunten"]),
    (("region", "list"), ["committee", "decisions"], ["commissie", "van kracht"]),
    (("funding", "show", "SPUK-IZA"), ["allocations", "continues"], ["toewijzingen"]),
    (("monitoring", "list"), ["owner", "findings", "on track"], ["eigenaar", "op koers"]),
    (("log", "--from", "860"), ["effective at", "event"], ["van kracht op", "gebeurtenis"]),
    (("projections", "rebuild"), ["replayed", "read models"], ["opnieuw afgespeeld"]),
    (("audit", "verify"), ["events", "signed tree heads"], ["gebeurtenissen"]),
    (("tokens", "list"), ["(none)"], ["(geen)"]),
    (("contacts", "list"), ["email", "loaded", "no mail goes"], ["e-mail", "geladen"]),
    (("mail", "status"), ["SMTP is not configured"], ["SMTP is niet ingesteld"]),
]


def akkoord(data_dir: Path, lang: str, *args: str) -> str:
    env = {
        "LANG": lang,
        "LC_ALL": None,
        "LC_MESSAGES": None,
        "AKKOORD_HOME": str(data_dir),
        "AKKOORD_ACTOR": OFFICER,
        "COLUMNS": "250",  # one table row per line: the words are not folded
    }
    run = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    assert run.exit_code == 0, (args, run.stdout, run.stderr)
    return run.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    home = Path(tmp_path_factory.mktemp("dutch"))
    data_dir = home / "demo"
    akkoord(data_dir, ENGLISH, "demo", "--data-dir", str(data_dir))
    contacts = home / "secretarissen.csv"
    contacts.write_text(
        "gemeente;naam;e-mail\nGM0014;Zoë Brouwer;zoe@groningen.nl\nVNG;Piet Bakker;p@vng.nl\n",
        encoding="utf-8",
    )
    akkoord(data_dir, ENGLISH, "contacts", "load", "--file", str(contacts), "--reason", "test")
    listed = json.loads(akkoord(data_dir, DUTCH, "consultation", "list", "--json"))
    return data_dir, listed[0]["id"]


def said(text: str, words: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-])", text) is not None


@pytest.mark.parametrize(
    ("args", "english", "dutch"), COMMANDS, ids=[" ".join(c[0][:2]) for c in COMMANDS]
)
def test_every_command_speaks_the_locale(
    store: tuple[Path, str], args: tuple[str, ...], english: list[str], dutch: list[str]
) -> None:
    data_dir, consultation = store
    args = tuple(consultation if a == CONSULTATION else a for a in args)
    in_dutch = akkoord(data_dir, DUTCH, *args)
    assert [w for w in english if said(in_dutch, w)] == [], in_dutch
    assert [w for w in dutch if not said(in_dutch, w)] == [], in_dutch
    in_english = akkoord(data_dir, ENGLISH, *args)
    assert [w for w in english if not said(in_english, w)] == [], in_english
    assert [w for w in dutch if said(in_english, w)] == [], in_english


def test_json_stays_english_under_a_dutch_locale(store: tuple[Path, str]) -> None:
    data_dir, consultation = store
    for args in (("consultation", "show", consultation), ("board", "list"), ("alv", "list")):
        assert akkoord(data_dir, DUTCH, *args, "--json") == akkoord(
            data_dir, ENGLISH, *args, "--json"
        )


def test_dates_in_dutch_tables_are_written_out(store: tuple[Path, str]) -> None:
    data_dir, _ = store
    dutch = akkoord(data_dir, DUTCH, "board", "list")
    assert "29 oktober 2025, 10:00" in dutch and "2025-10-29T" not in dutch
    assert "2025-10-29T10:00:00+01:00" in akkoord(data_dir, ENGLISH, "board", "list")
