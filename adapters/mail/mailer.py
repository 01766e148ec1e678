"""What turns the log's events (invited, reminded, ballot cast) into messages in the outbox.

The mailer follows the log like a read model: from the position stored in the outbox, one
event at a time, and each event's messages go into the outbox in one transaction with the
position after it. A crash before that commit leaves both untouched (the event is read again);
after it, both are there. Message-IDs come from the event (consultation, version, member), so
even two mailers reading the same event at once queue each message once.

Who gets what is decided when the mail is made, from the consultation as it stands then: a
reminder skips a member who voted in the meantime, nothing goes out for a cancelled
consultation, and no ballot of a consultation marked synthetic is ever confirmed (a scenario
marks its consultation before it casts, and its members have no contacts anyway). A member
without a contact gets nothing; `produce_report` counts them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.utils import get_topic

from adapters.audit.receipts import ballot_receipt
from adapters.auth.tokens import TokenStore
from adapters.bootstrap import Engine, build
from adapters.config import logs
from adapters.contacts.register import Contact, ContactsRegister
from adapters.mail import compose
from adapters.mail.calendar import CONTENT_TYPE as CALENDAR_TYPE
from adapters.mail.calendar import FILENAME as CALENDAR_FILE
from adapters.mail.calendar import deadline_entry
from adapters.mail.messages import Attachment, OutgoingMail
from adapters.mail.outbox import Outbox
from domain.actor import Actor
from domain.consultation import Consultation

if TYPE_CHECKING:
    from adapters.config.settings import Settings

FOLLOWER = "mailer"
INVITED = get_topic(Consultation.SecretariesInvited)
REMINDED = get_topic(Consultation.NonVotersReminded)
CAST = get_topic(Consultation.BallotCast)
RECAST = get_topic(Consultation.BallotRecast)
TOPICS = (INVITED, REMINDED, CAST, RECAST)
PAGE = 200
INVITATION, REMINDER, CONFIRMATION = "invitation", "reminder", "confirmation"


@dataclass
class Production:
    """What one run queued, and whom it could not reach."""

    queued: int = 0
    events: int = 0
    position: int = 0
    without_contact: list[tuple[str, str]] = field(default_factory=list)  # (kind, member)
    skipped: dict[str, int] = field(default_factory=dict)  # why -> how many

    def skip(self, why: str, count: int = 1) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + count


def message_id(kind: str, consultation_id: UUID, version: int, member: str) -> str:
    return f"<{kind}.{consultation_id}.{version}.{member}@akkoord>"


def receipt_filename(member: str) -> str:
    return f"stembewijs-{member}.json"


class _Run:
    """One pass over the new events, with what it opened for them."""

    def __init__(self, engine: Engine, outbox: Outbox, contacts: ContactsRegister) -> None:
        self.engine = engine
        self.outbox = outbox
        self.contacts = contacts
        self.tokens: TokenStore | None = None
        self.now = engine.app.clock.now()
        self.report = Production(position=outbox.position(FOLLOWER))
        self._consultations: dict[UUID, Consultation] = {}

    def close(self) -> None:
        if self.tokens is not None:
            self.tokens.close()

    def consultation(self, cid: UUID) -> Consultation:
        """As it stands now (once per run): who voted since, whether it still runs."""
        if cid not in self._consultations:
            found: Any = self.engine.app.repository.get(cid)
            assert isinstance(found, Consultation)
            self._consultations[cid] = found
        return self._consultations[cid]

    def link(self, event: Any, c: Consultation, member: str, why: str) -> str:
        if self.tokens is None:
            self.tokens = TokenStore(self.engine.settings)
        issued = self.tokens.issue_link(
            member,
            c.id,
            c.closes_at,
            Actor.parse(event.actor),
            why,
        )
        return f"{self.outbox.mail.public_url}/stem/{issued.token}"

    def reachable(self, kind: str, members: list[str]) -> Iterator[Contact]:
        for member in members:
            contact = self.contacts.get(member)
            if contact is None:
                self.report.without_contact.append((kind, member))
            else:
                yield contact

    def run(self) -> Production:
        while True:
            page = self.engine.app.recorder.select_notifications(
                start=self.report.position + 1, limit=PAGE, topics=TOPICS
            )
            for notification in page:
                event = self.engine.app.mapper.to_domain_event(notification)
                mails = self.mails(event, notification.id)
                self.report.queued += self.outbox.enqueue(
                    mails, follower=FOLLOWER, position=notification.id
                )
                self.report.position = notification.id
                self.report.events += 1
            if len(page) < PAGE:
                return self.report

    def mails(self, event: Any, position: int) -> list[OutgoingMail]:
        c = self.consultation(event.originator_id)
        if c.cancelled:
            self.report.skip("consultation cancelled")
            return []
        asking = isinstance(event, Consultation.SecretariesInvited | Consultation.NonVotersReminded)
        if asking and (c.closed or self.now >= c.closes_at):
            # Too late to vote: a link would not work, a mail would only confuse.
            self.report.skip("voting closed", len(event.members))
            return []
        if isinstance(event, Consultation.SecretariesInvited):
            return [
                self.invitation(event, c, contact)
                for contact in self.reachable(INVITATION, event.members)
            ]
        if isinstance(event, Consultation.NonVotersReminded):
            return self.reminders(event, c)
        if c.synthetic_note:
            self.report.skip("synthetic ballots")
            return []
        return [
            self.confirmation(event, c, contact, position)
            for contact in self.reachable(CONFIRMATION, [event.member])
        ]

    def consulted(self, c: Consultation, contact: Contact) -> compose.Consulted:
        voter = c.voter(contact.member)
        return compose.Consulted(
            name=contact.name,
            member=contact.member,
            member_name=voter.name if voter is not None else contact.member,
            title=c.title,
            question=c.question,
            closes_at=c.closes_at,
            zone=c.timezone,
        )

    def mail(
        self,
        kind: str,
        event: Any,
        contact: Contact,
        rendered: compose.Rendered,
        attachments: tuple[Attachment, ...] = (),
    ) -> OutgoingMail:
        return OutgoingMail(
            message_id=message_id(
                kind, event.originator_id, event.originator_version, contact.member
            ),
            to=contact.email,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            attachments=attachments,
            kind=kind,
            subject_id=str(event.originator_id),
            member=contact.member,
        )

    def invitation(self, event: Any, c: Consultation, contact: Contact) -> OutgoingMail:
        voter = c.voter(contact.member)
        rendered = compose.invitation(
            self.consulted(c, contact),
            weight=voter.weight if voter is not None else 0,
            weight_rule=c.weight_rule,
            link=self.link(event, c, contact.member, "invitation mailed"),
            calendar_file=CALENDAR_FILE,
        )
        entry = deadline_entry(
            consultation_id=str(c.id),
            title=c.title,
            closes_at=c.closes_at,
            zone=c.timezone,
            stamp=event.at,
        )
        return self.mail(
            INVITATION, event, contact, rendered, (Attachment(CALENDAR_FILE, CALENDAR_TYPE, entry),)
        )

    def reminders(self, event: Any, c: Consultation) -> list[OutgoingMail]:
        waiting = [m for m in event.members if m not in c.ballots]
        self.report.skip("voted since", len(event.members) - len(waiting))
        return [
            self.mail(
                REMINDER,
                event,
                contact,
                compose.reminder(
                    self.consulted(c, contact),
                    now=self.now,
                    link=self.link(event, c, contact.member, "reminder mailed"),
                ),
            )
            for contact in self.reachable(REMINDER, waiting)
        ]

    def confirmation(
        self, event: Any, c: Consultation, contact: Contact, position: int
    ) -> OutgoingMail:
        # The receipt of this very ballot (a later re-cast gets its own mail and receipt).
        receipt = ballot_receipt(self.engine.app.recorder, position)
        filename = receipt_filename(contact.member)
        rendered = compose.confirmation(
            self.consulted(c, contact),
            choice=event.choice,
            at=event.at,
            explanation=event.explanation,
            previous_choice=getattr(event, "previous_choice", None),
            position=position,
            covered=receipt["signed_head"] is not None,
            receipt_file=filename,
        )
        data = json.dumps(receipt, indent=2, sort_keys=True).encode()
        return self.mail(
            CONFIRMATION,
            event,
            contact,
            rendered,
            (Attachment(filename, "application/json", data),),
        )


def produce_report(
    settings: Settings, outbox: Outbox, *, engine: Engine | None = None
) -> Production:
    """Queue the messages the log asks for since the last run; what was queued and skipped."""
    own = engine is None
    engine = engine or build(settings)
    contacts = ContactsRegister(settings)
    run = _Run(engine, outbox, contacts)
    try:
        report = run.run()
    finally:
        run.close()
        contacts.close()
        if own:
            engine.close()
    if report.events:
        logs.logger(component="mailer").info(
            "mails queued",
            queued=report.queued,
            events=report.events,
            position=report.position,
            without_contact=len(report.without_contact),
            skipped=report.skipped,
        )
    return report


def produce(settings: Settings, outbox: Outbox) -> int:
    """Queue the messages the log asks for since the last call; the number queued."""
    return produce_report(settings, outbox).queued


class Following:
    """`produce` for a loop that runs for the life of a process (`serve`, `scheduler run`):
    one engine, built on the first round and kept, instead of opening the store anew every few
    seconds. The repository's cache fast-forwards, so what other nodes wrote is still seen."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self.engines_built = 0

    def __call__(self, settings: Settings, outbox: Outbox) -> int:
        if self._engine is None:
            self._engine = build(settings)
            self.engines_built += 1
        return produce_report(settings, outbox, engine=self._engine).queued

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
