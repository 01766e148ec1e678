"""`akkoord consultation ...`: the ledenraadpleging from opening to tally."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from adapters.entrypoints.cli.common import (
    ActorOpt,
    DataDirOpt,
    IdempotencyKeyOpt,
    JsonOpt,
    actor_from,
    engine,
    guarded,
    once,
    out,
    parse_id,
    print_json,
    say,
)
from adapters.i18n.catalogues import ENGLISH, current
from adapters.i18n.catalogues import gettext as _
from adapters.inputs.timeparse import DEFAULT_TZ, parse_moment, zone
from domain.consultation import TALLY_VISIBILITY
from domain.errors import InvalidInputError, UnknownConsultationError
from domain.reminders import DEFAULT_REMINDERS, parse_offsets
from domain.voting_rules import DEFAULT_TIE_RULE, DEFAULT_TURNOUT_WARNING, VotingRules
from domain.weights import WeightRule
from projections.tally import Tally

if TYPE_CHECKING:
    from rich.table import Table

    from adapters.bootstrap import Engine
    from adapters.config.settings import MailSettings
    from adapters.mail.outbox import Outbox

app = typer.Typer(help="Member consultations (ledenraadplegingen).", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="The consultation id.", show_default=False)]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]
TzOpt = Annotated[str, typer.Option("--tz", help="Time zone for times given without an offset.")]


@app.command("open")
@guarded
def open_command(
    title: Annotated[str, typer.Option("--title", show_default=False)],
    question: Annotated[str, typer.Option("--question", show_default=False)],
    closes: Annotated[
        str, typer.Option("--closes", help="Deadline, e.g. 2025-10-22T16:00.", show_default=False)
    ],
    reason: ReasonOpt = "",
    agreement: Annotated[list[str] | None, typer.Option("--agreement", help="Repeatable.")] = None,
    opens: Annotated[str | None, typer.Option("--opens", help="Default: now.")] = None,
    tz: TzOpt = DEFAULT_TZ,
    weight_rule: Annotated[str, typer.Option("--weight-rule", help="ceil|floor|nearest")] = "ceil",
    population_year: Annotated[int, typer.Option("--population-year")] = 2024,
    tally_visible_to: Annotated[
        str,
        typer.Option(
            "--tally-visible-to",
            help="Who sees the interim tally while open: officers|everyone (after the close, "
            "everyone does).",
        ),
    ] = "officers",
    options: Annotated[
        str,
        typer.Option(
            "--options",
            help="The answers, comma-separated: yes,no (default), yes,no,blank (a blank vote "
            "counts for turnout, not in the percentages) or your own, e.g. A,B,C.",
        ),
    ] = "yes,no",
    tie_rule: Annotated[
        str,
        typer.Option(
            "--tie-rule",
            help="negative: a tie is not a majority in favour (no option is chosen); "
            "undecided: the advice says it tied.",
        ),
    ] = DEFAULT_TIE_RULE,
    quorum_members: Annotated[
        int, typer.Option("--quorum-members", help="Quorum: at least N members vote (0: none).")
    ] = 0,
    quorum_weight: Annotated[
        str | None,
        typer.Option(
            "--quorum-weight",
            help="Quorum: at least PCT % of the weight votes.",
            show_default=False,
        ),
    ] = None,
    turnout_warning: Annotated[
        str,
        typer.Option(
            "--turnout-warning",
            help="Warn the board when turnout is below PCT % of the weight ('none': never).",
        ),
    ] = str(DEFAULT_TURNOUT_WARNING),
    remind: Annotated[
        str,
        typer.Option(
            "--remind",
            help="Remind the members who have not voted this long before the deadline, "
            "comma-separated (d, h, m), e.g. 7d,1d; 'none' for no reminders.",
        ),
    ] = DEFAULT_REMINDERS,
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Open a consultation; snapshots the electorate and every member's weight, and records
    its voting rules (options, tie rule, quorum, turnout warning) and its reminders."""
    who = actor_from(actor)
    reminders = parse_offsets(remind)
    zone(tz)
    closes_at = parse_moment(closes, tz, what="--closes")
    opens_at = parse_moment(opens, tz, what="--opens") if opens else None
    rule = WeightRule.parse(weight_rule)
    rules = VotingRules.make(
        options=options,
        tie_rule=tie_rule,
        quorum_members=quorum_members,
        quorum_weight_pct=quorum_weight,
        turnout_warning_pct=None if turnout_warning.strip().lower() == "none" else turnout_warning,
    )
    visibility = tally_visible_to.strip().lower()
    if visibility not in TALLY_VISIBILITY:
        raise InvalidInputError(
            f"--tally-visible-to is officers or everyone, not {tally_visible_to!r}"
        )
    request: dict[str, Any] = {
        "command": "consultation open",
        "title": title,
        "question": question,
        "agreements": agreement or [],
        "opens": opens_at,
        "closes": closes_at,
        "tz": tz,
        "rule": rule.value,
        "year": population_year,
        "tally": visibility,
        "reason": reason,
        "actor": str(who),
    }
    if rules != VotingRules(turnout_warning_pct=DEFAULT_TURNOUT_WARNING):
        # only then, so a key stored before the voting rules answers the same
        request["rules"] = rules.as_dict()
    if reminders != parse_offsets(DEFAULT_REMINDERS):  # likewise for a key from before them
        request["reminders"] = [int(r.total_seconds()) for r in reminders]
    with engine(data_dir) as e:
        answer = once(
            e,
            idempotency_key,
            request,
            lambda: {
                "id": str(
                    e.app.consultations.open_consultation(
                        title=title,
                        question=question,
                        agreements=agreement or [],
                        opens_at=opens_at,
                        closes_at=closes_at,
                        timezone=tz,
                        weight_rule=rule,
                        population_year=population_year,
                        tally_visibility=visibility,
                        rules=rules,
                        reminders=reminders,
                        actor=who,
                        reason=reason,
                    )
                )
            },
        )
    if json_output:
        print_json(answer)
    else:
        out.print(answer["id"])


@app.command("cast")
@guarded
def cast_command(
    consultation_id: IdArg,
    member: Annotated[
        str, typer.Option("--member", help="CBS code, e.g. GM0090.", show_default=False)
    ],
    choice: Annotated[
        str,
        typer.Option(
            "--choice", help="yes|no, or one of the consultation's options.", show_default=False
        ),
    ],
    explanation: Annotated[str, typer.Option("--explanation")] = "",
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Cast (or re-cast) a municipality's ballot; the last one before the deadline counts."""
    who = actor_from(actor)
    cid = parse_id(consultation_id)
    code = member.strip().upper()
    request = {"command": "consultation cast", "id": str(cid), "member": code, "choice": choice}
    request |= {"explanation": explanation, "actor": str(who)}
    with engine(data_dir) as e:
        recorded = once(
            e,
            idempotency_key,
            request,
            lambda: {
                "recorded": e.app.consultations.cast_ballot(
                    cid, member=code, choice=choice, explanation=explanation, actor=who
                )
            },
        )["recorded"]
        receipt = None
        if json_output:
            from adapters.audit.receipts import cast_receipt  # the keys: only for a receipt

            # The standing ballot's receipt: its leaf in the signed Merkle tree over the log.
            receipt = cast_receipt(e.app.recorder, cid, code)
    if json_output:
        print_json({"recorded": recorded, "receipt": receipt})
    else:
        say(_("ballot recorded") if recorded else _("the same ballot was already standing"))


@app.command("close")
@guarded
def close_command(
    consultation_id: IdArg,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Close a consultation (a second close changes nothing). Early closing needs a reason."""
    who = actor_from(actor)
    cid = parse_id(consultation_id)
    request = {"command": "consultation close", "id": str(cid), "reason": reason}
    with engine(data_dir) as e:
        closed = once(
            e,
            idempotency_key,
            {**request, "actor": str(who)},
            lambda: {
                "closed": e.app.consultations.close_consultation(cid, actor=who, reason=reason)
            },
        )["closed"]
    if json_output:
        print_json({"closed": closed})
    else:
        out.print(_("closed") if closed else _("was already closed; nothing written"))


@app.command("extend")
@guarded
def extend_command(
    consultation_id: IdArg,
    closes: Annotated[str, typer.Option("--closes", show_default=False)],
    reason: ReasonOpt = "",
    tz: TzOpt = DEFAULT_TZ,
    confirm_conflict: Annotated[
        bool,
        typer.Option(
            "--confirm-conflict",
            help="Extend at or past the ratification's date on purpose (recorded, with --reason).",
        ),
    ] = False,
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Move the deadline later, while the consultation is open."""
    who = actor_from(actor)
    cid = parse_id(consultation_id)
    closes_at = parse_moment(closes, tz, what="--closes")
    request = {"command": "consultation extend", "id": str(cid), "closes": closes_at, "tz": tz}
    if confirm_conflict:  # only then, so a key stored before the option answers the same
        request["confirm_conflict"] = True
    with engine(data_dir) as e:

        def extend() -> dict[str, Any]:
            e.app.consultations.extend_consultation(
                cid,
                closes_at=closes_at,
                actor=who,
                reason=reason,
                confirm_conflict=confirm_conflict,
            )
            return {"closes_at": closes_at.isoformat()}

        once(e, idempotency_key, {**request, "reason": reason, "actor": str(who)}, extend)
    if json_output:
        print_json({"closes_at": closes_at.isoformat()})
    else:
        from adapters.entrypoints.cli.columns import value

        out.print(_("now closes at %(moment)s", moment=value(closes_at.isoformat())))


@app.command("cancel")
@guarded
def cancel_command(
    consultation_id: IdArg,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Cancel a consultation before its deadline; no result will stand."""
    who = actor_from(actor)
    cid = parse_id(consultation_id)
    request = {"command": "consultation cancel", "id": str(cid), "reason": reason}
    with engine(data_dir) as e:

        def cancel() -> dict[str, Any]:
            e.app.consultations.cancel_consultation(cid, actor=who, reason=reason)
            return {"cancelled": True}

        once(e, idempotency_key, {**request, "actor": str(who)}, cancel)
    if json_output:
        print_json({"cancelled": True})
    else:
        out.print(_("cancelled"))


def _queue_mail(e: Engine, outbox: Outbox, members: list[str], kind: str) -> dict[str, Any]:
    """Queue the mails the new events ask for at once, and say whom they cannot reach."""
    from adapters.contacts.register import ContactsRegister
    from adapters.mail.mailer import produce_report

    contacts = ContactsRegister(e.settings)
    try:
        missing = [m for m in members if contacts.get(m) is None]
    finally:
        contacts.close()
    report = produce_report(e.settings, outbox, engine=e)
    return {kind: members, "queued": report.queued, "no_contact": missing}


def _mail_outcome(answer: dict[str, Any], json_output: bool, kind: str) -> None:
    from adapters.i18n.catalogues import gettext as _

    if json_output:
        print_json(answer)
        return
    # One message id per grammatical number: the catalogue check reads plain ids.
    n = answer["queued"]
    if kind == "invited":
        queued = (
            _("%(num)s invitation queued", num=n)
            if n == 1
            else _("%(num)s invitations queued", num=n)
        )
    else:
        queued = (
            _("%(num)s reminder queued", num=n) if n == 1 else _("%(num)s reminders queued", num=n)
        )
    missing, codes = len(answer["no_contact"]), ", ".join(answer["no_contact"])
    if missing == 1:
        queued += "; " + _("1 municipality has no contact: %(codes)s", codes=codes)
    elif missing:
        queued += "; " + _(
            "%(num)s municipalities have no contact: %(codes)s", num=missing, codes=codes
        )
    say(queued)
    say(_("They go out with `akkoord mail send`, or by a running `akkoord serve` or scheduler."))


def _mail_settings() -> MailSettings:
    from adapters.config.settings import MailSettings

    try:
        return MailSettings.from_env()
    except ValueError as e:  # found before anything is recorded
        raise InvalidInputError(str(e)) from None


@app.command("invite")
@guarded
def invite_command(
    consultation_id: IdArg,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Invite the secretaries to vote: a mail with a personal sign-in link to every member
    with a contact in the register (`akkoord contacts`); the others are listed."""
    from adapters.contacts.register import ContactsRegister
    from adapters.mail.outbox import Outbox
    from domain.actor import Role

    who = actor_from(actor)
    who.require(Role.OFFICER, doing="invite secretaries")
    cid = parse_id(consultation_id)
    mail = _mail_settings()
    with engine(data_dir) as e:
        electorate = e.app.consultations.electorate_codes(cid)
        contacts = ContactsRegister(e.settings)
        try:
            reachable = [m for m in electorate if contacts.get(m) is not None]
        finally:
            contacts.close()
        if not reachable:
            raise InvalidInputError(
                f"no member of consultation {cid}'s electorate has a contact: load them first "
                "(akkoord contacts)"
            )
        e.app.consultations.invite_secretaries(cid, actor=who, reason=reason, members=reachable)
        outbox = Outbox(e.settings, mail)
        try:
            answer = _queue_mail(e, outbox, reachable, "invited")
        finally:
            outbox.close()
    answer["no_contact"] = [m for m in electorate if m not in set(reachable)]
    _mail_outcome(answer, json_output, "invited")


@app.command("remind")
@guarded
def remind_command(
    consultation_id: IdArg,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Remind every member who has not voted yet (by mail, where there is a contact)."""
    from adapters.mail.outbox import Outbox

    who = actor_from(actor)
    cid = parse_id(consultation_id)
    mail = _mail_settings()
    with engine(data_dir) as e:
        reminded = e.app.consultations.remind_non_voters(cid, actor=who, reason=reason)
        outbox = Outbox(e.settings, mail)
        try:
            answer = _queue_mail(e, outbox, reminded, "reminded")
        finally:
            outbox.close()
    _mail_outcome(answer, json_output, "reminded")


@app.command("show")
@guarded
def show_command(
    consultation_id: IdArg, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """What was asked, of whom, until when, and where it stands."""
    cid = parse_id(consultation_id)
    with engine(data_dir) as e:
        info = e.app.consultations.get_consultation(cid)
    if json_output:
        print_json(info)
        return
    from rich.table import Table

    from adapters.entrypoints.cli.columns import heading, text, value

    table = Table(show_header=False, box=None)
    for key, item in info.items():
        table.add_row(
            heading(key),
            ", ".join(map(value, item))
            if isinstance(item, list)
            else value(item)
            if isinstance(item, str)
            else text(item),
        )
    out.print(table)


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every consultation with its phase."""
    with engine(data_dir) as e:
        items = e.app.consultations.list_consultations()
    if json_output:
        print_json(items)
        return
    from rich.table import Table

    from adapters.entrypoints.cli.columns import heading, value

    table = Table()
    for column in ("id", "title", "closes_at", "phase"):
        table.add_column(heading(column))
    for c in items:
        table.add_row(c["id"], c["title"], value(c["closes_at"]), value(c["phase"]))
    out.print(table)


def tally_table(title: str, rows: dict[str, Tally], blank: bool = False) -> Table:
    from rich.table import Table

    from adapters.entrypoints.cli.columns import figure, value

    table = Table(title=title)
    columns = ["", "yes", "no", *(["blank"] if blank else []), "yes %", "voted", "of"]
    for column in (*columns, "turnout (weight)"):
        table.add_column(_(column) if column else "", justify="left" if not column else "right")
    for label, tally in rows.items():
        d = tally.as_dict()
        table.add_row(
            value(label),
            str(d["yes_weight"]),
            str(d["no_weight"]),
            *([str(d["blank_weight"])] if blank else []),
            figure(d["yes_pct"]),
            str(d["voted_members"]),
            str(d["electorate_members"]),
            f"{figure(d['turnout_weight_pct'])}%",
        )
    return table


def options_table(title: str, result: dict[str, Any]) -> Table:
    """Weight and members per option; percentages over the votes for an option (not blank)."""
    from rich.table import Table

    from adapters.entrypoints.cli.columns import figure, value

    table = Table(title=title)
    for column in ("option", "weight", "%", "members"):
        table.add_column(_(column), justify="left" if column == "option" else "right")
    counted = result["counted_weight"]
    for option, n in result["outcome"]["options"].items():
        share = "-" if option == "blank" or not counted else figure(100 * n["weight"] / counted)
        table.add_row(value(option), str(n["weight"]), share, str(n["members"]))
    return table


def load_tally(e: Engine, consultation_id: str) -> tuple[Tally, dict[str, Tally]]:
    e.catch_up()
    tally = e.views.tally(consultation_id)
    if tally is None:
        raise UnknownConsultationError(f"unknown consultation {consultation_id}")
    return tally, e.views.tally_by_province(consultation_id)


def synthetic_note(e: Engine, consultation_id: str) -> str:
    """Why the consultation's ballots are synthetic; empty when the members cast them."""
    return str(e.app.consultations.get_consultation(parse_id(consultation_id))["synthetic_note"])


def print_outcome(result: dict[str, Any]) -> None:
    """The rules recorded at the opening and what they make of the standing ballots."""
    from adapters.entrypoints.cli.columns import figure, value

    rules, outcome = result["rules"], result["outcome"]
    if rules["options"] not in (["yes", "no"], ["yes", "no", "blank"]):
        out.print(options_table(_("Per option (weighted)"), result))
    quorum = []
    if rules["quorum_members"]:
        quorum.append(_("%(num)s members", num=rules["quorum_members"]))
    if rules["quorum_weight_pct"] is not None:
        quorum.append(_("%(pct)s%% of the weight", pct=f"{rules['quorum_weight_pct']:g}"))
    out.print(
        _(
            "rules: options %(options)s; tie rule %(tie)s; quorum %(quorum)s; "
            "turnout warning below %(warning)s",
            options=", ".join(map(value, rules["options"])),
            tie=value(rules["tie_rule"]),
            quorum=_(" and ").join(quorum) or value("none"),
            warning="-"
            if rules["turnout_warning_pct"] is None
            else _("%(pct)s%% of the weight", pct=f"{rules['turnout_warning_pct']:g}"),
        )
    )
    # The summary is the rule's own English sentence, as recorded: a Dutch reader has the
    # advice in Dutch and the figures in the tables above.
    advice = _("advice: %(advice)s", advice=value(outcome["advice"]))
    out.print(f"{advice} ({outcome['summary']})" if current() == ENGLISH else advice)
    if outcome["quorum_met"] is False:
        out.print(_("WARNING: quorum not met"))
    if outcome["low_turnout"]:
        out.print(
            _(
                "WARNING: low turnout (%(pct)s%% of the weight)",
                pct=figure(outcome["turnout_weight_pct"]),
            )
        )


def print_tally(
    tally: Tally,
    provinces: dict[str, Tally],
    synthetic: str = "",
    result: dict[str, Any] | None = None,
) -> None:
    label = _(" — SYNTHETIC ballots") if synthetic else ""
    blank = result is not None and "blank" in result["rules"]["options"]
    out.print(
        tally_table(
            _("Tally (weighted votes; only cast votes count)") + label, {_("total"): tally}, blank
        )
    )
    out.print(tally_table(_("Per province") + label, provinces, blank))
    if result is not None:
        print_outcome(result)
    if synthetic:
        out.print(_("synthetic: %(note)s", note=synthetic))


@app.command("tally")
@guarded
def tally_command(
    consultation_id: IdArg, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """The weighted result: weight per option, percentages over the votes for an option (a
    blank vote counts only for turnout), turnout, quorum and the advice under the tie rule."""
    from adapters.readmodels.consultation_results import tally_result

    cid = parse_id(consultation_id)
    with engine(data_dir) as e:
        tally, provinces = load_tally(e, str(cid))
        result = tally_result(e.app, e.views, cid)
    if json_output:
        print_json(result)
    else:
        print_tally(tally, provinces, result["synthetic_note"], result)


FormatOpt = Annotated[str, typer.Option("--format", help="table|csv|json")]
# As in cli/output_options.py (not imported from there: `consultation cast`, the hot path,
# loads no module it does not use, tests/e2e/test_cli_startup.py).
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="File to write, outside the data directory (default: stdout).",
        show_default=False,
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace the --output file if it exists.")]


def _export(
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
    *,
    title: str,
    fmt: str,
    output: Path | None,
    force: bool,
    json_output: bool,
    data_dir: Path | None,
) -> None:
    """Rows as a table, CSV or JSON, on stdout or into a new file outside the data directory
    (written whole or not at all, like every export)."""
    from adapters.entrypoints.cli.output_options import data_home
    from adapters.readmodels.consultation_results import rows_csv
    from adapters.reports.outputs import open_output

    if output is not None:
        text = rows_csv(rows, columns) if fmt != "json" else json.dumps(rows, ensure_ascii=False)
        with open_output(output, data_dir=data_home(data_dir), force=force) as f:
            f.write(text if fmt != "json" else text + "\n")
        summary = {"file": str(output), "rows": len(rows)}
        if json_output:
            print_json(summary)
        else:
            say(_("%(num)s rows written to %(file)s", num=len(rows), file=output))
        return
    if json_output or fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        sys.stdout.write(rows_csv(rows, columns))
    else:
        from rich.table import Table

        from adapters.entrypoints.cli.columns import heading
        from adapters.entrypoints.cli.columns import text as cell

        table = Table(title=title)
        for column in columns:
            table.add_column(heading(column))
        for r in rows:
            table.add_row(*("" if r.get(c) is None else cell(r.get(c)) for c in columns))
        out.print(table)


def _check_export(fmt: str, output: Path | None, force: bool, data_dir: Path | None) -> str:
    from adapters.entrypoints.cli.output_options import data_home
    from adapters.reports.outputs import check_output

    fmt = fmt.strip().lower()
    if fmt not in ("table", "csv", "json"):
        raise InvalidInputError(f"--format is table, csv or json, not {fmt!r}")
    if output is not None:
        if fmt == "table":
            fmt = "csv"  # a file holds data, not a drawing of a table
        check_output(output, data_dir=data_home(data_dir), force=force)  # before any work
    return fmt


@app.command("non-voters")
@guarded
def non_voters_command(
    consultation_id: IdArg,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """The members that have not voted yet (officers, the board and auditors), e.g. to remind
    them before the deadline."""
    from adapters.readmodels.consultation_results import NON_VOTER_COLUMNS, non_voters

    who = actor_from(actor)
    cid = parse_id(consultation_id)
    fmt = _check_export(fmt, output, force, data_dir)
    with engine(data_dir) as e:
        e.catch_up()
        rows = non_voters(e.app, e.views, cid, who)
    _export(
        rows,
        NON_VOTER_COLUMNS,
        title=_("Not voted yet: %(num)s", num=len(rows)),
        fmt=fmt,
        output=output,
        force=force,
        json_output=json_output,
        data_dir=data_dir,
    )


@app.command("votes")
@guarded
def votes_command(
    consultation_id: IdArg,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Each municipality's vote, published after the close (refused before it: ballots are
    secret while the consultation may still change)."""
    from adapters.readmodels.consultation_results import VOTE_COLUMNS, published_votes

    cid = parse_id(consultation_id)
    fmt = _check_export(fmt, output, force, data_dir)
    with engine(data_dir) as e:
        e.catch_up()
        rows = published_votes(e.app, e.views, cid)
        synthetic = synthetic_note(e, str(cid))
    _export(
        rows,
        VOTE_COLUMNS,
        title=_("Votes per municipality") + (_(" — SYNTHETIC ballots") if synthetic else ""),
        fmt=fmt,
        output=output,
        force=force,
        json_output=json_output,
        data_dir=data_dir,
    )
