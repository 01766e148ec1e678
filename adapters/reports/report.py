"""The ledenraadpleging result for the board, as HTML, Markdown or PDF.

The same log gives the same bytes: everything shown comes from the events and the tally, sorted,
with no "generated at" stamp and a fixed PDF creation date (the consultation's closing time).

Titles, questions, explanations and names are typed by people, so they are text, never markup:
the HTML template escapes every value, and the Markdown template passes every value through
`markdown_text`, so rendering the Markdown (with any common renderer) yields no live HTML, links
or emphasis that the text did not ask for as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from adapters.bootstrap import Engine
from adapters.i18n import catalogues, formats
from adapters.i18n.catalogues import N_
from adapters.i18n.catalogues import gettext as _
from adapters.readmodels.consultation_results import published_votes, tally_result
from domain.errors import InvalidInputError, UnknownConsultationError
from projections.tally import Tally

FORMATS = ("html", "md", "pdf")
# The report is written in the reader's language (adapters/i18n, `report.po`): Dutch for the
# board by default, English on request; the words below are marked here, translated when shown.
WEIGHT_RULES = {
    "ceil": N_("one vote per 1,000 inhabitants or part thereof, at least 1, at most 75"),
    "floor": N_("one vote per full 1,000 inhabitants, at least 1, at most 75"),
    "nearest": N_(
        "one vote per 1,000 inhabitants, rounded to the nearest thousand, at least 1, at most 75"
    ),
}


# A result from simulated ballots says so in its heading and above its figures, in every format.
SYNTHETIC_TITLE = N_("(synthetic)")


def synthetic_warning(consultation: dict[str, Any]) -> str:
    return _(
        "SYNTHETIC: this result rests on simulated ballots, not on the members' votes (%(note)s).",
        note=consultation["synthetic_note"],
    )


def _word(words: dict[str, str], key: str) -> str:
    return _(words[key]) if key in words else key


def _figure(value: float | Decimal) -> str:
    """A percentage's figure to two decimals: "45,67" in Dutch."""
    return formats.decimal(value, digits=2)


@dataclass(frozen=True)
class ReportData:
    consultation: dict[str, Any]
    tally: dict[str, Any]
    provinces: list[tuple[str, dict[str, Any]]]
    explanations: list[dict[str, Any]]
    weight_rule_text: str
    # The voting rules and their outcome (`consultation_results.tally_result`), and after the
    # close each municipality's vote (empty before it: ballots are secret while open).
    result: dict[str, Any] = field(default_factory=dict)
    votes: list[dict[str, Any]] = field(default_factory=list)

    def rule_lines(self) -> list[str]:
        """The voting rules and what they decided, in the reader's language, one line each."""
        if not self.result:
            return []
        rules, o = self.result["rules"], self.result["outcome"]
        quorum = [
            *(
                [_("%(n)s municipalities", n=formats.number(rules["quorum_members"]))]
                if rules["quorum_members"]
                else []
            ),
            *(
                [_("%(pct)s of the weight", pct=_pct(rules["quorum_weight_pct"]))]
                if rules["quorum_weight_pct"] is not None
                else []
            ),
        ]
        warn = rules["turnout_warning_pct"]
        lines = [
            _(
                "Options: %(options)s",
                options=", ".join(_word(OPTION_WORDS, x) for x in rules["options"]),
            )
            + (
                _("; blank counts for the turnout, not in the percentages")
                if rules["blank_vote"]
                else ""
            )
            + ". "
            + _("On a tie: %(rule)s.", rule=_word(TIE_WORDS, rules["tie_rule"]))
            + " "
            + _("Quorum required: %(quorum)s.", quorum=_(" and ").join(quorum) or _("none"))
            + " "
            + _(
                "Warning when the turnout is below %(threshold)s.",
                threshold="-" if warn is None else _("%(pct)s of the weight", pct=_pct(warn)),
            ),
            _("Advice to the board: %(advice)s.", advice=_word(ADVICE_WORDS, o["advice"])),
        ]
        if len(rules["options"]) > 2 and rules["options"] != ["yes", "no", "blank"]:
            lines.append(
                _(
                    "Per option: %(options)s.",
                    options=", ".join(
                        _(
                            "%(option)s %(weight)s votes (%(members)s municipalities)",
                            option=_word(OPTION_WORDS, x),
                            weight=formats.number(n["weight"]),
                            members=formats.number(n["members"]),
                        )
                        for x, n in o["options"].items()
                    ),
                )
            )
        if o["tie"]:
            lines.append(_("A tie (%(rule)s).", rule=_word(TIE_WORDS, o["tie_rule"])))
        if o["quorum_met"] is False:
            lines.append(_("Quorum not met."))
        elif o["quorum_met"]:
            lines.append(_("Quorum met."))
        if o["low_turnout"]:
            lines.append(
                _(
                    "Low turnout: %(pct)s%% of the weight.",
                    pct=_figure(o["turnout_weight_pct"]),
                )
            )
        return lines

    def as_context(self) -> dict[str, Any]:
        return {
            "c": self.consultation,
            "t": self.tally,
            "provinces": self.provinces,
            "explanations": self.explanations,
            "rule": self.weight_rule_text,
            "rule_lines": self.rule_lines(),
            "votes": [
                {
                    **v,
                    "stem": _word(OPTION_WORDS, v["choice"]) if v["choice"] else _("did not vote"),
                }
                for v in self.votes
            ],
            "uitslag": _("Result") + " " + _(SYNTHETIC_TITLE)
            if self.consultation["synthetic"]
            else _("Result"),
            "lang": catalogues.current(),
            "synthetic_warning": (
                synthetic_warning(self.consultation) if self.consultation["synthetic"] else ""
            ),
        }


OPTION_WORDS = {"yes": N_("in favour"), "no": N_("against"), "blank": N_("blank")}
TIE_WORDS = {
    "negative": N_("a tie is no majority in favour (negative)"),
    "undecided": N_("undecided, the board decides"),
}
ADVICE_WORDS = {
    "positive": N_("positive"),
    "negative": N_("negative"),
    "none": N_("none (nobody voted for an option)"),
    "tie": N_("a tie"),
    "no quorum": N_("no valid advice, quorum not met"),
    "no option": N_("no option chosen (a tie)"),
}


def _pct(value: float | Decimal) -> str:
    """A rule's threshold as given (60 → "60%", 12.5 → "12,5%")."""
    return formats.number(Decimal(str(value)).normalize()) + "%"


def _local(iso: str, tz: str) -> str:
    return formats.moment(datetime.fromisoformat(iso), ZoneInfo(tz))


def gather(e: Engine, consultation_id: UUID) -> ReportData:
    e.catch_up()
    info = e.app.consultations.get_consultation(consultation_id)
    tally: Tally | None = e.views.tally(str(consultation_id))
    if tally is None:
        raise UnknownConsultationError(f"unknown consultation {consultation_id}")
    tz = info["timezone"]
    consultation = {
        **info,
        "opens_local": _local(info["opens_at"], tz),
        "closes_local": _local(info["closes_at"], tz),
    }
    provinces = sorted(
        (p, t.as_dict()) for p, t in e.views.tally_by_province(str(consultation_id)).items()
    )
    return ReportData(
        consultation=consultation,
        tally=tally.as_dict(),
        provinces=provinces,
        explanations=e.views.explanations(str(consultation_id)),
        weight_rule_text=_word(WEIGHT_RULES, info["weight_rule"]),
        result=tally_result(e.app, e.views, consultation_id),
        votes=(
            published_votes(e.app, e.views, consultation_id) if info["phase"] == "closed" else []
        ),
    )


# Backslash-escaped wherever they appear: they open links, images, code, emphasis and table
# cells. `<`, `>` and `&` become entities instead (some renderers keep a backslash before `<`
# and still pass the tag through). Line-start syntax (`#`, `-`, `1.`, `>`) needs no escape
# because free text never starts a line: line breaks are folded into spaces.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown_text(value: object) -> str:
    """Any value as inert Markdown text: what it says is shown, nothing it spells is obeyed."""
    text = " ".join(str(value).split())
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return "".join(_HTML_ENTITIES.get(ch, ch) for ch in text)


def _templates(fmt: str) -> Environment:
    """HTML escapes every value (whatever the template is called); Markdown escapes every value
    through `markdown_text` (Jinja's `finalize` applies it to each `{{ }}`, so a new field in the
    template is safe without anyone remembering a filter)."""
    env = Environment(
        loader=PackageLoader("adapters", "templates"),
        autoescape=fmt == "html",
        finalize=markdown_text if fmt == "md" else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        catalogues.gettext, catalogues.ngettext, newstyle=True
    )
    env.filters["number"] = formats.number
    env.filters["figure"] = _figure
    env.globals.update(period=_period, weight_line=_weight_line, turnout=_turnout)
    env.filters["choice"] = lambda key: _word(OPTION_WORDS, key)
    return env


def bar_chart_svg(provinces: list[tuple[str, dict[str, Any]]]) -> Markup:
    """Yes and no weight per province as horizontal bars (inline SVG, no scripts, no fonts)."""
    widest = max((d["yes_weight"] + d["no_weight"] for _, d in provinces), default=0) or 1
    row, left, width = 22, 130, 360
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" '
        f'height="{row * len(provinces) + 10}" role="img" '
        f'aria-label="{escape(_("Weighted yes and no votes per province"))}">'
    ]
    for i, (name, d) in enumerate(provinces):
        y = 5 + i * row
        yes = round(width * d["yes_weight"] / widest)
        no = round(width * d["no_weight"] / widest)
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(name)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{yes}" height="16" fill="#2e7d32"/>')
        parts.append(f'<rect x="{left + yes}" y="{y}" width="{no}" height="16" fill="#c62828"/>')
        parts.append(
            f'<text x="{left + yes + no + 6}" y="{y + 14}" font-size="12">'
            f"{d['yes_weight']} / {d['no_weight']}</text>"
        )
    parts.append("</svg>")
    # Every piece above is a number of ours or an escaped name: the whole may go in as markup.
    return Markup("".join(parts))


def text_bar(yes: int, no: int, widest: int, width: int = 30) -> str:
    yes_cells = round(width * yes / widest) if widest else 0
    no_cells = round(width * no / widest) if widest else 0
    return "█" * yes_cells + "░" * no_cells


def render(data: ReportData, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInputError(f"--format is one of {', '.join(FORMATS)}, not {fmt!r}")
    context = data.as_context()
    if fmt == "html":
        html = (
            _templates(fmt)
            .get_template("report.html.j2")
            .render(**context, chart=bar_chart_svg(data.provinces))
        )
        return html.encode("utf-8")
    if fmt == "md":
        widest = max((d["yes_weight"] + d["no_weight"] for _, d in data.provinces), default=0)
        bars = {p: text_bar(d["yes_weight"], d["no_weight"], widest) for p, d in data.provinces}
        return _templates(fmt).get_template("report.md.j2").render(**context, bars=bars).encode()
    return _pdf(data)


def _pdf(data: ReportData) -> bytes:
    from fpdf import FPDF

    c, t = data.consultation, data.tally
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.fromisoformat(c["closes_at"]))
    heading = data.as_context()["uitslag"]
    pdf.set_title(f"{heading} {c['title']}")
    pdf.set_author("akkoord")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin(f"{heading}: {c['title']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    n = formats.number
    lines = [
        *([synthetic_warning(c)] if c["synthetic"] else []),
        _("Question:") + f" {c['question']}",
        _("Period:") + " " + _period(c),
        _("Vote weight:") + " " + _weight_line(data.weight_rule_text, c["population_year"]),
        _(
            "In favour: %(yes)s votes (%(yes_pct)s%%), against: %(no)s votes (%(no_pct)s%%); "
            "only votes cast count.",
            yes=n(t["yes_weight"]),
            yes_pct=_figure(t["yes_pct"]),
            no=n(t["no_weight"]),
            no_pct=_figure(t["no_pct"]),
        ),
        _("Turnout:") + " " + _turnout(t),
        _("The result is advice to the board."),
        *data.rule_lines(),
    ]
    for line in lines:
        pdf.multi_cell(0, 6, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 8, _latin(_("Per province")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    widest = max((d["yes_weight"] + d["no_weight"] for _, d in data.provinces), default=0) or 1
    for name, d in data.provinces:
        y = pdf.get_y()
        pdf.cell(40, 6, _latin(name))
        yes_w = 90 * d["yes_weight"] / widest
        no_w = 90 * d["no_weight"] / widest
        pdf.set_fill_color(46, 125, 50)
        pdf.rect(pdf.l_margin + 40, y + 1, yes_w, 4, style="F")
        pdf.set_fill_color(198, 40, 40)
        pdf.rect(pdf.l_margin + 40 + yes_w, y + 1, no_w, 4, style="F")
        pdf.set_x(pdf.l_margin + 135)
        pdf.cell(
            0,
            6,
            _latin(
                f"{n(d['yes_weight'])} / {n(d['no_weight'])}  ("
                + _(
                    "%(voted)s of %(electorate)s",
                    voted=n(d["voted_members"]),
                    electorate=n(d["electorate_members"]),
                )
                + ")"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 8, _latin(_("Explanations")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    for ex in data.explanations:
        choice = _word(OPTION_WORDS, ex["choice"])
        text = f"{ex['name']} ({ex['member']}, {choice}): {ex['explanation']}"
        pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    if data.votes:
        pdf.ln(2)
        pdf.set_font("helvetica", "B", 12)
        pdf.cell(0, 8, _latin(_("Votes per municipality")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=9)
        for v in data.as_context()["votes"]:
            votes = _("%(n)s votes", n=n(v["weight"]))
            text = f"{v['name']} ({v['member']}, {votes}): {v['stem']}"
            pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _period(c: dict[str, Any]) -> str:
    return _(
        "%(opens)s to %(closes)s (%(zone)s)",
        opens=c["opens_local"],
        closes=c["closes_local"],
        zone=c["timezone"],
    )


def _weight_line(rule: str, year: int) -> str:
    return _("%(rule)s; population on 1 January %(year)s (Source: CBS)", rule=rule, year=year)


def _turnout(t: dict[str, Any]) -> str:
    n = formats.number
    return _(
        "%(voted)s of %(electorate)s municipalities (%(members_pct)s%%), %(weight)s of "
        "%(electorate_weight)s votes (%(weight_pct)s%%).",
        voted=n(t["voted_members"]),
        electorate=n(t["electorate_members"]),
        members_pct=_figure(t["turnout_members_pct"]),
        weight=n(t["voted_weight"]),
        electorate_weight=n(t["electorate_weight"]),
        weight_pct=_figure(t["turnout_weight_pct"]),
    )


def _latin(text: str) -> str:
    """The PDF core fonts cover Latin-1; anything else is replaced rather than lost silently."""
    return text.replace("\u2019", "'").encode("latin-1", "replace").decode("latin-1")
