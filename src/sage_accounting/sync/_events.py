"""Change events from the outbox: what ``watch`` delivers and :func:`changes` yields.

A sync writes one event per change (``contact.created``, ``sales_invoice.updated``,
``contact_payment.deleted`` …) into the ``sync_outbox`` table in the same transaction as the rows, once
events are enabled on the database.  Events leave the outbox in the order they were written (so in
order per record) and are marked delivered only once handed over: at least once, across crashes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import select, update

from ._feed import utcnow
from ._rows import utc
from ._runner import Syncer, SyncOptions
from ._schema import TABLES

if TYPE_CHECKING:
    from .._client import SageAccounting
    from ._store import Store

__all__ = ["ChangeEvent", "Outbox", "changes"]


@dataclass(frozen=True)
class ChangeEvent:
    """One change to one record.

    ``id`` is stable for the change (use it to drop a redelivery); ``type`` is
    ``<resource>.<created|updated|deleted>``; ``record`` is the record as Sage returns it (for a
    deletion, the last version the sync had).
    """

    seq: int
    id: str
    type: str
    business_id: str
    resource: str
    record_id: str
    occurred_at: dt.datetime
    payload: dict[str, Any]

    @property
    def record(self) -> Any:
        return self.payload.get("data", {}).get("record")

    def body(self) -> bytes:
        """The JSON body a webhook receives: ``{type, timestamp, data: {business_id, resource, id,
        record}}``."""
        return orjson.dumps(self.payload)


class Outbox:
    """The pending events of one database."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def pending(self, limit: int = 500) -> list[ChangeEvent]:
        """The oldest undelivered events, in the order they were written."""
        box = TABLES.outbox
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(box).where(box.c.delivered_at.is_(None)).order_by(box.c.seq).limit(limit)
            ).all()
        return [
            ChangeEvent(
                seq=r.seq,
                id=r.event_id,
                type=r.type,
                business_id=r.business_id,
                resource=r.resource,
                record_id=r.record_id,
                occurred_at=utc(r.occurred_at) or utcnow(),
                payload=r.payload,
            )
            for r in rows
        ]

    def delivered(self, event: ChangeEvent) -> None:
        box = TABLES.outbox
        with self.engine.begin() as conn:
            conn.execute(
                update(box)
                .where(box.c.seq == event.seq)
                .values(delivered_at=utcnow(), attempts=box.c.attempts + 1, last_error=None)
            )

    def failed(self, event: ChangeEvent, error: str, retry_at: dt.datetime) -> None:
        box = TABLES.outbox
        with self.engine.begin() as conn:
            conn.execute(
                update(box)
                .where(box.c.seq == event.seq)
                .values(attempts=box.c.attempts + 1, last_error=error[:500], next_attempt_at=retry_at)
            )


def changes(
    client: SageAccounting,
    db: str | Store = "sqlite:///./sage.db",
    *,
    interval: float = 60.0,
    once: bool = False,
    resources: Sequence[str] | None = None,
    business_ids: Sequence[str] | None = None,
    options: SyncOptions | None = None,
) -> Iterator[ChangeEvent]:
    """Sync in a loop and yield each change as a :class:`ChangeEvent`, oldest first.

    Events left undelivered by an earlier run come first.  An event counts as delivered when the loop
    asks for the next one, so one your code was handling when the process died comes again (at least
    once; deduplicate on ``event.id``).  ``once``: one sync, its events, then stop.

    >>> for event in sage_sync.changes(sage, db="sqlite:///sage.db"):  # doctest: +SKIP
    ...     print(event.type, event.record_id)
    """
    from ._store import Store, open_store

    store = db if isinstance(db, Store) else open_store(db)
    store.enable_events()
    outbox = Outbox(store)
    try:
        yield from _drain(outbox)
        while True:
            Syncer(
                client, store, resources=resources, business_ids=business_ids, events=True, options=options
            ).run()
            yield from _drain(outbox)
            if once:
                return
            time.sleep(interval)
    finally:
        if not isinstance(db, Store):
            store.close()


def _drain(outbox: Outbox) -> Iterator[ChangeEvent]:
    while batch := outbox.pending():
        for event in batch:
            yield event
            outbox.delivered(event)
