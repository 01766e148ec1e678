"""The dashboard: server-rendered pages for officers, secretaries, the board and auditors.

Forms post to the same commands as the API and come back to the page they were sent from;
a refusal is shown on that page, in one line. htmx (vendored) refreshes the live tally.

A browser holds a session (adapters/sessions.py), never a token. Every state-changing request
of a session passes `guard` first: it must come from our own origin and carry the session's
CSRF token (a hidden field in every form that posts, or the X-CSRF-Token header htmx sends).
The login form has a CSRF token of its own, in a cookie before there is a session.
"""

from __future__ import annotations

import hmac
import json
import secrets
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from adapters.audit.receipts import NoBallotError, cast_receipt
from adapters.config import logs
from adapters.entrypoints.http.context import (
    COOKIE,
    LOGIN_COOKIE,
    Server,
    dashboard_actor,
    server,
    session_of,
)
from adapters.entrypoints.http.operations.metrics import note_refusal
from adapters.entrypoints.http.routes.fields import MemberPath
from adapters.entrypoints.http.security import (
    UNSAFE_METHODS,
    LoginLimiter,
    RefusedError,
    client_address,
    require_same_origin,
    secure_cookies,
)
from adapters.i18n import catalogues, formats
from adapters.i18n.errors import explain
from adapters.i18n.labels import label
from adapters.i18n.sentences import sentence
from adapters.inputs.timeparse import DEFAULT_TZ, parse_as_of, zone
from adapters.readmodels.consultation_results import (
    NON_VOTER_COLUMNS,
    VOTE_COLUMNS,
    non_voters,
    published_votes,
    rows_csv,
    tally_result,
)
from adapters.readmodels.queries import (
    BallotSecrecy,
    deadline_rows,
    deadline_state,
    log_entries,
    status_known_at,
    timeline_rows,
)
from domain.actor import Actor, Role
from domain.board_ratification import Decision
from domain.errors import DomainError
from projections.rows import from_time_key

LANGUAGE_COOKIE = "akkoord_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


async def guard(request: Request) -> None:
    """Before every dashboard route: the origin and CSRF checks of state-changing requests."""
    if request.method not in UNSAFE_METHODS:
        return
    s = server(request)
    if request.url.path == "/login":
        limiter: LoginLimiter = request.app.state.login_limiter
        limiter.attempt(client_address(request))
        require_same_origin(request, s.web)  # login CSRF: no neighbour logs you in as someone
        _require_token(request, request.cookies.get(LOGIN_COOKIE, ""), await _sent_token(request))
        return
    await run_in_threadpool(dashboard_actor, request)
    session = session_of(request)
    if session is None:
        return  # a bearer token (sent by a program, never by a browser by itself) or no one
    require_same_origin(request, s.web)
    _require_token(request, session.csrf, await _sent_token(request))


async def _sent_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    sent = (await request.form()).get(CSRF_FIELD)
    return sent if isinstance(sent, str) else ""


def _require_token(request: Request, expected: str, sent: str) -> None:
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise RefusedError(
            403, "csrf", "the form's CSRF token is missing or stale: reload the page"
        )


router = APIRouter(include_in_schema=False, dependencies=[Depends(guard)])
templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("adapters", "templates/dashboard"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
    )
)
# `_("...")` in the templates: the catalogue of the request's language (adapters/i18n).
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    catalogues.gettext, catalogues.unformatted_ngettext, newstyle=True
)


def _instant(value: str | datetime | None) -> datetime | None:
    """A stored time key ("...Z" with fractions), an ISO text or a datetime, as a datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if value.endswith("Z") and "." in value:
        return from_time_key(value)
    return datetime.fromisoformat(value)


def local(key_or_iso: str | datetime | None, tz: str = DEFAULT_TZ) -> str:
    """A moment in the reader's language and the zone `tz`: "22 oktober 2025, 16:00"."""
    instant = _instant(key_or_iso)
    return formats.moment(instant, zone(tz)) if instant else ""


def local_day(key_or_iso: str | datetime | None, tz: str = DEFAULT_TZ) -> str:
    instant = _instant(key_or_iso)
    return formats.day(instant, zone(tz)) if instant else ""


def _amount(value: Any, write: Any) -> str:
    return "" if value is None or value == "" else str(write(value))


# Values and amounts as the reader's language writes them (adapters/i18n): `|label` for the
# domain's words, `|number` 243.768, `|money` € 1.125.000,00, `|percent` 52,3%.
templates.env.filters["local"] = local
templates.env.filters["moment"] = local
templates.env.filters["day"] = local_day
templates.env.filters["label"] = label
templates.env.filters["sentence"] = sentence  # a timeline row's step, in the reader's words
templates.env.filters["number"] = lambda v: _amount(v, formats.number)
templates.env.filters["money"] = lambda v: _amount(v, formats.money)
templates.env.filters["percent"] = lambda v, digits=1: _amount(
    v, lambda x: formats.percent(x, digits=digits)
)


def page_language(request: Request) -> str:
    """Dutch unless the reader asked for English (`?lang=en`, then remembered in a cookie)."""
    return catalogues.language(
        request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    )


def page(request: Request, name: str, **context: Any) -> HTMLResponse:
    catalogues.set_language(page_language(request))
    context.setdefault("lang", catalogues.current())
    context.setdefault("message", request.query_params.get("message", ""))
    context.setdefault("error", request.query_params.get("error", ""))
    session = session_of(request)
    context.setdefault("csrf_token", session.csrf if session else "")
    response = templates.TemplateResponse(request, name, context)
    asked = request.query_params.get("lang")
    if asked:  # the switch in the header: remembered for the next pages
        response.set_cookie(
            LANGUAGE_COOKIE,
            catalogues.language(asked),
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request, server(request).web),
        )
    return response


def who(request: Request) -> Actor | None:
    if hasattr(request.state, "session"):  # `guard` already looked
        actor = getattr(request.state, "actor", None)
        return Actor.parse(actor) if actor else None
    return dashboard_actor(request)


def refused(request: Request, error: DomainError | str, status: int = 0) -> None:
    """Every refusal is logged, whether it reaches the API or a dashboard form."""
    code = error.code if isinstance(error, DomainError) else "refused"
    logs.logger(
        actor=getattr(request.state, "actor", None), method=request.method, path=request.url.path
    ).warning("refused", status=status or 303, code=code, reason=str(error))
    kind = error.kind if isinstance(error, DomainError) else None  # operations: /metrics
    note_refusal(request.scope, status or 303, code, kind)


def back(path: str, *, message: str = "", error: str = "") -> RedirectResponse:
    query = f"?error={quote(error)}" if error else (f"?message={quote(message)}" if message else "")
    return RedirectResponse(path + query, status_code=303)


def login_first() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


def login_form(request: Request, *, error: str = "", status: int = 200) -> HTMLResponse:
    """The login page, with the CSRF token of the form in a cookie of its own."""
    login_token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = page(request, "login.html", actor=None, error=error, login_csrf=login_token)
    response.status_code = status
    response.set_cookie(
        LOGIN_COOKIE,
        login_token,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, server(request).web),
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return login_form(request)


@router.post("/login")
def login(request: Request, token: Annotated[str, Form(max_length=200)]) -> Response:
    s = server(request)
    opened = s.sessions.open(token.strip())
    if opened is None:
        refused(request, "unknown or revoked token", 401)
        return login_form(request, error="onbekend of ingetrokken token", status=401)
    session_id, _ = opened
    old = request.cookies.get(COOKIE)
    if old:
        s.sessions.close(old)
    welcome = RedirectResponse("/", status_code=303)
    welcome.set_cookie(
        COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, s.web),
    )
    welcome.delete_cookie(LOGIN_COOKIE, path="/login")
    return welcome


@router.post("/logout")
def logout(request: Request) -> Response:
    session_id = request.cookies.get(COOKIE)
    if session_id:
        server(request).sessions.close(session_id)  # the old cookie is worth nothing now
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, samesite="strict")
    return response


@router.get("/", response_class=HTMLResponse)
def status_page(
    request: Request,
    as_of: Annotated[str | None, Query(max_length=40)] = None,
    known_at: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    s = server(request)
    try:
        moment = parse_as_of(as_of) if as_of else datetime.now(UTC)
        recorded = parse_as_of(known_at, what="known-at") if known_at else None
    except DomainError as e:
        return page(
            request,
            "status.html",
            actor=actor,
            error=explain(e, page_language(request)),
            agreements=[],
            parties=[],
            cells={},
            as_of=as_of or "",
            known_at=known_at or "",
        )
    store = s.read()
    rows = status_known_at(store.app, store.views, moment, recorded)
    agreements = sorted({r.agreement for r in rows})
    parties = sorted({r.party for r in rows})
    cells = {(r.agreement, r.party): r for r in rows}
    return page(
        request,
        "status.html",
        actor=actor,
        agreements=agreements,
        parties=parties,
        cells=cells,
        as_of=as_of or "",
        known_at=known_at or "",
        moment=moment.isoformat(),
    )


@router.get("/consultations", response_class=HTMLResponse)
def consultations_page(request: Request) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    return page(
        request,
        "consultations.html",
        actor=actor,
        consultations=server(request).read().app.consultations.list_consultations(),
    )


def _consultation_context(s: Server, cid: UUID, viewer: Actor | None = None) -> dict[str, Any]:
    e = s.read()
    info = e.app.consultations.get_consultation(cid)
    # Ballot secrecy while open (see api.get_tally): a secretary may lack the interim tally.
    sealed = (
        viewer is not None
        and viewer.role is Role.SECRETARY
        and e.app.consultations.tally_sealed(cid)
    )
    tally = None if sealed else e.views.tally(str(cid))
    closes = datetime.fromisoformat(info["closes_at"])
    left = closes - datetime.now(UTC)
    # Who has not voted: for officers, the board and auditors; each vote: after the close.
    may_see_non_voters = viewer is not None and viewer.role in OVERSEERS
    return {
        "c": info,
        "sealed": sealed,
        "t": tally.as_dict() if tally else None,
        "r": None if tally is None else tally_result(e.app, e.views, cid),
        "non_voters": (
            non_voters(e.app, e.views, cid, viewer)
            if may_see_non_voters and viewer is not None and info["phase"] != "closed"
            else None
        ),
        "votes": published_votes(e.app, e.views, cid) if info["phase"] == "closed" else None,
        "provinces": sorted(
            (p, t.as_dict())
            for p, t in ({} if sealed else e.views.tally_by_province(str(cid))).items()
        ),
        "explanations": BallotSecrecy(e.app, viewer).explanations(
            str(cid), e.views.explanations(str(cid))
        ),
        "time_left": formats.duration(left) if left.total_seconds() > 0 else "",
    }


OVERSEERS = (Role.OFFICER, Role.BOARD, Role.AUDITOR)


def _ballot_context(s: Server, cid: UUID, viewer: Actor) -> dict[str, Any]:
    """What a secretary's page adds: the municipality by name (the member register, else the
    electorate snapshot) and its standing ballot, read through the ballot secrecy rule (so only
    ever its own)."""
    e = s.read()
    code = viewer.identity
    try:
        name = str(e.app.members.get_member(code)["name"])
    except DomainError:
        name = ""
    state = BallotSecrecy(e.app, viewer).history(e.app.history.of(cid))["state"]
    electorate = state.get("electorate") or {}
    own = (state.get("ballots") or {}).get(code)
    return {
        "member": {"code": code, "name": name or str(electorate.get(code, {}).get("name", ""))},
        "standing": own if isinstance(own, dict) else None,
        "in_electorate": code in electorate,
    }


def _mail_counts(request: Request, cid: UUID) -> dict[str, int] | None:
    """This consultation's messages in the outbox (adapters/mail), per state; None when the
    outbox cannot be read (a malformed mail setting: the /mail page says why)."""
    from sqlalchemy import func, select

    from adapters.mail.outbox import STATES, Outbox, outbox
    from adapters.mail.sending import mail_settings

    try:
        box = Outbox(server(request).engine.settings, mail_settings())
    except DomainError:
        return None
    try:
        with box.engine.connect() as conn:
            found = conn.execute(
                select(outbox.c.state, func.count())
                .where(outbox.c.subject_id == str(cid))
                .group_by(outbox.c.state)
            ).all()
    finally:
        box.close()
    counts = {str(state): int(n) for state, n in found}
    return {state: counts[state] for state in STATES if counts.get(state)}


@router.get("/consultations/{cid}", response_class=HTMLResponse)
def consultation_page(request: Request, cid: UUID) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    s = server(request)
    catalogues.set_language(page_language(request))  # the time left is worded in the context
    try:
        context = _consultation_context(s, cid, actor)
        context["receipt_href"] = _own_receipt(s, cid, actor)
        if actor.role is Role.SECRETARY:
            context.update(_ballot_context(s, cid, actor))
        if actor.role in OVERSEERS:
            context["mail"] = _mail_counts(request, cid)
    except DomainError as e:
        return _error_page(request, actor, e)
    return page(request, "consultation.html", actor=actor, **context)


def _error_page(
    request: Request, actor: Actor, error: DomainError | str, status: int = 0
) -> HTMLResponse:
    if isinstance(error, DomainError):
        status = status or (404 if error.kind == "not_found" else 422)
    refused(request, error, status)
    shown = explain(error, page_language(request)) if isinstance(error, DomainError) else error
    response = page(request, "error.html", actor=actor, error=shown)
    response.status_code = status
    return response


def _own_receipt(s: Server, cid: UUID, actor: Actor) -> str:
    """The download of the secretary's own standing ballot's receipt, if there is one; officers
    and auditors, who may read any member's, get no link: a list of every member's receipt on
    the page would be the ballots themselves."""
    if actor.role is not Role.SECRETARY:
        return ""
    if actor.identity not in s.read().app.consultations.standing_ballots(cid):
        return ""
    return f"/consultations/{cid}/receipts/{actor.identity}"


def _receipt_refusal(actor: Actor, member: str) -> str:
    """Why `actor` may not read `member`'s receipt; the API's rule (routes/consultations.py)."""
    if actor.role is Role.SECRETARY:
        if actor.identity == member:
            return ""
        return f"u mag alleen het ontvangstbewijs van {actor.identity} downloaden"
    if actor.role in (Role.OFFICER, Role.AUDITOR):
        return ""
    return (
        f"{actor} mag dit ontvangstbewijs niet downloaden: dat mogen alleen de secretaris "
        "van de gemeente zelf, officers en auditors"
    )


@router.get("/consultations/{cid}/receipts/{member}")
def receipt_download(request: Request, cid: UUID, member: MemberPath) -> Response:
    """The receipt of a member's standing ballot as a file ("ontvangstbewijs"): the API's
    receipt JSON, which `akkoord audit check-proof` checks offline."""
    actor = who(request)
    if actor is None:
        return login_first()
    code = member.upper()
    why = _receipt_refusal(actor, code)
    if why:
        return _error_page(request, actor, why, 403)
    e = server(request).read()
    try:
        e.app.consultations.get_consultation(cid)
        receipt = cast_receipt(e.app.recorder, cid, code)
    except NoBallotError:
        return _error_page(
            request, actor, f"{code} heeft in deze ledenraadpleging geen stem uitgebracht", 404
        )
    except DomainError as error:
        return _error_page(request, actor, error)
    return Response(
        json.dumps(receipt, indent=2) + "\n",
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="ontvangstbewijs-{cid}-{code}.json"',
            # how one member voted: not for a shared computer's or a proxy's cache
            "Cache-Control": "no-store",
        },
    )


@router.get("/consultations/{cid}/{kind}.csv")
def consultation_csv(request: Request, cid: UUID, kind: str) -> Response:
    """The downloads niet-gestemd.csv (officers, the board, auditors) and stemmen.csv (after
    the close, everyone): the CLI's and the API's rows."""
    actor = who(request)
    if actor is None:
        return login_first()
    e = server(request).read()
    try:
        if kind == "niet-gestemd":
            text = rows_csv(non_voters(e.app, e.views, cid, actor), NON_VOTER_COLUMNS)
        elif kind == "stemmen":
            text = rows_csv(published_votes(e.app, e.views, cid), VOTE_COLUMNS)
        else:
            return _error_page(request, actor, f"geen download {kind}.csv", 404)
    except DomainError as error:
        status = 403 if error.kind == "forbidden" else 0
        return _error_page(request, actor, error, status)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{kind}-{cid}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/consultations/{cid}/tally", response_class=HTMLResponse)
def tally_fragment(request: Request, cid: UUID) -> Response:
    actor = who(request)
    if actor is None:
        return Response(status_code=401)
    catalogues.set_language(page_language(request))
    return page(
        request, "_tally.html", actor=actor, **_consultation_context(server(request), cid, actor)
    )


REPORT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


@router.get("/consultations/{cid}/rapport.{fmt}")
def report_download(request: Request, cid: UUID, fmt: str) -> Response:
    """The result report for the board (`akkoord report consultation`): the same bytes, for
    officers, the board and auditors; a result from synthetic ballots says so in it."""
    actor = who(request)
    if actor is None:
        return login_first()
    catalogues.set_language(page_language(request))
    if fmt not in REPORT_TYPES:
        why = catalogues.gettext("no report .%(fmt)s: pdf or html", fmt=fmt)
        return _error_page(request, actor, why, 404)
    if actor.role not in OVERSEERS:
        why = catalogues.gettext("the result report is for officers, the board and auditors")
        return _error_page(request, actor, why, 403)
    # fpdf and the report templates load for this download only, as in the CLI.
    from adapters.reports.report import gather, render

    s = server(request)
    try:
        with s.write_lock:  # `gather` catches the read models up: one at a time, as `read`
            data = gather(s.engine, cid)
    except DomainError as error:
        return _error_page(request, actor, error)
    with catalogues.speaking(page_language(request)):
        content = render(data, fmt)
    return Response(
        content,
        media_type=REPORT_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="uitslag-{cid}.{fmt}"',
            # after the close it holds each municipality's vote
            "Cache-Control": "no-store",
        },
    )


@router.post("/consultations/{cid}/ballot")
def cast_form(
    request: Request,
    cid: UUID,
    choice: Annotated[str, Form(max_length=40)],
    explanation: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    catalogues.set_language(page_language(request))
    try:
        recorded = server(request).act(
            lambda e: e.app.consultations.cast_ballot(
                cid, member=actor.identity, choice=choice, explanation=explanation, actor=actor
            )
        )
    except DomainError as e:
        refused(request, e)
        return back(f"/consultations/{cid}", error=explain(e, page_language(request)))
    return back(
        f"/consultations/{cid}",
        message=(
            catalogues.gettext("ballot recorded")
            if recorded
            else catalogues.gettext("this ballot was already recorded")
        ),
    )


@router.post("/consultations/{cid}/close")
def close_form(
    request: Request, cid: UUID, reason: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    try:
        server(request).act(
            lambda e: e.app.consultations.close_consultation(cid, actor=actor, reason=reason)
        )
    except DomainError as e:
        refused(request, e)
        return back(f"/consultations/{cid}", error=explain(e, page_language(request)))
    return back(f"/consultations/{cid}", message="ledenraadpleging gesloten")


@router.get("/deadlines", response_class=HTMLResponse)
def deadlines_page(request: Request) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    now = datetime.now(UTC)
    rows = [
        {**r, "state": deadline_state(r, now, 60.0)}
        for r in deadline_rows(server(request).read().views, ("pending", "fired", "done"))
    ]
    order = {"overdue": 0, "due": 1, "pending": 2, "fired": 3, "done": 4}
    rows.sort(key=lambda r: (order.get(r["state"], 5), r["due_at"]))
    return page(request, "deadlines.html", actor=actor, rows=rows)


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    rows = timeline_rows(server(request).read().views, sentences=True)
    return page(request, "timeline.html", actor=actor, rows=rows)


@router.get("/log", response_class=HTMLResponse)
def log_page(
    request: Request,
    start: Annotated[int, Query(alias="from", ge=1, le=10**12)] = 1,
    aggregate: Annotated[str, Query(max_length=40)] = "",
    event: Annotated[str, Query(max_length=80)] = "",
    who_acted: Annotated[str, Query(alias="actor", max_length=80)] = "",
) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    found, more = log_entries(
        server(request).read().app,
        start,
        100,
        aggregate=aggregate,
        event=event,
        actor=who_acted,
        viewer=actor,
    )
    entries = [
        {**entry.as_dict(), "data": {k: v for k, v in entry.data.items() if k != "electorate"}}
        for entry in found
    ]
    return page(
        request,
        "log.html",
        actor=actor,
        entries=entries,
        more=more,
        filters={"aggregate": aggregate, "event": event, "actor": who_acted},
    )


@router.get("/board", response_class=HTMLResponse)
def board_page(request: Request) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    e = server(request).read()
    ratifications = e.app.ratifications.list_ratifications()
    tallies = {r["id"]: e.views.tally(r["consultation_id"]) for r in ratifications}
    # An advice from simulated ballots says so where the board reads it.
    synthetic = {
        r["id"]: bool(
            e.app.consultations.get_consultation(UUID(r["consultation_id"])).get("synthetic")
        )
        for r in ratifications
    }
    return page(
        request,
        "board.html",
        actor=actor,
        ratifications=ratifications,
        synthetic=synthetic,
        tallies={k: (v.as_dict() if v else None) for k, v in tallies.items()},
        is_board=actor.role is Role.BOARD,
    )


@router.post("/board/{rid}/decision")
def decide_form(
    request: Request,
    rid: UUID,
    decision: Annotated[str, Form(max_length=10)],
    rationale: Annotated[str, Form(max_length=2000)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    actor = who(request)
    if actor is None:
        return login_first()
    try:
        parsed = Decision.parse(decision)
        server(request).act(
            lambda e: e.app.ratifications.decide_ratification(
                rid,
                decision=parsed,
                rationale=rationale,
                actor=actor,
                reason=reason or "board meeting",
            )
        )
    except DomainError as e:
        refused(request, e)
        return back("/board", error=explain(e, page_language(request)))
    with catalogues.speaking(page_language(request)):
        done = catalogues.gettext("decision recorded: %(decision)s", decision=label(parsed))
    return back("/board", message=done)
