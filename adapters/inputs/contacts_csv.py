"""Reading the secretaries file: each municipality's secretary, by name and mail address, and
each party's (a party to a registered agreement, "VNG", "ZN", named in the same column).

The file comes from a spreadsheet, so it is read as spreadsheets write it: comma- or
semicolon-separated (Dutch Excel uses `;`), UTF-8 with or without a BOM, or Windows-1252, with
Dutch or English column names and any other columns beside them. All of it is checked before
any of it is used; the first problem refuses the whole file, naming its line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from adapters.inputs.members_csv import CsvError, read_limited_bytes
from domain.errors import InvalidInputError

MAX_CSV_BYTES = 2_000_000  # 342 municipalities fill a few dozen kilobytes
MAX_NAME = 200
MAX_ADDRESS = 254  # RFC 5321's limit on a path, less its angle brackets
MAX_LOCAL_PART = 64


def _key(header: str) -> str:
    """`E-mail adres`, `e_mailadres` and `EMAILADRES` are one column name."""
    return re.sub(r"[^a-z0-9]", "", header.strip().lower())


# The names people give these columns, after `_key`.
COLUMNS = {
    "member": {
        "gemeente",
        "gemeentecode",
        "code",
        "cbscode",
        "member",
        "municipality",
        "lid",
        "gemeenteofpartij",
        "partij",
        "party",
    },
    "name": {"naam", "name", "secretaris", "secretary", "contactpersoon", "contact"},
    "email": {
        "email",
        "mail",
        "emailadres",
        "mailadres",
        "emailaddress",
        "mailaddress",
        "adres",
        "address",
    },
}
WHAT = {"member": "the municipality", "name": "the name", "email": "the mail address"}
_MEMBER = re.compile(r"\AGM\s*([0-9]{1,4})\Z", re.IGNORECASE)
_LABEL = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")


@dataclass(frozen=True)
class ContactLine:
    line: int
    member: str
    name: str
    email: str
    party: bool = False  # `member` names a party to an agreement, not a municipality


def is_member_code(text: str) -> bool:
    return _MEMBER.match(text.strip()) is not None


def addressee(text: str, known_parties: Collection[str]) -> tuple[str, bool]:
    """(`GM0014`, False) for a municipality, (`VNG`, True) for a party to an agreement, spelt as
    the agreement spells it; a spreadsheet's case and spacing do not matter."""
    if is_member_code(text):
        return member_code(text), False
    wanted = " ".join(text.split()).casefold()
    for party in known_parties:
        if party.casefold() == wanted:
            return party, True
    raise InvalidInputError(
        f"{' '.join(text.split())!r} is neither a municipality's CBS code like GM0014 nor a "
        "party to a registered agreement (see `akkoord agreement list`)"
    )


def member_code(text: str) -> str:
    """A CBS municipality code, as `GM0014`; spreadsheets lower-case it or drop its zeros."""
    found = _MEMBER.match(text.strip())
    if found is None:
        raise InvalidInputError(f"the municipality must be a CBS code like GM0014, not {text!r}")
    return f"GM{int(found.group(1)):04d}"


def person_name(text: str) -> str:
    """A name as it goes on a mail's To line. No one is called anything with `<` or `>` in it,
    and a mail header is where they would do harm, so such a name is refused."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInputError("no name given")
    if "<" in cleaned or ">" in cleaned:
        raise InvalidInputError(f"the name contains < or >, which no name has: {cleaned!r}")
    if len(cleaned) > MAX_NAME:
        raise InvalidInputError(f"the name is longer than {MAX_NAME} characters")
    return cleaned


def mail_address(text: str) -> str:
    """A bare address, `local@domain.tld`, or InvalidInputError.

    Only whether mail can be sent to it is checked, not whether anyone reads it: the cells this
    refuses are the spreadsheet slips (no `@`, a name and an address in one cell, two
    addresses, a space, a domain without a dot) that would otherwise bounce unseen. The full
    RFC 5322 grammar (quoted local parts, comments, address literals) is not accepted: no
    municipality's secretary has such an address, and mail servers refuse many of them.
    `email.utils.parseaddr` must read the cell back as the same bare address, so display names
    and lists are refused by the standard library's own reading of a header."""
    address = text.strip()
    refused = InvalidInputError(f"{address!r} is not a mail address (like naam@gemeente.nl)")
    if not address or len(address) > MAX_ADDRESS or parseaddr(address) != ("", address):
        raise refused
    local, at, domain = address.rpartition("@")
    if not at or not local or len(local) > MAX_LOCAL_PART:
        raise refused
    if any(c.isspace() or c in '@"(),:;<>[\\]' or not c.isprintable() for c in local):
        raise refused
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise refused
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise refused
    if labels[-1].isdigit():  # 10.0.0.1 is a host, not a mail domain
        raise refused
    return address


def _decode(data: bytes, source: str) -> str:
    """UTF-8 when the bytes are UTF-8 (strictly: Windows-1252 text with accents never is),
    else Windows-1252, as Excel on a Dutch Windows saves "CSV (gescheiden door lijstteken)"."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as e:
            raise CsvError(
                f"{source}: neither UTF-8 nor Windows-1252 text (byte {e.start})"
            ) from None
    if "\x00" in text:
        raise CsvError(f"{source}: contains NUL bytes; not a text file")
    return text


def _delimiter(text: str) -> str:
    """`;` or `,`, from the header line: column names hold neither, so the one that is there
    separates them (csv.Sniffer guesses from the data too, where names hold commas)."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _columns(header: list[str], source: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, name in enumerate(header):
        for column, names in COLUMNS.items():
            if _key(name) in names:
                if column in found:
                    raise CsvError(
                        f"{source}:1: two columns for {WHAT[column]}: "
                        f"{header[found[column]].strip()!r} and {name.strip()!r}"
                    )
                found[column] = position
    for column, names in COLUMNS.items():
        if column not in found:
            raise CsvError(
                f"{source}:1: no column for {WHAT[column]} (name it one of "
                f"{', '.join(sorted(names))})"
            )
    return found


def _records(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every record: a quoted cell may hold a line break, so a record names
    the line it starts on; bad quoting refuses the file at the line where it was found."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    end = 0
    try:
        for row in rows:
            line, end = end + 1, rows.line_num
            yield line, row
    except csv.Error as e:
        raise CsvError(f"{source}:{rows.line_num}: {e}") from None


def parse_contacts(
    data: bytes,
    source: str,
    known_members: Collection[str] | None = None,
    known_parties: Collection[str] = (),
) -> list[ContactLine]:
    """Parse and check every record of a contacts file's bytes; raise on the first problem,
    naming `source` and its line. With `known_members`, a code outside them is a problem; a
    row that names no municipality must name one of `known_parties`."""
    records = _records(_decode(data, source), source)
    first = next(records, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        raise CsvError(f"{source}: empty file; expected a header gemeente;naam;e-mail")
    header = first[1]
    index = _columns(header, source)
    contacts: list[ContactLine] = []
    first_line: dict[str, int] = {}
    for line, row in records:
        where = f"{source}:{line}"
        if not any(cell.strip() for cell in row):
            continue
        # A spreadsheet pads a row with empty cells; a stray delimiter in a name is refused.
        if len(row) < len(header) or any(cell.strip() for cell in row[len(header) :]):
            raise CsvError(f"{where}: expected {len(header)} fields, found {len(row)}")
        try:
            member, party = addressee(row[index["member"]], known_parties)
            if member in first_line:
                raise InvalidInputError(f"{member} twice (first on line {first_line[member]})")
            if not party and known_members is not None and member not in known_members:
                raise InvalidInputError(f"{member} is not a member (see `akkoord members list`)")
            contacts.append(
                ContactLine(
                    line,
                    member,
                    person_name(row[index["name"]]),
                    mail_address(row[index["email"]]),
                    party,
                )
            )
        except InvalidInputError as e:
            raise CsvError(f"{where}: {e}") from None
        first_line[member] = line
    if not contacts:
        raise CsvError(f"{source}: no contacts in the file")
    return contacts


def read_contacts_csv(
    path: Path,
    known_members: Collection[str] | None = None,
    known_parties: Collection[str] = (),
) -> list[ContactLine]:
    """The contacts in the file at `path`, all checked (see `parse_contacts`)."""
    # Bytes, not text: a Dutch spreadsheet may have written Windows-1252.
    data = read_limited_bytes(path, MAX_CSV_BYTES, CsvError)
    return parse_contacts(data, str(path), known_members, known_parties)
