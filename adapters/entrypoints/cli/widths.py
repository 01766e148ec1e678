"""Tables that fit the terminal without cutting a date.

rich shrinks a table that is wider than the terminal by cutting its cells short ("2024-1…"),
which makes dates unreadable exactly where they matter. `fit` prepares a table first:

- a column of dates (ISO, or "22 oktober 2025, 16:00") never wraps and is never cut;
- every other column folds a word that is too long onto the next line instead of cutting it;
- when that still does not fit, id columns are left out (`--json` has them) and a matrix whose
  columns are dates (the demo's status per key date) is printed as several tables, each with
  as many date columns as fit, the row keys repeated.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.table import Column, Table

if TYPE_CHECKING:
    from rich.console import Console

DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?"
    r"|\d{1,2} \w+ \d{4}(?:, \d{2}:\d{2})?"
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NARROWEST_TEXT = 8  # a text column narrower than this reads as a column of syllables
WIDEST_WORD = 14  # "conditionally", "participation": whole in a matrix cell, longer ones fold


def _text(cell: Any) -> str:
    return cell if isinstance(cell, str) else ""


def _cells(column: Column) -> list[str]:
    return [_text(c) for c in column._cells]


def is_date(text: str) -> bool:
    return bool(DATE.fullmatch(text.strip()))


def _dated(column: Column) -> bool:
    cells = [c for c in _cells(column) if c.strip()]
    return bool(cells) and all(is_date(c) for c in cells)


def _date_headed(column: Column) -> bool:
    return is_date(_text(column.header))


def _ids(column: Column) -> bool:
    header = _text(column.header).strip().lower()
    cells = [c for c in _cells(column) if c.strip()]
    return (
        header == "id"
        or header.endswith(" id")
        or (bool(cells) and all(UUID.fullmatch(c.strip()) for c in cells))
    )


def _need(column: Column) -> int:
    """The narrowest this column may be and still be read."""
    if _dated(column):
        return max(len(c) for c in _cells(column) if c.strip())
    header = _text(column.header)
    if _date_headed(column):
        return max(len(header), min(_longest_word(column), WIDEST_WORD))
    return min(max(NARROWEST_TEXT, _longest_word(column, cells=False)), _longest_word(column))


def _longest_word(column: Column, *, cells: bool = True) -> int:
    texts = [_text(column.header), *(_cells(column) if cells else [])]
    return max((len(word) for text in texts for word in text.split()), default=0)


def _overhead(table: Table, columns: int) -> int:
    """What borders and padding take: "│ " and " " around each cell, one closing "│"."""
    if table.box is None:
        return 2 * columns
    return 3 * columns + 1


def _width(table: Table, columns: list[Column]) -> int:
    return sum(_need(c) for c in columns) + _overhead(table, len(columns))


def _prepare(column: Column) -> None:
    if _dated(column):
        column.no_wrap = True
        column.overflow = "fold"
    elif _date_headed(column):
        # a fixed width is never shrunk by rich: the date in the header stays whole
        column.width = _need(column)
        column.overflow = "fold"
    else:
        column.overflow = "fold"


def _copy(table: Table, columns: list[Column], title: str | None) -> Table:
    part = Table(
        title=title,
        box=table.box,
        show_header=table.show_header,
        show_lines=table.show_lines,
        caption=table.caption,
    )
    for column in columns:
        part.add_column(
            column.header,
            justify=column.justify,
            no_wrap=column.no_wrap,
            overflow=column.overflow,
            width=column.width,
        )
    for row in range(table.row_count):
        part.add_row(*[column._cells[row] for column in columns])
    return part


def fit(table: Table, width: int) -> list[Table]:
    """`table` made to fit `width` columns, as one table or several (see the module)."""
    for column in table.columns:
        _prepare(column)
    columns = list(table.columns)
    if _width(table, columns) <= width:
        return [table]
    columns = [c for c in columns if not _ids(c)] or columns
    if _width(table, columns) <= width:
        return [_copy(table, columns, _text(table.title) or None)]
    keys = [c for c in columns if not _date_headed(c)]
    spread = [c for c in columns if _date_headed(c)]
    if not spread:
        return [_copy(table, columns, _text(table.title) or None)]
    groups: list[list[Column]] = [[]]
    for column in spread:
        if groups[-1] and _width(table, [*keys, *groups[-1], column]) > width:
            groups.append([])
        groups[-1].append(column)
    title = _text(table.title)
    return [
        _copy(table, [*keys, *group], f"{title} ({n}/{len(groups)})" if title else None)
        for n, group in enumerate(groups, 1)
    ]


def print_fitted(console: Console, table: Table) -> None:
    for part in fit(table, console.width):
        console.print(part)


def wrap_prose(console: Console) -> None:
    """Until the running command ends, lines of text wrap at the terminal's width (at spaces; a
    long path folds). The CLI's consoles soft-wrap by default, so that a line piped to another
    program stays one line; a story told to a person (`akkoord demo`) fits the terminal."""
    import click

    real: Console = getattr(console, "_real", lambda: console)()
    before = real.soft_wrap
    real.soft_wrap = False
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(lambda: setattr(real, "soft_wrap", before))
