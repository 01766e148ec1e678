"""Reading the municipalities file: all of it is checked before any of it is used."""

from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path

from domain.errors import DomainError, InvalidInputError
from domain.member import MemberFacts

COLUMNS = ("code", "name", "province", "inhabitants", "year")
SHIPPED = "gemeenten-2024.csv"


class CsvError(InvalidInputError):
    code = "invalid_csv"


def shipped_members_path() -> Path:
    return Path(str(files("adapters.data").joinpath(SHIPPED)))


def _whole_number(text: str, what: str, where: str) -> int:
    cleaned = text.strip()
    if not cleaned.isascii() or not cleaned.isdigit():
        raise CsvError(f"{where}: {what} must be a whole number, got {text!r}")
    return int(cleaned)


def read_members_csv(path: Path) -> list[MemberFacts]:
    """Parse and check every row; raise on the first problem, naming its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CsvError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CsvError(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError as e:
        raise CsvError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise CsvError(f"{path}: cannot read ({e.strerror})") from None
    if "\x00" in text:
        raise CsvError(f"{path}: contains NUL bytes; not a CSV text file")
    rows = csv.reader(text.splitlines())
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
    for line, row in enumerate(rows, start=2):
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
                    name=row[index["name"]].strip(),
                    province=row[index["province"]].strip(),
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
