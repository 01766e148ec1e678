"""Reading the municipalities file: all of it is checked before any of it is used."""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from pathlib import Path

from domain.errors import DomainError, InvalidInputError
from domain.member import MemberFacts

COLUMNS = ("code", "name", "province", "inhabitants", "year")
SHIPPED = "gemeenten-2024.csv"
MAX_CSV_BYTES = 10_000_000


class CsvError(InvalidInputError):
    code = "invalid_csv"


def shipped_members_path() -> Path:
    return Path(str(files("adapters.data").joinpath(SHIPPED)))


def _whole_number(text: str, what: str, where: str) -> int:
    cleaned = text.strip()
    if not cleaned.isascii() or not cleaned.isdigit():
        raise CsvError(f"{where}: {what} must be a whole number, got {text!r}")
    return int(cleaned)


def _plain_text(text: str, what: str, where: str) -> str:
    """A name as shown on every page and report. No municipality or province is called
    anything with `<` or `>` in it, so such a file is refused rather than quietly escaped."""
    cleaned = " ".join(text.split())
    if "<" in cleaned or ">" in cleaned:
        raise CsvError(f"{where}: {what} contains < or >, which no {what} has: {cleaned!r}")
    return cleaned


def read_limited_bytes(path: Path, limit: int, error: type[InvalidInputError]) -> bytes:
    """A regular file of at most `limit` bytes, or `error` saying why not."""
    try:
        if path.is_dir():
            raise error(f"{path}: is a directory, not a file")
        if not path.is_file():
            raise error(
                f"{path}: no such file" if not path.exists() else f"{path}: not a regular file"
            )
        if path.stat().st_size > limit:
            raise error(f"{path}: larger than {limit:,} bytes")
        return path.read_bytes()
    except OSError as e:
        raise error(f"{path}: cannot read ({e.strerror})") from None


def read_limited(path: Path, limit: int, error: type[InvalidInputError]) -> str:
    """A regular UTF-8 text file of at most `limit` bytes, or `error` saying why not."""
    data = read_limited_bytes(path, limit, error)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise error(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    if "\x00" in text:
        raise error(f"{path}: contains NUL bytes; not a text file")
    return text


def read_members_csv(path: Path) -> list[MemberFacts]:
    """Parse and check every row; raise on the first problem, naming its line."""
    text = read_limited(path, MAX_CSV_BYTES, CsvError)
    # Records, not lines: a quoted field may hold a line break, and line_num still counts lines.
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None:
        raise CsvError(f"{path}: empty file; expected a header {','.join(COLUMNS)}")
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise CsvError(f"{path}:1: missing column(s) {', '.join(missing)}")
    index = {c: names.index(c) for c in COLUMNS}
    facts: list[MemberFacts] = []
    first_line: dict[str, int] = {}
    end = rows.line_num
    for row in rows:
        line, end = end + 1, rows.line_num  # a record names the line it starts on
        where = f"{path}:{line}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CsvError(f"{where}: expected {len(header)} fields, found {len(row)}")
        code = row[index["code"]].strip()
        if code in first_line:
            raise CsvError(f"{where}: duplicate code {code} (first on line {first_line[code]})")
        first_line[code] = line
        try:
            facts.append(
                MemberFacts(
                    code=code,
                    name=_plain_text(row[index["name"]], "name", where),
                    province=_plain_text(row[index["province"]], "province", where),
                    inhabitants=_whole_number(row[index["inhabitants"]], "inhabitants", where),
                    year=_whole_number(row[index["year"]], "year", where),
                )
            )
        except CsvError:
            raise
        except DomainError as e:
            raise CsvError(f"{where}: {e}") from None
    if not facts:
        raise CsvError(f"{path}: no municipalities in the file")
    return facts
