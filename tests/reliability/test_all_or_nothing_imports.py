"""All-or-nothing imports: a members CSV or a scenario file with one bad row or step anywhere is
refused whole, naming the line of that row or step, and nothing at all is written.

Hypothesis builds valid files (blank lines, CRLF, a byte-order mark, quoted commas, real and new
municipalities, rows that would change a population) and spoils exactly one row or step at a
position it chooses. Each file is offered to a fresh data directory (no store may appear) and to a
loaded store (not one row of the event store may change).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.inputs.members_csv import shipped_members_path
from tests.conftest import examples
from tests.e2e.cli import Cli
from tests.reliability.support import OFFICER, akkoord, refused
from tests.stores import store_fingerprint

HEADER = ["code", "name", "province", "inhabitants", "year"]
SHIPPED = list(csv.DictReader(io.StringIO(shipped_members_path().read_text(encoding="utf-8-sig"))))
SHIPPED_CODES = {r["code"] for r in SHIPPED}
EXAMPLES = settings(
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """One store with the shipped members, shared: every test proves it left it unchanged."""
    cli = Cli(tmp_path_factory.mktemp("loaded") / "store")
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    return cli


@pytest.fixture
def fresh(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "fresh")


def nothing_written(cli: Cli, before: str) -> None:
    if before == "no store":
        assert not cli.data_dir.exists(), list(cli.data_dir.iterdir())
    assert [p.name for p in cli.data_dir.parent.glob(".akkoord-scenario-*")] == []
    assert store_fingerprint(cli.data_dir) == before


# Members CSV ---------------------------------------------------------------------------------

names = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=["L", "M", "Nd"], include_characters=" -',.()&"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: bool(s.strip()))


@st.composite
def member_rows(draw: st.DrawFn) -> list[list[str]]:
    """Valid rows: some shipped municipalities (some with a changed population), some new ones."""
    known = draw(st.lists(st.sampled_from(SHIPPED), max_size=12, unique_by=lambda r: r["code"]))
    rows = []
    for r in known:
        inhabitants = r["inhabitants"]
        if draw(st.booleans()):
            inhabitants = str(draw(st.integers(0, 2_000_000)))
        rows.append([r["code"], r["name"], r["province"], inhabitants, r["year"]])
    new_codes = draw(
        st.lists(
            st.integers(9000, 9999).map(lambda n: f"GM{n}"),
            max_size=12,
            unique=True,
        )
    )
    for code in new_codes:
        assert code not in SHIPPED_CODES
        rows.append(
            [
                code,
                draw(names),
                draw(names),
                str(draw(st.integers(0, 100_000_000))),
                str(draw(st.integers(1800, 2200))),
            ]
        )
    if not rows:
        rows.append(["GM9000", "Nieuwstad", "Flevoland", "1000", "2024"])
    return draw(st.permutations(rows))


@dataclass(frozen=True)
class BadRow:
    spoil: Callable[[list[str], list[list[str]]], list[str]]
    message: str  # what the error line says after "FILE:LINE: "


def cell(i: int, value: str) -> Callable[[list[str], list[list[str]]], list[str]]:
    return lambda row, _: [*row[:i], value, *row[i + 1 :]]


BAD_ROWS = {
    "inhabitants a word": BadRow(cell(3, "veel"), "inhabitants must be a whole number"),
    "inhabitants negative": BadRow(cell(3, "-5"), "inhabitants must be a whole number"),
    "inhabitants a fraction": BadRow(cell(3, "1.5"), "inhabitants must be a whole number"),
    "inhabitants with a thousands separator": BadRow(
        cell(3, "12.345"), "inhabitants must be a whole number"
    ),
    "inhabitants in Arabic digits": BadRow(cell(3, "١٢٣"), "inhabitants must be a whole number"),
    "inhabitants empty": BadRow(cell(3, ""), "inhabitants must be a whole number"),
    "inhabitants absurd": BadRow(cell(3, "100000001"), "implausible number of inhabitants"),
    "inhabitants huge": BadRow(cell(3, "9" * 400), "implausible number of inhabitants"),
    "year a word": BadRow(cell(4, "vorig jaar"), "year must be a whole number"),
    "year too early": BadRow(cell(4, "1799"), "implausible population year"),
    "year too late": BadRow(cell(4, "2201"), "implausible population year"),
    "code malformed": BadRow(cell(0, "GM12"), "malformed municipality code"),
    "code lower case": BadRow(cell(0, "gm0014"), "malformed municipality code"),
    "code empty": BadRow(cell(0, ""), "malformed municipality code"),
    "name blank": BadRow(cell(1, "   "), "has no name"),
    "province blank": BadRow(cell(2, ""), "has no province"),
    "a field missing": BadRow(lambda row, _: row[:-1], "expected 5 fields, found 4"),
    "a field too many": BadRow(lambda row, _: [*row, "x"], "expected 5 fields, found 6"),
}
DUPLICATE = "duplicate code"


def write_csv(
    path: Path, rows: list[list[str]], *, crlf: bool, bom: bool, blank_after: set[int]
) -> dict[int, int]:
    """Write rows under the header; returns the line number of each row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(HEADER)
    lines, line = {}, 1
    for i, row in enumerate(rows):
        line += 1
        writer.writerow(row)
        lines[i] = line
        if i in blank_after:
            buffer.write("\r\n" if crlf else "\n")
            line += 1
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return lines


@given(
    rows=member_rows(),
    where=st.integers(min_value=0),
    kind=st.sampled_from([*sorted(BAD_ROWS), DUPLICATE]),
    crlf=st.booleans(),
    bom=st.booleans(),
    blanks=st.sets(st.integers(0, 30), max_size=3),
    onto=st.sampled_from(["fresh", "loaded"]),
)
@EXAMPLES
def test_one_bad_member_row_anywhere_refuses_the_whole_file(
    fresh: Cli,
    loaded: Cli,
    tmp_path: Path,
    rows: list[list[str]],
    where: int,
    kind: str,
    crlf: bool,
    bom: bool,
    blanks: set[int],
    onto: str,
) -> None:
    if kind == DUPLICATE:  # the first row's code once more, further down
        index = 1 + where % len(rows)
        rows = [*rows[:index], [rows[0][0], "Dubbel", "Utrecht", "1", "2024"], *rows[index:]]
    else:
        index = where % len(rows)
        rows = [*rows[:index], BAD_ROWS[kind].spoil(rows[index], rows), *rows[index + 1 :]]
    path = tmp_path / "gemeenten.csv"
    lines = write_csv(path, rows, crlf=crlf, bom=bom, blank_after=blanks)
    cli = fresh if onto == "fresh" else loaded
    before = store_fingerprint(cli.data_dir)
    run = cli("members", "load", "--file", str(path), actor=OFFICER)
    line = refused(run, 2, f"{path}:{lines[index]}: ")
    if kind == DUPLICATE:
        assert f"duplicate code {rows[0][0]} (first on line {lines[0]})" in line, line
    else:
        assert BAD_ROWS[kind].message in line, line
    nothing_written(cli, before)


def test_a_bad_row_at_the_end_of_the_whole_shipped_file_refuses_it_in_a_real_process(
    tmp_path: Path,
) -> None:
    rows = [[r[c] for c in HEADER] for r in SHIPPED]
    rows[-1] = [*rows[-1][:3], "drieduizend", rows[-1][4]]
    rows[100][3] = str(int(rows[100][3]) + 1)  # a change that must not be applied either
    path = tmp_path / "cbs.csv"
    lines = write_csv(path, rows, crlf=True, bom=False, blank_after=set())
    store = tmp_path / "store"
    run = akkoord("members", "load", "--file", str(path), "--as", OFFICER, home=store)
    refused(run, 2, f"{path}:{lines[len(rows) - 1]}: inhabitants must be a whole number")
    assert not store.exists()
    assert akkoord("members", "load", "--as", OFFICER, home=store).exit_code == 0
    before = store_fingerprint(store)
    run = akkoord("members", "load", "--file", str(path), "--as", OFFICER, "--json", home=store)
    assert run.exit_code == 2 and run.stdout == ""
    assert f":{lines[len(rows) - 1]}: " in run.stderr and '"code": "invalid_csv"' in run.stderr
    assert store_fingerprint(store) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\xef\xbb\xbf", "empty file"),
        (b"\n\n\n", "missing column(s)"),
        (b"code,name,province,inhabitants,year\n", "no municipalities in the file"),
        (b"code,name,province,inhabitants,year\n\n\r\n", "no municipalities in the file"),
        (b"code;name;province;inhabitants;year\nGM0014;G;G;1;2024\n", ":1: missing column(s)"),
        (b"\xff\xfe c\x00o\x00d\x00e\x00", "not UTF-8"),
        (b"code,name,province,inhabitants,year\nGM0014,G\x00,G,1,2024\n", "NUL bytes"),
        (b"code,name,province,inhabitants,year\nGM0014,Gr\xe9ningen,G,1,2024\n", "not UTF-8"),
    ],
    ids=[
        "empty",
        "only a BOM",
        "blank lines",
        "header only",
        "header and blank lines",
        "semicolons",
        "UTF-16",
        "NUL byte",
        "Latin-1",
    ],
)
def test_a_file_without_good_rows_is_refused_and_nothing_is_written(
    fresh: Cli, loaded: Cli, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "leden.csv"
    path.write_bytes(content)
    for cli in (fresh, loaded):
        before = store_fingerprint(cli.data_dir)
        refused(cli("members", "load", "--file", str(path), actor=OFFICER), 2, message)
        nothing_written(cli, before)


def test_a_directory_or_a_missing_file_is_refused(fresh: Cli, tmp_path: Path) -> None:
    refused(fresh("members", "load", "--file", str(tmp_path), actor=OFFICER), 2, "a directory")
    missing = tmp_path / "nope.csv"
    refused(fresh("members", "load", "--file", str(missing), actor=OFFICER), 2, "no such file")
    nothing_written(fresh, "no store")


# Known bugs ------------------------------------------------------------------------------------


def test_a_bad_row_after_a_quoted_line_break_is_named_by_its_own_line(
    fresh: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "leden.csv"
    path.write_text(
        'code,name,province,inhabitants,year\nGM9001,"Noord\nZuid",Utrecht,10,2024\n'
        "GM9002,Oost,Utrecht,veel,2024\n",
        encoding="utf-8",
    )
    refused(fresh("members", "load", "--file", str(path), actor=OFFICER), 2, f"{path}:4: ")


def test_a_quoted_line_break_in_a_name_is_kept_or_refused(fresh: Cli, tmp_path: Path) -> None:
    path = tmp_path / "leden.csv"
    path.write_text(
        'code,name,province,inhabitants,year\nGM9001,"Noord\nZuid",Utrecht,10,2024\n',
        encoding="utf-8",
    )
    run = fresh("members", "load", "--file", str(path), actor=OFFICER)
    if run.exit_code != 0:
        refused(run, 2, f"{path}:2: ")
        return
    [member] = fresh("members", "list", "--json").json()
    assert member["name"] in ("Noord\nZuid", "Noord Zuid")


# Scenario files --------------------------------------------------------------------------------

SCENARIO_HEADER = 'title = "all or nothing"\ntimezone = "Europe/Amsterdam"\n'


def toml_step(
    at: str, do: str, args: dict[str, object], *, name: str = "", actor: str = OFFICER
) -> str:
    lines = ["", "[[step]]"]
    if name:
        lines.append(f'name = "{name}"')
    lines += [f'at = "{at}"', f'do = "{do}"', f'as = "{actor}"', 'reason = "test"']
    lines += ['assumed = "test data"', "[step.with]"]
    for key, value in args.items():
        if isinstance(value, list):
            inner = ", ".join(f'"{v}"' for v in value)
            lines.append(f"{key} = [{inner}]")
        else:
            lines.append(f'{key} = "{value}"')
    return "\n".join(lines) + "\n"


def good_step(i: int, at: str) -> str:
    """Step i of a valid story: agreements, their parties' statuses, an ALV, a motion."""
    code = f"A{i}"
    kinds = [
        lambda: toml_step(
            at,
            "agreement.register",
            {"code": code, "name": code, "full_name": f"Akkoord {i}", "parties": ["VWS", "VNG"]},
        ),
        lambda: toml_step(at, "alv.convene", {"title": f"ALV {i}", "date": "2026-06-01T10:00"}),
        lambda: toml_step(
            at, "resolution.table", {"kind": "motion", "title": f"Motie {i}", "tabled_by": "leden"}
        ),
    ]
    return kinds[i % len(kinds)]()


# A bad step: (text, message after "FILE:LINE: step N: ", exit codes). Some are refused when
# the file is checked, the others only when the step runs on the scratch copy of the store.
BAD_STEPS: dict[str, tuple[Callable[[str], str], str, set[int]]] = {
    "unknown command": (lambda at: toml_step(at, "agreement.sign", {}), "unknown command", {2}),
    "missing argument": (
        lambda at: toml_step(at, "agreement.register", {"code": "X"}),
        "agreement.register needs",
        {2},
    ),
    "unknown argument": (
        lambda at: toml_step(at, "alv.convene", {"title": "t", "date": at, "kleur": "rood"}),
        "alv.convene does not take kleur",
        {2},
    ),
    "time that does not exist in Amsterdam": (
        lambda _: toml_step("2025-03-30T02:30", "alv.convene", {"title": "t", "date": "x"}),
        "does not exist in Europe/Amsterdam",
        {2},
    ),
    "time that occurs twice in Amsterdam": (
        lambda _: toml_step("2025-10-26T02:30", "alv.convene", {"title": "t", "date": "x"}),
        "occurs twice in Europe/Amsterdam",
        {2},
    ),
    "February 30th": (
        lambda _: toml_step("2025-02-30T10:00", "alv.convene", {"title": "t", "date": "x"}),
        "is not an ISO date-time",
        {2},
    ),
    "unknown role": (
        lambda at: toml_step(at, "alv.convene", {"title": "t", "date": at}, actor="burgemeester:x"),
        "unknown role",
        {2},
    ),
    "reference to no step": (
        lambda at: toml_step(at, "alv.hold", {"assembly": "@nergens"}),
        "@nergens does not name an earlier step",
        {2},
    ),
    "unknown agreement (when run)": (
        lambda at: toml_step(
            at,
            "agreement.status",
            {"agreement": "ONBEKEND", "parties": ["VNG"], "status": "signed"},
        ),
        "agreement.status: ",
        {3},
    ),
    "ALV date that does not exist (when run)": (
        lambda at: toml_step(at, "alv.convene", {"title": "t", "date": "2026-03-29T02:30"}),
        "does not exist in Europe/Amsterdam",
        {2},
    ),
    "a secretary registering an agreement (when run)": (
        lambda at: toml_step(
            at,
            "agreement.register",
            {"code": "ZZ", "name": "ZZ", "full_name": "ZZ", "parties": ["VNG"]},
            actor="secretary:GM0363",
        ),
        "agreement.register: ",
        {5},
    ),
    "members file with a bad row (when run)": (
        lambda at: toml_step(at, "members.load", {"file": "@CSV@"}),
        "members.load: ",
        {2},
    ),
}


@dataclass
class ScenarioFile:
    path: Path
    bad_line: int
    bad_number: int


def scenario_with_a_bad_step(
    tmp_path: Path, good: int, position: int, kind: str
) -> tuple[ScenarioFile, str, set[int]]:
    make, message, codes = BAD_STEPS[kind]
    csv_path = tmp_path / "kapot.csv"
    csv_path.write_text(
        "code,name,province,inhabitants,year\nGM9001,Nieuw,Utrecht,10,2024\n"
        "GM9002,Nieuwer,Utrecht,tien,2024\n",
        encoding="utf-8",
    )
    text = SCENARIO_HEADER
    bad_line = bad_number = 0
    for i in range(good + 1):
        at = f"2025-03-{i + 1:02d}T10:00"
        if i == position:
            bad_line = len(text.splitlines()) + 2
            bad_number = i + 1
            text += make(at).replace("@CSV@", str(csv_path))
        else:
            text += good_step(i, at)
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return ScenarioFile(path, bad_line, bad_number), message, codes


@given(
    good=st.integers(1, 6),
    where=st.integers(min_value=0),
    kind=st.sampled_from(sorted(BAD_STEPS)),
    command=st.sampled_from(["check", "run"]),
    onto=st.sampled_from(["fresh", "loaded"]),
)
@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_one_bad_step_anywhere_refuses_the_whole_scenario(
    fresh: Cli,
    loaded: Cli,
    tmp_path: Path,
    good: int,
    where: int,
    kind: str,
    command: str,
    onto: str,
) -> None:
    scenario, message, codes = scenario_with_a_bad_step(tmp_path, good, where % (good + 1), kind)
    cli = fresh if onto == "fresh" else loaded
    before = store_fingerprint(cli.data_dir)
    run = cli("scenario", command, str(scenario.path))
    line = refused(run, codes, f"{scenario.path}:{scenario.bad_line}: step {scenario.bad_number}: ")
    assert message in line, line
    nothing_written(cli, before)


def test_the_good_steps_alone_do_run(fresh: Cli, tmp_path: Path) -> None:
    """The control: without the bad step the same stories run, so the refusals above are due to
    the bad step alone."""
    text = SCENARIO_HEADER + "".join(good_step(i, f"2025-03-{i + 1:02d}T10:00") for i in range(7))
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    run = fresh("scenario", "run", str(path), "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["steps"] == 7


def test_a_step_refused_late_in_a_long_run_leaves_an_existing_store_unchanged_in_a_real_process(
    tmp_path: Path,
) -> None:
    scenario, _, _ = scenario_with_a_bad_step(tmp_path, 12, 12, "unknown agreement (when run)")
    store = tmp_path / "store"
    assert akkoord("members", "load", "--as", OFFICER, home=store).exit_code == 0
    before = store_fingerprint(store)
    run = akkoord("scenario", "run", str(scenario.path), home=store)
    refused(run, 3, f"{scenario.path}:{scenario.bad_line}: step 13: agreement.status: ")
    assert store_fingerprint(store) == before
    assert [p.name for p in tmp_path.glob(".akkoord-scenario-*")] == []
