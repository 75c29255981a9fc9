"""A dlt source over the sync's change feed: load Sage into any dlt destination (DuckDB, BigQuery,
Snowflake …) and run it on your orchestrator.

``pip install 'sage-accounting[dlt]'``::

    import dlt
    from sage_accounting import Connection, FileTokenStore, SageAccounting
    from sage_accounting.dlt import sage_source

    sage = SageAccounting(Connection.from_env())          # auth from the toolkit's token store
    pipeline = dlt.pipeline("sage", destination="duckdb", dataset_name="sage")
    pipeline.run(sage_source(sage, resources=["contacts", "sales_invoices"]))

Each resource becomes a table named as Sage's path, merged on ``(business_id, id)``; deleted records
come as rows with ``_deleted`` true, which dlt's ``hard_delete`` hint removes from the destination.
The cursors (per business) live in dlt's resource state, which dlt commits with the loaded data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import dlt

from .sync._catalog import RESOURCES, SyncResource, resource_named
from .sync._feed import ChangeFeed, FeedOptions, needs_full_pass, utcnow

if TYPE_CHECKING:
    from ._client import SageAccounting

__all__ = ["sage_source"]

TOMBSTONE = "_deleted"


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _when(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _reader(
    client: SageAccounting, spec: SyncResource, businesses: Sequence[str], full: bool, options: FeedOptions
) -> Iterator[list[dict[str, Any]]]:
    state = dlt.current.resource_state()
    cursors: dict[str, str | None] = state.setdefault("cursors", {})
    last_full: dict[str, str | None] = state.setdefault("last_full", {})
    # ids are kept only for resources Sage lists no deletions of: their deletions are found by
    # comparing ids on a full pass
    known_ids: dict[str, list[str]] = state.setdefault("ids", {})
    for business_id in businesses:
        cursor = _when(cursors.get(business_id))
        now = utcnow()
        is_full = needs_full_pass(spec, cursor, _when(last_full.get(business_id)), now, options, forced=full)
        feed = ChangeFeed(client, business_id, spec, cursor, full=is_full, options=options)
        for batch in feed.pages():
            if batch:
                yield [{"business_id": business_id, **record, TOMBSTONE: False} for record in batch]
        before = set(known_ids.get(business_id, [])) if not spec.deleted_since else None
        deleted, recovered = feed.finish(None if before is None else before.copy)
        rows = [{"business_id": business_id, **record, TOMBSTONE: False} for record in recovered]
        rows += [{"business_id": business_id, "id": rid, TOMBSTONE: True} for rid in deleted]
        if rows:
            yield rows
        if before is not None:
            seen = feed.listed | {str(r["id"]) for r in recovered}
            ids = seen if is_full else before | seen
            known_ids[business_id] = sorted(ids - set(deleted))
        cursors[business_id] = _iso(feed.next_cursor)
        if is_full and not feed.shifted:
            last_full[business_id] = _iso(now)


def sage_source(
    client: SageAccounting | None = None,
    *,
    business_ids: Sequence[str] | None = None,
    resources: Sequence[str] | None = None,
    full: bool = False,
    options: FeedOptions | None = None,
) -> Any:
    """The dlt source: one merge resource per Sage resource (all of them, or ``resources``), for every
    business the user can reach (or ``business_ids``).  ``client`` defaults to
    ``SageAccounting(Connection.from_env())``; ``full`` reads everything again."""
    if client is None:
        from ._client import SageAccounting
        from .auth import Connection

        client = SageAccounting(Connection.from_env())
    specs = [resource_named(r) for r in resources] if resources else list(RESOURCES)
    feed_options = options or FeedOptions()
    sage = client

    @dlt.source(name="sage")
    def source() -> Any:
        businesses = (
            list(business_ids)
            if business_ids
            else [str(b["id"]) for b in sage.businesses.list_raw(items_per_page=200)]
        )
        return [
            dlt.resource(
                _reader(sage, spec, businesses, full, feed_options),
                name=spec.name,
                write_disposition="merge",
                primary_key=("business_id", "id"),
                columns={TOMBSTONE: {"data_type": "bool", "hard_delete": True}},
            )
            for spec in specs
        ]

    return source()
