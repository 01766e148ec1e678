"""The municipalities file is checked whole, and every refusal names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.inputs.members_csv import CsvError, read_members_csv, shipped_members_path

HEADER = "code,name,province,inhabitants,year\n"


def write(tmp_path: Path, text: str, name: str = "m.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_file_has_all_342_municipalities() -> None:
    facts = read_members_csv(shipped_members_path())
    assert len(facts) == 342
    assert sum(f.inhabitants for f in facts) == 17_942_942
    assert {f.year for f in facts} == {2024}
    assert (shipped_members_path().parent / "ATTRIBUTION.md").read_text().count("Bron: CBS")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("code,name,province,year\nGM0014,G,Gr,2024\n", ":1: missing column(s) inhabitants"),
        (
            HEADER + "GM0014,Groningen,Groningen,243768,2024\nGM0034,Almere,Flevoland,veel,2024\n",
            ":3: inhabitants must be a whole number",
        ),
        (
            HEADER + "GM0014,Groningen,Groningen,1,2024\nGM0014,Groningen,Groningen,2,2024\n",
            ":3: duplicate code GM0014 (first on line 2)",
        ),
        (HEADER + "GM0014,Groningen,Groningen,1\n", ":2: expected 5 fields, found 4"),
        (HEADER + "Groningen,Groningen,Groningen,1,2024\n", ":2: malformed municipality code"),
        (HEADER + "GM0014,Groningen,Groningen,-5,2024\n", ":2: inhabitants must be a whole"),
        (HEADER + "GM0014,Groningen,Groningen,1,20x4\n", ":2: year must be a whole number"),
        (HEADER + "GM0014,,Groningen,1,2024\n", ":2: GM0014 has no name"),
        (HEADER + "GM0014,G,G,１２,2024\n", ":2: inhabitants must be a whole number"),
        (HEADER, "no municipalities"),
    ],
)
def test_malformed_files_are_refused_with_their_line(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CsvError) as refused:
        read_members_csv(write(tmp_path, text))
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="no such file"):
        read_members_csv(tmp_path / "missing.csv")
    (tmp_path / "latin1.csv").write_bytes(
        HEADER.encode() + "GM0014,Gr\xf6ningen,G,1,2024\n".encode("latin-1")
    )
    with pytest.raises(CsvError, match="not UTF-8"):
        read_members_csv(tmp_path / "latin1.csv")
    with pytest.raises(CsvError, match="directory"):
        read_members_csv(tmp_path)


def test_columns_in_any_order_and_a_bom_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text(
        "\ufeffyear,inhabitants,code,province,name\n2024,972,GM0088,Friesland,Schiermonnikoog\n",
        encoding="utf-8",
    )
    [fact] = read_members_csv(path)
    assert (fact.code, fact.name, fact.inhabitants) == ("GM0088", "Schiermonnikoog", 972)
