"""The register through time, on real Dutch municipal changes (codes and dates as CBS records
them; the population figures before 2024 are made up for the tests): Dijk en Waard (1 Jan 2022),
Weesp joining Amsterdam (24 Mar 2022, the surviving code stays), Voorne aan Zee (1 Jan 2023),
Haaren split among four neighbours (1 Jan 2021) and the rename of Menaldumadeel (1 Jan 2011)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from eventsourcing.application import Application

from domain.errors import (
    ConflictError,
    InvalidDeadlineError,
    InvalidInputError,
    MissingReasonError,
    UnknownMemberError,
)
from domain.member import MERGED, SPLIT, Member, MemberEndedError, MemberFacts
from domain.register import Change, merge, population_for, register_as_of, rename, split

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2025, 9, 1, 9, 0, tzinfo=AMS)


def day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=AMS)


def change(effective: datetime) -> Change:
    return Change(effective=effective, actor="officer:test", reason="herindeling", at=NOW)


def member(code: str, name: str, province: str, year: int, inhabitants: int) -> Member:
    return Member.register(
        MemberFacts(code, name, province, year, inhabitants), actor="o", reason="CBS", at=NOW
    )


def registry(*members: Member) -> dict[str, Member | None]:
    return {m.code: m for m in members}


def codes_at(members: list[Member], moment: datetime) -> list[str]:
    return [m.code for m in register_as_of(members, moment)]


def pending(*members: Member) -> int:
    return sum(len(m.pending_events) for m in members)


def voorne() -> dict[str, Member | None]:
    return registry(
        member("GM0501", "Brielle", "Zuid-Holland", 2022, 17_500),
        member("GM0530", "Hellevoetsluis", "Zuid-Holland", 2022, 40_500),
        member("GM0614", "Westvoorne", "Zuid-Holland", 2022, 14_600),
    )


def test_voorne_aan_zee_is_established_and_its_predecessors_end() -> None:
    found = voorne()
    changed = merge(
        found,
        predecessors=["GM0501", "GM0530", "GM0614"],
        successor="GM1992",
        name="Voorne aan Zee",
        province="",
        change=change(day(2023, 1, 1)),
    )
    everyone = {m.code: m for m in changed}
    assert set(everyone) == {"GM1992", "GM0501", "GM0530", "GM0614"}
    new = everyone["GM1992"]
    assert (new.name, new.province, new.began) == (
        "Voorne aan Zee",
        "Zuid-Holland",
        day(2023, 1, 1),
    )
    all_members = list(everyone.values())
    assert codes_at(all_members, day(2022, 12, 31)) == ["GM0501", "GM0530", "GM0614"]
    assert codes_at(all_members, day(2023, 1, 1)) == ["GM1992"]
    assert all(everyone[c].successors == ("GM1992",) for c in ("GM0501", "GM0530", "GM0614"))
    # 2022's file predates Voorne aan Zee: its predecessors' figures count.
    assert population_for(new, 2022, everyone, day(2023, 6, 1)) == 17_500 + 40_500 + 14_600
    # A file of the new division lists the successor only: its own figure counts.
    new.record_population(year=2024, inhabitants=74_304, actor="o", reason="CBS", at=NOW)
    assert population_for(new, 2024, everyone, day(2025, 1, 1)) == 74_304
    assert population_for(new, 2021, everyone, day(2025, 1, 1)) is None


def test_dijk_en_waard_registered_ahead_from_the_2025_file_begins_on_its_date() -> None:
    found = registry(
        member("GM0398", "Heerhugowaard", "Noord-Holland", 2021, 56_800),
        member("GM0416", "Langedijk", "Noord-Holland", 2021, 28_300),
        member("GM1980", "Dijk en Waard", "Noord-Holland", 2024, 90_076),
    )
    changed = merge(
        found,
        predecessors=["GM0398", "GM0416"],
        successor="GM1980",
        name="Dijk en Waard",
        province="",
        change=change(day(2022, 1, 1)),
    )
    everyone = {m.code: m for m in changed}
    assert codes_at(
        changed,
        day(
            2021,
            12,
            31,
        ),
    ) == ["GM0398", "GM0416"]
    assert codes_at(changed, day(2022, 1, 1)) == ["GM1980"]
    assert population_for(everyone["GM1980"], 2021, everyone, NOW) == 56_800 + 28_300
    assert population_for(everyone["GM1980"], 2024, everyone, NOW) == 90_076


def weesp_and_amsterdam() -> dict[str, Member | None]:
    amsterdam = member("GM0363", "Amsterdam", "Noord-Holland", 2022, 882_600)
    amsterdam.record_population(year=2024, inhabitants=931_298, actor="o", reason="CBS", at=NOW)
    weesp = member("GM0457", "Weesp", "Noord-Holland", 2022, 21_300)
    return registry(amsterdam, weesp)


def test_weesp_joins_amsterdam_whose_code_survives() -> None:
    found = weesp_and_amsterdam()
    changed = merge(
        found,
        predecessors=["GM0363", "GM0457"],
        successor="GM0363",
        name="",
        province="",
        change=change(day(2022, 3, 24)),
    )
    everyone = {m.code: m for m in changed}
    amsterdam = everyone["GM0363"]
    assert amsterdam.began is None and amsterdam.ended is None
    assert codes_at(changed, day(2022, 3, 23)) == ["GM0363", "GM0457"]
    assert codes_at(changed, day(2022, 3, 24)) == ["GM0363"]
    # The 2022 file (1 January) still lists Weesp apart: both count for Amsterdam.
    assert population_for(amsterdam, 2022, everyone, day(2022, 6, 1)) == 882_600 + 21_300
    # Before the merger Amsterdam counts alone, Weesp for itself.
    assert population_for(amsterdam, 2022, everyone, day(2022, 3, 1)) == 882_600
    # The 2024 file lists Amsterdam only: its figure already covers Weesp.
    assert population_for(amsterdam, 2024, everyone, NOW) == 931_298


def haaren() -> dict[str, Member | None]:
    return registry(
        member("GM0788", "Haaren", "Noord-Brabant", 2020, 14_100),
        member("GM0757", "Boxtel", "Noord-Brabant", 2020, 30_900),
        member("GM0824", "Oisterwijk", "Noord-Brabant", 2020, 26_500),
        member("GM0855", "Tilburg", "Noord-Brabant", 2020, 219_800),
        member("GM0865", "Vught", "Noord-Brabant", 2020, 26_600),
    )


def test_haaren_is_split_among_four_neighbours_that_continue() -> None:
    found = haaren()
    changed = split(
        found,
        predecessor="GM0788",
        successors=["GM0757", "GM0824", "GM0855", "GM0865"],
        names={},
        change=change(day(2021, 1, 1)),
    )
    everyone = {m.code: m for m in changed}
    assert everyone["GM0788"].end_how == SPLIT
    assert everyone["GM0788"].successors == ("GM0757", "GM0824", "GM0855", "GM0865")
    assert codes_at(changed, day(2020, 12, 31)) == sorted(everyone)
    assert codes_at(changed, day(2021, 1, 1)) == ["GM0757", "GM0824", "GM0855", "GM0865"]
    # A split territory cannot be apportioned: the neighbours count their own figures.
    assert population_for(everyone["GM0855"], 2020, everyone, NOW) == 219_800


def test_a_split_into_new_municipalities_needs_their_names_and_their_own_figures() -> None:
    found = haaren()
    with pytest.raises(InvalidInputError, match="GM1999 is not registered: give its name"):
        split(
            found,
            predecessor="GM0788",
            successors=["GM1998", "GM1999"],
            names={"GM1998": "Noord"},
            change=change(day(2021, 1, 1)),
        )
    found = haaren()
    changed = split(
        found,
        predecessor="GM0788",
        successors=["GM1998", "GM1999"],
        names={"GM1998": "Haaren-Noord", "GM1999": "Haaren-Zuid"},
        change=change(day(2021, 1, 1)),
    )
    everyone = {m.code: m for m in changed}
    assert codes_at(changed, day(2021, 1, 1)) == ["GM1998", "GM1999"]
    assert population_for(everyone["GM1998"], 2020, everyone, NOW) is None
    assert everyone["GM1999"].province == "Noord-Brabant"


def test_a_rename_under_a_new_code_carries_the_territory_and_its_figures() -> None:
    found = registry(member("GM0081", "Menaldumadeel", "Friesland", 2010, 14_000))
    changed = rename(
        found,
        code="GM0081",
        successor="GM1908",
        name="Menameradiel",
        province="",
        change=change(day(2011, 1, 1)),
    )
    everyone = {m.code: m for m in changed}
    assert codes_at(changed, day(2011, 1, 1)) == ["GM1908"]
    assert everyone["GM1908"].province == "Friesland"
    assert population_for(everyone["GM1908"], 2010, everyone, NOW) == 14_000
    with pytest.raises(InvalidInputError, match="new CBS code"):
        rename(
            registry(member("GM0081", "Menaldumadeel", "Friesland", 2010, 1)),
            code="GM0081",
            successor="GM0081",
            name="Menameradiel",
            province="",
            change=change(day(2011, 1, 1)),
        )


def test_a_later_merger_of_a_successor_chains_the_figures() -> None:
    found = voorne()
    first = merge(
        found,
        predecessors=["GM0501", "GM0530", "GM0614"],
        successor="GM1992",
        name="Voorne aan Zee",
        province="",
        change=change(day(2023, 1, 1)),
    )
    everyone = {m.code: m for m in first}
    everyone["GM0512"] = member("GM0512", "Gorinchem", "Zuid-Holland", 2022, 37_000)
    second = merge(
        dict(everyone),
        predecessors=["GM1992", "GM0512"],
        successor="GM1111",
        name="Synthetisch",
        province="",
        change=change(day(2030, 1, 1)),
    )
    everyone.update({m.code: m for m in second})
    assert codes_at(list(everyone.values()), day(2030, 1, 1)) == ["GM1111"]
    total = 17_500 + 40_500 + 14_600 + 37_000
    assert population_for(everyone["GM1111"], 2022, everyone, day(2030, 1, 1)) == total


@pytest.mark.parametrize(
    ("predecessors", "successor", "effective", "error", "message"),
    [
        (["GM0501", "GM9999"], "GM1992", day(2023, 1, 1), UnknownMemberError, "GM9999"),
        (["GM0501"], "GM1992", day(2023, 1, 1), InvalidInputError, "at least two"),
        (["GM0501", "GM0501"], "GM1992", day(2023, 1, 1), InvalidInputError, "more than once"),
        (["GM0501", "GM05300"], "GM1992", day(2023, 1, 1), InvalidInputError, "malformed"),
        (
            ["GM0501", "GM0530"],
            "GM1992",
            datetime(2023, 1, 1),  # naive: the point of the test
            InvalidDeadlineError,
            "time zone",
        ),
    ],
)
def test_a_bad_merger_is_refused_and_changes_no_member(
    predecessors: list[str],
    successor: str,
    effective: datetime,
    error: type[Exception],
    message: str,
) -> None:
    found = voorne()
    members = [m for m in found.values() if m is not None]
    for m in members:
        m.collect_events()
    with pytest.raises(error, match=message):
        merge(
            found,
            predecessors=predecessors,
            successor=successor,
            name="Voorne aan Zee",
            province="",
            change=Change(effective=effective, actor="o", reason="r", at=NOW),
        )
    assert pending(*members) == 0


def test_an_ended_member_cannot_end_again_or_take_part_in_another_change() -> None:
    found = voorne()
    changed = merge(
        found,
        predecessors=["GM0501", "GM0530", "GM0614"],
        successor="GM1992",
        name="Voorne aan Zee",
        province="",
        change=change(day(2023, 1, 1)),
    )
    everyone: dict[str, Member | None] = {m.code: m for m in changed}
    for m in changed:
        m.collect_events()
    with pytest.raises(MemberEndedError, match=r"GM0501 Brielle ended on 2023-01-01 \(merged"):
        merge(
            everyone,
            predecessors=["GM0501", "GM1992"],
            successor="GM1992",
            name="",
            province="",
            change=change(day(2024, 1, 1)),
        )
    with pytest.raises(MemberEndedError):
        rename(
            everyone,
            code="GM0530",
            successor="GM1234",
            name="X",
            province="",
            change=change(day(2024, 1, 1)),
        )
    assert pending(*changed) == 0


def test_a_change_must_come_after_the_members_own_start_and_needs_a_reason() -> None:
    found = voorne()
    changed = merge(
        found,
        predecessors=["GM0501", "GM0530", "GM0614"],
        successor="GM1992",
        name="Voorne aan Zee",
        province="",
        change=change(day(2023, 1, 1)),
    )
    everyone: dict[str, Member | None] = {m.code: m for m in changed}
    everyone["GM1111"] = member("GM1111", "Synthetisch", "Zuid-Holland", 2024, 1)
    with pytest.raises(InvalidInputError, match="must come after"):
        merge(
            everyone,
            predecessors=["GM1992", "GM1111"],
            successor="GM1992",
            name="",
            province="",
            change=change(day(2022, 1, 1)),
        )
    with pytest.raises(MissingReasonError):
        Change(effective=day(2023, 1, 1), actor="o", reason=" ", at=NOW)
    with pytest.raises(InvalidInputError, match="registered as 'Voorne aan Zee'"):
        merge(
            everyone,
            predecessors=["GM1992", "GM1111"],
            successor="GM1992",
            name="Voorne",
            province="",
            change=change(day(2024, 1, 1)),
        )


def test_a_merger_across_provinces_needs_the_province() -> None:
    found = registry(
        member("GM0001", "Een", "Groningen", 2024, 1),
        member("GM0002", "Twee", "Drenthe", 2024, 1),
    )
    with pytest.raises(InvalidInputError, match="give --province"):
        merge(
            found,
            predecessors=["GM0001", "GM0002"],
            successor="GM0003",
            name="Drie",
            province="",
            change=change(day(2030, 1, 1)),
        )


def test_a_successor_that_began_already_cannot_begin_again() -> None:
    found = registry(
        member("GM0398", "Heerhugowaard", "Noord-Holland", 2021, 1),
        member("GM0416", "Langedijk", "Noord-Holland", 2021, 1),
        member("GM1980", "Dijk en Waard", "Noord-Holland", 2024, 1),
        member("GM0001", "Synthetisch", "Noord-Holland", 2024, 1),
        member("GM0002", "Synthetisch twee", "Noord-Holland", 2024, 1),
    )
    merge(
        found,
        predecessors=["GM0398", "GM0416"],
        successor="GM1980",
        name="",
        province="",
        change=change(day(2022, 1, 1)),
    )
    with pytest.raises(ConflictError, match="GM1980 Dijk en Waard began on 2022-01-01 already"):
        merge(
            found,
            predecessors=["GM0001", "GM0002"],
            successor="GM1980",
            name="",
            province="",
            change=change(day(2026, 1, 1)),
        )


def test_the_events_replay_in_a_store_and_old_events_still_load() -> None:
    app: Application[UUID] = Application()
    found = voorne()
    changed = merge(
        found,
        predecessors=["GM0501", "GM0530", "GM0614"],
        successor="GM1992",
        name="Voorne aan Zee",
        province="",
        change=change(day(2023, 1, 1)),
    )
    app.save(*changed)
    new = app.repository.get(Member.create_id("GM1992"))
    old = app.repository.get(Member.create_id("GM0501"))
    assert isinstance(new, Member) and isinstance(old, Member)
    assert new.summary()["successions"] == [
        {
            "effective": "2023-01-01T00:00:00+01:00",
            "how": MERGED,
            "codes": ["GM0501", "GM0530", "GM0614"],
            "began": True,
        }
    ]
    assert old.summary()["ended"] == "2023-01-01T00:00:00+01:00"
    assert old.populations == {"2022": 17_500}
    assert not old.in_register(day(2023, 1, 1)) and old.in_register(
        day(2023, 1, 1) - timedelta(microseconds=1)
    )


def test_the_ending_events_refuse_a_naive_effective_date_directly() -> None:
    brielle = member("GM0501", "Brielle", "Zuid-Holland", 2022, 1)
    with pytest.raises(InvalidDeadlineError):
        brielle.end(
            effective=datetime(2023, 1, 1),  # naive: the point of the test
            how=MERGED,
            successors=["GM1992"],
            actor="o",
            reason="r",
            at=NOW,
        )
    with pytest.raises(ConflictError):
        brielle.end(
            effective=day(2023, 1, 1), how=MERGED, successors=[], actor="o", reason="r", at=NOW
        )
        brielle.end(
            effective=day(2024, 1, 1), how=MERGED, successors=[], actor="o", reason="r", at=NOW
        )
