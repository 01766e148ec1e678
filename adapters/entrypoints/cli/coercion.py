"""Text and path options read without pydantic.

typer (0.29) turns every command-line value into its parameter's type through a pydantic
TypeAdapter, so any command that runs loads pydantic and builds an adapter per parameter: a
large part of a short command's start-up. Nearly every akkoord parameter is text or a path, for
which that adapter gives back the string itself, or `Path(string)` checked by typer's own path
rules; a flag's value is already a bool (typer skips an adapter for that, but builds one all
the same for a flag not given, whose value is None). These are done here with the same rules;
any other value or type (numbers, lists, a flag read from the environment) still goes through
typer's adapter, loaded only then.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer._click import Context
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_path
from typer.core import _TyperParameter


@dataclass(frozen=True)
class _Plain(RuntimeParam):
    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if isinstance(value, str):
            return self._from_text(value, param, ctx)
        # Whatever typer's adapter makes of anything else, it still does.
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    def _from_text(self, value: str, param: _TyperParameter, ctx: Context) -> Any:
        return value  # pydantic's str for a str: the value itself


@dataclass(frozen=True)
class _PlainFlag(_Plain):
    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if isinstance(value, bool):
            return value
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


@dataclass(frozen=True)
class _PlainPath(_Plain):
    def _from_text(self, value: str, param: _TyperParameter, ctx: Context) -> Any:
        # pydantic's Path for a str is Path(str); typer then applies its path checks.
        return coerce_cli_path(
            Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx
        )


def _plain_for(descriptor: TypeDescriptor) -> RuntimeParam | None:
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return None
    if descriptor.annotation is str:
        return _Plain(info, descriptor.annotation, descriptor)
    if descriptor.annotation is bool:
        return _PlainFlag(info, descriptor.annotation, descriptor)
    if descriptor.annotation is Path and info.path_type is None:
        return _PlainPath(info, descriptor.annotation, descriptor)
    return None


def read_plainly() -> None:
    """From now on, typer reads text, path and flag parameters the plain way (once per process;
    every command's parameters, its --help option too, which typer makes only as it parses)."""
    if getattr(_TyperParameter, _INSTALLED, False):
        return
    typers_own = _TyperParameter.get_runtime_param

    def get_runtime_param(self: _TyperParameter) -> RuntimeParam:
        if self._runtime_param is None:
            self._runtime_param = _plain_for(self.type_descriptor)
        return typers_own(self)  # typer's adapter for what is not plain

    setattr(_TyperParameter, "get_runtime_param", get_runtime_param)  # noqa: B010
    setattr(_TyperParameter, _INSTALLED, True)


_INSTALLED = "_akkoord_reads_plainly"
