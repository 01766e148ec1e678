"""The secretaries file, as Dutch spreadsheets write it: comma or semicolon, UTF-8 (with or
without BOM) or Windows-1252, Dutch or English headers; refused whole, naming the line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from adapters.inputs.contacts_csv import (
    ContactLine,
    CsvError,
    mail_address,
    parse_contacts,
    read_contacts_csv,
)
from domain.errors import InvalidInputError

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
HEADERS = (
    ("gemeente", "naam", "e-mail"),
    ("code", "name", "email"),
    ("Member", "Naam", "E-mailadres"),
    ("Gemeentecode", "Secretaris", "Mail"),
)
# Letters of Dutch names, with the ones that break careless encodings (ĳ is not in cp1252).
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZëéèïöüçáíĳĲ'-. "
names = st.text(alphabet=LETTERS, min_size=1, max_size=40).filter(lambda s: s.strip(" .-'"))


def encode(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def write(tmp_path: Path, data: bytes | str, name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@hypothesis_settings(max_examples=60)
@given(
    people=st.lists(names, min_size=1, max_size=8),
    delimiter=st.sampled_from(",;"),
    encoding=st.sampled_from(ENCODINGS),
    header=st.sampled_from(HEADERS),
)
def test_names_round_trip_through_every_encoding_and_delimiter(
    people: list[str], delimiter: str, encoding: str, header: tuple[str, str, str]
) -> None:
    if encoding == "cp1252":
        people = [p.replace("ĳ", "ij").replace("Ĳ", "IJ") for p in people]
    rows = [list(header)] + [
        [f"GM{i:04d}", name, f"secretaris{i}@gemeente{i}.nl"] for i, name in enumerate(people)
    ]
    found = parse_contacts(encode(rows, delimiter, encoding), "c.csv")
    assert [(c.member, c.name) for c in found] == [
        (f"GM{i:04d}", " ".join(name.split())) for i, name in enumerate(people)
    ]
    assert [c.line for c in found] == list(range(2, len(people) + 2))


BAD_CELLS = {
    "email": ("GM0003", "Piet", "piet.gemeente.nl", "not a mail address"),
    "code": ("Groningen", "Piet", "piet@gemeente.nl", "CBS code"),
    "name": ("GM0003", "", "piet@gemeente.nl", "no name"),
}


@given(
    before=st.integers(min_value=0, max_value=6),
    after=st.integers(min_value=0, max_value=3),
    delimiter=st.sampled_from(",;"),
    what=st.sampled_from(sorted(BAD_CELLS)),
)
def test_a_bad_line_refuses_the_file_and_names_its_line(
    before: int, after: int, delimiter: str, what: str
) -> None:
    good = [[f"GM1{i:03d}", f"Naam {i}", f"n{i}@x.nl"] for i in range(before + after)]
    *bad, message = BAD_CELLS[what]
    rows = [["gemeente", "naam", "email"], *good[:before], list(bad), *good[before:]]
    with pytest.raises(CsvError) as refused:
        parse_contacts(encode(rows, delimiter, "utf-8"), "c.csv")
    text = str(refused.value)
    assert f"c.csv:{before + 2}: " in text and message in text
    assert "\n" not in text


def test_windows_1252_as_excel_exports_it(tmp_path: Path) -> None:
    data = "Gemeente;Naam;E-mail\r\nGM0014;Zoë Brouwer-Ékelen;zoe@groningen.nl\r\n".encode("cp1252")
    assert read_contacts_csv(write(tmp_path, data)) == [
        ContactLine(2, "GM0014", "Zoë Brouwer-Ékelen", "zoe@groningen.nl")
    ]


def test_utf8_with_bom_and_extra_columns(tmp_path: Path) -> None:
    data = "\ufeffcode,functie,name,email\ngm0014,secretaris,Jan Ĳsselmeer,j@groningen.nl\n"
    assert read_contacts_csv(write(tmp_path, data)) == [
        ContactLine(2, "GM0014", "Jan Ĳsselmeer", "j@groningen.nl")
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"gemeente;naam\nGM0014;Jan\n", ":1: no column for the mail address"),
        (b"code;gemeente;naam;email\n", ":1: two columns for the municipality"),
        (b"gemeente;naam;email\n", "no contacts in the file"),
        (b"gemeente;naam;email\nGM0014;Jan;j@x.nl\nGM0014;Piet;p@x.nl\n", ":3: GM0014 twice"),
        (b"gemeente;naam;email\nGM0014;Jan;j@x.nl;extra\n", ":2: expected 3 fields, found 4"),
        (b"gemeente;naam;email\nGM0014;Jan\n", ":2: expected 3 fields, found 2"),
        (b'gemeente,naam,email\nGM0014,"Jan,j@x.nl\n', ":2: "),
        (b"gemeente;naam;email\nGM0014;J\x81n;j@x.nl\n", "neither UTF-8 nor Windows-1252"),
        (b"gemeente;naam;email\nGM0014;<b>Jan</b>;j@x.nl\n", ":2: the name contains < or >"),
        (b"gemeente;naam;email\x00\n", "NUL"),
    ],
)
def test_bad_files_are_refused_whole(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(CsvError) as refused:
        read_contacts_csv(write(tmp_path, data))
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_an_unknown_municipality_is_refused_with_its_line(tmp_path: Path) -> None:
    data = "gemeente;naam;email\nGM0014;Jan;j@x.nl\nGM9999;Piet;p@x.nl\n"
    with pytest.raises(CsvError, match=r"c\.csv:3: GM9999 is not a member"):
        read_contacts_csv(write(tmp_path, data), known_members={"GM0014"})


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="no such file"):
        read_contacts_csv(tmp_path / "absent.csv")
    with pytest.raises(CsvError, match="is a directory"):
        read_contacts_csv(tmp_path)


@pytest.mark.parametrize(
    "address",
    ["secretaris@groningen.nl", "a.b+griffie@sub.example.org", "J.de.Vries@Gemeente-X.NL"],
)
def test_mail_addresses_that_are_kept(address: str) -> None:
    assert mail_address(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "piet.gemeente.nl",
        "Piet <piet@gemeente.nl>",
        "piet@gemeente",
        "piet @gemeente.nl",
        "piet@gemeente.nl, jan@gemeente.nl",
        "piet@@gemeente.nl",
        "@gemeente.nl",
        "piet@-gemeente.nl",
        "piet@gemeente..nl",
        "",
    ],
)
def test_mail_addresses_that_are_refused(address: str) -> None:
    with pytest.raises(InvalidInputError, match="not a mail address"):
        mail_address(address)


PARTIES = {"VNG", "ZN", "VWS", "Patiëntenfederatie Nederland"}


def test_a_row_may_name_a_party_instead_of_a_municipality() -> None:
    data = (
        "gemeente;naam;e-mail\nGM0014;Jan;j@groningen.nl\nvng;Piet Bakker;p.bakker@vng.nl\n"
        "Patiëntenfederatie  Nederland;Els;els@pf.nl\n"
    ).encode()
    found = parse_contacts(data, "c.csv", {"GM0014"}, known_parties=PARTIES)
    assert [(c.member, c.party) for c in found] == [
        ("GM0014", False),
        ("VNG", True),  # as the agreement spells it
        ("Patiëntenfederatie Nederland", True),
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Rijk", "c.csv:3: 'Rijk' is neither a municipality's CBS code"),
        ("ZN", "c.csv:3: ZN twice (first on line 2)"),
    ],
)
def test_an_unknown_or_repeated_party_is_refused_with_its_line(cell: str, message: str) -> None:
    data = f"gemeente;naam;email\nZN;Jan;j@zn.nl\n{cell};Piet;p@x.nl\n".encode()
    with pytest.raises(CsvError) as refused:
        parse_contacts(data, "c.csv", set(), known_parties=PARTIES)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
