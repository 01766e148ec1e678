"""Where a scenario step comes from: the source letter and the words it rests on, or what was
assumed because the letters do not say it.

Every step carries one or both, and the recorded reason carries them on into the log, so an
auditor reading an event sees whether it rests on a letter or on an assumption of the
scenario's author. Whether a quoted passage really occurs in its letter is checked against the
letters themselves (`passage_problems`): they are not shipped with the package, so the check
runs where they are (the project's tests), not at runtime.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.errors import InvalidInputError

MAX_PASSAGE = 300
MAX_ASSUMED = 500
# A bare file name: a source names a letter, never a path to read.
SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class ProvenanceError(InvalidInputError):
    code = "invalid_scenario"


@dataclass(frozen=True)
class Provenance:
    source: str = ""
    passages: tuple[str, ...] = ()
    assumed: str = ""

    def tag(self) -> str:
        """How the provenance reads at the end of a recorded reason."""
        parts = []
        if self.source:
            quoted = ", ".join(f"'{p}'" for p in self.passages)
            parts.append(f"[bron: {self.source}, {quoted}]")
        if self.assumed:
            parts.append(f"[aanname: {self.assumed}]")
        return " ".join(parts)


def _text(raw: Mapping[str, Any], key: str, limit: int) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or len(" ".join(value.split())) > limit:
        raise ProvenanceError(f"'{key}' is text of at most {limit} characters")
    return " ".join(value.split())


def parse_provenance(raw: Mapping[str, Any]) -> Provenance:
    """A step's `source` with its `passage` (one quote or a list of them), and/or `assumed`;
    refused when it has neither."""
    source = _text(raw, "source", 100)
    assumed = _text(raw, "assumed", MAX_ASSUMED)
    value = raw.get("passage", [])
    quotes = [value] if isinstance(value, str) else value
    if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
        raise ProvenanceError("'passage' is a quote from the source, or a list of quotes")
    passages = tuple(" ".join(q.split()) for q in quotes)
    if any(not p or len(p) > MAX_PASSAGE for p in passages):
        raise ProvenanceError(f"a passage is 1..{MAX_PASSAGE} characters quoted from the source")
    if source and not SOURCE_NAME.match(source):
        raise ProvenanceError(f"'source' names a letter by its file name, not {source!r}")
    if source and not passages:
        raise ProvenanceError(f"'source' {source!r} needs a 'passage': the words the step rests on")
    if passages and not source:
        raise ProvenanceError("a 'passage' needs the 'source' it is quoted from")
    if not source and not assumed:
        raise ProvenanceError(
            'no provenance: give source = "FILE" with passage = "words quoted from it", '
            'or assumed = "why"'
        )
    return Provenance(source=source, passages=passages, assumed=assumed)


def _normal(text: str) -> str:
    # The letters are text taken from PDFs: lines break anywhere, so whitespace runs are one.
    return " ".join(text.split())


def passage_problems(steps: Iterable[tuple[str, Provenance]], seeds: Path) -> list[str]:
    """Each cited passage that does not occur in its source file under `seeds`, and each
    source that is not there; `steps` are (where, provenance) pairs."""
    texts: dict[str, str | None] = {}
    problems = []
    for where, provenance in steps:
        if not provenance.source:
            continue
        if provenance.source not in texts:
            path = seeds / provenance.source
            texts[provenance.source] = (
                _normal(path.read_text(encoding="utf-8")) if path.is_file() else None
            )
        text = texts[provenance.source]
        if text is None:
            problems.append(f"{where}: no source file {provenance.source} in {seeds}")
            continue
        problems += [
            f"{where}: {provenance.source} does not say {passage!r}"
            for passage in provenance.passages
            if passage not in text
        ]
    return problems
