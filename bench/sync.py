"""Sync benchmark: a first sync of 100,000 records against the client's prefetched listing of the same
records (50 ms of latency per request), the requests a no-change sync spends per resource and business,
and the sync's peak memory.

Run: ``.venv/bin/python bench/sync.py [--records N] [--latency S]``.  The emulator is served by its own
process (its records are not counted in the sync's memory), its data dated an hour back so the
no-change sync's overlap window holds no record.

Each phase runs in a fresh process of its own, one after the other, and reports its own peak resident
memory (VmHWM): the client's listing of the records; the first sync of the records (contacts) into a
new SQLite database; the first sync of every other resource of every business into the same database
(here including 100,000 contact persons and as many addresses, synced at once by the default four
workers); and the no-change sync of everything, whose requests are counted from the emulator's log.
The memory figure held against the target is the highest peak of the three sync processes, each
printed.  (Until November 2026 one process ran the three syncs in turn and its peak, which carried the
first sync's heap into the later runs, was printed beside the first sync's own.)  The last line printed
is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from sage_accounting.emulator import DEMO

ROOT = Path(__file__).resolve().parents[1]

SERVER = r"""
import sys, time
from sage_accounting.emulator import Emulator
n = int(sys.argv[1])
emu = Emulator(seed="minimal")
emu.clock.freeze(time.time() - 3600)  # everything dated an hour back (the clock only moves forward)
name = "Demo Trading Ltd"
for start in range(0, n, 5000):
    emu.seed({"data": {name: {"contacts": [
        {"contact": {"name": f"Bench {i:06d} Ltd", "contact_type_ids": ["CUSTOMER"], "email": f"c{i}@example.com",
                     "credit_limit": "1500.00", "notes": "Benchmark contact " + "x" * 200}}
        for i in range(start, min(n, start + 5000))]}}})
emu.clock.unfreeze()
emu.clock.advance(-emu.clock.offset)  # back to the real time
with emu.serve() as url:
    print(url, flush=True)
    sys.stdin.read()
"""

WORKER = r"""
import json, sys, time
from sage_accounting import Connection, MemoryTokenStore, SageAccounting
from sage_accounting.emulator import DEMO
mode, url, token, db = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
conn = Connection(DEMO.client_id, DEMO.client_secret, host=url, token=token, store=MemoryTokenStore())
out = {}
with SageAccounting(conn, business_id=DEMO.business_id) as sage:
    start, cpu = time.perf_counter(), time.process_time()
    if mode == "listing":
        n = sum(1 for _ in sage.contacts.list(attributes="all", items_per_page=200, prefetch=True))
        out["seconds"], out["records"] = time.perf_counter() - start, n
        out["cpu_seconds"] = time.process_time() - cpu
    else:
        from sage_accounting import sync as sage_sync
        store = sage_sync.open_store(db)
        if mode == "first":  # the first sync of the records
            result = sage_sync.run(sage, store, resources=["contacts"], business_ids=[DEMO.business_id])
        else:  # "rest": every other resource of every business, first time; "again": all, nothing changed
            result = sage_sync.run(sage, store)
        out["seconds"], out["cpu_seconds"] = time.perf_counter() - start, time.process_time() - cpu
        out.update(records=result.upserts, upserts=result.upserts, deletes=result.deletes, jobs=len(result.jobs))
        out["errors"] = [j.error for j in result.errors]
        store.close()
# VmHWM: this process's own peak resident memory (ru_maxrss would include the parent's, kept across exec)
with open("/proc/self/status") as status:
    out["peak_rss_mb"] = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
print(json.dumps(out), flush=True)
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAGE_")}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _control(url: str, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{url}/__emulator__{path}", timeout=60, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    env = _env()
    print(f"seeding {args.records:,} contacts in the emulator process…", flush=True)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(args.records)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert server.stdout is not None and server.stdin is not None
    url = server.stdout.readline().strip()
    try:
        token = _control(url, "POST", "/tokens", json={"client_id": DEMO.client_id, "user_id": DEMO.user_id})
        _control(
            url,
            "POST",
            "/faults",
            json={"method": "GET", "path": "/v3.1/*", "latency": args.latency, "count": None},
        )
        with tempfile.TemporaryDirectory() as tmp:
            db = f"sqlite:///{tmp}/bench.db"

            def phase(mode: str) -> dict[str, Any]:
                proc = subprocess.run(
                    [sys.executable, "-c", WORKER, mode, url, json.dumps(token), db],
                    stdout=subprocess.PIPE,
                    text=True,
                    env=env,
                    timeout=1800,
                    check=True,
                )
                result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
                return result

            listing = phase("listing")
            print(
                f"client listing, prefetch: {listing['records']:,} records in {listing['seconds']:.1f}s",
                flush=True,
            )
            synced = phase("first")
            print(
                f"first sync into SQLite: {synced['records']:,} records in {synced['seconds']:.1f}s",
                flush=True,
            )
            rest = phase("rest")
            print(
                f"first sync of every other resource: {rest['records']:,} records over {rest['jobs']} jobs "
                f"in {rest['seconds']:.1f}s",
                flush=True,
            )
            _control(url, "DELETE", "/requests")
            no_change = phase("again")
            log = _control(url, "GET", "/requests")
        entries = log if isinstance(log, list) else log.get("entries", log.get("requests", []))
        per_job: Counter[tuple[str, str]] = Counter()
        for e in entries:
            path = e["path"]
            if not path.startswith("/v3.1/"):
                continue
            resource = path.removeprefix("/v3.1/").split("/")[0]
            if resource in ("businesses", "user"):
                continue  # sign-in, /user and /businesses are not counted
            per_job[(e.get("business_id") or "", resource)] += 1
    finally:
        server.stdin.close()
        server.wait(timeout=60)

    listing_rate = listing["records"] / listing["seconds"]
    sync_rate = synced["records"] / synced["seconds"]
    worst = max(per_job.values()) if per_job else 0
    figures = {
        "records": synced["records"],
        "latency_s": args.latency,
        "listing_records_per_s": round(listing_rate),
        "sync_records_per_s": round(sync_rate),
        "sync_vs_listing": round(sync_rate / listing_rate, 3),
        "target_sync_vs_listing": 0.8,
        "no_change_jobs": no_change["jobs"],
        "no_change_requests_total": sum(per_job.values()),
        "no_change_requests_max_per_job": worst,
        "no_change_requests_mean_per_job": round(sum(per_job.values()) / max(len(per_job), 1), 2),
        "target_requests_per_job": 2,
        "no_change_writes": no_change["upserts"] + no_change["deletes"],
        "listing_cpu_s": round(listing["cpu_seconds"], 2),
        "sync_cpu_s": round(synced["cpu_seconds"], 2),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "sync_peak_rss_mb": round(
            max(synced["peak_rss_mb"], rest["peak_rss_mb"], no_change["peak_rss_mb"]), 1
        ),
        "first_sync_peak_rss_mb": round(synced["peak_rss_mb"], 1),
        "other_resources_peak_rss_mb": round(rest["peak_rss_mb"], 1),
        "no_change_peak_rss_mb": round(no_change["peak_rss_mb"], 1),
        "listing_peak_rss_mb": round(listing["peak_rss_mb"], 1),
        "target_peak_mb": 200,
        "errors": synced["errors"] + rest["errors"] + no_change["errors"],
    }
    print(
        f"records/s: listing {listing_rate:,.0f}, sync {sync_rate:,.0f} ({figures['sync_vs_listing']}x, target >= 0.8x)"
    )
    print(
        f"no-change sync: {figures['no_change_requests_total']} requests over {len(per_job)} jobs, "
        f"at most {worst} per resource and business (target <= 2)"
    )
    print(
        f"peak memory: sync {figures['sync_peak_rss_mb']} MB (target < 200), the highest of: first sync "
        f"{figures['first_sync_peak_rss_mb']} MB, every other resource {figures['other_resources_peak_rss_mb']} MB, "
        f"no-change sync {figures['no_change_peak_rss_mb']} MB; listing {figures['listing_peak_rss_mb']} MB"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
