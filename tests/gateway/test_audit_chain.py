"""The audit: one row per call, secrets redacted, newest first in keyset pages, and a hash chain that
`verify` checks — naming the first row edited or following a removed one — kept whole by many threads
(SQLite) and many processes (PostgreSQL) appending at once."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from sage_accounting.gateway._types import AuditEntry, GatewayInputError
from sage_accounting.gateway.store import GatewayStore

from .conftest import Clock


def entry(n: int = 0, **overrides: object) -> AuditEntry:
    values: dict[str, object] = {
        "agent": "bookkeeper",
        "tool": "sage_list_contacts",
        "area": "contacts",
        "business_id": "B1",
        "business_name": "Demo Trading Ltd",
        "decision": "allowed",
        "reason": "Contacts: Read",
        "arguments": {"limit": n},
        "sage_status": 200,
        "request_id": f"req-{n}",
        "duration_ms": 12.5,
        "sentence": f"bookkeeper listed {n} contacts in Demo Trading Ltd — allowed (Contacts: Read)",
    }
    values.update(overrides)
    return AuditEntry(**values)  # type: ignore[arg-type]


def fill(store: GatewayStore, n: int) -> None:
    for i in range(n):
        store.append_audit(entry(i))


def test_a_row_keeps_every_field_and_links_to_the_previous_one(store: GatewayStore, clock: Clock) -> None:
    first = store.append_audit(entry(1))
    second = store.append_audit(entry(2, record_id="abc", record_displayed_as="SI-162"))
    assert first.prev_hash == "0" * 64 and second.prev_hash == first.hash
    listed = store.list_audit()
    assert [r.id for r in listed] == [second.id, first.id]
    assert listed[0] == second
    assert listed[0].time == clock.now
    assert listed[0].as_dict()["time"] == "2026-11-29T09:00:00.000000Z"
    assert listed[0].record_displayed_as == "SI-162" and listed[0].arguments == {"limit": 2}


def test_secret_arguments_are_redacted_at_any_depth(store: GatewayStore) -> None:
    args = {
        "name": "Acme",
        "api_key": "k-123",
        "Authorization": "Bearer abc",
        "nested": {"client_secret": "s", "password": "p", "refresh_token": "t", "city": "Leeds"},
        "lines": [{"token": "x", "quantity": 2}],
        "idempotency_key": "retry-1",
    }
    row = store.append_audit(entry(arguments=args))
    assert row.arguments == {
        "name": "Acme",
        "api_key": "***",
        "Authorization": "***",
        "nested": {"client_secret": "***", "password": "***", "refresh_token": "***", "city": "Leeds"},
        "lines": [{"token": "***", "quantity": 2}],
        "idempotency_key": "retry-1",
    }
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT arguments FROM gateway_audit")).scalar_one()
    for secret in ("k-123", "Bearer abc", '"s"', '"p"', '"t"', '"x"'):
        assert secret not in stored


def test_an_unknown_decision_is_refused(store: GatewayStore) -> None:
    with pytest.raises(GatewayInputError, match="decision 'maybe' is not one of allowed, denied"):
        store.append_audit(entry(decision="maybe"))


def test_filters_and_keyset_pages(store: GatewayStore, clock: Clock) -> None:
    for i in range(30):
        clock.advance(minutes=1)
        store.append_audit(
            entry(
                i,
                agent="bookkeeper" if i % 2 else "clerk",
                decision="denied" if i % 3 == 0 else "allowed",
                business_id="B1" if i < 15 else "B2",
            )
        )
    pages: list[list[int]] = []
    before = None
    while page := store.list_audit(limit=7, before_id=before):
        pages.append([r.id for r in page])
        before = page[-1].id
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    assert [i for p in pages for i in p] == list(range(30, 0, -1))
    clerk = store.list_audit(agent="clerk", decision="denied", limit=100)
    assert {r.agent for r in clerk} == {"clerk"} and {r.decision for r in clerk} == {"denied"}
    assert len(clerk) == 5  # i in 0, 6, 12, 18, 24
    assert len(store.list_audit(business_id="B2", limit=100)) == 15
    since = clock.now - timedelta(minutes=4, seconds=30)  # the last 5 rows
    assert [r.id for r in store.list_audit(since=since)] == [30, 29, 28, 27, 26]
    until = clock.now - timedelta(minutes=26, seconds=30)  # the first 3 rows
    assert [r.id for r in store.list_audit(until=until)] == [3, 2, 1]
    assert store.list_audit(since=clock.now + timedelta(days=1)) == []


def test_times_never_go_backwards_along_the_chain(store: GatewayStore, clock: Clock) -> None:
    store.append_audit(entry(1))
    clock.advance(hours=-1)  # the machine's clock was set back
    second = store.append_audit(entry(2))
    assert second.time == clock.now + timedelta(hours=1)


def test_verify_passes_on_an_intact_chain(store: GatewayStore) -> None:
    assert store.verify_audit().ok and store.verify_audit().rows == 0
    fill(store, 12)
    verdict = store.verify_audit()
    assert verdict.ok and verdict.rows == 12 and verdict.first_bad_id is None


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE gateway_audit SET decision = 'allowed', sentence = 'nothing to see' WHERE id = 7",
        "UPDATE gateway_audit SET arguments = '{\"limit\":99}' WHERE id = 7",
        "UPDATE gateway_audit SET agent = 'someone else' WHERE id = 7",
    ],
)
def test_verify_names_an_edited_row(store: GatewayStore, change: str) -> None:
    fill(store, 12)
    with store.engine.begin() as conn:
        conn.exec_driver_sql(change)
    verdict = store.verify_audit()
    assert not verdict.ok and verdict.first_bad_id == 7 and verdict.rows == 6
    assert verdict.problem == "row 7 was altered: its contents do not match its hash"


def test_verify_names_the_row_after_a_removed_one(store: GatewayStore) -> None:
    fill(store, 12)
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM gateway_audit WHERE id = 5"))
    verdict = store.verify_audit()
    assert not verdict.ok and verdict.first_bad_id == 6
    assert "row 6 does not follow row 4" in (verdict.problem or "")


def test_verify_notices_the_first_or_last_rows_removed(store: GatewayStore) -> None:
    fill(store, 5)
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM gateway_audit WHERE id = 5"))
    verdict = store.verify_audit()
    assert (
        not verdict.ok
        and verdict.first_bad_id == 5
        and "rows at the end were removed" in (verdict.problem or "")
    )
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM gateway_audit WHERE id = 1"))
    verdict = store.verify_audit()
    assert not verdict.ok and verdict.first_bad_id == 2 and "not the first row" in (verdict.problem or "")


def test_a_rehashed_edit_is_still_caught_by_the_next_row(store: GatewayStore) -> None:
    """Someone who edits a row and recomputes its hash breaks the link of the row after it."""
    from sage_accounting.gateway._audit import row_hash
    from sage_accounting.gateway._db import audit

    fill(store, 4)
    with store.engine.begin() as conn:
        row = dict(conn.execute(sa.select(audit).where(audit.c.id == 2)).mappings().one())
        row["sentence"] = "rewritten"
        conn.execute(
            sa.text("UPDATE gateway_audit SET sentence = :s, hash = :h WHERE id = 2"),
            {"s": "rewritten", "h": row_hash(row)},
        )
    verdict = store.verify_audit()
    assert not verdict.ok and verdict.first_bad_id == 3


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_threads_appending_at_once_make_one_chain_on_sqlite(store: GatewayStore) -> None:
    def work(n: int) -> None:
        for i in range(25):
            store.append_audit(entry(n * 100 + i, agent=f"agent-{n}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    verdict = store.verify_audit()
    assert verdict.ok and verdict.rows == 100
    for n in range(4):
        assert len(store.list_audit(agent=f"agent-{n}")) == 25


_WORKER = """
import sys
from sage_accounting.gateway.store import GatewayStore
from sage_accounting.gateway._types import AuditEntry
store = GatewayStore.open(sys.argv[1])
for i in range(25):
    store.append_audit(AuditEntry(agent=sys.argv[2], tool="sage_list_contacts", decision="allowed",
                                  sentence=f"{sys.argv[2]} listed contacts ({i})", arguments={"i": i}))
store.close()
"""


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_processes_appending_at_once_make_one_chain_on_postgresql(store: GatewayStore, db_url: str) -> None:
    workers = [
        subprocess.Popen([sys.executable, "-c", _WORKER, db_url, f"process-{n}"], stderr=subprocess.PIPE)
        for n in range(4)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    verdict = store.verify_audit()
    assert verdict.ok and verdict.rows == 100
    rows = store.list_audit(limit=1000)
    assert [r.id for r in rows] == list(range(100, 0, -1))
    assert {r.agent for r in rows} == {f"process-{n}" for n in range(4)}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_filtered_pages_walk_an_index_not_the_table(store: GatewayStore) -> None:
    """So a page stays fast at millions of rows: each filter has an index ending in the row id."""
    fill(store, 3)
    probes = {
        "agent = 'x'": "ix_gateway_audit_agent",
        "decision = 'denied'": "ix_gateway_audit_decision",
        "business_id = 'B1'": "ix_gateway_audit_business",
        "agent = 'x' AND decision = 'denied'": "ix_gateway_audit_agent_decision",
    }
    with store.engine.connect() as conn:
        for where, index in probes.items():
            plan = " ".join(
                str(r[-1])
                for r in conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN SELECT * FROM gateway_audit WHERE {where} AND id < 1000 "
                    "ORDER BY id DESC LIMIT 100"
                )
            )
            assert index in plan and "TEMP B-TREE" not in plan, plan
        plan = " ".join(
            str(r[-1])
            for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM gateway_audit WHERE time >= '2026-01-01' "
                "ORDER BY time, id LIMIT 1"
            )
        )
        assert "ix_gateway_audit_time" in plan and "TEMP B-TREE" not in plan, plan
