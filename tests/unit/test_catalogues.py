"""Every message the code and the templates show people has a Dutch translation.

Babel extracts the message ids the way `pybabel extract` would (`_`, `gettext`, `ngettext` in
Python; the same inside the Jinja templates), and each must be in the Dutch catalogue with a
non-empty translation. A word added in English only fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir

from adapters.i18n import catalogues, formats
from adapters.i18n.catalogues import speaking

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [
    ("**/tests/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/**.txt", "jinja2.ext:babel_extract"),
]


def extracted() -> dict[str | tuple[str, ...], list[str]]:
    found: dict[str | tuple[str, ...], list[str]] = {}
    for package in ("adapters", "projections", "workflows", "domain"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / package,
            METHODS,
            keywords=KEYWORDS,
            options_map={"**/templates/**": {"extensions": "jinja2.ext.i18n"}},
        ):
            # A plural is one entry (singular, plural), looked up as such.
            key = tuple(message[:2]) if isinstance(message, tuple) else message
            if key:
                found.setdefault(key, []).append(f"{package}/{filename}:{lineno}")
    return found


def translated(dutch: Any, msgid: str | tuple[str, ...]) -> bool:
    if isinstance(msgid, tuple):
        singular, plural = msgid
        return bool(
            dutch.ngettext(singular, plural, 1) != singular
            or dutch.ngettext(singular, plural, 2) != plural
        )
    return bool(dutch.gettext(msgid) != msgid or msgid.lower() in NOT_TRANSLATED)


def test_every_message_has_a_dutch_translation() -> None:
    dutch = catalogues.translations("nl")
    missing = {msgid: where for msgid, where in extracted().items() if not translated(dutch, msgid)}
    assert not missing, "missing from the Dutch catalogue:\n" + "\n".join(
        f"  {msgid!r} at {', '.join(where[:3])}"
        for msgid, where in sorted(missing.items(), key=lambda kv: str(kv[0]))
    )


# Words that are the same in both languages.
NOT_TRANSLATED = {"akkoord", "status", "csv", "pdf", "html", "json"}
NOT_TRANSLATED |= {"open", "token", "filter", "actor"}  # a phase, the login field, the log's


def test_extraction_finds_the_catalogue_words() -> None:
    assert "yes" in catalogues.translations("nl")._catalog


@pytest.mark.parametrize(
    ("requested", "expected"),
    [("nl_NL.UTF-8", "nl"), ("en_GB", "en"), ("de_DE", "nl"), (None, "nl"), ("nl-BE", "nl")],
)
def test_language_names(requested: str | None, expected: str) -> None:
    assert catalogues.language(requested) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
    ],
)
def test_the_cli_follows_the_locale(environ: dict[str, str], expected: str) -> None:
    assert catalogues.cli_language(environ) == expected


def test_words_follow_the_language() -> None:
    with speaking("nl"):
        assert catalogues.gettext("yes") == "ja"
    with speaking("en"):
        assert catalogues.gettext("yes") == "yes"


def test_dutch_formats() -> None:
    from datetime import UTC, datetime

    moment = datetime(2025, 10, 22, 14, 0, 12, 345678, tzinfo=UTC)
    with speaking("nl"):
        assert formats.moment(moment, "Europe/Amsterdam") == "22 oktober 2025, 16:00"
        assert formats.number(243768) == "243.768"
        assert formats.money(1125000) == "€\xa01.125.000,00"
    with speaking("en"):
        assert formats.moment(moment, "Europe/Amsterdam") == "22 October 2025, 16:00"
        assert formats.number(243768) == "243,768"
