"""The message catalogues: English message ids in the code, Dutch (the first language) in
`locales/nl/LC_MESSAGES/*.po`, English as the second language (the ids themselves).

Each room that shows words to people keeps its own `.po` file (dashboard, mail, errors, ...);
they are read with Babel and merged into one catalogue per language when first asked for.
The `.po` files are read directly, so no compiled `.mo` file has to be built or committed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel.support import NullTranslations

LOCALES_DIR = Path(__file__).with_name("locales")
DUTCH = "nl"
ENGLISH = "en"
LANGUAGES = (DUTCH, ENGLISH)
DEFAULT = DUTCH

_current: ContextVar[str] = ContextVar("akkoord_language", default=DEFAULT)


def language(requested: str | None) -> str:
    """`nl`, `nl_NL.UTF-8`, `en-GB`, ... to one of ours; anything else to the default."""
    if not requested:
        return DEFAULT
    code = requested.replace("-", "_").split(".")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT


def cli_language(environ: Mapping[str, str] | None = None) -> str:
    """The CLI follows the locale as POSIX orders it: Dutch only when it says Dutch."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return DUTCH if language(value) == DUTCH and value.lower().startswith("nl") else ENGLISH
    return ENGLISH


def catalogue_files(lang: str) -> list[Path]:
    return sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po"))


@cache
def translations(lang: str) -> NullTranslations:
    # Babel loads here, on the first Dutch word: an English CLI run never needs it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    merged: NullTranslations | None = None
    for po in catalogue_files(lang):
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded = Translations(fp=buffer, domain="akkoord")
        if merged is None:
            merged = loaded
        else:
            assert isinstance(merged, Translations)
            merged.merge(loaded)
    return merged if merged is not None else NullTranslations()


def current() -> str:
    return _current.get()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Words asked for inside this block come in `lang`."""
    token = _current.set(language(lang))
    try:
        yield
    finally:
        _current.reset(token)


def set_language(lang: str) -> None:
    """For a whole request or process (a context variable: each request has its own)."""
    _current.set(language(lang))


def gettext(message: str, /, **params: Any) -> str:
    """`message` in the current language; `%(name)s` placeholders filled from `params`."""
    lang = current()
    text = message if lang == ENGLISH else translations(lang).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, /, **params: Any) -> str:
    lang = current()
    if lang == ENGLISH:  # the ids are the English words
        text = singular if n == 1 else plural
    else:
        text = translations(lang).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def unformatted_ngettext(singular: str, plural: str, n: int, /) -> str:
    """For Jinja's newstyle gettext, which fills `%(num)s` and the other variables itself."""
    lang = current()
    if lang == ENGLISH:
        return singular if n == 1 else plural
    return str(translations(lang).ngettext(singular, plural, n))


_ = gettext


def N_(message: str, /) -> str:  # noqa: N802 - the name `pybabel extract` looks for
    """Marks a word for the catalogue where it is defined; translated later, where it is shown."""
    return message
