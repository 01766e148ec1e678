"""Personal sign-in links and the officer's "remind" button.

`GET /stem/{token}` trades a sign-in link's token (adapters/auth/tokens.py `issue_link`, sent
in an invitation or reminder) for a dashboard session, like the login form, and lands on the
consultation. That session is scoped: its own consultation's pages and API only, until the
deadline (`Scope.allows`); anything else is refused 403 here, in `install`'s handler.

The session cookie of a link is SameSite=Lax, not Strict like the login form's: the link is
clicked in a mail program, so the landing request is a cross-site navigation, and a Strict
cookie set on it would not come along on the redirect. Nothing a GET does changes state, and
every POST still needs our origin and the session's CSRF token (`guard`).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Form, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from adapters.config import logs
from adapters.entrypoints.http.context import COOKIE, OutOfScopeError, server
from adapters.entrypoints.http.dashboard import (
    back,
    guard,
    login_first,
    page,
    page_language,
    refused,
    who,
)
from adapters.entrypoints.http.errors import error_body
from adapters.entrypoints.http.security import LoginLimiter, client_address, secure_cookies
from adapters.i18n.catalogues import N_, set_language
from adapters.i18n.catalogues import gettext as _
from adapters.i18n.errors import explain
from domain.errors import DomainError

router = APIRouter(include_in_schema=False, dependencies=[Depends(guard)])
# The deadlines page names each kind through the catalogue (its `label` filter); this one's.
REMINDER_KIND = N_("non-voters reminder")
LINK_PATH = "/stem"
DEAD_LINK = 410  # gone: expired, withdrawn or never issued, alike (no probing which)


def _dead_link(request: Request) -> HTMLResponse:
    refused(request, "sign-in link unknown, revoked or expired", DEAD_LINK)
    shown = page(
        request,
        "error.html",
        actor=None,
        error=_(
            "This sign-in link no longer works: it has expired, was withdrawn or does not "
            "exist. Ask the association for a new one, or sign in with your token."
        ),
    )
    shown.status_code = DEAD_LINK
    return shown


@router.get(LINK_PATH + "/{token}")
def sign_in_link(
    request: Request, token: Annotated[str, Path(min_length=1, max_length=200)]
) -> Response:
    s = server(request)
    opened = s.sessions.open(token)
    if opened is not None and opened[1].scope is None:
        # An ordinary token does not belong in a URL (it would sit in histories and logs).
        s.sessions.close(opened[0])
        opened = None
    if opened is None:
        limiter: LoginLimiter = request.app.state.login_limiter
        limiter.attempt(client_address(request))  # only failures count: guessing is bounded
        return _dead_link(request)
    session_id, session = opened
    assert session.scope is not None
    old = request.cookies.get(COOKIE)
    if old:
        s.sessions.close(old)
    logs.logger(actor=str(session.actor), path=LINK_PATH).info(
        "signed in by link", consultation=str(session.scope.consultation)
    )
    landing = RedirectResponse(f"/consultations/{session.scope.consultation}", status_code=303)
    landing.set_cookie(
        COOKIE,
        session_id,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, s.web),
    )
    return landing


@router.post("/consultations/{cid}/remind")
def remind_form(
    request: Request, cid: UUID, reason: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    set_language(page_language(request))
    try:
        reminded = server(request).act(
            lambda e: e.app.consultations.remind_non_voters(cid, actor=actor, reason=reason)
        )
    except DomainError as e:
        refused(request, e)
        return back(f"/consultations/{cid}", error=explain(e, page_language(request)))
    n = len(reminded)  # one message id per grammatical number: the catalogue reads plain ids
    return back(
        f"/consultations/{cid}",
        message=_("1 municipality reminded")
        if n == 1
        else _("%(num)s municipalities reminded", num=n),
    )


def install(app: FastAPI) -> None:
    """The router, and the answer to a link's session that strays from its consultation."""

    @app.exception_handler(OutOfScopeError)
    async def out_of_scope(request: Request, exc: OutOfScopeError) -> Response:
        refused(request, str(exc), 403)
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body("out_of_scope", str(exc)), status_code=403)
        shown = page(
            request,
            "error.html",
            actor=None,
            error=_(
                "This sign-in link is for one consultation only; sign in with your token "
                "for anything else."
            ),
        )
        shown.status_code = 403
        return shown

    app.include_router(router)
