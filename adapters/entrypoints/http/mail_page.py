"""The dashboard's `/mail`: what the outbox holds, for officers and auditors.

Addresses are masked (the member code and the mail domain say enough to chase a delivery
problem); a secretary or the board sees no one's mail here.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from adapters.entrypoints.http.context import server
from adapters.entrypoints.http.dashboard import (
    guard,
    login_first,
    page,
    page_language,
    refused,
    who,
)
from adapters.i18n.catalogues import gettext as _
from adapters.i18n.catalogues import speaking
from adapters.mail.outbox import MailStatus, Outbox
from adapters.mail.sending import mail_settings
from domain.actor import Role

MAIL_READERS = (Role.OFFICER, Role.AUDITOR)

router = APIRouter(include_in_schema=False, dependencies=[Depends(guard)])


def _status(request: Request) -> MailStatus:
    outbox = Outbox(server(request).engine.settings, mail_settings())
    try:
        return outbox.status()
    finally:
        outbox.close()


@router.get("/mail", response_class=HTMLResponse)
def mail_page(request: Request) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    if actor.role not in MAIL_READERS:
        with speaking(page_language(request)):
            why = _("Only officers and auditors see the mail akkoord sends")
        refused(request, why, 403)
        shown = page(request, "error.html", actor=actor, error=why)
        shown.status_code = 403
        return shown
    return page(request, "mail.html", actor=actor, status=_status(request))
