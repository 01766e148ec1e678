"""What the process figures (HTTP and CLI) run against: an akkoord store with the shipped members
and a consultation with ballots already cast, and beside it a bare-library store with one poll
holding as many ballots, configured like akkoord's (see `baselines`); and how to start the
processes that use them."""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from adapters.benchmarks.bare_model import BareApplication, Poll
from adapters.benchmarks.baselines import bare_env, synchronous_of
from adapters.benchmarks.commands import OFFICER, open_consultation
from adapters.benchmarks.rebuild import python_env
from adapters.bootstrap import build
from adapters.config.settings import DATABASE_URL_ENV, Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path


@dataclass(frozen=True)
class Subjects:
    akkoord: Settings
    consultation: UUID
    bare_env: dict[str, str]
    poll: UUID
    codes: list[str]


def prepare(directory: Path, prefill: int) -> Subjects:
    facts = read_members_csv(shipped_members_path())
    codes = sorted(f.code for f in facts)
    akkoord = Settings(directory / "akkoord", database_url=None)
    with build(akkoord, create=True) as engine:
        engine.app.members.load_members(facts, actor=OFFICER, reason="benchmark")
        engine.catch_up()
        cid = open_consultation(engine, prefill, codes)
        synchronous = synchronous_of(engine.app)
    bare = Settings(directory / "bare", database_url=None)
    bare.data_dir.mkdir(parents=True, exist_ok=True)
    env = bare_env(bare, synchronous)
    app = BareApplication(env=env)
    try:
        poll = Poll("benchmark")
        for code in codes[:prefill]:
            poll.cast(code, "yes")
        app.save(poll)
    finally:
        app.close()
    return Subjects(akkoord, cid, env, poll.id, codes)


@dataclass
class Alternating:
    """Each member's next choice: the other one than last time, so every cast writes one event
    (the prefilled ballots say yes)."""

    last: dict[str, str] = field(default_factory=dict)

    def next(self, member: str) -> str:
        choice = "no" if self.last.get(member, "yes") == "yes" else "yes"
        self.last[member] = choice
        return choice


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def akkoord_command() -> list[str]:
    """`akkoord` as people run it: the installed console script beside this Python, else the
    package as a module."""
    script = Path(sys.executable).with_name("akkoord")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "adapters.entrypoints.cli"]


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a benchmark's child process: this checkout importable, and no
    database URL or home inherited from the caller (each child is told its store)."""
    env = python_env(**extra)
    for name in (DATABASE_URL_ENV, "AKKOORD_HOME"):
        if name not in extra:
            env.pop(name, None)
    return env


def tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""
