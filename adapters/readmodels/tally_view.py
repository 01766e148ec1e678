"""The tally port on a command's own write transaction, in plain SQL.

These are the statements a ballot runs (with the positions', `adapters/readmodels/positions.py`),
so a cast run as a process of its own needs no SQLAlchemy (see `adapters/readmodels/driver.py`);
the tables themselves are described in `adapters/readmodels/tables.py`, and
`tests/unit/test_plain_sql.py` holds the columns named here to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.readmodels.driver import Driver, Sql
from domain.consultation import Voter
from projections.tally import COUNTS, Delta, StandingVoter
from projections.topics import Consultation, topic


class SqlTallyView:
    """The tally port on an open write transaction.

    Ballots are gathered while a batch is applied and written by `flush`, in the same
    transaction, before the batch's position: the standing ballots as one statement, and each
    consultation's and province's counters as one sum, however many ballots moved them.
    """

    def __init__(self, conn: Driver) -> None:
        self.conn = conn
        self._voters: dict[tuple[str, str], StandingVoter] = {}
        self._lookups: dict[str, int] = {}
        self._whole: set[str] = set()
        self._ballots: dict[tuple[str, str], dict[str, Any]] = {}
        self._consultations: dict[str, list[int]] = {}
        self._provinces: dict[tuple[str, str], list[int]] = {}

    def add_consultation(
        self, consultation_id: str, title: str, closes_at: str, voters: list[Voter]
    ) -> None:
        zero = dict.fromkeys(COUNTS, 0)
        self.conn.execute(
            INSERT_CONSULTATION,
            {
                "consultation_id": consultation_id,
                "title": title,
                "closes_at": closes_at,
                "state": "open",
                "electorate_members": len(voters),
                "electorate_weight": sum(v.weight for v in voters),
                **zero,
            },
        )
        provinces: dict[str, list[int]] = {}
        for v in voters:
            entry = provinces.setdefault(v.province, [0, 0])
            entry[0] += 1
            entry[1] += v.weight
        self.conn.executemany(
            INSERT_PROVINCE,
            [
                {
                    "consultation_id": consultation_id,
                    "province": p,
                    "electorate_members": m,
                    "electorate_weight": w,
                    **zero,
                }
                for p, (m, w) in provinces.items()
            ],
        )
        self.conn.executemany(
            INSERT_VOTER,
            [
                {
                    "consultation_id": consultation_id,
                    "member": v.code,
                    "name": v.name,
                    "province": v.province,
                    "weight": v.weight,
                    "choice": None,
                    "explanation": "",
                    "cast_at": None,
                }
                for v in voters
            ],
        )

    # The per-ballot statements are built once: constructing them per ballot was most of a
    # ballot's cost (the database work itself is a few microseconds).
    def voter(self, consultation_id: str, member: str) -> StandingVoter | None:
        key = (consultation_id, member)
        if key in self._voters or consultation_id in self._whole:
            return self._voters.get(key)
        looked = self._lookups[consultation_id] = self._lookups.get(consultation_id, 0) + 1
        if self._read_whole(consultation_id, looked):
            # A batch with many ballots in one consultation (a catch-up after a while, a
            # rebuild): read its electorate once instead of a voter at a time.
            for r in self.conn.rows(VOTERS, {"c": consultation_id}):
                self._voters.setdefault((consultation_id, r[0]), StandingVoter(r[1], r[2], r[3]))
            self._whole.add(consultation_id)
            return self._voters.get(key)
        row = self.conn.first(VOTER, {"c": consultation_id, "m": member})
        found = None if row is None else StandingVoter(row[0], row[1], row[2])
        if found is not None:
            self._voters[key] = found
        return found

    def _read_whole(self, consultation_id: str, looked: int) -> bool:
        """Whether reading the whole electorate is now cheaper than going on one by one: a
        voter read alone costs about as much as 30 read together, so once the lookups so far
        come to a thirtieth of the electorate (checked at 32, 64, 128, ... lookups)."""
        if looked < 32 or looked & (looked - 1):
            return False
        size = self.conn.scalar(ELECTORATE_SIZE, {"c": consultation_id}) or 0
        return looked * 30 >= size

    def set_ballot(
        self, consultation_id: str, member: str, choice: str, explanation: str, at: str
    ) -> None:
        key = (consultation_id, member)
        standing = self.voter(consultation_id, member)
        if standing is not None:
            self._voters[key] = StandingVoter(standing.province, standing.weight, choice)
        self._ballots[key] = {
            "c": consultation_id,
            "m": member,
            "choice": choice,
            "explanation": explanation,
            "cast_at": at,
        }

    def add(self, consultation_id: str, province: str, delta: Delta) -> None:
        amounts = [getattr(delta, name) for name in COUNTS]
        for sums in (
            self._consultations.setdefault(consultation_id, [0] * len(COUNTS)),
            self._provinces.setdefault((consultation_id, province), [0] * len(COUNTS)),
        ):
            for i, amount in enumerate(amounts):
                sums[i] += amount

    def flush(self) -> None:
        self.conn.executemany(SET_BALLOT, list(self._ballots.values()))
        self.conn.executemany(
            ADD_CONSULTATION,
            [
                {"c": c, **{f"d_{n}": v for n, v in zip(COUNTS, sums, strict=True)}}
                for c, sums in self._consultations.items()
            ],
        )
        self.conn.executemany(
            ADD_PROVINCE,
            [
                {"c": c, "p": p, **{f"d_{n}": v for n, v in zip(COUNTS, sums, strict=True)}}
                for (c, p), sums in self._provinces.items()
            ],
        )
        self._voters.clear()
        self._lookups.clear()
        self._whole.clear()
        self._ballots.clear()
        self._consultations.clear()
        self._provinces.clear()

    def set_state(self, consultation_id: str, **fields: str) -> None:
        shape = tuple(sorted(fields))
        statement = _SET_STATE.get(shape)
        if statement is None:
            if not set(shape) <= {"state", "closes_at"}:
                raise ValueError(f"no tally column to set among {shape}")
            values = ", ".join(f"{k} = :v_{k}" for k in shape)
            statement = _SET_STATE[shape] = Sql(
                f"UPDATE {{tally_consultations}} SET {values} WHERE consultation_id = :c"
            )
        self.conn.execute(statement, {"c": consultation_id, **{f"v_{k}": fields[k] for k in shape}})


def prefetch_voters(conn: Driver, events: Sequence[Any]) -> None:
    """The standing-voter reads a command's few ballots will make, sent ahead of the insert
    (`LiveProjections.before_insert`); a batch of many reads its electorate whole instead."""
    ballots = [e for e in events if topic(e) in BALLOTS]
    if len(ballots) <= PREFETCH_AT_MOST:
        for e in ballots:
            conn.prefetch(VOTER, {"c": str(e.originator_id), "m": e.member})


PREFETCH_AT_MOST = 4
BALLOTS = frozenset({Consultation.BallotCast, Consultation.BallotRecast})


def _insert(table: str, columns: tuple[str, ...]) -> Sql:
    names, values = ", ".join(columns), ", ".join(f":{c}" for c in columns)
    return Sql(f"INSERT INTO {{{table}}} ({names}) VALUES ({values})")


def _add_counts(table: str, where: str) -> Sql:
    sums = ", ".join(f"{n} = {n} + :d_{n}" for n in COUNTS)
    return Sql(f"UPDATE {{{table}}} SET {sums} WHERE {where}")


ELECTORATE = ("electorate_members", "electorate_weight")
CONSULTATION_COLUMNS = ("consultation_id", "title", "closes_at", "state", *ELECTORATE, *COUNTS)
PROVINCE_COLUMNS = ("consultation_id", "province", *ELECTORATE, *COUNTS)
VOTER_COLUMNS = (
    "consultation_id",
    "member",
    "name",
    "province",
    "weight",
    "choice",
    "explanation",
    "cast_at",
)

VOTER = Sql(
    "SELECT province, weight, choice FROM {tally_voters} WHERE consultation_id = :c AND member = :m"
)
VOTERS = Sql(
    "SELECT member, province, weight, choice FROM {tally_voters} WHERE consultation_id = :c"
)
ELECTORATE_SIZE = Sql(
    "SELECT electorate_members FROM {tally_consultations} WHERE consultation_id = :c"
)
SET_BALLOT = Sql(
    "UPDATE {tally_voters} SET choice = :choice, explanation = :explanation, cast_at = :cast_at "
    "WHERE consultation_id = :c AND member = :m"
)
ADD_CONSULTATION = _add_counts("tally_consultations", "consultation_id = :c")
ADD_PROVINCE = _add_counts("tally_provinces", "consultation_id = :c AND province = :p")
INSERT_CONSULTATION = _insert("tally_consultations", CONSULTATION_COLUMNS)
INSERT_PROVINCE = _insert("tally_provinces", PROVINCE_COLUMNS)
INSERT_VOTER = _insert("tally_voters", VOTER_COLUMNS)
_SET_STATE: dict[tuple[str, ...], Sql] = {}
