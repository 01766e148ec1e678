"""What every command shares: options, the engine, output, and one-line errors."""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar, cast
from uuid import UUID

import typer

from adapters.config.settings import WAIT_ENV, Settings
from adapters.i18n.catalogues import DUTCH, cli_language
from adapters.i18n.errors import explain
from domain.actor import Actor, Role
from domain.errors import DomainError, InvalidInputError, NotAllowedError

# Every command module imports this one, and `akkoord --help` imports every command module: the
# store, the event library and the log writer are imported where a command first uses them.
if TYPE_CHECKING:
    from rich.console import Console

    from adapters.bootstrap import Engine

P = ParamSpec("P")
R = TypeVar("R")

DatabaseWaitOpt = Annotated[
    float | None,
    typer.Option(
        "--database-wait",
        envvar=WAIT_ENV,
        min=0,
        help="Seconds to wait for an unreachable database at start (default: keep trying).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]
DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="AKKOORD_HOME",
        help="Directory of the store (default ./.akkoord).",
        show_default=False,
    ),
]
ActorOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="AKKOORD_ACTOR",
        help="Who acts: ROLE[:ID], e.g. officer:j.devries or secretary:GM0090.",
        show_default=False,
    ),
]
IdempotencyKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--idempotency-key",
        help="Run at most once per key: a retry with the same key prints the first answer and "
        "writes nothing (8..128 of A-Z a-z 0-9 . _ : -).",
        show_default=False,
    ),
]

# Exit codes by kind of refusal, so scripts can tell them apart (documented in the README).
EXIT_CODES = {"invalid": 2, "not_found": 3, "conflict": 4, "forbidden": 5}
EXIT_STORAGE = 1


class _Console:
    """A rich Console made on first use: a command that prints a plain line (`say`) or JSON
    never loads rich's console."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def _real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    # Dunder methods bypass __getattr__; rich's Progress and Live hold their console with `with`.
    def __enter__(self) -> Console:
        return self._real().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._real().__exit__(*exc)


out = cast("Console", _Console(highlight=False, soft_wrap=True))
err = cast("Console", _Console(stderr=True, highlight=False, soft_wrap=True))


def say(line: str) -> None:
    """One line of plain text on stdout (no markup in it): what `out.print` prints for it."""
    sys.stdout.write(line + "\n")


def fail(message: str, *, code: str, exit_code: int, as_json: bool) -> typer.Exit:
    line = " ".join(message.split())  # one line, whatever the message held
    if as_json:
        sys.stderr.write(json.dumps({"error": {"code": code, "message": line}}) + "\n")
    else:
        sys.stderr.write(f"error: {line}\n")
    return typer.Exit(exit_code)


class _NeverRaisedError(Exception):
    """Stands in for the error class of a library that was never imported: nothing raised it."""


def _error_class(module: str, name: str) -> type[Exception]:
    """The error class `module.name` if that module is loaded. An error can only come from a
    loaded module, so the handlers below need not import a database driver to catch its errors."""
    loaded = sys.modules.get(module)
    found: type[Exception] = getattr(loaded, name) if loaded is not None else _NeverRaisedError
    return found


def _storage_errors() -> tuple[type[Exception], ...]:
    return (
        _error_class("eventsourcing.persistence", "PersistenceError"),
        sqlite3.Error,
        _error_class("sqlalchemy.exc", "SQLAlchemyError"),
        _error_class("psycopg", "Error"),
    )


def _storage_reason(error: Exception) -> str:
    """The database's own words: SQLAlchemy wraps them with the statement and a link."""
    original = getattr(error, "orig", None)
    return " ".join(str(original if original is not None else error).split())


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Turn refusals into one line on stderr and a non-zero exit; log them for the audit trail."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        from adapters.config import logs  # loads structlog: only once a command runs

        as_json = bool(kwargs.get("json_output", False))
        name = command.__name__.removesuffix("_command")
        data_dir = kwargs.get("data_dir")
        logs.configure(Settings.resolve(data_dir if isinstance(data_dir, Path) else None).log_path)
        try:
            return command(*args, **kwargs)
        except DomainError as e:
            logs.logger(command=name, actor=kwargs.get("actor")).warning(
                "refused", code=e.code, reason=str(e)
            )
            # JSON and an English locale get the rule's own English; a Dutch locale its Dutch.
            dutch = not as_json and cli_language() == DUTCH
            line = explain(e, DUTCH) if dutch else str(e)
            raise fail(line, code=e.code, exit_code=EXIT_CODES[e.kind], as_json=as_json) from None
        except _storage_errors() as e:
            reason = _storage_reason(e)
            logs.logger(command=name).error("storage error", error=reason)
            raise fail(
                f"storage error: {reason}", code="storage", exit_code=EXIT_STORAGE, as_json=as_json
            ) from None
        except UnicodeError:
            raise fail(
                "text contains bytes that are not valid UTF-8; nothing was written",
                code="invalid_input",
                exit_code=EXIT_CODES["invalid"],
                as_json=as_json,
            ) from None
        except _error_class("eventsourcing.persistence", "MapperDeserialisationError") as e:
            logs.logger(command=name).error("undecodable event", error=str(e))
            raise fail(
                f"a stored event cannot be read ({str(e).split(':')[0]}); the store is damaged: "
                "run `akkoord audit verify` to find where",
                code="damaged_store",
                exit_code=EXIT_STORAGE,
                as_json=as_json,
            ) from None
        except _error_class("eventsourcing.utils", "TopicError") as e:
            raise fail(
                f"the store holds events this version of akkoord does not know ({e}); "
                "it was written by a newer version: upgrade akkoord",
                code="newer_store",
                exit_code=EXIT_STORAGE,
                as_json=as_json,
            ) from None
        except BrokenPipeError:
            # The reader stopped listening (`akkoord log | head`): not an error of ours.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except OSError as e:
            raise fail(
                f"cannot use the data directory: {e.strerror or e} ({e.filename or ''})",
                code="storage",
                exit_code=EXIT_STORAGE,
                as_json=as_json,
            ) from None
        finally:
            _fresh_consoles()

    return run


def _fresh_consoles() -> None:
    """The next command (in this process: tests, tools) builds its consoles anew, with the
    width and wrapping of its own run: `akkoord demo` turns soft wrapping off for its story."""
    for console in (out, err):
        cast("_Console", console)._console = None


@contextmanager
def engine(data_dir: Path | None, *, create: bool = False) -> Iterator[Engine]:
    from adapters.bootstrap import build
    from adapters.config import logs
    from adapters.store import backend_for, store_exists

    settings = Settings.resolve(data_dir)
    new_store = create and not store_exists(settings)
    new_dir = create and not settings.data_dir.exists()
    try:
        with build(settings, create=create) as built:
            logs.configure(settings.log_path)
            yield built
    except BaseException:
        if new_store:  # a refused first command leaves no empty store behind
            backend_for(settings).remove_store()
            if new_dir:
                shutil.rmtree(settings.data_dir, ignore_errors=True)
        raise


def actor_from(text: str | None) -> Actor:
    if not text:
        raise InvalidInputError("say who acts: --as ROLE[:ID] (or set AKKOORD_ACTOR)")
    actor = Actor.parse(text)
    if actor.role is Role.SYSTEM:
        # Only the engine itself acts as the scheduler or a workflow; a person never may.
        raise NotAllowedError(f"{actor} acts only inside the engine, not from the command line")
    return actor


def parse_id(text: str, what: str = "consultation") -> UUID:
    try:
        return UUID(text.strip())
    except ValueError:
        raise InvalidInputError(f"malformed {what} id {text!r}") from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def act(data_dir: Path | None, command: Callable[[Engine], R], *, create: bool = False) -> R:
    """Run one command on the store and let workflows and read models follow it."""
    with engine(data_dir, create=create) as e:
        result = command(e)
        e.catch_up()
        return result


def once(
    e: Engine, key: str | None, request: dict[str, Any], command: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run `command` (returning its JSON answer) and let workflows follow; with a `key`, at most
    once: the key is stored with the events the command writes, and a retry gets the stored
    answer. The same key for another `request` (command, arguments, actor) is refused."""
    if key is None:
        answer = command()
        e.catch_up()
        return answer
    from adapters.audit.idempotency import (
        PENDING,
        KeyStore,
        Pending,
        check_key,
        dumps,
        replay,
        request_hash,
    )

    check_key(key)
    digest = request_hash("cli", json.dumps(request, sort_keys=True, default=str))
    store = KeyStore(e.app.recorder)
    stored = store.lookup(key)
    if stored is not None:
        _, response = replay(stored, digest, key)
        replayed: dict[str, Any] = json.loads(response)
        return replayed
    pending = Pending(key, digest)
    reset = PENDING.set(pending)
    try:
        answer = command()
    finally:
        PENDING.reset(reset)
    store.finish(pending, 200, dumps(answer))
    e.catch_up()
    return answer


def emit(as_json: bool, data: Any, human: str) -> None:
    if as_json:
        print_json(data)
    else:
        out.print(human)


def split_list(values: list[str] | None) -> list[str]:
    """Accept both repeated options and comma-separated values."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _cell(value: Any) -> str:
    from adapters.i18n.catalogues import ENGLISH, current

    if current() != ENGLISH:  # English stays as it always printed: scripts may read it
        from adapters.entrypoints.cli.columns import spoken

        return spoken(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    return "" if value is None else str(value)


def show(as_json: bool, data: dict[str, Any] | list[dict[str, Any]]) -> None:
    """JSON for scripts; for people, a key/value table or a table with a row per item."""
    if as_json:
        print_json(data)
        return
    from rich.table import Table

    from adapters.entrypoints.cli.columns import heading, value
    from adapters.i18n.catalogues import gettext

    if isinstance(data, dict):
        table = Table(show_header=False, box=None)
        for key, item in data.items():
            table.add_row(heading(key), value(item) if isinstance(item, str) else _cell(item))
        out.print(table)
        return
    if not data:
        out.print(gettext("(none)"))
        return
    table = Table(*[heading(k) for k in data[0]])
    for row in data:
        table.add_row(
            *[value(v) if isinstance(v := row.get(k), str) else _cell(v) for k in data[0]]
        )
    from adapters.entrypoints.cli.widths import print_fitted  # dates whole at any width

    print_fitted(out, table)
