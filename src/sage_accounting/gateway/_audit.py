"""The audit chain: appending a row (its hash covers its fields and the previous row's hash), listing rows
newest first by keyset pages, and checking the whole chain.

Appends are serialized by locking the one-row head table (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` already holds the database's write lock), so any number of threads and processes
sharing a database write one chain.  The head also records the last row, so rows cut from the end are
noticed as well as rows edited or removed in the middle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ._db import GENESIS, audit, audit_head
from ._types import (
    DECISIONS,
    AuditEntry,
    AuditRow,
    AuditVerdict,
    GatewayInputError,
    canonical_json,
    iso_time,
    redact,
)

__all__ = ["append", "list_rows", "row_hash", "verify"]

_HASHED = (
    "id",
    "time",
    "agent",
    "tool",
    "area",
    "business_id",
    "business_name",
    "decision",
    "reason",
    "arguments",
    "sage_status",
    "request_id",
    "record_id",
    "record_displayed_as",
    "duration_ms",
    "sentence",
    "prev_hash",
)
_BATCH = 5000
# Built once: appends are the hot path, and a statement built per call costs more than the SQL it sends.
_HEAD = (
    sa.select(audit_head.c.last_id, audit_head.c.last_hash, audit_head.c.last_time)
    .where(audit_head.c.id == 1)
    .with_for_update()
)
_INSERT = sa.insert(audit)
_MOVE_HEAD = (
    sa.update(audit_head)
    .where(audit_head.c.id == 1)
    .values(last_id=sa.bindparam("new_id"), last_hash=sa.bindparam("new_hash"),
            last_time=sa.bindparam("new_time"), rows=audit_head.c.rows + 1)
)  # fmt: skip


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (SQLite gives naive ones back)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def row_hash(values: dict[str, Any]) -> str:
    """The SHA-256 of the row's canonical JSON (its fields, ``arguments`` as stored text, ``prev_hash``)."""
    fields = {name: values.get(name) for name in _HASHED}
    fields["time"] = iso_time(utc(values["time"]))
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def append(conn: sa.Connection, entry: AuditEntry, now: datetime) -> AuditRow:
    """Append ``entry`` in the open transaction of ``conn`` and return the stored row.

    The transaction must have been begun with the head locked out for others (PostgreSQL: this takes
    ``FOR UPDATE`` on the head row; SQLite: begin IMMEDIATE).
    """
    if entry.decision not in DECISIONS:
        raise GatewayInputError(f"decision {entry.decision!r} is not one of {', '.join(DECISIONS)}")
    head = conn.execute(_HEAD).one()
    # Times never go backwards along the chain, so `since` can be turned into an id bound.
    time = utc(now)
    if head.last_time is not None and utc(head.last_time) > time:
        time = utc(head.last_time)
    values: dict[str, Any] = {
        "id": head.last_id + 1,  # under the lock: ids follow the chain with no gaps
        "time": time,
        "agent": entry.agent,
        "tool": entry.tool,
        "area": entry.area,
        "business_id": entry.business_id,
        "business_name": entry.business_name,
        "decision": entry.decision,
        "reason": entry.reason,
        "arguments": canonical_json(redact(dict(entry.arguments))),
        "sage_status": entry.sage_status,
        "request_id": entry.request_id,
        "record_id": entry.record_id,
        "record_displayed_as": entry.record_displayed_as,
        "duration_ms": None if entry.duration_ms is None else round(float(entry.duration_ms), 3),
        "sentence": entry.sentence,
        "prev_hash": head.last_hash,
    }
    values["hash"] = row_hash(values)
    conn.execute(_INSERT, values)
    conn.execute(_MOVE_HEAD, {"new_id": values["id"], "new_hash": values["hash"], "new_time": time})
    return _row(values)


def _row(values: Any) -> AuditRow:
    data = dict(values._mapping) if hasattr(values, "_mapping") else dict(values)
    data["time"] = utc(data["time"])
    data["arguments"] = json.loads(data["arguments"]) if data.get("arguments") else {}
    fields: dict[str, Any] = {k: data.get(k) for k in AuditRow.__dataclass_fields__}
    return AuditRow(**fields)


def list_rows(
    conn: sa.Connection,
    *,
    agent: str | None = None,
    decision: str | None = None,
    business_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """Rows newest first, filtered; ``before_id`` (the last id of the previous page) gives the next page.

    ``since`` / ``until`` become id bounds found through the time index (times never decrease along the
    chain), so every filter is a bounded walk down one index however long the audit grows.
    """
    if limit < 1:
        raise GatewayInputError(f"limit must be at least 1, not {limit}")
    query = sa.select(audit).order_by(audit.c.id.desc()).limit(limit)
    if agent is not None:
        query = query.where(audit.c.agent == agent)
    if decision is not None:
        if decision not in DECISIONS:
            raise GatewayInputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
        query = query.where(audit.c.decision == decision)
    if business_id is not None:
        query = query.where(audit.c.business_id == business_id)
    if before_id is not None:
        query = query.where(audit.c.id < before_id)
    if since is not None:
        first = conn.execute(
            sa.select(audit.c.id)
            .where(audit.c.time >= utc(since))
            .order_by(audit.c.time, audit.c.id)
            .limit(1)
        ).scalar()
        if first is None:
            return []
        query = query.where(audit.c.id >= first)
    if until is not None:
        last = conn.execute(
            sa.select(audit.c.id)
            .where(audit.c.time < utc(until))
            .order_by(audit.c.time.desc(), audit.c.id.desc())
            .limit(1)
        ).scalar()
        if last is None:
            return []
        query = query.where(audit.c.id <= last)
    return [_row(r) for r in conn.execute(query)]


def _walk(conn: sa.Connection) -> Iterator[Any]:
    last = 0
    while True:
        batch = conn.execute(
            sa.select(audit).where(audit.c.id > last).order_by(audit.c.id).limit(_BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def verify(conn: sa.Connection) -> AuditVerdict:
    """Check every row's hash and link, and the head; name the first row that does not check out."""
    expected_prev = GENESIS
    count = 0
    last_id = 0
    for row in _walk(conn):
        values = dict(row._mapping)
        if values["prev_hash"] != expected_prev:
            problem = (
                f"row {row.id} does not follow row {last_id}: a row before it was removed or changed"
                if last_id
                else f"row {row.id} is not the first row of the chain: rows before it were removed"
            )
            return AuditVerdict(False, count, row.id, problem)
        if row_hash(values) != values["hash"]:
            return AuditVerdict(
                False, count, row.id, f"row {row.id} was altered: its contents do not match its hash"
            )
        expected_prev = values["hash"]
        count += 1
        last_id = row.id
    head = conn.execute(sa.select(audit_head).where(audit_head.c.id == 1)).one_or_none()
    if head is None:
        return AuditVerdict(False, count, None, "the audit head is missing")
    if head.last_id != last_id or head.last_hash != expected_prev or head.rows != count:
        missing = head.last_id if head.last_id != last_id else last_id + 1
        return AuditVerdict(
            False,
            count,
            missing,
            f"the chain ends at row {last_id} but the audit recorded {head.rows} rows ending at row "
            f"{head.last_id}: rows at the end were removed or changed",
        )
    return AuditVerdict(True, count)
