"""Every scenario step says where it comes from: a passage of a source letter, or what was
assumed. A step with neither is refused; every quoted passage really occurs in its letter."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.scenario import ScenarioError, Step, default_scenario_path, load_scenario
from adapters.scenario.provenance import Provenance, passage_problems

# The letters live beside the repository (shared/seeds), not in the package.
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
MEMBERS_LETTER = "000_70b60bb9e58defff.txt"
FRISIAN_LETTER = "004_6d089373693b9d06.txt"

HEADER = 'title = "t"\ntimezone = "Europe/Amsterdam"\n'


def one_step(provenance: str) -> str:
    return (
        HEADER
        + '\n[[step]]\nat = "2025-03-01T10:00"\ndo = "funding.scheme"\nas = "officer:x"\n'
        + 'reason = "r"\n'
        + provenance
        + '[step.with]\ncode = "SPUK-IZA"\nname = "SPUK IZA"\n'
    )


def load(tmp_path: Path, text: str) -> list[Step]:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path).steps


def test_a_step_without_source_or_assumption_is_refused_naming_the_step(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as refused:
        load(tmp_path, one_step(""))
    message = str(refused.value)
    assert f"{tmp_path / 's.toml'}:4: step 1: no provenance" in message
    assert "source" in message and "assumed" in message


@pytest.mark.parametrize(
    ("provenance", "message"),
    [
        (f'source = "{MEMBERS_LETTER}"\n', "needs a 'passage'"),
        ('passage = "naar verwachting"\n', "needs the 'source'"),
        ('source = "../../etc/passwd"\npassage = "root"\n', "names a letter by its file name"),
        ('assumed = ""\n', "no provenance"),
        ('assumed = "  "\n', "no provenance"),
        (f'source = "{MEMBERS_LETTER}"\npassage = ""\n', "a passage is 1..300"),
        (f'source = "{MEMBERS_LETTER}"\npassage = [1]\n', "'passage' is a quote"),
        ("assumed = 3\n", "'assumed' is text"),
        ('assumed = "' + "x" * 501 + '"\n', "'assumed' is text of at most 500"),
    ],
)
def test_malformed_provenance_is_refused(tmp_path: Path, provenance: str, message: str) -> None:
    with pytest.raises(ScenarioError, match="step 1: ") as refused:
        load(tmp_path, one_step(provenance))
    assert message in str(refused.value)


def test_the_provenance_ends_the_recorded_reason(tmp_path: Path) -> None:
    [step] = load(
        tmp_path,
        one_step(
            f'source = "{MEMBERS_LETTER}"\n'
            'passage = ["naar  verwachting", "op 29 oktober\\n2025"]\n'
            'assumed = "the hour"\n'
        ),
    )
    assert step.provenance == Provenance(
        MEMBERS_LETTER, ("naar verwachting", "op 29 oktober 2025"), "the hour"
    )
    assert step.reason == (
        f"r [bron: {MEMBERS_LETTER}, 'naar verwachting', 'op 29 oktober 2025'] [aanname: the hour]"
    )
    [assumed_only] = load(tmp_path, one_step('assumed = "illustrative"\n'))
    assert assumed_only.reason == "r [aanname: illustrative]"


def test_every_step_of_the_shipped_scenario_has_its_provenance() -> None:
    for step in load_scenario(default_scenario_path()).steps:
        assert step.provenance.source or step.provenance.assumed, step
        assert step.provenance.source in ("", MEMBERS_LETTER, FRISIAN_LETTER), step
        assert "[bron: " in step.reason or "[aanname: " in step.reason


def _assumed(do: str, *words: str) -> list[str]:
    steps = [s for s in load_scenario(default_scenario_path()).steps if s.do == do]
    return [s.provenance.assumed for s in steps if all(w in s.reason for w in words)]


def test_the_inventions_are_labelled_assumed() -> None:
    """The board's ratification ('naar verwachting'), the 09:00 opening, the review dates, VWS
    as an AZWA signatory and the reading of motion Apeldoorn are the scenario's, not the
    letters'."""
    [decided] = _assumed("board.decide")
    assert "naar verwachting" in decided and "press" in decided
    [opened] = _assumed("consultation.open")
    assert "09:00" in opened
    reviews = _assumed("monitoring.commit")
    assert len(reviews) == 4 and all("review dates" in a for a in reviews)
    [registered] = _assumed("agreement.register", "Aanvullend")
    assert "VWS as a signing party" in registered
    [apeldoorn] = _assumed("resolution.table", "Apeldoorn")
    assert "2%" in apeldoorn
    [ballots] = _assumed("consultation.synthetic_ballots")
    assert "SYNTHETIC" in ballots


def test_the_spuk_cut_is_dated_by_the_letter_that_announces_it() -> None:
    steps = load_scenario(default_scenario_path()).steps
    cuts = [s for s in steps if s.do == "funding.rule" and int(s.args.get("cut", 0))]
    assert {(s.args["scheme"], s.at.date().isoformat()) for s in cuts} == {
        ("SPUK-IZA", "2025-09-10"),
        ("SPUK-GALA", "2025-09-10"),
    }
    assert all(s.provenance.source == MEMBERS_LETTER for s in cuts)
    excluded = [(s.args["year"], s.args["amount"]) for s in steps if s.do == "funding.exclude"]
    assert excluded == [(2026, "87000000.00"), (2027, "78000000.00")]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the source letters are not at {SEEDS}")
def test_every_quoted_passage_occurs_in_its_letter() -> None:
    scenario = load_scenario(default_scenario_path())
    cited = [(f"step {s.number} (line {s.line})", s.provenance) for s in scenario.steps]
    assert passage_problems(cited, SEEDS) == []
    assert sum(len(p.passages) for _, p in cited) > 60


def test_a_passage_the_letter_does_not_hold_is_named(tmp_path: Path) -> None:
    (tmp_path / "brief.txt").write_text(
        "Het bestuur bekrachtigt naar \n\nverwachting op 29 oktober"
    )
    problems = passage_problems(
        [
            ("step 1", Provenance("brief.txt", ("bekrachtigt naar verwachting",))),
            ("step 2", Provenance("brief.txt", ("bekrachtigt op 28 oktober",))),
            ("step 3", Provenance("elders.txt", ("x",))),
            ("step 4", Provenance(assumed="the hour")),
        ],
        tmp_path,
    )
    assert problems == [
        "step 2: brief.txt does not say 'bekrachtigt op 28 oktober'",
        f"step 3: no source file elders.txt in {tmp_path}",
    ]
