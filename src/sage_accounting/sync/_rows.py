"""From a record as Sage sends it to a row of its table: typed columns, the fingerprint, the event id."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from ._catalog import Column, SyncResource

__all__ = ["FIXED_HEAD", "FIXED_TAIL", "Row", "RowMaker", "event_id", "parse_ts", "utc"]

FIXED_HEAD = ("business_id", "id", "displayed_as", "created_at", "updated_at", "deleted_at")
"""The columns every resource table starts with, in order; its typed columns follow."""
FIXED_TAIL = ("data", "sync_hash", "synced_at")
"""The columns every resource table ends with, in order."""

Row = tuple[Any, ...]
"""A row as the driver binds it: one value per column of the table, in the table's order."""
Convert = Callable[[Any], Any]
"""A driver-side conversion of one bound value (never given ``None``)."""


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """``value`` as an aware UTC datetime (SQLite hands timestamps back without a zone)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def parse_ts(value: Any) -> dt.datetime | None:
    """Sage's ``2026-01-31T10:00:00Z`` as an aware datetime; anything else as ``None``."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return utc(dt.datetime.fromisoformat(value))
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _parse_ts_cached(value: str) -> dt.datetime | None:
    return parse_ts(value)


def cached_ts(value: Any) -> dt.datetime | None:
    """:func:`parse_ts`, with recent answers kept (a page's records often share their seconds)."""
    return _parse_ts_cached(value) if isinstance(value, str) else None


def sqlite_datetime(value: dt.datetime) -> str:
    """SQLAlchemy's SQLite storage format for a UTC datetime (``2026-01-31 10:00:00.000000``)."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@functools.lru_cache(maxsize=4096)
def _sqlite_ts_cached(value: str) -> str | None:
    parsed = parse_ts(value)
    return None if parsed is None else sqlite_datetime(parsed)


def sqlite_ts(value: Any) -> str | None:
    """Sage's timestamp text as SQLite stores it (``None`` when it is not one), recent answers kept."""
    return _sqlite_ts_cached(value) if isinstance(value, str) else None


def sqlite_ts_read(value: str | None) -> dt.datetime | None:
    """The aware datetime of a timestamp in SQLite's storage format."""
    return None if value is None else dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def _dig(record: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    key = path[0]
    if len(path) == 1 and isinstance(key, str):  # most columns: a top-level attribute
        return record.get(key)
    value: Any = record
    for key in path:
        if isinstance(key, int):
            value = value[key] if isinstance(value, list) and len(value) > key else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def _typed(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    kind = column.kind
    if kind == "text":
        return value if isinstance(value, str) else str(value)
    try:
        if kind == "money":
            return Decimal(str(value))
        if kind == "date":
            return dt.date.fromisoformat(str(value)[:10])
        if kind == "bool":
            return bool(value)
        if kind == "int":
            return int(value)
    except (ValueError, InvalidOperation, TypeError):
        return None  # a surprising value stays readable in ``data``; the column is a convenience
    return value if isinstance(value, str) else str(value)


def _typed_getter(column: Column, convert: Convert | None) -> Callable[[dict[str, Any]], Any]:
    """Reads ``column``'s value from a record, typed by its kind, then converted for the driver."""
    path = column.path
    key = path[0]
    if column.kind == "text" and convert is None and len(path) == 1 and isinstance(key, str):

        def text(record: dict[str, Any]) -> Any:  # the most common column: a top-level text
            value = record.get(key)
            if isinstance(value, str):
                return value or None
            return None if value is None else str(value)

        return text

    def typed(record: dict[str, Any]) -> Any:
        value = _typed(column, _dig(record, path))
        return value if value is None or convert is None else convert(value)

    return typed


def same(value: Any) -> Any:
    """``value`` as it is: the conversion of a value the driver takes unchanged."""
    return value


_GIL_MINSIZE = 2048
"""hashlib lets go of the GIL while hashing this many bytes or more at once."""


def _sha1(text: bytes) -> str:
    """The SHA-1 of ``text``, fed to hashlib in pieces too short for it to let go of the GIL.

    Letting go of it to hash two kilobytes saves nothing and costs a great deal: while the walk's page
    fetchers hold the interpreter, each of a batch's hashes would wait its turn to take it back (20,000
    hashes took 9.4 s beside four busy threads, against 0.2 s hashed in pieces).
    """
    if len(text) < _GIL_MINSIZE:
        return hashlib.sha1(text).hexdigest()
    digest = hashlib.sha1()
    view = memoryview(text)
    for start in range(0, len(view), _GIL_MINSIZE - 1):
        digest.update(view[start : start + _GIL_MINSIZE - 1])
    return digest.hexdigest()


class RowMaker:
    """Makes the row of each record of one resource: the tuple of values the driver binds, in the
    table's column order (:data:`FIXED_HEAD`, the typed columns, :data:`FIXED_TAIL`).

    The record is serialised once, keys sorted: those bytes are both what the fingerprint
    (``sync_hash``, SHA-1) hashes and what ``data`` holds.  No dictionary is made per row, and each
    value is already in the form the driver takes, so a batch goes to the database as it is.

    ``timestamp`` turns Sage's timestamp text into the driver's value and ``read_timestamp`` turns that
    back into an aware datetime; ``data`` turns the sorted JSON bytes into the row's ``data`` value;
    ``convert`` maps a column's name to its driver conversion (none when absent).
    """

    ID = 1
    UPDATED_AT = 4

    def __init__(
        self,
        resource: SyncResource,
        *,
        timestamp: Convert,
        read_timestamp: Callable[[Any], dt.datetime | None],
        data: Callable[[bytes], Any],
        convert: dict[str, Convert],
    ) -> None:
        self.resource = resource
        self.names: tuple[str, ...] = (*FIXED_HEAD, *(c.name for c in resource.columns), *FIXED_TAIL)
        self.DATA = len(self.names) - 3
        self.HASH = len(self.names) - 2
        self._timestamp = timestamp
        self._read_timestamp = read_timestamp
        self._data = data
        self._typed = [_typed_getter(c, convert.get(c.name)) for c in resource.columns]
        self._synced = convert.get("synced_at", same)

    def rows(self, business_id: str, records: Sequence[dict[str, Any]], now: dt.datetime) -> list[Row]:
        """The rows of ``records``, written at ``now``."""
        synced_at = self._synced(now)
        ts, data, typed_columns = self._timestamp, self._data, self._typed
        sha1, dumps, sort_keys = _sha1, orjson.dumps, orjson.OPT_SORT_KEYS
        out = []
        for record in records:
            text = dumps(record, option=sort_keys)
            get = record.get
            out.append(
                (
                    business_id,
                    str(record["id"]),
                    get("displayed_as"),
                    ts(get("created_at")),
                    ts(get("updated_at")),
                    None,
                    *[typed(record) for typed in typed_columns],
                    data(text),
                    sha1(text),
                    synced_at,
                )
            )
        return out

    def updated_at(self, row: Row) -> dt.datetime | None:
        """The row's ``updated_at`` as an aware datetime."""
        return self._read_timestamp(row[self.UPDATED_AT])

    def record_json(self, row: Row) -> orjson.Fragment:
        """The row's record as JSON to embed, not parse, in another document (an event's body)."""
        return orjson.Fragment(row[self.DATA])


def event_id(business_id: str, resource: str, record_id: str, kind: str, version: str) -> str:
    """The ``webhook-id`` of one change: the same change always gets the same id, so a receiver can
    drop a redelivery."""
    text = f"{business_id}|{resource}|{record_id}|{kind}|{version}"
    return "evt_" + hashlib.sha256(text.encode()).hexdigest()[:32]
