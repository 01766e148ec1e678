"""An in-memory TallyView: lets the projection's rules be tested without a database."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.consultation import Voter
from projections.tally import COUNTS, Delta, StandingVoter, Tally


@dataclass
class MemoryTallyView:
    totals: dict[str, list[int]] = field(default_factory=dict)
    provinces: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    voters: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    state: dict[str, dict[str, str]] = field(default_factory=dict)
    electorate: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add_consultation(
        self, consultation_id: str, title: str, closes_at: str, voters: list[Voter]
    ) -> None:
        self.totals[consultation_id] = [0] * len(COUNTS)
        self.electorate[consultation_id] = (len(voters), sum(v.weight for v in voters))
        self.state[consultation_id] = {"state": "open", "closes_at": closes_at}
        for v in voters:
            self.provinces.setdefault((consultation_id, v.province), [0] * len(COUNTS))
            self.voters[(consultation_id, v.code)] = {
                "province": v.province,
                "weight": v.weight,
                "choice": None,
            }

    def voter(self, consultation_id: str, member: str) -> StandingVoter | None:
        row = self.voters.get((consultation_id, member))
        if row is None:
            return None
        return StandingVoter(
            str(row["province"]),
            int(row["weight"]),  # type: ignore[call-overload]
            row["choice"],
        )  # type: ignore[arg-type]

    def set_ballot(
        self, consultation_id: str, member: str, choice: str, explanation: str, at: str
    ) -> None:
        self.voters[(consultation_id, member)]["choice"] = choice

    def add(self, consultation_id: str, province: str, delta: Delta) -> None:
        for row in (self.totals[consultation_id], self.provinces[(consultation_id, province)]):
            for i, name in enumerate(COUNTS):
                row[i] += getattr(delta, name)

    def set_state(self, consultation_id: str, **fields: str) -> None:
        self.state[consultation_id].update(fields)

    def tally(self, consultation_id: str) -> Tally:
        members, weight = self.electorate[consultation_id]
        counts = dict(zip(COUNTS, self.totals[consultation_id], strict=True))
        return Tally(electorate_members=members, electorate_weight=weight, **counts)
