"""The gateway's audit at scale: appends per second through the store, then the console's pages (newest first,
filtered by agent, decision, business or time, and a deep keyset page) on an audit of a million rows, and
how long `verify` takes over all of them; and the web console's audit page (``/console/audit`` over HTTP,
in process: sign-in session, template and all) at 1,000 rows and at the full size, side by side.

Run: ``.venv/bin/python bench/gateway_audit.py [--rows 1000000] [--db URL]`` (default: a SQLite file in a
temporary directory).  The million rows are written in bulk with their real hash chain (the store's own
hashing), so `verify` checks them like any other.  The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from sage_accounting.gateway._audit import row_hash
from sage_accounting.gateway._db import GENESIS, audit, audit_head
from sage_accounting.gateway._types import AuditEntry, canonical_json
from sage_accounting.gateway.store import GatewayStore

AGENTS = [f"agent-{n}" for n in range(20)]
DECISIONS = ["allowed"] * 90 + ["denied"] * 6 + ["held", "invalid", "failed", "approved"]
BUSINESSES = [f"B{n}" for n in range(5)]


def bulk_fill(store: GatewayStore, rows: int, start: datetime) -> None:
    """``rows`` audit rows, one second apart, with their hash chain, written in batches."""
    prev = GENESIS
    batch: list[dict[str, Any]] = []
    with store.engine.begin() as conn:
        for i in range(1, rows + 1):
            agent = AGENTS[(i // 7) % len(AGENTS)]  # not in step with the decisions: every pair occurs
            values: dict[str, Any] = {
                "id": i,
                "time": start + timedelta(seconds=i),
                "agent": agent,
                "tool": "sage_list_contacts",
                "area": "contacts",
                "business_id": BUSINESSES[i % len(BUSINESSES)],
                "business_name": "Demo Trading Ltd",
                "decision": DECISIONS[i % len(DECISIONS)],
                "reason": "Contacts: Read",
                "arguments": canonical_json({"limit": 20}),
                "sage_status": 200,
                "request_id": f"req-{i}",
                "record_id": None,
                "record_displayed_as": None,
                "duration_ms": 3.5,
                "sentence": f"{agent} listed 20 contacts in Demo Trading Ltd — allowed",
                "prev_hash": prev,
            }
            values["hash"] = prev = row_hash(values)
            batch.append(values)
            if len(batch) == 20_000:
                conn.execute(sa.insert(audit), batch)
                batch.clear()
        if batch:
            conn.execute(sa.insert(audit), batch)
        conn.execute(
            sa.update(audit_head).values(
                last_id=rows, last_hash=prev, last_time=start + timedelta(seconds=rows), rows=rows
            )
        )


def timed(fn: Any, repeat: int = 7) -> float:
    """The median of ``repeat`` runs of ``fn``, in milliseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(runs), 2)


def console_pages(store: GatewayStore, rows: int) -> dict[str, float]:
    """Milliseconds per answer of the console's audit page (first page, filtered, a deep keyset page)."""
    import re

    from starlette.testclient import TestClient

    from sage_accounting.gateway.console.app import create_app
    from sage_accounting.gateway.console.auth import ConsoleAuth

    token = ConsoleAuth(store.engine).create_token(by="bench")
    with TestClient(create_app(store), base_url="http://127.0.0.1", follow_redirects=False) as client:
        form = client.get("/console/sign-in").text
        csrf = re.search(r'name="csrf" value="([^"]*)"', form).group(1)  # type: ignore[union-attr]
        assert client.post("/console/sign-in", data={"token": token, "csrf": csrf}).status_code == 303
        urls = {
            "first page": "/console/audit",
            "agent + denied": "/console/audit?agent=agent-4&decision=denied",
            "deep keyset page": f"/console/audit?before={rows // 2}",
        }
        figures = {}
        for name, url in urls.items():
            assert client.get(url).status_code == 200
            figures[name] = timed(lambda url=url: client.get(url))  # type: ignore[misc]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--small", type=int, default=1000, help="rows of the small audit the console is compared on"
    )
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    small = GatewayStore.open(f"sqlite:///{Path(tmp.name) / 'small.db'}")
    bulk_fill(small, args.small, datetime(2026, 1, 1, tzinfo=UTC))
    small_pages = console_pages(small, args.small)
    small.close()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'audit.db'}"
    store = GatewayStore.open(url)
    start = datetime(2026, 1, 1, tzinfo=UTC)

    began = time.perf_counter()
    bulk_fill(store, args.rows, start)
    fill_s = time.perf_counter() - began
    print(f"filled {args.rows:,} rows in {fill_s:.1f} s")

    appends = 500
    store.append_audit(AuditEntry(agent="bench", tool="warm-up", decision="allowed", sentence="warm-up"))
    began = time.perf_counter()
    for i in range(appends):
        store.append_audit(AuditEntry(agent="bench", tool="sage_get_contact", decision="allowed",
                                      sentence=f"bench read contact {i} — allowed"))  # fmt: skip
    append_rate = appends / (time.perf_counter() - began)
    print(f"appends through the store: {append_rate:,.0f} rows/s")

    middle = args.rows // 2
    pages = {
        "newest page": lambda: store.list_audit(limit=50),
        "by agent": lambda: store.list_audit(agent="agent-7", limit=50),
        "by decision (rare)": lambda: store.list_audit(decision="failed", limit=50),
        "by business": lambda: store.list_audit(business_id="B3", limit=50),
        "since a day ago": lambda: store.list_audit(
            since=start + timedelta(seconds=args.rows - 86_400), limit=50
        ),
        "agent + denied": lambda: store.list_audit(agent="agent-4", decision="denied", limit=50),
        "agent + failed (rare)": lambda: store.list_audit(agent="agent-5", decision="failed", limit=50),
        "deep keyset page": lambda: store.list_audit(before_id=middle, limit=50),
        "deep page by agent": lambda: store.list_audit(agent="agent-7", before_id=middle, limit=50),
        "a day in the middle": lambda: store.list_audit(
            since=start + timedelta(seconds=middle),
            until=start + timedelta(seconds=middle + 86_400),
            limit=50,
        ),
    }
    figures: dict[str, Any] = {
        "rows": args.rows,
        "fill_s": round(fill_s, 1),
        "appends_per_s": round(append_rate),
    }
    for name, fn in pages.items():
        assert fn(), f"{name}: the page is empty"  # a figure for an empty page would measure nothing
        ms = timed(fn)
        figures[f"page_ms[{name}]"] = ms
        print(f"{name:>22}: {ms:8.2f} ms per 50-row page")

    big_pages = console_pages(store, args.rows)
    for name, ms in big_pages.items():
        ratio = round(ms / small_pages[name], 2)
        figures[f"console_ms[{name}][{args.small}]"] = small_pages[name]
        figures[f"console_ms[{name}][{args.rows}]"] = ms
        figures[f"console_ratio[{name}]"] = ratio
        print(f"console {name:>16}: {small_pages[name]:8.2f} ms at {args.small:,} rows, {ms:8.2f} ms at "
              f"{args.rows:,} rows (x{ratio})")  # fmt: skip

    began = time.perf_counter()
    verdict = store.verify_audit()
    verify_s = time.perf_counter() - began
    assert verdict.ok, verdict
    figures["verify_s"] = round(verify_s, 1)
    figures["verify_rows_per_s"] = round(verdict.rows / verify_s)
    print(f"verify: {verdict.rows:,} rows in {verify_s:.1f} s ({verdict.rows / verify_s:,.0f} rows/s)")
    store.close()
    tmp.cleanup()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
