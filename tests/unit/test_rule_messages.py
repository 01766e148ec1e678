"""The rules' refusals are translatable: every error the domain raises carries an `N_` message
(its English value unchanged, its template and params kept), every template's params fill it,
and `explain` says it in Dutch, moments the Dutch way in one zone."""

from __future__ import annotations

import ast
import pickle
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.i18n import catalogues
from adapters.i18n.errors import explain
from domain.board_ratification import Decision
from domain.consultation import Choice
from domain.errors import (
    BallotTooLateError,
    InvalidChoiceError,
    InvalidInputError,
    MissingReasonError,
)
from domain.messages import N_, Text
from domain.rules import require_reason
from tests.unit.test_consultation import cast, opened

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = sorted((ROOT / "domain").glob("*.py"))
AMSTERDAM = "Europe/Amsterdam"


def _raised_errors() -> list[tuple[str, ast.Call]]:
    found = []
    for path in DOMAIN:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name.endswith("Error") and node.exc.args:
                    found.append((f"{path.name}:{node.lineno}", node.exc))
    return found


def _is_message(arg: ast.expr) -> bool:
    if isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "N_":
        return True
    if isinstance(arg, ast.IfExp):  # one message or another
        return _is_message(arg.body) and _is_message(arg.orelse)
    return False


def test_every_domain_refusal_is_a_translatable_message() -> None:
    dutch = catalogues.translations("nl")
    plain = [
        where
        for where, call in _raised_errors()
        if not _is_message(call.args[0])
        and not (
            isinstance(call.args[0], ast.Constant)
            and dutch.gettext(call.args[0].value) != call.args[0].value
        )
    ]
    assert len(_raised_errors()) > 150
    assert not plain, "raise these with N_(...):\n" + "\n".join(plain)


def _templates() -> list[tuple[str, str, set[str]]]:
    """Each N_ template in domain/ and workflows/ with the params its call gives."""
    out = []
    for path in [*DOMAIN, *sorted((ROOT / "workflows").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "N_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names = {k.arg for k in node.keywords if k.arg}
                out.append((f"{path.name}:{node.lineno}", node.args[0].value, names))
    return out


def test_every_template_is_filled_by_its_params() -> None:
    for where, template, names in _templates():
        wanted = set(re.findall(r"%\((\w+)\)", template))
        assert wanted <= names, (where, template, wanted - names)
        template % dict.fromkeys(names, "x")  # no stray % either


def test_a_text_is_its_english_and_keeps_its_making() -> None:
    closes = datetime(2025, 10, 22, 14, 0, 12, 345678, tzinfo=UTC)
    text = N_("closed at %(closes_at)s (%(n)s)", closes_at=closes, n=3, tz=AMSTERDAM)
    assert text == "closed at 2025-10-22T16:00:12+02:00 (3)"
    assert isinstance(text, str)
    assert text.template == "closed at %(closes_at)s (%(n)s)"
    assert text.params["closes_at"] == closes
    assert pickle.loads(pickle.dumps(text)).params == text.params
    assert Text.from_json(text.to_json()).params == text.params


def test_a_late_ballot_in_dutch_shows_one_zone_and_no_microseconds() -> None:
    consultation = opened()  # closes 22 October 2025, 16:00 in Amsterdam (+02:00)
    late = datetime(2025, 10, 22, 14, 30, 5, 123456, tzinfo=UTC)
    with pytest.raises(BallotTooLateError) as refused:
        cast(consultation, "GM0363", at=late)
    english = str(refused.value)
    assert ".123456" not in english
    offsets = set(re.findall(r"[+-]\d{2}:\d{2}", english))
    assert offsets == {"+02:00"}, english  # the consultation's zone, for both moments
    assert explain(refused.value, "nl") == (
        f"raadpleging {consultation.id} sloot op 22 oktober 2025, 16:00; "
        "een stem op 22 oktober 2025, 16:30 is te laat"
    )


def test_deciding_against_the_advice_without_a_rationale_in_dutch() -> None:
    error = InvalidInputError(
        N_(
            "the advice was %(advice)s: a decision to %(decision)s needs a rationale",
            advice="positive",
            decision=Decision.REJECT.value,
        )
    )
    assert str(error) == "the advice was positive: a decision to reject needs a rationale"
    assert explain(error, "nl") == (
        "het advies was positief: een besluit tot verwerpen vraagt om een motivering"
    )
    assert explain(error, "en") == str(error)


def test_fragments_and_labels_in_params_are_translated_too() -> None:
    with pytest.raises(MissingReasonError) as refused:
        require_reason(" ", "open a consultation")
    assert str(refused.value) == "give a reason to open a consultation"
    assert explain(refused.value, "nl") == "geef een reden op (een raadpleging openen)"
    with pytest.raises(InvalidChoiceError) as choice:
        Choice.parse("misschien")
    assert explain(choice.value, "nl") == "een stem zegt ja of nee, niet 'misschien'"


def test_a_plain_english_error_is_looked_up_or_shown_as_it_is() -> None:
    assert explain(ValueError("give a version or a moment, not both"), "nl") == (
        "geef een versie of een moment, niet allebei"
    )
    assert explain(ValueError("something only English"), "nl") == "something only English"
