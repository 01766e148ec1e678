"""The words of the mails: subjects and bodies rendered from `adapters/templates/mail/`, in Dutch.

The templates go through an environment of their own: autoescape on for `.html` (a title with
`<script>` is text, not markup), off for `.txt` (plain text has nothing to escape), undefined
names an error. Subjects are one line whatever a title holds, so no header can be smuggled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateNotFound, select_autoescape

from adapters.i18n import catalogues, formats
from adapters.i18n.catalogues import gettext as _
from adapters.i18n.catalogues import speaking
from adapters.i18n.labels import label
from adapters.mail.calendar import one_line

LANGUAGE = catalogues.DUTCH  # the secretaries' language
MAX_SUBJECT = 200


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None


@dataclass(frozen=True)
class Consulted:
    """What every mail says about the consultation and the member it is addressed to."""

    name: str  # the contact's name
    member: str  # the municipality's code
    member_name: str
    title: str
    question: str
    closes_at: datetime
    zone: str


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("adapters", "templates/mail"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,  # a line holding only `{% if %}` leaves no empty line in a text mail
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        catalogues.gettext, catalogues.unformatted_ngettext, newstyle=True
    )
    return env


def subject_line(text: str) -> str:
    line = one_line(text)
    return line if len(line) <= MAX_SUBJECT else line[: MAX_SUBJECT - 1] + "…"


def _render(name: str, subject: str, values: dict[str, Any]) -> Rendered:
    env = environment()
    context = {**values, "subject": subject, "lang": LANGUAGE}
    text = env.get_template(f"{name}.txt").render(context)
    try:
        html: str | None = env.get_template(f"{name}.html").render(context)
    except TemplateNotFound:
        html = None
    return Rendered(subject=subject, text=text, html=html)


def _common(c: Consulted) -> dict[str, Any]:
    return {
        "name": one_line(c.name),
        "member": c.member,
        "member_name": one_line(c.member_name),
        "title": one_line(c.title),
        "question": c.question,
        "deadline": formats.moment(c.closes_at, c.zone),
        "zone": c.zone,
    }


def weighing(weight_rule: str) -> str:
    """How a consultation's weight rule counts, in a sentence."""
    if weight_rule == "floor":
        return _("One vote per full 1,000 inhabitants, at least 1 and at most 75 per member.")
    if weight_rule == "nearest":
        return _(
            "One vote per 1,000 inhabitants, rounded to the nearest thousand, at least 1 and "
            "at most 75 per member."
        )
    return _(
        "One vote per 1,000 inhabitants or part thereof, at least 1 and at most 75 per member."
    )


def invitation(
    c: Consulted, *, weight: int, weight_rule: str, link: str, calendar_file: str
) -> Rendered:
    with speaking(LANGUAGE):
        subject = subject_line(
            _("Invitation to the members' consultation: %(title)s", title=c.title)
        )
        return _render(
            "invitation",
            subject,
            {
                **_common(c),
                "weight": weight,
                "weighing": weighing(weight_rule),
                "link": link,
                "calendar_file": calendar_file,
            },
        )


def reminder(c: Consulted, *, now: datetime, link: str) -> Rendered:
    with speaking(LANGUAGE):
        deadline = formats.moment(c.closes_at, c.zone)
        subject = subject_line(
            _("Reminder: %(title)s, vote before %(moment)s", title=c.title, moment=deadline)
        )
        left = formats.duration(c.closes_at - now)
        return _render("reminder", subject, {**_common(c), "left": left, "link": link})


def confirmation(
    c: Consulted,
    *,
    choice: str,
    at: datetime,
    explanation: str,
    previous_choice: str | None,
    position: int,
    covered: bool,
    receipt_file: str,
) -> Rendered:
    with speaking(LANGUAGE):
        subject = subject_line(_("Your vote is recorded: %(title)s", title=c.title))
        return _render(
            "confirmation",
            subject,
            {
                **_common(c),
                "choice": label(choice),
                "recorded_at": formats.moment(at, c.zone),
                "explanation": explanation,
                "previous_choice": label(previous_choice) if previous_choice else "",
                "position": position,
                "covered": covered,
                "receipt_file": receipt_file,
            },
        )
