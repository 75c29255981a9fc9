"""Sage into a database, incrementally, deletions included, across every business — and change events.

::

    from sage_accounting import SageAccounting, sync as sage_sync

    with SageAccounting(conn) as sage:
        result = sage_sync.run(sage, db="sqlite:///sage.db")      # one pass over every business
        for event in sage_sync.changes(sage, db="sqlite:///sage.db"):  # sync in a loop, yield events
            print(event.type, event.record_id)

Needs SQLAlchemy (installed with the toolkit); PostgreSQL needs ``sage-accounting[postgres]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._catalog import RESOURCES, SyncResource, resource_named
from ._events import ChangeEvent, changes
from ._runner import JobResult, RunResult, Syncer, SyncOptions
from ._store import Store, open_store

if TYPE_CHECKING:
    from .._client import SageAccounting

__all__ = [
    "DEFAULT_DB",
    "RESOURCES",
    "ChangeEvent",
    "JobResult",
    "RunResult",
    "Store",
    "SyncOptions",
    "SyncResource",
    "Syncer",
    "changes",
    "open_store",
    "resource_named",
    "run",
    "status",
]

DEFAULT_DB = "sqlite:///./sage.db"


def run(
    client: SageAccounting,
    db: str | Store = DEFAULT_DB,
    *,
    resources: Sequence[str] | None = None,
    business_ids: Sequence[str] | None = None,
    full: bool = False,
    options: SyncOptions | None = None,
) -> RunResult:
    """One sync pass: every resource (or ``resources``) of every business the user can reach (or
    ``business_ids``) into ``db`` (a SQLAlchemy URL or an open :class:`Store`)."""
    store = db if isinstance(db, Store) else open_store(db)
    try:
        syncer = Syncer(
            client, store, resources=resources, business_ids=business_ids, full=full, options=options
        )
        return syncer.run()
    finally:
        if not isinstance(db, Store):
            store.close()


def status(db: str | Store = DEFAULT_DB) -> list[dict[str, Any]]:
    """Per business and resource: ``{business_id, resource, cursor, rows, deleted, last_run, …}``."""
    store = db if isinstance(db, Store) else open_store(db)
    try:
        return store.status()
    finally:
        if not isinstance(db, Store):
            store.close()
