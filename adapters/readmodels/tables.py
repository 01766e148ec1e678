"""Read-model tables (SQLAlchemy Core) and the projection position tracked beside them.

Rows and the position are written in one transaction, so a crash leaves either both or neither.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, ClassVar

from sqlalchemy import (
    DDL,
    BigInteger,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from adapters.readmodels.driver import Driver
from projections.tally import COUNTS, Tally

metadata = MetaData()
# Log positions and cents outgrow 32 bits on PostgreSQL; on SQLite every integer is 64-bit and an
# INTEGER primary key stays the row id.
BIG = BigInteger().with_variant(Integer(), "sqlite")

positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BIG, nullable=False),
)

_counts = COUNTS

tally_consultations = Table(
    "tally_consultations",
    metadata,
    Column("consultation_id", String(36), primary_key=True),
    Column("title", Text, nullable=False),
    Column("closes_at", String(40), nullable=False),
    Column("state", String(16), nullable=False),
    Column("electorate_members", Integer, nullable=False),
    Column("electorate_weight", Integer, nullable=False),
    *(Column(name, Integer, nullable=False, default=0) for name in _counts),
)

tally_provinces = Table(
    "tally_provinces",
    metadata,
    Column("consultation_id", String(36), primary_key=True),
    Column("province", String(64), primary_key=True),
    Column("electorate_members", Integer, nullable=False),
    Column("electorate_weight", Integer, nullable=False),
    *(Column(name, Integer, nullable=False, default=0) for name in _counts),
)

tally_voters = Table(
    "tally_voters",
    metadata,
    Column("consultation_id", String(36), primary_key=True),
    Column("member", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    Column("province", String(64), nullable=False),
    Column("weight", Integer, nullable=False),
    Column("choice", String(40)),  # an option's name (at most 40 characters)
    Column("explanation", Text),
    Column("cast_at", String(40)),
)

TALLY_TABLES = (tally_consultations, tally_provinces, tally_voters)

party_status = Table(
    "party_status",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement", String(16), nullable=False),
    Column("party", String(80), nullable=False),
    Column("status", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    Column("valid_from", String(32), nullable=False),
    Column("valid_to", String(32)),
    Column("because", Text, nullable=False),
    Index("party_status_as_of", "agreement", "party", "valid_from"),
    # The open interval of each pair: where a change closes it, and where "as of" finds the pairs.
    # Partial on both stores; PostgreSQL's is made by the DDL below, because naming its option
    # here (`postgresql_where`) imports SQLAlchemy's PostgreSQL dialect into every SQLite process
    # (a tenth of a CLI command's start).
    Index("party_status_open", "agreement", "party", sqlite_where=text("valid_to IS NULL")).ddl_if(
        dialect="sqlite"
    ),
)
event.listen(
    party_status,
    "after_create",
    DDL(  # type: ignore[no-untyped-call]
        "CREATE INDEX party_status_open ON %(fullname)s (agreement, party) WHERE valid_to IS NULL"
    ).execute_if(dialect="postgresql"),
)

timeline = Table(
    "timeline",
    metadata,
    Column("position", BIG, primary_key=True),
    Column("aggregate_id", String(36), nullable=False, index=True),
    Column("process", String(40), nullable=False),
    Column("event", String(60), nullable=False),
    Column("at", String(32), nullable=False, index=True),
    Column("actor", String(80), nullable=False),
    Column("summary", Text, nullable=False),
    # The same step as a translatable message (domain/messages.py Text.to_json()): a reader's
    # language and zone are applied where it is shown (adapters/i18n/sentences.py).
    Column("sentence", Text, nullable=False),
)

deadlines = Table(
    "deadlines",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("title", Text, nullable=False),
    Column("due_at", String(32), nullable=False, index=True),
    Column("timezone", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("settled_at", String(32)),
)

open_actions = Table(
    "open_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("role", String(40), nullable=False, index=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("action", Text, nullable=False),
    Column("due_at", String(32), nullable=False),
)

funding_rules = Table(
    "funding_rules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scheme_id", String(36), nullable=False, index=True),
    Column("scheme", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("cut_pct", Integer, nullable=False),
    Column("agreement", String(16), nullable=False),
    Column("party", String(80), nullable=False),
    Column("keeps_on", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("valid_from", String(32), nullable=False),
    Column("because", Text, nullable=False),
)

funding_allocations = Table(
    "funding_allocations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scheme_id", String(36), nullable=False, index=True),
    Column("region", String(80), nullable=False),
    Column("year", Integer, nullable=False),
    Column("amount_cents", BIG, nullable=False),
    Column("reference", Text, nullable=False),
    Column("valid_from", String(32), nullable=False),
    Column("because", Text, nullable=False),
)

region_budgets = Table(
    "region_budgets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("region_id", String(36), nullable=False, index=True),
    Column("scheme", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("amount_cents", BIG, nullable=False),
    Column("valid_from", String(32), nullable=False),
    Column("because", Text, nullable=False),
)

ROW_TABLES = {
    t.name: t
    for t in (
        party_status,
        timeline,
        deadlines,
        open_actions,
        funding_rules,
        funding_allocations,
        region_budgets,
    )
}


schema_meta = Table(
    "readmodel_schema",
    MetaData(),
    Column("fingerprint", String(64), primary_key=True),
)


def schema_fingerprint() -> str:
    """Changes whenever a read-model table or column changes."""
    shape = sorted(
        (t.name, c.name, str(c.type), bool(c.nullable))
        for t in metadata.tables.values()
        for c in t.columns
    ) + sorted(
        (t.name, i.name or "", "index", False) for t in metadata.tables.values() for i in t.indexes
    )
    return hashlib.sha256(repr(shape).encode()).hexdigest()


_PLACEHOLDER = "akkoord_schema_placeholder"


@cache
def _postgres_script() -> str:
    """Every read-model table and index as one PostgreSQL script, in a placeholder schema."""
    from sqlalchemy import create_mock_engine

    parts: list[str] = []

    def collect(ddl: Any, *_: Any, **__: Any) -> None:
        options = {"schema_translate_map": {None: _PLACEHOLDER}, "render_schema_translate": True}
        parts.append(str(ddl.compile(dialect=mock.dialect, **options)).strip())

    mock = create_mock_engine("postgresql+psycopg://", collect)
    metadata.create_all(mock, checkfirst=False)
    return ";\n".join(parts)


def _create_all(conn: Connection) -> None:
    """`metadata.create_all`, on PostgreSQL as one script: a new store's tables and indexes in
    one round trip instead of one per statement (a store is made for every test, and CI's
    PostgreSQL step makes about a thousand)."""
    if conn.dialect.name != "postgresql":
        metadata.create_all(conn, checkfirst=False)
        return
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None) or "public"
    quoted = conn.dialect.identifier_preparer.quote_schema(schema)
    script = _postgres_script().replace(f"{_PLACEHOLDER}.", f"{quoted}.")
    # The driver's own connection: several statements go only without bound parameters.
    conn.connection.driver_connection.execute(script)  # type: ignore[union-attr]


class ReadModels:
    def __init__(
        self,
        writer: Engine,
        reader: Engine,
        serialize: Callable[[Connection], None] | None = None,
    ) -> None:
        self.writer = writer
        self.reader = reader
        self._serialize = serialize
        self._ensure_schema()

    def _ensure_schema(self) -> None:
        """Read models are derived: when their shape changed, drop them and let catch-up rebuild."""
        wanted = schema_fingerprint()
        # Looked at first without the write lock: the read models share the events' database,
        # and a reader must not queue behind a writer for a schema that is already right.
        try:
            with self.reading() as conn:
                if conn.execute(select(schema_meta.c.fingerprint)).scalar() == wanted:
                    return
        except DBAPIError:
            pass  # no table yet (or no database: the write below says so)
        with self.writing() as conn:
            schema_meta.create(conn, checkfirst=True)
            found = conn.execute(select(schema_meta.c.fingerprint)).scalar()
            if found == wanted:
                return
            # One look at what is there, instead of SQLAlchemy asking table by table (two
            # round trips per table on PostgreSQL, for every new store).
            schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
            present = set(inspect(conn).get_table_names(schema=schema))
            old = [t for t in metadata.sorted_tables if t.name in present]
            metadata.drop_all(conn, tables=old, checkfirst=False)
            _create_all(conn)
            conn.execute(delete(schema_meta))
            conn.execute(insert(schema_meta).values(fingerprint=wanted))

    def close(self) -> None:
        self.writer.dispose()
        self.reader.dispose()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        with self.writer.begin() as conn:
            if self._serialize is not None:
                self._serialize(conn)
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.reader.connect() as conn:
            yield conn

    # Positions (a transaction's own reads and moves: `positions.py`) ------------------------

    def current_positions(self) -> dict[str, int]:
        with self.reading() as conn:
            return {str(r[0]): int(r[1]) for r in conn.execute(_POSITIONS)}

    def read_position(self, name: str) -> int:
        return self.current_positions().get(name, 0)

    # Tally queries --------------------------------------------------------------------------

    def tally(self, consultation_id: str) -> Tally | None:
        with self.reading() as conn:
            row = (
                conn.execute(
                    select(tally_consultations).where(
                        tally_consultations.c.consultation_id == consultation_id
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else _tally(row)

    def tally_by_province(self, consultation_id: str) -> dict[str, Tally]:
        with self.reading() as conn:
            rows = (
                conn.execute(
                    select(tally_provinces)
                    .where(tally_provinces.c.consultation_id == consultation_id)
                    .order_by(tally_provinces.c.province)
                )
                .mappings()
                .all()
            )
        return {str(row["province"]): _tally(row) for row in rows}

    def option_counts(self, consultation_id: str) -> dict[str, tuple[int, int]]:
        """option -> (members, weight) of the standing ballots. Summed when read: the counters
        are kept per kind (yes, no, blank, other), and a consultation with options of its own
        needs them by name (one indexed range of its voters)."""
        with self.reading() as conn:
            rows = conn.execute(
                select(
                    tally_voters.c.choice,
                    func.count(),
                    func.coalesce(func.sum(tally_voters.c.weight), 0),
                )
                .where(tally_voters.c.consultation_id == consultation_id)
                .where(tally_voters.c.choice.is_not(None))
                .group_by(tally_voters.c.choice)
            ).all()
        return {str(r[0]): (int(r[1]), int(r[2])) for r in rows}

    def voters(self, consultation_id: str, *, voted: bool | None = None) -> list[dict[str, Any]]:
        """The electorate with each member's standing ballot, by member code; `voted` False
        keeps those that have not voted, True those that have."""
        query = (
            select(tally_voters)
            .where(tally_voters.c.consultation_id == consultation_id)
            .order_by(tally_voters.c.member)
        )
        if voted is not None:
            query = query.where(
                tally_voters.c.choice.is_not(None) if voted else tally_voters.c.choice.is_(None)
            )
        with self.reading() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            {
                "member": r["member"],
                "name": r["name"],
                "province": r["province"],
                "weight": int(r["weight"]),
                "choice": r["choice"],
                "explanation": r["explanation"] or "",
                "cast_at": r["cast_at"],
            }
            for r in rows
        ]

    def explanations(self, consultation_id: str) -> list[dict[str, Any]]:
        with self.reading() as conn:
            rows = (
                conn.execute(
                    select(tally_voters)
                    .where(tally_voters.c.consultation_id == consultation_id)
                    .where(tally_voters.c.explanation != "")
                    .order_by(tally_voters.c.member)
                )
                .mappings()
                .all()
            )
        return [
            {
                "member": r["member"],
                "name": r["name"],
                "choice": r["choice"],
                "explanation": r["explanation"],
            }
            for r in rows
        ]

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every read-model table, sorted: rebuilt must equal live.

        Row numbers (the surrogate `id` keys) are left out: they only order rows, and on
        PostgreSQL numbers are never handed out twice (a rolled-back batch uses up the ones it
        drew; a rebuild numbers on from where the table was)."""
        with self.reading() as conn:
            return {
                table.name: sorted(
                    tuple(r)
                    for r in conn.execute(
                        select(*(c for c in table.columns if c.autoincrement is not True))
                    ).all()
                )
                for table in (*TALLY_TABLES, *ROW_TABLES.values())
            }


def _tally(row: Any) -> Tally:
    return Tally(
        electorate_members=int(row["electorate_members"]),
        electorate_weight=int(row["electorate_weight"]),
        **{name: int(row[name]) for name in _counts},
    )


class SqlRows:
    """The row-operations port on an open write transaction; statements are built once per
    shape (table, operation, columns) and reused with new values."""

    _statements: ClassVar[dict[tuple[Any, ...], Any]] = {}

    def __init__(self, conn: Driver) -> None:
        self.conn = conn
        # Inserts wait to go out as one statement per run into the same table; an update or a
        # delete (which may touch them) and the end of the batch send them first, in order.
        self._inserts: list[tuple[Any, list[dict[str, Any]]]] = []

    @staticmethod
    def _where(table: Table, where: dict[str, Any]) -> Any:
        return and_(
            *(
                table.c[k].is_(None) if v is None else table.c[k] == bindparam(f"w_{k}")
                for k, v in where.items()
            )
        )

    @staticmethod
    def _params(where: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        params = {f"w_{k}": v for k, v in where.items() if v is not None}
        params.update({f"v_{k}": v for k, v in values.items()})
        return params

    def _statement(self, op: str, table: str, where: dict[str, Any], values: dict[str, Any]) -> Any:
        key = (op, table, tuple((k, v is None) for k, v in where.items()), tuple(values))
        found = self._statements.get(key)
        if found is None:
            t = ROW_TABLES[table]
            if op == "insert":
                found = insert(t).values({k: bindparam(f"v_{k}") for k in values})
            elif op == "update":
                found = (
                    update(t)
                    .where(self._where(t, where))
                    .values({k: bindparam(f"v_{k}") for k in values})
                )
            else:
                found = delete(t).where(self._where(t, where))
            self._statements[key] = found
        return found

    def insert(self, table: str, row: dict[str, Any]) -> None:
        statement = self._statement("insert", table, {}, row)
        if self._inserts and self._inserts[-1][0] is statement:
            self._inserts[-1][1].append(self._params({}, row))
        else:
            self._inserts.append((statement, [self._params({}, row)]))

    def update(self, table: str, where: dict[str, Any], values: dict[str, Any]) -> None:
        self.flush()
        self.conn.execute(
            self._statement("update", table, where, values), self._params(where, values)
        )

    def delete(self, table: str, where: dict[str, Any]) -> None:
        self.flush()
        self.conn.execute(self._statement("delete", table, where, {}), self._params(where, {}))

    def flush(self) -> None:
        for statement, rows in self._inserts:
            self.conn.executemany(statement, rows)
        self._inserts.clear()


_POSITIONS = select(positions.c.name, positions.c.position)
