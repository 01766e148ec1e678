"""What the browser tests share: Debian's Chromium, and `akkoord serve` as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.reliability.support import free_port

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
)


@contextmanager
def serving(
    data_dir: Path,
    log: Path,
    *,
    scheduler: bool = False,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """`akkoord serve` on the store in `data_dir`, until the block ends; yields its base URL.

    Waits (bounded) until the login page answers; fails the test with the server's log if it
    exits or never answers."""
    port = port or free_port()
    command = [sys.executable, "-m", "adapters.entrypoints.cli", "serve", "--port", str(port)]
    if not scheduler:
        command.append("--no-scheduler")
    environ = {**os.environ, "AKKOORD_HOME": str(data_dir), **(env or {})}
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"akkoord serve exited: {log.read_text()}")
                try:
                    if httpx.get(base + "/login", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"akkoord serve did not answer: {log.read_text()}")
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
