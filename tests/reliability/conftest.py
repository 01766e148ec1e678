"""Shared by the reliability tests: the click command tree built once, for the in-process CLI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer.main
import typer.testing

from adapters.entrypoints.cli.main import app


@pytest.fixture(autouse=True, scope="module")
def _build_the_command_tree_once() -> Iterator[None]:
    """typer rebuilds the click command tree on every invoke; it is the same tree each time, and
    these tests invoke the CLI thousands of times."""
    command = typer.main.get_command(app)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", lambda _: command)
        yield
