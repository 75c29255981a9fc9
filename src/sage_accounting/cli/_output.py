"""Printing answers: a rich table (default), ``--json``, ``--ndjson`` or ``--csv``; the ``--all`` progress bar.

Data goes to stdout, everything else (progress, notes) to stderr, so ``--json``/``--csv`` output pipes
cleanly.  A list envelope (``$items``) prints one row per record; a single record prints as field/value
rows; ``None`` (a 204) prints the ``empty`` note.

Table cells and titles are shown as plain text: Rich markup in the data (``[red]…``) is escaped and
terminal control characters (escape sequences, NUL …) are removed, so a record's name can neither break
the table nor drive the terminal.  CSV cells that start with ``=``, ``+``, ``-`` or ``@`` get a leading
``'`` so a spreadsheet opening the file does not run them as formulas (``=HYPERLINK(…)``); plain
numbers (``-12.50``) are left as they are.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ._columns import Column, money_text, value_at

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from .._client import SageAccounting
    from .._response import APIResponse

__all__ = ["ProgressClient", "csv_cell", "emit", "err_console", "out_console", "plain", "records"]

_MAX_COLUMNS = 8
_CELL = 60
# C0 and C1 control characters (ESC starts terminal escape sequences), DEL, and the Unicode bidi overrides.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def plain(value: Any) -> str:
    """``value`` as text safe to hand to Rich: control characters removed, markup escaped."""
    text = _CONTROL.sub("", str(value)).replace("\t", " ").replace("\n", " ").replace("\r", "")
    return escape(text)


def csv_cell(value: Any) -> str:
    """A CSV cell's text; one starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return)
    gets a leading ``'`` (formula injection: a spreadsheet would otherwise evaluate it).  Plain numbers
    such as ``-12.50`` are left as they are."""
    text = "" if value is None else _default(value) if not isinstance(value, str) else value
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def out_console() -> Console:
    """A console on the current stdout (looked up each time: test runners swap it)."""
    return Console(file=sys.stdout, soft_wrap=False, highlight=False)


def err_console() -> Console:
    """A console on the current stderr."""
    return Console(file=sys.stderr, soft_wrap=True, highlight=False)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def to_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON text (money as strings, as Sage sends it)."""
    separators = None if indent else (",", ":")
    return json.dumps(data, indent=indent, ensure_ascii=False, default=_default, separators=separators)


def records(data: Any) -> list[Any]:
    """The records in an answer: a list envelope's ``$items``, a list's elements, or the one record."""
    if isinstance(data, Mapping) and isinstance(data.get("$items"), list):
        return list(data["$items"])
    if isinstance(data, list):
        return data
    if data is None:
        return []
    return [data]


def _flatten(record: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(record, Mapping):
        return {prefix or "value": record}
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if key == "$path" or (prefix and key in ("$path",)):
            continue
        if isinstance(value, Mapping):
            out.update(_flatten(value, name))
        elif isinstance(value, list):
            out[name] = to_json(value, indent=None)
        else:
            out[name] = value
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        shown = value.get("displayed_as") or value.get("id")
        return str(shown) if shown is not None else to_json(value, indent=None)
    if isinstance(value, list):
        parts = [_cell(v) for v in value]
        return ", ".join(parts)
    text = str(value)
    return text if len(text) <= _CELL else text[: _CELL - 1] + "…"


def _shown(value: Any) -> str:
    return plain(_cell(value))


def _columns(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            if key != "$path":
                seen.setdefault(str(key), None)
    columns = list(seen)
    preferred = [c for c in ("id", "displayed_as") if c in seen]
    rest = [c for c in columns if c not in preferred]
    return (preferred + rest)[:_MAX_COLUMNS]


def _table(data: Any, title: str | None) -> Table | None:
    items = records(data)
    if isinstance(data, Mapping) and "$items" in data:
        total = data.get("$total")
        shown = f"{len(items)} of {total}" if total is not None else str(len(items))
        title = f"{title} ({shown})" if title else shown
    if (
        not (isinstance(data, Mapping) and "$items" in data)
        and len(items) == 1
        and isinstance(items[0], Mapping)
    ):
        table = Table(title=plain(title) if title else None, show_header=True)
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for key, value in _flatten(items[0]).items():
            table.add_row(plain(key), _shown(value))
        return table
    rows = [r for r in items if isinstance(r, Mapping)]
    if len(rows) != len(items):
        return None
    table = Table(title=plain(title) if title else None)
    columns = _columns(rows)
    for column in columns:
        table.add_column(plain(column), overflow="fold")
    for row in rows:
        table.add_row(*(_shown(row.get(c)) for c in columns))
    return table


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _fit(natural: list[int], fixed: list[bool], width: int) -> list[int]:
    """Column widths that fit ``width``: fixed columns (money, dates, codes) keep theirs, the others share
    what is left, the narrowest first (water-filling), never under 6."""
    overhead = 3 * len(natural) + 1  # a border and two spaces of padding per column, and the last border
    if sum(natural) + overhead <= width:
        return natural
    widths = list(natural)
    flexible = sorted((w, i) for i, w in enumerate(natural) if not fixed[i])
    budget = width - overhead - sum(w for w, f in zip(natural, fixed, strict=True) if f)
    for done, (wanted, index) in enumerate(flexible):
        share = max(budget // (len(flexible) - done), 6)
        widths[index] = min(wanted, share)
        budget -= widths[index]
    return widths


def _column_table(
    data: Any, title: str | None, columns: tuple[Column, ...], keep_empty: bool, width: int
) -> Table | None:
    """A list as a table of ``columns``: one row per record, money right-aligned with two decimals, text
    cut with an ellipsis so each record stays on one line of a terminal ``width`` wide.  Columns empty in
    every row are left out unless they were chosen (``keep_empty``)."""
    if not (isinstance(data, Mapping) and isinstance(data.get("$items"), list)):
        return None
    rows = [r for r in data["$items"] if isinstance(r, Mapping)]
    if len(rows) != len(data["$items"]):
        return None
    total = data.get("$total")
    shown = f"{len(rows)} of {total}" if total is not None else str(len(rows))
    title = f"{title} ({shown})" if title else shown
    kept = [c for c in columns if keep_empty or any(_filled(value_at(r, c.path)) for r in rows)]
    kept = kept or list(columns[:1])
    cells = [
        [plain(money_text(value_at(r, c.path)) if c.money else _cell(value_at(r, c.path))) for c in kept]
        for r in rows
    ]
    natural = [max([len(c.heading), *(len(row[i]) for row in cells)]) for i, c in enumerate(kept)]
    fixed = [c.money or n <= 12 for c, n in zip(kept, natural, strict=True)]
    widths = _fit(natural, fixed, width)
    table = Table(title=plain(title), min_width=min(len(title) + 4, width))
    for column, size in zip(kept, widths, strict=True):
        table.add_column(plain(column.heading), justify="right" if column.money else "left", no_wrap=True, overflow="ellipsis",
                         max_width=max(size, 1), min_width=size if column.money else None)  # fmt: skip
    for row in cells:
        table.add_row(*row)
    return table


def emit(
    data: Any,
    fmt: str,
    *,
    title: str | None = None,
    empty: str = "Done.",
    columns: tuple[Column, ...] | None = None,
    keep_empty: bool = False,
) -> None:
    """Print ``data`` in ``fmt`` (table, json, ndjson, csv) on stdout; a list's table shows ``columns``
    when given (see :mod:`._columns`)."""
    out = sys.stdout
    if fmt == "json":
        out.write(to_json(data) + "\n")
    elif fmt == "ndjson":
        for item in records(data):
            out.write(to_json(item, indent=None) + "\n")
    elif fmt == "csv":
        rows = [_flatten(r) for r in records(data)]
        seen: dict[str, None] = {}
        for row in rows:
            for key in row:
                seen.setdefault(key, None)
        buffer = io.StringIO()
        fields = list(seen)
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([csv_cell(f) for f in fields])
        for row in rows:
            writer.writerow([csv_cell(row.get(f)) for f in fields])
        out.write(buffer.getvalue())
    elif data is None:
        err_console().print(empty)
    elif isinstance(data, str):
        out.write(data if data.endswith("\n") else data + "\n")
    else:
        console = out_console()
        table = _column_table(data, title, columns, keep_empty, console.width) if columns else None
        table = table or _table(data, title)
        if table is None:
            out.write(to_json(data) + "\n")
        else:
            console.print(table)
    out.flush()


class ProgressClient:
    """Stands in for a client while ``--all`` walks the pages: every list page advances a progress bar
    on stderr (only used when stderr is a terminal)."""

    def __init__(self, client: SageAccounting, progress: Progress, task: TaskID) -> None:
        self._client = client
        self._progress = progress
        self._task = task

    def request(self, method: str, path: str, **kwargs: Any) -> APIResponse:
        """The client's ``request``, counting the records of each page."""
        response = self._client.request(method, path, **kwargs)
        if method == "GET":
            try:
                body = response.json()
            except ValueError:
                return response
            if isinstance(body, Mapping) and isinstance(body.get("$items"), list):
                total = body.get("$total")
                if isinstance(total, int):
                    self._progress.update(self._task, total=total)
                self._progress.advance(self._task, len(body["$items"]))
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def progress_bar(console: Console | None = None) -> Progress:
    """The ``--all`` progress bar (on stderr, cleared when done)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console or Console(file=sys.stderr),
        transient=True,
    )
