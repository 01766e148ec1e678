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
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from adapters.bootstrap import Engine
from adapters.readmodels.consultation_results import published_votes, tally_result
from domain.errors import InvalidInputError, UnknownConsultationError
from projections.tally import Tally

FORMATS = ("html", "md", "pdf")
WEIGHT_RULES = {
    "ceil": "één stem per 1.000 inwoners of een deel daarvan, minimaal 1, maximaal 75",
    "floor": "één stem per volle 1.000 inwoners, minimaal 1, maximaal 75",
    "nearest": "één stem per 1.000 inwoners, afgerond op het dichtstbijzijnde duizendtal, "
    "minimaal 1, maximaal 75",
}


# A result from simulated ballots says so in its heading and above its figures, in every format.
SYNTHETIC_TITLE = "(synthetisch)"


def synthetic_warning(consultation: dict[str, Any]) -> str:
    return (
        "SYNTHETISCH: deze uitslag rust op gesimuleerde stemmen, niet op stemmen van de leden "
        f"({consultation['synthetic_note']})."
    )


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
        """The voting rules and what they decided, in Dutch, one line each."""
        if not self.result:
            return []
        rules, o = self.result["rules"], self.result["outcome"]
        quorum = [
            *([f"{rules['quorum_members']} gemeenten"] if rules["quorum_members"] else []),
            *(
                [f"{rules['quorum_weight_pct']:g}% van het gewicht"]
                if rules["quorum_weight_pct"] is not None
                else []
            ),
        ]
        warn = rules["turnout_warning_pct"]
        lines = [
            f"Opties: {', '.join(OPTION_WORDS.get(x, x) for x in rules['options'])}"
            + (
                "; blanco telt mee voor de opkomst, niet in de percentages"
                if rules["blank_vote"]
                else ""
            )
            + f". Bij staking: {TIE_WORDS.get(rules['tie_rule'], rules['tie_rule'])}. "
            f"Quorum: {' en '.join(quorum) or 'geen'}. Waarschuwing bij opkomst onder "
            + ("-" if warn is None else f"{warn:g}% van het gewicht")
            + ".",
            f"Advies aan het bestuur: {ADVICE_WORDS.get(o['advice'], o['advice'])}.",
        ]
        if len(rules["options"]) > 2 and rules["options"] != ["yes", "no", "blank"]:
            lines.append(
                "Per optie: "
                + ", ".join(
                    f"{OPTION_WORDS.get(x, x)} {n['weight']} stemmen ({n['members']} gemeenten)"
                    for x, n in o["options"].items()
                )
                + "."
            )
        if o["tie"]:
            lines.append(f"Staking van stemmen ({TIE_WORDS.get(o['tie_rule'], o['tie_rule'])}).")
        if o["quorum_met"] is False:
            lines.append("Quorum niet gehaald.")
        elif o["quorum_met"]:
            lines.append("Quorum gehaald.")
        if o["low_turnout"]:
            lines.append(f"Opkomst laag: {o['turnout_weight_pct']:.2f}% van het gewicht.")
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
                {**v, "stem": OPTION_WORDS.get(v["choice"], v["choice"] or "niet gestemd")}
                for v in self.votes
            ],
            "uitslag": f"Uitslag {SYNTHETIC_TITLE}"
            if self.consultation["synthetic"]
            else "Uitslag",
            "synthetic_warning": (
                synthetic_warning(self.consultation) if self.consultation["synthetic"] else ""
            ),
        }


OPTION_WORDS = {"yes": "voor", "no": "tegen", "blank": "blanco"}
TIE_WORDS = {
    "negative": "een gelijke stand is geen meerderheid voor (negatief)",
    "undecided": "onbeslist, het bestuur beslist",
}
ADVICE_WORDS = {
    "positive": "positief",
    "negative": "negatief",
    "none": "geen (niemand stemde voor een optie)",
    "tie": "staking van stemmen",
    "no quorum": "geen geldig advies, quorum niet gehaald",
    "no option": "geen optie gekozen (staking van stemmen)",
}


def _local(iso: str, tz: str) -> str:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H:%M")


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
        weight_rule_text=WEIGHT_RULES.get(info["weight_rule"], info["weight_rule"]),
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
    return Environment(
        loader=PackageLoader("adapters", "templates"),
        autoescape=fmt == "html",
        finalize=markdown_text if fmt == "md" else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def bar_chart_svg(provinces: list[tuple[str, dict[str, Any]]]) -> Markup:
    """Yes and no weight per province as horizontal bars (inline SVG, no scripts, no fonts)."""
    widest = max((d["yes_weight"] + d["no_weight"] for _, d in provinces), default=0) or 1
    row, left, width = 22, 130, 360
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" '
        f'height="{row * len(provinces) + 10}" role="img" '
        'aria-label="Weighted yes and no votes per province">'
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
    synthetic = f" {SYNTHETIC_TITLE}" if c["synthetic"] else ""
    pdf.set_title(f"Uitslag{synthetic} {c['title']}")
    pdf.set_author("akkoord")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin(f"Uitslag{synthetic}: {c['title']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    lines = [
        *([synthetic_warning(c)] if c["synthetic"] else []),
        f"Vraag: {c['question']}",
        f"Periode: {c['opens_local']} tot {c['closes_local']} ({c['timezone']})",
        f"Stemgewicht: {data.weight_rule_text}; bevolking per 1 januari {c['population_year']} "
        "(Bron: CBS)",
        f"Voor: {t['yes_weight']} stemmen ({t['yes_pct']:.2f}%), tegen: {t['no_weight']} "
        f"stemmen ({t['no_pct']:.2f}%); alleen uitgebrachte stemmen tellen.",
        f"Opkomst: {t['voted_members']} van {t['electorate_members']} gemeenten "
        f"({t['turnout_members_pct']:.2f}%), {t['voted_weight']} van {t['electorate_weight']} "
        f"stemmen ({t['turnout_weight_pct']:.2f}%).",
        "De uitslag is een advies aan het bestuur.",
        *data.rule_lines(),
    ]
    for line in lines:
        pdf.multi_cell(0, 6, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 8, "Per provincie", new_x="LMARGIN", new_y="NEXT")
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
            f"{d['yes_weight']} / {d['no_weight']}  ({d['voted_members']} van "
            f"{d['electorate_members']})",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 8, "Toelichtingen", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    for ex in data.explanations:
        text = f"{ex['name']} ({ex['member']}, {ex['choice']}): {ex['explanation']}"
        pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    if data.votes:
        pdf.ln(2)
        pdf.set_font("helvetica", "B", 12)
        pdf.cell(0, 8, "Stemmen per gemeente", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=9)
        for v in data.as_context()["votes"]:
            text = f"{v['name']} ({v['member']}, {v['weight']} stemmen): {v['stem']}"
            pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """The PDF core fonts cover Latin-1; anything else is replaced rather than lost silently."""
    return text.replace("\u2019", "'").encode("latin-1", "replace").decode("latin-1")
