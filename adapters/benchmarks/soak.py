"""`akkoord bench --soak MINUTES`: a long run for release checks.

Casts and re-casts ballots, and extends and closes consultations, for the given minutes on a
real store, checking as it goes that nothing is lost: the tally equals a recount from the log,
the rebuilt read models equal the live ones, and the hash chain verifies.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.audit.chain import chained
from adapters.audit.transparency import verify_store
from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from domain.actor import Actor, Role

OFFICER = Actor(Role.OFFICER, "soak")


@dataclass
class SoakResult:
    minutes: float
    commands: int = 0
    checks: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "minutes": self.minutes,
            "commands": self.commands,
            "checks": self.checks,
            "ok": not self.problems,
            "problems": self.problems,
        }


def soak(minutes: float, progress: Callable[[str], None], seed: int = 2025) -> SoakResult:
    result = SoakResult(minutes=minutes)
    rng = random.Random(seed)
    with (
        tempfile.TemporaryDirectory(prefix="akkoord-soak-") as tmp,
        build(Settings(Path(tmp), database_url=None), create=True) as e,
    ):
        facts = read_members_csv(shipped_members_path())
        e.app.members.load_members(facts, actor=OFFICER, reason="soak")
        codes = [f.code for f in facts]
        deadline = time.monotonic() + minutes * 60
        while time.monotonic() < deadline:
            cid = e.app.consultations.open_consultation(
                title="soak",
                question="q",
                agreements=[],
                timezone="Europe/Amsterdam",
                closes_at=datetime.now(UTC) + timedelta(days=30),
                actor=OFFICER,
                reason="soak",
            )
            for _ in range(500):
                code = rng.choice(codes)
                e.app.consultations.cast_ballot(
                    cid,
                    member=code,
                    choice=rng.choice(["yes", "no"]),
                    actor=Actor(Role.SECRETARY, code),
                )
                e.catch_up()
                result.commands += 1
            e.app.consultations.close_consultation(cid, actor=OFFICER, reason="soak round done")
            e.catch_up()
            result.commands += 1
            _check(e, cid, result)
            progress(
                f"{result.commands} commands, {result.checks} checks, "
                f"{len(result.problems)} problems"
            )
    return result


def _check(e: Any, cid: Any, result: SoakResult) -> None:
    standing = e.app.consultations.standing_ballots(cid)
    tally = e.views.tally(str(cid))
    yes = sum(w for choice, w in standing.values() if choice == "yes")
    if tally is None or tally.yes_weight != yes or tally.voted_members != len(standing):
        result.problems.append(f"tally of {cid} differs from a recount")
    live = e.views.dump()
    e.rebuild()
    if e.views.dump() != live:
        result.problems.append("rebuilt read models differ from the live ones")
    verified = verify_store(chained(e.app.recorder))
    if not verified.ok:
        result.problems.append(f"hash chain broken: {verified.as_dict()['break']}")
    result.checks += 3
