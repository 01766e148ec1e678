"""A PostgreSQL cluster of a test's own, on 127.0.0.1, that the test may stop and start: Debian's
binaries, a temporary directory, a free port, fsync off, as `.ci/run` starts the suite's server.

initdb refuses root: as root the binaries run as the `postgres` user (via runuser) in a
directory it owns; as anyone else they run directly. No cluster can be made (no binaries, or
neither way works): the caller is told why, to skip with that reason.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.reliability.support import free_port

PG_LIB = Path("/usr/lib/postgresql")
TIMEOUT = 120  # seconds for initdb, start and stop on a loaded machine; a bound, not a measure


class NoClusterError(Exception):
    """No cluster could be made here; the message says why."""


def _bin_dir() -> Path:
    found = sorted(
        (d / "bin" for d in PG_LIB.glob("*") if (d / "bin" / "pg_ctl").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not found:
        raise NoClusterError(f"no PostgreSQL binaries under {PG_LIB} (apt-get install postgresql)")
    return found[-1]


def _as_owner() -> list[str]:
    """The prefix that runs a server binary: none for an ordinary user, runuser for root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise NoClusterError("running as root, and no runuser to run PostgreSQL as postgres")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise NoClusterError("running as root, and there is no postgres user") from None
    return [runuser, "-u", "postgres", "--"]


class Cluster:
    """One initialised cluster; `start`/`stop` are a real server start and (fast) shutdown."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.prefix = _as_owner()
        self.port = free_port()
        # Not pytest's tmp_path: as root, that is a directory the postgres user cannot enter.
        self.dir = Path(tempfile.mkdtemp(prefix="akkoord-pg-test."))
        if self.prefix:
            shutil.chown(self.dir, user="postgres")
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.running = False

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=self.dir,  # runuser keeps the cwd; the postgres user may not enter ours
            check=False,
        )

    def init(self) -> None:
        done = self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )
        if done.returncode != 0:
            raise NoClusterError(f"initdb failed: {(done.stdout + done.stderr).strip()[-500:]}")

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
            "-c max_connections=300 -c fsync=off"
        )
        done = self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
            "-t", str(TIMEOUT), "-o", options, "start",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()}\n{self.server_log()}")
        self.running = True

    def stop(self) -> None:
        """Fast shutdown: open transactions roll back, every session is ended, as when an
        operator restarts the server."""
        done = self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
            "-t", str(TIMEOUT), "stop",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed: {done.stderr.strip()}\n{self.server_log()}")
        self.running = False

    def server_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def remove(self) -> None:
        if self.data.exists():
            with contextlib.suppress(Exception):
                self._run(
                    str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                    "stop",
                )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def own_cluster() -> Iterator[Cluster]:
    """A started cluster, stopped and removed afterwards whatever happened. NoClusterError when
    none can be made here."""
    cluster = Cluster()
    try:
        cluster.init()
        try:
            cluster.start()
        except RuntimeError as e:  # the first start: this machine cannot run a server
            raise NoClusterError(str(e)) from None
        yield cluster
    finally:
        cluster.remove()
