"""Helpers shared by the sync tests."""

from __future__ import annotations

from typing import Any

from sage_accounting import Connection, MemoryTokenStore, RetryConfig
from sage_accounting.emulator import DEMO, Emulator

FAST_RETRY = RetryConfig(initial_delay=0.01, max_delay=0.05, max_retry_after=2.0)


def connect(emu: Emulator, **kwargs: Any) -> Connection:
    """A connection signed in to ``emu`` (tokens granted without the browser), in process."""
    token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
    kwargs.setdefault("store", MemoryTokenStore())
    return Connection(
        DEMO.client_id,
        DEMO.client_secret,
        redirect_uri=DEMO.redirect_uri,
        host="http://sage.test",
        token=token,
        transport=emu.transport(),
        async_transport=emu.async_transport(),
        **kwargs,
    )


def sqlite_url(tmp_path: Any, name: str = "sage.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def db_rows(store: Any, resource: str, *, live: bool | None = None) -> dict[tuple[str, str], Any]:
    """The rows of one resource table keyed by (business_id, id)."""
    from sqlalchemy import select

    table = store.t.resources[resource]
    query = select(table)
    if live is True:
        query = query.where(table.c.deleted_at.is_(None))
    elif live is False:
        query = query.where(table.c.deleted_at.is_not(None))
    with store.engine.connect() as conn:
        return {(r.business_id, r.id): r for r in conn.execute(query)}


def sage_records(sage: Any, business_id: str, resource: str) -> dict[str, dict[str, Any]]:
    """Every record of ``resource`` in one business, as Sage lists them (attributes all)."""
    client = sage.with_business(business_id)
    return {r["id"]: r for r in getattr(client, resource).list_raw(attributes="all", items_per_page=200)}


def assert_matches(sage: Any, store: Any, business_ids: list[str], resources: Any, *, get_each: bool) -> int:
    """The store's live rows are exactly Sage's records, each equal to ``GET /{resource}/{id}`` (or the
    list with all attributes, for reference lists and when ``get_each`` is off); the number compared."""
    compared = 0
    for res in resources:
        rows = db_rows(store, res.name, live=True)
        for bid in business_ids:
            listed = sage_records(sage, bid, res.name)
            mine = {rid: row for (b, rid), row in rows.items() if b == bid}
            assert set(mine) == set(listed), (res.name, bid)
            client = sage.with_business(bid)
            for rid, row in mine.items():
                expected = listed[rid]
                if get_each and res.since:
                    expected = client.request("GET", f"/{res.name}/{rid}").json()
                assert row.data == expected, (res.name, rid)
                assert row.displayed_as == expected.get("displayed_as")
                compared += 1
    return compared
