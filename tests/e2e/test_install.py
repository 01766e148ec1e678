"""The install the README promises: one lock for every machine, and CI runs the README's command.

The Quick start's test command is the one `.ci/run` runs (so CI can never be greener than a new
user's machine), and a `pyproject.toml` changed without relocking is refused by the lock check
`.ci/run` makes first.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_the_quick_start_is_two_locked_commands_and_ci_runs_the_second() -> None:
    install_and_demo, install_and_test = quick_start_commands()
    assert install_and_demo.endswith("uv run akkoord demo")
    for command in (install_and_demo, install_and_test):
        assert "uv sync --locked" in command  # exactly the versions in uv.lock
    assert f'"{install_and_test}"' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_dependency_added_without_relocking_is_refused(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH (the Quick start installs it)")
    for name in ("pyproject.toml", "uv.lock", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tmp_path / name)
    assert subprocess.run([uv, "lock", "--check"], cwd=tmp_path).returncode == 0
    project = tmp_path / "pyproject.toml"
    text = project.read_text(encoding="utf-8")
    project.write_text(
        text.replace("dependencies = [\n", 'dependencies = [\n    "attrs>=23",\n', 1)
    )
    checked = subprocess.run([uv, "lock", "--check"], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode != 0
    assert "needs to be updated" in checked.stderr
