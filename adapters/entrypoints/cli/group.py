"""The command group every akkoord command runs in: usage errors also get one clear line."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

# typer bundles its own click; its exception classes are reachable only through its exceptions.
from typer import Abort
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from adapters.entrypoints.cli.coercion import read_plainly


class OneLineErrorsGroup(TyperGroup):
    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        read_plainly()
        try:
            result = super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except ClickException as e:
            message = " ".join(e.format_message().split())
            sys.stderr.write(f"error: {message or 'name a command'} (see --help)\n")
            sys.exit(e.exit_code)
        except Abort:
            sys.stderr.write("error: aborted\n")
            sys.exit(130)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)
