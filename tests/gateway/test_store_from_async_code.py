"""Store calls from the gateway's event loop: answered in place on SQLite, and on PostgreSQL on a worker
thread, so an agent whose call waits on the database server never stalls the other agents' calls."""

from __future__ import annotations

import anyio
import pytest
import sqlalchemy as sa

from sage_accounting.gateway._db import audit_head
from sage_accounting.gateway._types import AuditEntry, GatewayInputError
from sage_accounting.gateway.store import GatewayStore


def _entry(decision: str = "allowed") -> AuditEntry:
    return AuditEntry(
        agent="bookkeeper", tool="sage_list_tax_rates", decision=decision, sentence="bookkeeper listed tax rates",
        area="sales", business_id="b1", business_name="Demo Trading Ltd", reason=None, arguments={"limit": 5},
        sage_status=200, duration_ms=1.0,
    )  # fmt: skip


def test_sqlite_store_calls_answer_and_raise_from_async_code(sqlite_url: str) -> None:
    store = GatewayStore.open(sqlite_url)
    try:
        assert store.local

        async def main() -> None:
            row = await store.acall(store.append_audit, _entry())
            assert row.id == 1 and row.agent == "bookkeeper"
            with pytest.raises(GatewayInputError, match="decision 'maybe'"):
                await store.acall(store.append_audit, _entry("maybe"))

        anyio.run(main)
        assert store.verify_audit().ok
    finally:
        store.close()


def test_postgres_store_call_waiting_on_a_lock_leaves_the_event_loop_free(pg_url: str) -> None:
    store = GatewayStore.open(pg_url)
    other = sa.create_engine(pg_url)
    try:
        assert not store.local

        async def main() -> None:
            ticks = 0
            appended = anyio.Event()

            async def append() -> None:
                await store.acall(store.append_audit, _entry())
                appended.set()

            with other.connect() as conn:
                held = conn.begin()
                # Another process holds the audit head: this process's append has to wait for it.
                conn.execute(sa.select(audit_head).where(audit_head.c.id == 1).with_for_update())
                async with anyio.create_task_group() as tg:
                    tg.start_soon(append)
                    while ticks < 5:  # the loop keeps running other work while the append waits
                        await anyio.sleep(0.01)
                        ticks += 1
                    assert not appended.is_set()
                    held.commit()
                    await appended.wait()

        anyio.run(main)
        assert store.verify_audit().ok and store.verify_audit().rows == 1
    finally:
        other.dispose()
        store.close()
