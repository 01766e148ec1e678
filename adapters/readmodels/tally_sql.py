"""The tally read model as SQL over the stored events, for a rebuild.

A rebuild's cost was decoding every ballot into a domain event and handing it to the tally one
at a time. The tally is an aggregate SQL can state: a voter's standing ballot is the last one it
cast, and a consultation's and a province's counters are sums over the standing ballots (the
per-ballot deltas `projections/tally.py` applies add up to exactly that). The events' state is
the library's JSON, uncompressed and unencrypted, so the database reads it where it lies: a few
statements, and no ballot crosses into Python.

`projections/tally.py` stays the one definition for live commands and catch-up; a rebuild must
end equal to it (tests/integration/test_bulk_rebuild.py holds the two to the same rows). Events
are read as stored: an upcast (a `class_version` on a tally event) would need the statements
changed, so one refuses to build while any tally event has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventsourcing.utils import get_topic

from domain.consultation import Consultation
from domain.voting_rules import BLANK
from projections.tally import COUNTS

OPENED = get_topic(Consultation.Opened)
BALLOTS = (get_topic(Consultation.BallotCast), get_topic(Consultation.BallotRecast))
EXTENDED = get_topic(Consultation.Extended)
CLOSED = get_topic(Consultation.Closed)
CANCELLED = get_topic(Consultation.Cancelled)
TOPICS = frozenset((OPENED, *BALLOTS, EXTENDED, CLOSED, CANCELLED))

_EVENT_CLASSES = (
    Consultation.Opened,
    Consultation.BallotCast,
    Consultation.BallotRecast,
    Consultation.Extended,
    Consultation.Closed,
    Consultation.Cancelled,
)


@dataclass(frozen=True)
class EventsTable:
    """Where the stored events are, as this database names them."""

    postgres: bool
    table: str  # qualified and quoted
    position: str  # rowid (SQLite) or notification_id (PostgreSQL)


class TallySql:
    """The tally's rebuild statements; each takes the parameter `p`, the last position to
    include, and writes the scratch tally tables (`scratch` is their schema)."""

    topics = TOPICS
    private_fields: dict[str, tuple[str, ...]] = {OPENED: ("electorate",)}  # noqa: RUF012

    def __init__(self) -> None:
        upcast = [c.__qualname__ for c in _EVENT_CLASSES if getattr(c, "class_version", 1) != 1]
        if upcast:
            raise RuntimeError(f"tally events with an upcast, not readable as stored: {upcast}")

    def statements(self, events: EventsTable, scratch: str) -> list[str]:
        return _postgres(events, scratch) if events.postgres else _sqlite(events, scratch)


def _counts(voters: str) -> str:
    """Electorate and counters per group of voter rows (`projections.tally.kind` in SQL: yes,
    no, blank, and any other option)."""
    kinds = {
        "yes": f"{voters}.choice = 'yes'",
        "no": f"{voters}.choice = 'no'",
        "blank": f"{voters}.choice = '{BLANK}'",
        "other": f"{voters}.choice NOT IN ('yes', 'no', '{BLANK}')",
    }
    columns = ", ".join(
        f"sum(CASE WHEN {test} THEN {voters}.weight ELSE 0 END) AS {k}_weight, "
        f"sum(CASE WHEN {test} THEN 1 ELSE 0 END) AS {k}_members"
        for k, test in kinds.items()
    )
    return f"count(*) AS members, sum({voters}.weight) AS weight, {columns}"


_COUNT_COLUMNS = ", ".join(COUNTS)
_COALESCED = ", ".join(f"coalesce(v.{c}, 0)" for c in COUNTS)


def _sums(provinces: str) -> str:
    """A consultation's electorate and counters from its provinces'."""
    return (
        f"sum({provinces}.electorate_members) AS members, "
        f"sum({provinces}.electorate_weight) AS weight, "
        + ", ".join(f"sum({provinces}.{c}) AS {c}" for c in _COUNT_COLUMNS.split(", "))
    )


def _literal(topic: str) -> str:
    assert "'" not in topic  # the topics are ours: module paths and class names
    return f"'{topic}'"


def _in(topics: tuple[str, ...]) -> str:
    return ", ".join(_literal(t) for t in topics)


_STATE = f"CASE topic WHEN '{CLOSED}' THEN 'closed' ELSE 'cancelled' END"


def _sqlite(events: EventsTable, scratch: str) -> list[str]:
    ev, at = events.table, events.position
    s = f'"{scratch}"'

    def uuid(raw: str) -> str:
        # The library stores a UUID as its 32 hex digits; the read models key on str(uuid).
        return (
            f"substr({raw}, 1, 8) || '-' || substr({raw}, 9, 4) || '-' || "
            f"substr({raw}, 13, 4) || '-' || substr({raw}, 17, 4) || '-' || substr({raw}, 21)"
        )

    def last_of(topics: str, value: str) -> str:
        # SQLite takes a bare column of a max() aggregate from the row holding the maximum.
        return (
            f"SELECT originator_id AS raw_id, {value} AS value, max({at}) "
            f"FROM {ev} NOT INDEXED WHERE topic IN ({topics}) AND {at} <= :p "
            "GROUP BY originator_id"
        )

    # ("raw_id", not "oid": that is one of SQLite's names for the rowid.) A voter's standing
    # ballot: every ballot in log order, each replacing the one before it (an upsert in log
    # order costs half of sorting the ballots to find each voter's last).
    return [
        f"""CREATE TABLE {s}.tally_standing (raw_id TEXT, member TEXT, choice TEXT,
                explanation TEXT, cast_at TEXT, PRIMARY KEY (raw_id, member)) WITHOUT ROWID""",
        f"""INSERT INTO {s}.tally_standing
            SELECT originator_id, state ->> '$.member', state ->> '$.choice',
                state ->> '$.explanation', state ->> '$.at._data_'
            FROM {ev} NOT INDEXED WHERE topic IN ({_in(BALLOTS)}) AND {at} <= :p
            ORDER BY {at}
            ON CONFLICT DO UPDATE SET choice = excluded.choice,
                explanation = excluded.explanation, cast_at = excluded.cast_at""",
        f"""WITH opened AS MATERIALIZED (
                SELECT originator_id AS raw_id, {uuid("originator_id")} AS cid, state
                FROM {ev} NOT INDEXED WHERE topic = {_literal(OPENED)} AND {at} <= :p)
            INSERT INTO {s}.tally_voters (consultation_id, member, name, province, weight,
                choice, explanation, cast_at)
            SELECT o.cid, e.key, e.value ->> '$.name', e.value ->> '$.province',
                e.value ->> '$.weight', b.choice, coalesce(b.explanation, ''), b.cast_at
            FROM opened AS o JOIN json_each(o.state, '$.electorate') AS e
            LEFT JOIN {s}.tally_standing AS b ON b.raw_id = o.raw_id AND b.member = e.key""",
        f"DROP TABLE {s}.tally_standing",
        f"""INSERT INTO {s}.tally_provinces (consultation_id, province, electorate_members,
                electorate_weight, {_COUNT_COLUMNS})
            SELECT consultation_id, province, members, weight, {_COUNT_COLUMNS}
            FROM (SELECT consultation_id, province, {_counts("tv")}
                FROM {s}.tally_voters AS tv GROUP BY consultation_id, province)""",
        # A consultation's counters are its provinces' summed (a dozen rows, not every voter);
        # its deadline the last extension's, its state the last close's or cancellation's.
        f"""INSERT INTO {s}.tally_consultations (consultation_id, title, closes_at, state,
                electorate_members, electorate_weight, {_COUNT_COLUMNS})
            SELECT o.cid, o.state ->> '$.title',
                coalesce(x.value, o.state ->> '$.closes_at._data_'), coalesce(c.value, 'open'),
                coalesce(v.members, 0), coalesce(v.weight, 0), {_COALESCED}
            FROM (SELECT originator_id AS raw_id, {uuid("originator_id")} AS cid, state
                FROM {ev} NOT INDEXED WHERE topic = {_literal(OPENED)} AND {at} <= :p) AS o
            LEFT JOIN (
                SELECT consultation_id, {_sums("tp")} FROM {s}.tally_provinces AS tp
                GROUP BY consultation_id) AS v ON v.consultation_id = o.cid
            LEFT JOIN ({last_of(_literal(EXTENDED), "state ->> '$.closes_at._data_'")}) AS x
                ON x.raw_id = o.raw_id
            LEFT JOIN ({last_of(_in((CLOSED, CANCELLED)), _STATE)}) AS c
                ON c.raw_id = o.raw_id""",
    ]


def _postgres(events: EventsTable, scratch: str) -> list[str]:
    ev, at = events.table, events.position
    s = f'"{scratch}"'

    def decoded(topics: str) -> str:
        # OFFSET 0 keeps the subquery whole: each state is parsed once, not once per field.
        return (
            f"(SELECT originator_id, {at} AS pos, topic, convert_from(state, 'UTF8')::jsonb AS j "
            f"FROM {ev} WHERE topic IN ({topics}) AND {at} <= %(p)s OFFSET 0)"
        )

    def last_of(topics: str, value: str) -> str:
        return (
            f"SELECT DISTINCT ON (originator_id) originator_id::text AS cid, {value} AS value "
            f"FROM {decoded(topics)} AS d ORDER BY originator_id, pos DESC"
        )

    return [
        f"""WITH ballots AS (
                SELECT DISTINCT ON (originator_id, j ->> 'member') originator_id,
                    j ->> 'member' AS member, j ->> 'choice' AS choice,
                    j ->> 'explanation' AS explanation, j -> 'at' ->> '_data_' AS cast_at
                FROM {decoded(_in(BALLOTS))} AS d
                ORDER BY originator_id, j ->> 'member', pos DESC)
            INSERT INTO {s}.tally_voters (consultation_id, member, name, province, weight,
                choice, explanation, cast_at)
            SELECT o.originator_id::text, e.key, e.value ->> 'name', e.value ->> 'province',
                (e.value ->> 'weight')::integer, b.choice, coalesce(b.explanation, ''), b.cast_at
            FROM {decoded(_literal(OPENED))} AS o
            CROSS JOIN LATERAL jsonb_each(o.j -> 'electorate') AS e
            LEFT JOIN ballots AS b ON b.originator_id = o.originator_id AND b.member = e.key""",
        f"""INSERT INTO {s}.tally_consultations (consultation_id, title, closes_at, state,
                electorate_members, electorate_weight, {_COUNT_COLUMNS})
            SELECT o.originator_id::text, o.j ->> 'title', o.j -> 'closes_at' ->> '_data_',
                'open', coalesce(v.members, 0), coalesce(v.weight, 0), {_COALESCED}
            FROM {decoded(_literal(OPENED))} AS o LEFT JOIN (
                SELECT consultation_id, {_counts("tv")} FROM {s}.tally_voters AS tv
                GROUP BY consultation_id) AS v ON v.consultation_id = o.originator_id::text""",
        f"""INSERT INTO {s}.tally_provinces (consultation_id, province, electorate_members,
                electorate_weight, {_COUNT_COLUMNS})
            SELECT consultation_id, province, members, weight, {_COUNT_COLUMNS}
            FROM (SELECT consultation_id, province, {_counts("tv")}
                FROM {s}.tally_voters AS tv GROUP BY consultation_id, province) AS g""",
        f"""UPDATE {s}.tally_consultations AS t SET closes_at = x.value
            FROM ({last_of(_literal(EXTENDED), "j -> 'closes_at' ->> '_data_'")}) AS x
            WHERE t.consultation_id = x.cid""",
        f"""UPDATE {s}.tally_consultations AS t SET state = x.value
            FROM ({
            last_of(
                _in((CLOSED, CANCELLED)),
                _STATE,
            )
        }) AS x
            WHERE t.consultation_id = x.cid""",
    ]
