"""The outbox: messages waiting to be sent, beside the event log (with the tokens).

Exactly once, as far as SMTP allows:

- A message is queued under its stable Message-ID; queuing it again does nothing. The mailer
  stores how far it has read the log in the same transaction as the messages it derived from it,
  so a crash in between neither loses nor doubles them.
- A sender claims one message at a time before sending it: one UPDATE that picks a due row (on
  PostgreSQL `FOR UPDATE SKIP LOCKED`, on SQLite under the database's one write lock) and
  marks it `sending` with a lease. Two senders (the server and the scheduler, two nodes) never
  hold the same message. A sender that dies between the server's accept and recording it
  leaves the message `sending`; when the lease runs out it is sent again with the same
  Message-ID, which the receiving side can recognise.
- A refused message waits `retry_seconds`, then twice that, and so on; after `max_attempts`
  (or at once when the server refuses it for good) it is `failed`, with the server's words.
- Once sent, the body goes (it may carry a personal sign-in link); recipient, subject, kind,
  Message-ID and the time sent stay for the status.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from adapters.config.settings import MailSettings
from adapters.mail.messages import Attachment, OutgoingMail
from adapters.mail.smtp import SendError, Transport
from adapters.store import backend_for

if TYPE_CHECKING:
    from adapters.config.settings import Settings

__all__ = ["Attachment", "MailRow", "MailStatus", "Outbox", "OutgoingMail", "SendReport"]

QUEUED, RETRY, SENDING, SENT, FAILED = "queued", "retry", "sending", "sent", "failed"
STATES = (QUEUED, RETRY, SENDING, SENT, FAILED)
WAITING = (QUEUED, RETRY)
# Longer than any one SMTP conversation (the transport gives up after a minute): a lease that
# runs out means its sender died, not that it is slow.
LEASE = timedelta(minutes=5)
RECENT_SENT = 200  # sent messages the status lists one by one (every unsent one is listed)

metadata = MetaData()
outbox = Table(
    "mail_outbox",
    metadata,
    Column("message_id", String(250), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("member", String(16), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text),  # JSON: text, html, attachments; NULL once sent
    Column("state", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("next_attempt_at", String(40), nullable=False, index=True),
    Column("claimed_by", String(40)),
    Column("lease_until", String(40)),
    Column("sent_at", String(40)),
    Column("last_error", String(500)),
)
# How far each follower (the mailer) has read the log, moved with the messages it queued.
followers = Table(
    "mail_followers",
    metadata,
    Column("follower", String(80), primary_key=True),
    Column("position", Integer, nullable=False),
)


def outbox_tables(engine: Engine) -> None:
    metadata.create_all(engine)


def _stamp(moment: datetime) -> str:
    """Fixed width and in UTC, so the text order of two stamps is their time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_ADDRESS = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")


def mask(text: str) -> str:
    """Mail addresses in `text` as `j***@example.nl`: the status names the member and the
    domain (what a delivery problem is about), not the person's address."""
    return _ADDRESS.sub(r"\1***@\2", text)


@dataclass(frozen=True)
class SendReport:
    produced: int = 0  # queued by the producers first (deliver_once)
    sent: int = 0
    retrying: int = 0  # refused this time, tried again later
    failed: int = 0  # given up on this time
    errors: tuple[str, ...] = ()  # "<message id>: reason", masked

    def __add__(self, other: SendReport) -> SendReport:
        return SendReport(
            self.produced + other.produced,
            self.sent + other.sent,
            self.retrying + other.retrying,
            self.failed + other.failed,
            self.errors + other.errors,
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "errors": list(self.errors)}


@dataclass(frozen=True)
class MailRow:
    message_id: str
    kind: str
    subject_id: str
    member: str
    to: str  # masked
    subject: str
    state: str
    attempts: int
    created_at: str
    next_attempt_at: str | None
    sent_at: str | None
    last_error: str | None


@dataclass(frozen=True)
class MailStatus:
    counts: dict[str, int]  # per state, every state named
    by_kind: dict[str, dict[str, int]]  # kind -> state -> count
    oldest_waiting: str | None  # when the longest-waiting unsent message was queued
    next_attempt: str | None  # the earliest retry
    failed: list[MailRow]
    messages: list[MailRow]  # every unsent one, and the latest sent ones
    smtp: str = ""  # the server (no password), or "" when SMTP is not configured

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _body(mail: OutgoingMail) -> str:
    return json.dumps(
        {
            "text": mail.text,
            "html": mail.html,
            "attachments": [
                {
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "data": base64.b64encode(a.data).decode("ascii"),
                }
                for a in mail.attachments
            ],
        }
    )


def _mail(row: Any) -> OutgoingMail:
    body = json.loads(row.body)
    return OutgoingMail(
        message_id=row.message_id,
        to=row.recipient,
        subject=row.subject,
        text=body["text"],
        html=body["html"],
        attachments=tuple(
            Attachment(a["filename"], a["content_type"], base64.b64decode(a["data"]))
            for a in body["attachments"]
        ),
        kind=row.kind,
        subject_id=row.subject_id,
        member=row.member,
    )


def _row(r: Any) -> MailRow:
    return MailRow(
        message_id=r.message_id,
        kind=r.kind,
        subject_id=r.subject_id,
        member=r.member,
        to=mask(r.recipient),
        subject=r.subject,
        state=r.state,
        attempts=r.attempts,
        created_at=r.created_at,
        next_attempt_at=r.next_attempt_at if r.state in WAITING else None,
        sent_at=r.sent_at,
        last_error=r.last_error,
    )


@dataclass
class Outbox:
    settings: Settings
    mail: MailSettings = field(default_factory=MailSettings.from_env)
    lease: timedelta = LEASE

    def __post_init__(self) -> None:
        self.engine = backend_for(self.settings).tokens_engine(outbox_tables)
        self._own_engine = self.settings.database_url is None  # on PostgreSQL it is the store's
        # On PostgreSQL the token store's tables may be there already, and then the backend
        # makes none: ours are made here, once (two nodes starting together may both try).
        try:
            outbox_tables(self.engine)
        except DBAPIError:
            outbox_tables(self.engine)
        self._postgres = self.engine.dialect.name == "postgresql"

    def close(self) -> None:
        if self._own_engine:
            self.engine.dispose()

    # Queuing --------------------------------------------------------------------------------

    def _insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        return (postgresql.insert if self._postgres else sqlite.insert)(table)

    def enqueue(
        self,
        mails: Sequence[OutgoingMail],
        *,
        follower: str | None = None,
        position: int | None = None,
        now: datetime | None = None,
    ) -> int:
        """Queue the messages not queued before (by Message-ID); the number new. With
        `follower` and `position`, that follower's position moves in the same transaction."""
        stamp = _stamp(now or datetime.now(UTC))
        added = 0
        with self.engine.begin() as conn:
            for mail in mails:
                done = conn.execute(
                    self._insert(outbox)
                    .values(
                        message_id=mail.message_id,
                        kind=mail.kind,
                        subject_id=mail.subject_id,
                        member=mail.member,
                        recipient=mail.to,
                        subject=mail.subject,
                        body=_body(mail),
                        state=QUEUED,
                        attempts=0,
                        created_at=stamp,
                        next_attempt_at=stamp,
                    )
                    .on_conflict_do_nothing(index_elements=["message_id"])
                    # the row it made, if any (psycopg's rowcount is not told of a skip)
                    .returning(outbox.c.message_id)
                )
                added += len(done.all())
            if follower is not None and position is not None:
                statement = self._insert(followers).values(follower=follower, position=position)
                conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["follower"],
                        set_={"position": statement.excluded.position},
                        # never backwards: a slower follower that read less changes nothing
                        where=followers.c.position < statement.excluded.position,
                    )
                )
        return added

    def position(self, follower: str) -> int:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(followers.c.position).where(followers.c.follower == follower)
            ).scalar()
        return int(found or 0)

    # Sending --------------------------------------------------------------------------------

    def _due(self, stamp: str) -> Any:
        return or_(
            and_(outbox.c.state.in_(WAITING), outbox.c.next_attempt_at <= stamp),
            and_(outbox.c.state == SENDING, outbox.c.lease_until < stamp),
        )

    def _claim(self, claimant: str, now: datetime) -> OutgoingMail | None:
        """One due message, now this claimant's alone until the lease runs out."""
        stamp = _stamp(now)
        due = self._due(stamp)
        pick = (
            select(outbox.c.message_id)
            .where(due)
            .order_by(outbox.c.next_attempt_at, outbox.c.message_id)
            .limit(1)
            .with_for_update(skip_locked=True)  # SQLite: nothing, its write lock does it
            .scalar_subquery()
        )
        with self.engine.begin() as conn:
            claimed = conn.execute(
                update(outbox)
                .where(outbox.c.message_id == pick, due)
                .values(
                    state=SENDING,
                    claimed_by=claimant,
                    lease_until=_stamp(now + self.lease),
                    attempts=outbox.c.attempts + 1,
                )
            )
            if claimed.rowcount == 0:
                return None
            row = conn.execute(
                select(outbox).where(outbox.c.claimed_by == claimant, outbox.c.state == SENDING)
            ).first()
        return _mail(row) if row is not None else None

    def _sent(self, mail: OutgoingMail, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(outbox)
                .where(outbox.c.message_id == mail.message_id, outbox.c.state != SENT)
                .values(
                    state=SENT,
                    sent_at=_stamp(now),
                    body=None,
                    claimed_by=None,
                    lease_until=None,
                    last_error=None,
                )
            )

    def _refused(self, mail: OutgoingMail, claimant: str, error: Exception, now: datetime) -> str:
        """Record a refusal; the message's new state (retry or failed)."""
        reason = mask(" ".join(str(error).split()) or type(error).__name__)[:500]
        permanent = isinstance(error, SendError) and error.permanent
        with self.engine.begin() as conn:
            attempts = conn.execute(
                select(outbox.c.attempts).where(outbox.c.message_id == mail.message_id)
            ).scalar_one()
            give_up = permanent or attempts >= self.mail.max_attempts
            wait = timedelta(seconds=self.mail.retry_seconds * 2 ** max(attempts - 1, 0))
            conn.execute(
                update(outbox)
                # only while still ours: a sender whose lease ran out has no say any more
                .where(outbox.c.message_id == mail.message_id, outbox.c.claimed_by == claimant)
                .where(outbox.c.state == SENDING)
                .values(
                    state=FAILED if give_up else RETRY,
                    next_attempt_at=_stamp(now if give_up else now + wait),
                    claimed_by=None,
                    lease_until=None,
                    last_error=reason,
                )
            )
        return FAILED if give_up else RETRY

    def send_due(
        self, transport: Transport, *, now: datetime | None = None, limit: int = 100
    ) -> SendReport:
        """Send up to `limit` due messages through `transport`, each claimed first."""
        claimant = secrets.token_hex(8)
        sent = retrying = failed = 0
        errors: list[str] = []
        try:
            for _ in range(limit):
                mail = self._claim(claimant, now or datetime.now(UTC))
                if mail is None:
                    break
                try:
                    transport.send(mail)
                except Exception as e:  # the message waits; the next one may still go
                    state = self._refused(mail, claimant, e, now or datetime.now(UTC))
                    errors.append(f"{mail.message_id}: {mask(str(e))}")
                    if state == FAILED:
                        failed += 1
                    else:
                        retrying += 1
                    continue
                self._sent(mail, now or datetime.now(UTC))
                sent += 1
        finally:
            transport.close()
        return SendReport(sent=sent, retrying=retrying, failed=failed, errors=tuple(errors))

    # Status ---------------------------------------------------------------------------------

    def status(self, *, recent: int = RECENT_SENT) -> MailStatus:
        with self.engine.connect() as conn:
            grouped = conn.execute(
                select(outbox.c.kind, outbox.c.state, func.count()).group_by(
                    outbox.c.kind, outbox.c.state
                )
            ).all()
            waiting = conn.execute(
                select(func.min(outbox.c.created_at), func.min(outbox.c.next_attempt_at)).where(
                    outbox.c.state.in_((*WAITING, SENDING))
                )
            ).one()
            columns = [c for c in outbox.c if c.name != "body"]
            unsent = conn.execute(
                select(*columns)
                .where(outbox.c.state != SENT)
                .order_by(outbox.c.created_at, outbox.c.message_id)
            ).all()
            latest = conn.execute(
                select(*columns)
                .where(outbox.c.state == SENT)
                .order_by(outbox.c.sent_at.desc(), outbox.c.message_id)
                .limit(recent)
            ).all()
        counts = dict.fromkeys(STATES, 0)
        by_kind: dict[str, dict[str, int]] = {}
        for kind, state, count in grouped:
            counts[state] = counts.get(state, 0) + count
            by_kind.setdefault(kind or "-", dict.fromkeys(STATES, 0))[state] = count
        rows = [_row(r) for r in [*unsent, *latest]]
        retries = [r.next_attempt_at for r in rows if r.state == RETRY and r.next_attempt_at]
        return MailStatus(
            counts=counts,
            by_kind=by_kind,
            oldest_waiting=waiting[0],
            next_attempt=min(retries) if retries else None,
            failed=[r for r in rows if r.state == FAILED],
            messages=rows,
            smtp=self.mail.server,
        )
