"""From a record as Sage sends it to a row of its table: typed columns, the fingerprint, the event id."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from ._catalog import Column, SyncResource

__all__ = ["canonical_json", "event_id", "fingerprint", "parse_ts", "row_of", "utc"]


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


def canonical_json(record: dict[str, Any]) -> bytes:
    """The record as JSON with its keys sorted: what :func:`fingerprint` hashes, and what SQLite stores
    as ``data`` (one serialisation serves both)."""
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)


def fingerprint(record: dict[str, Any], text: bytes | None = None) -> str:
    """A stable hash of the whole record (keys sorted), to tell two versions with one ``updated_at``
    apart (``text``: the record's :func:`canonical_json`, when already made)."""
    return hashlib.sha1(canonical_json(record) if text is None else text).hexdigest()


def row_of(
    resource: SyncResource, business_id: str, record: dict[str, Any], now: dt.datetime
) -> dict[str, Any]:
    """The table row for ``record`` (``data_json`` holds ``data`` already serialised)."""
    text = canonical_json(record)
    row: dict[str, Any] = {
        "business_id": business_id,
        "id": str(record["id"]),
        "displayed_as": record.get("displayed_as"),
        "created_at": parse_ts(record.get("created_at")),
        "updated_at": parse_ts(record.get("updated_at")),
        "deleted_at": None,
        "data": record,
        "data_json": text,
        "sync_hash": fingerprint(record, text),
        "synced_at": now,
    }
    for column in resource.columns:
        row[column.name] = _typed(column, _dig(record, column.path))
    return row


def event_id(business_id: str, resource: str, record_id: str, kind: str, version: str) -> str:
    """The ``webhook-id`` of one change: the same change always gets the same id, so a receiver can
    drop a redelivery."""
    text = f"{business_id}|{resource}|{record_id}|{kind}|{version}"
    return "evt_" + hashlib.sha256(text.encode()).hexdigest()[:32]
