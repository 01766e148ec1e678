"""Property: for any history of mergers (new or surviving codes), splits (into new codes or
neighbours) and renames on increasing effective dates, the register at any moment holds every
piece of territory exactly once; and while no split has happened, the populations that count
add up to the starting total, whichever members the register holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from domain.member import Member, MemberFacts
from domain.register import Change, merge, population_for, register_as_of, rename, split

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2025, 9, 1, tzinfo=AMS)
START = datetime(2000, 1, 1, tzinfo=AMS)
YEAR = 1999
ATOMS_EACH = 3


@dataclass
class Model:
    """What the history did to the territory, kept beside the domain's members."""

    members: dict[str, Member] = field(default_factory=dict)
    territory: dict[str, frozenset[int]] = field(default_factory=dict)
    # (effective, the territory of each member in the register from then on, whether a split
    # has happened by then)
    snapshots: list[tuple[datetime, dict[str, frozenset[int]], bool]] = field(default_factory=list)
    next_code: int = 1000
    split_yet: bool = False

    def new_code(self) -> str:
        self.next_code += 1
        return f"GM{self.next_code}"

    def current(self) -> list[str]:
        return sorted(self.snapshots[-1][1]) if self.snapshots else sorted(self.territory)

    def apply(self, changed: list[Member]) -> None:
        self.members.update({m.code: m for m in changed})


def build(initial: list[int]) -> tuple[Model, int]:
    model = Model()
    total = 0
    for i, inhabitants in enumerate(initial):
        code = f"GM{i + 1:04d}"
        model.members[code] = Member.register(
            MemberFacts(code, f"Gemeente {i}", "Utrecht", YEAR, inhabitants),
            actor="o",
            reason="start",
            at=NOW,
        )
        model.territory[code] = frozenset(range(i * ATOMS_EACH, (i + 1) * ATOMS_EACH))
        total += inhabitants
    return model, total


def step(model: Model, data: st.DataObject, effective: datetime) -> None:
    present = model.current()
    found: dict[str, Member | None] = dict(model.members)
    how = data.draw(st.sampled_from(["merge", "split", "rename"]))
    change = Change(effective=effective, actor="o", reason="property", at=NOW)
    after = set(present)
    if how == "merge" and len(present) >= 2:
        olds = data.draw(st.lists(st.sampled_from(present), min_size=2, max_size=4, unique=True))
        surviving = data.draw(st.booleans())
        into = olds[0] if surviving else model.new_code()
        model.apply(
            merge(
                found,
                predecessors=olds,
                successor=into,
                name="" if surviving else "Samen",
                province="",
                change=change,
            )
        )
        model.territory[into] = frozenset().union(*(model.territory[c] for c in olds))
        after -= set(olds)
        after.add(into)
    elif how == "split" and any(len(model.territory[c]) >= 2 for c in present):
        old = data.draw(st.sampled_from([c for c in present if len(model.territory[c]) >= 2]))
        atoms = sorted(model.territory[old])
        parts = data.draw(st.integers(2, len(atoms)))
        neighbours = [c for c in present if c != old]
        into = [
            data.draw(st.sampled_from(neighbours))
            if neighbours and data.draw(st.booleans())
            else model.new_code()
            for _ in range(parts)
        ]
        into = list(dict.fromkeys(into))
        if len(into) < 2:
            into.append(model.new_code())
        names = {c: f"Deel {c}" for c in into if c not in model.members}
        model.apply(split(found, predecessor=old, successors=into, names=names, change=change))
        for i, atom in enumerate(atoms):
            code = into[i % len(into)]
            model.territory[code] = model.territory.get(code, frozenset()) | {atom}
        after.discard(old)
        after |= set(into)
        model.split_yet = True
    else:
        old = data.draw(st.sampled_from(present))
        new = model.new_code()
        model.apply(
            rename(found, code=old, successor=new, name="Nieuw", province="", change=change)
        )
        model.territory[new] = model.territory[old]
        after.discard(old)
        after.add(new)
    model.snapshots.append((effective, {c: model.territory[c] for c in after}, model.split_yet))


@given(
    initial=st.lists(st.integers(0, 900_000), min_size=1, max_size=6),
    gaps=st.lists(st.integers(1, 800), min_size=0, max_size=8),
    data=st.data(),
)
def test_the_register_holds_every_territory_exactly_once(
    initial: list[int], gaps: list[int], data: st.DataObject
) -> None:
    model, total = build(initial)
    initial_territory = dict(model.territory)
    all_atoms = set(range(len(initial) * ATOMS_EACH))
    effective = START
    for gap in gaps:
        effective += timedelta(days=gap)
        step(model, data, effective)
    everyone = list(model.members.values())
    moments = [START - timedelta(days=1), START]
    for when, _, _ in model.snapshots:
        moments += [when - timedelta(seconds=1), when, when + timedelta(days=1)]
    for moment in moments:
        in_register = [m.code for m in register_as_of(everyone, moment)]
        earlier = [s for s in model.snapshots if s[0] <= moment]
        expected = earlier[-1][1] if earlier else initial_territory
        assert sorted(in_register) == sorted(expected)
        pieces = [atom for code in in_register for atom in expected[code]]
        assert sorted(pieces) == sorted(all_atoms), "each piece of territory exactly once"
        split_by_then = bool(earlier) and earlier[-1][2]
        if not split_by_then:
            figures = [
                population_for(m, YEAR, model.members, moment)
                for m in register_as_of(everyone, moment)
            ]
            assert None not in figures
            assert sum(f or 0 for f in figures) == total
