"""The contacts register: each member municipality's secretary, by name and mail address.

Names and mail addresses are personal data: under the AVG (GDPR) they must be correctable and,
on request or once no longer needed, erasable. The event log can do neither (it is append-only
and hash-chained, and a deletion would break the audit trail), so the register lives beside it,
in mutable tables of the token store's database (`auth.sqlite`, or the PostgreSQL store's
schema), and no event ever carries a name or an address. A party to an agreement (VNG, ZN)
has its secretary here too, in a table of its own (a party's name is longer than a code);
nothing mails a party yet: no step of a process asks for it. Every change still records who made
it, when and why; an erasure keeps only that (member, officer, moment, reason), never the data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    text,
    update,
)

from adapters.inputs.contacts_csv import addressee, mail_address, person_name
from adapters.store import Backend, backend_for
from domain.actor import Actor, Role
from domain.errors import InvalidInputError, MissingReasonError, NotFoundError, UnknownMemberError

if TYPE_CHECKING:
    from adapters.config.settings import Settings

__all__ = ["Contact", "ContactsRegister", "LoadResult", "UnknownContactError"]

MAX_REASON = 400
metadata = MetaData()
contacts_table = Table(
    "contacts",
    metadata,
    Column("member", String(6), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    Column("loaded_by", String(80), nullable=False),
    Column("loaded_at", String(40), nullable=False),
    Column("reason", String(MAX_REASON), nullable=False),
)
# What is left of an erased contact: that it was erased, by whom, when and why.
erasures_table = Table(
    "contact_erasures",
    metadata,
    Column("member", String(6), nullable=False, index=True),
    Column("erased_by", String(80), nullable=False),
    Column("erased_at", String(40), nullable=False),
    Column("reason", String(MAX_REASON), nullable=False),
)
party_contacts_table = Table(
    "party_contacts",
    metadata,
    Column("party", String(200), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    Column("loaded_by", String(80), nullable=False),
    Column("loaded_at", String(40), nullable=False),
    Column("reason", String(MAX_REASON), nullable=False),
)
party_erasures_table = Table(
    "party_contact_erasures",
    metadata,
    Column("party", String(200), nullable=False, index=True),
    Column("erased_by", String(80), nullable=False),
    Column("erased_at", String(40), nullable=False),
    Column("reason", String(MAX_REASON), nullable=False),
)
_PUBLIC = (contacts_table.c.member, contacts_table.c.name, contacts_table.c.email)


class UnknownContactError(NotFoundError):
    code = "unknown_contact"


@dataclass(frozen=True)
class Contact:
    member: str  # "GM0014", or a party's name ("VNG") when `party`
    name: str
    email: str
    party: bool = False


@dataclass(frozen=True)
class LoadResult:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "updated": list(self.updated),
            "unchanged": self.unchanged,
        }


def contact_tables(engine: Engine) -> None:
    metadata.create_all(engine)


def _reason(given: str, doing: str) -> str:
    reason = " ".join(given.split())
    if not reason:
        raise MissingReasonError(f"say why you {doing}: give a reason (--reason)")
    if len(reason) > MAX_REASON:
        raise InvalidInputError(f"the reason is longer than {MAX_REASON} characters")
    return reason


class ContactsRegister:
    def __init__(self, settings: Settings) -> None:
        backend = backend_for(settings)
        self.engine = backend.tokens_engine(contact_tables)
        self._sqlite = settings.database_url is None  # else the engine is the store's
        if not self._sqlite:
            self._ensure_tables(backend)

    def _ensure_tables(self, backend: Backend) -> None:
        """PostgreSQL makes the token store's tables only for a new schema: a store from before
        the register gets its tables here, one process at a time."""
        from adapters.store.postgres import PostgresBackend

        assert isinstance(backend, PostgresBackend)
        with self.engine.begin() as conn:
            conn.execute(
                text("SELECT pg_advisory_xact_lock(:k)"),
                {"k": backend.target.lock_key("contacts")},
            )
            metadata.create_all(conn)

    def close(self) -> None:
        if self._sqlite:
            self.engine.dispose()

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            if self._sqlite:
                # SQLite keeps a deleted or overwritten row's bytes in the file's free pages;
                # an erased or corrected address must not linger there.
                conn.exec_driver_sql("PRAGMA secure_delete = ON")
            yield conn

    def load(
        self,
        contacts: Sequence[Contact],
        *,
        actor: Actor,
        reason: str,
        known_members: Collection[str],
        known_parties: Collection[str] = (),
    ) -> LoadResult:
        """Add or correct every contact, all or none: one bad contact refuses them all."""
        actor.require(Role.OFFICER, doing="load contacts")
        why = _reason(reason, "load contacts")
        checked = _checked(contacts, known_members, known_parties)
        provenance = {
            "loaded_by": str(actor),
            "loaded_at": datetime.now(UTC).isoformat(),
            "reason": why,
        }
        added: list[str] = []
        updated: list[str] = []
        with self._writing() as conn:
            for party, table in ((False, contacts_table), (True, party_contacts_table)):
                key = table.c.party if party else table.c.member
                these = [c for c in checked if c.party is party]
                present = {
                    row[0]: (row[1], row[2])
                    for row in conn.execute(
                        select(key, table.c.name, table.c.email).where(
                            key.in_([c.member for c in these])
                        )
                    )
                }
                for c in these:
                    if c.member not in present:
                        conn.execute(
                            insert(table).values(
                                {key.name: c.member, "name": c.name, "email": c.email} | provenance
                            )
                        )
                        added.append(c.member)
                    elif present[c.member] != (c.name, c.email):
                        conn.execute(
                            update(table)
                            .where(key == c.member)
                            .values(name=c.name, email=c.email, **provenance)
                        )
                        updated.append(c.member)
        return LoadResult(tuple(added), tuple(updated), len(checked) - len(added) - len(updated))

    def get(self, member: str) -> Contact | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(*_PUBLIC).where(contacts_table.c.member == member)).first()
        return None if row is None else Contact(row.member, row.name, row.email)

    def all(self) -> list[Contact]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(*_PUBLIC).order_by(contacts_table.c.member)).all()
        return [Contact(r.member, r.name, r.email) for r in rows]

    def rows(self) -> list[dict[str, Any]]:
        """Every contact with who loaded it, when and why (for officers and auditors): the
        municipalities' (`member`), then the parties' (`party`)."""
        with self.engine.connect() as conn:
            found = [
                *conn.execute(select(contacts_table).order_by(contacts_table.c.member)).mappings(),
                *conn.execute(
                    select(party_contacts_table).order_by(party_contacts_table.c.party)
                ).mappings(),
            ]
        return [dict(r) for r in found]

    def erase(self, member: str, *, actor: Actor, reason: str, party: bool = False) -> None:
        """Delete the contact's name and address for good; only the erasure itself is kept."""
        actor.require(Role.OFFICER, doing="erase contacts")
        why = _reason(reason, "erase a contact")
        table, erasures = (
            (party_contacts_table, party_erasures_table)
            if party
            else (contacts_table, erasures_table)
        )
        key = "party" if party else "member"
        with self._writing() as conn:
            done = conn.execute(delete(table).where(table.c[key] == member))
            if done.rowcount == 0:
                raise UnknownContactError(
                    f"no contact for {member!r} (see `akkoord contacts list`)"
                )
            conn.execute(
                insert(erasures).values(
                    {
                        key: member,
                        "erased_by": str(actor),
                        "erased_at": datetime.now(UTC).isoformat(),
                        "reason": why,
                    }
                )
            )


def _checked(
    contacts: Sequence[Contact], known_members: Collection[str], known_parties: Collection[str]
) -> list[Contact]:
    """The checks a file gets (`adapters.inputs.contacts_csv`), for contacts from anywhere:
    every one is checked before any is written."""
    if not contacts:
        raise InvalidInputError("no contacts to load")
    seen: set[str] = set()
    checked: list[Contact] = []
    for c in contacts:
        member, party = addressee(c.member, known_parties)
        if member in seen:
            raise InvalidInputError(f"{member} is given twice")
        if not party and member not in known_members:
            raise UnknownMemberError(f"{member} is not a member (see `akkoord members list`)")
        seen.add(member)
        checked.append(Contact(member, person_name(c.name), mail_address(c.email), party))
    return checked
