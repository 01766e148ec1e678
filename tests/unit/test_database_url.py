"""Reading AKKOORD_DATABASE_URL: every part survives (passwords with @, / or spaces included), a
typo is refused with its reason, and `schema=per-data-dir` names one schema per directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import URL

from adapters.store.postgres import parse_database_url
from domain.errors import InvalidInputError

HERE = Path("/srv/akkoord")

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=30)  # fmt: skip
schemas = st.from_regex(r"[a-z_][a-z0-9_]{0,62}", fullmatch=True)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){0,3}", fullmatch=True)


@given(
    user=names,
    password=names,
    host=hosts,
    port=st.integers(1, 65535),
    dbname=names,
    schema=schemas,
)
def test_every_part_of_a_url_is_read_back(
    user: str, password: str, host: str, port: int, dbname: str, schema: str
) -> None:
    url = URL.create(
        "postgresql",
        username=user,
        password=password,
        host=host,
        port=port,
        database=dbname,
        query={"schema": schema},
    ).render_as_string(hide_password=False)
    target = parse_database_url(url, HERE)
    assert (target.user, target.password, target.host, target.port, target.dbname) == (
        user,
        password,
        host,
        port,
        dbname,
    )
    assert target.schema == schema
    # messages name the database, never the password
    assert target.where() == f"{user}@{host}:{port}/{dbname} schema {schema}"


def test_defaults_are_the_usual_ones() -> None:
    target = parse_database_url("postgresql:///akkoord", HERE)
    assert (target.host, target.port, target.user, target.password, target.schema) == (
        "localhost",
        5432,
        "postgres",
        "",
        "public",
    )


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite:///events.sqlite", "must start with postgresql://"),
        ("postgresql+asyncpg://h/db", "through psycopg"),
        ("postgresql://h", "names no database"),
        ("postgresql://h/db?sslmode=require", "not understood: sslmode"),
        ("postgresql://h/db?schema=a&schema=b", "schema once"),
        ("postgresql://h/db?schema=Public", "plain lower-case name"),
        ("postgresql://h/db?schema=x;drop", "plain lower-case name"),
        ("postgresql://h:port/db", "port is not a number"),
        ("postgresql://h:70000/db", "out of range"),
        ("no url at all", "malformed database URL"),
    ],
)
def test_a_url_that_is_not_right_is_refused_with_its_reason(url: str, says: str) -> None:
    with pytest.raises(InvalidInputError, match=says):
        parse_database_url(url, HERE)


def test_per_data_dir_gives_one_schema_per_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://h/db?schema=per-data-dir"
    one, other = tmp_path / "one", tmp_path / "other"
    first = parse_database_url(url, one).schema
    assert first.startswith("akkoord_") and len(first) == len("akkoord_") + 16
    assert parse_database_url(url, other).schema != first
    # the same directory by another path is the same store
    monkeypatch.chdir(tmp_path)
    assert parse_database_url(url, Path("one")).schema == first
    assert parse_database_url(url, Path("other") / ".." / "one").schema == first
