"""Four sync processes share twenty businesses through PostgreSQL leases and one Redis rate budget:
each (business, resource) job is done once, Sage (the emulator, its concurrency cap set low) never
sees more requests in flight than the cap, and the totals match."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import redis
from sqlalchemy import func, select

from sage_accounting import SageAccounting
from sage_accounting import sync as sage_sync
from sage_accounting.emulator import DEMO, Emulator

from .helpers import assert_matches, connect

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ["contacts", "bank_accounts", "contact_types"]
CAP = 4
WORKERS = 4


def _twenty_businesses(emu: Emulator) -> list[str]:
    """The demo user's one business plus 19 more, each with its own contacts."""
    names = [f"Shared Load {i:02d} Ltd" for i in range(19)]
    emu.seed(
        {
            "businesses": [{"name": n, "country": "GB"} for n in names],
            "data": {
                n: {
                    "contacts": [
                        {"contact": {"name": f"{n} customer {j}", "contact_type_ids": ["CUSTOMER"]}}
                        for j in range(25)
                    ]
                }
                for n in names
            },
        }
    )
    user = emu.state.users[DEMO.user_id]
    ids = [b.id for b in emu.state.businesses.values() if b.name in names]
    for bid in ids:
        user.roles[bid] = dict(user.roles[DEMO.business_id])
    return [DEMO.business_id, *ids]


def test_four_workers_share_twenty_businesses_within_one_budget(pg_url: str, tmp_path: Path) -> None:
    emu = Emulator(seed="minimal")
    businesses = _twenty_businesses(emu)
    assert len(businesses) == 20
    emu.settings.max_concurrent_requests = CAP
    emu.faults.add("GET", "/v3.1/*", latency=0.01, count=None)  # requests overlap, as on a network
    prefix = f"sage-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAGE_")}
    env.update(
        SAGE_REDIS_URL="redis://127.0.0.1:6379/0",
        SAGE_REDIS_PREFIX=prefix,
        SAGE_MAX_CONCURRENCY=str(CAP),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT / "src"),
    )
    store = sage_sync.open_store(pg_url)
    with emu.serve() as url:
        args = ["--emulator", url, "sync", "--db", pg_url, "--resources", ",".join(RESOURCES),
                "--workers", "4", "--round", "r1", "--json"]  # fmt: skip
        code = "from sage_accounting.cli import main; main()"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, *args],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(WORKERS)
        ]
        outs = [p.communicate(timeout=240) for p in procs]
        for proc, (out, err) in zip(procs, outs, strict=True):
            assert proc.returncode == 0, err
            assert json.loads(out)["errors"] == []
        log = emu.request_log.entries()
        api = [e for e in log if e.path.startswith("/v3.1/")]
        assert api and all(e.status != 429 for e in api), "more requests in flight than the cap"
        # every API request was counted in the shared Redis budget
        day = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
        shared = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        counted = int(shared.get(f"{prefix}:{DEMO.client_id}:day:{day}") or 0)
        assert counted == len(api)
        for key in shared.scan_iter(f"{prefix}:*"):
            shared.delete(key)

    jobs = store.t.jobs
    with store.engine.connect() as conn:
        done = conn.execute(select(jobs.c.business_id, jobs.c.resource, jobs.c.error)).all()
        workers_seen = conn.execute(select(func.count()).select_from(store.t.runs)).scalar()
    assert workers_seen == WORKERS
    per_job = Counter((j.business_id, j.resource) for j in done)
    assert set(per_job) == {(b, r) for b in businesses for r in RESOURCES}
    assert set(per_job.values()) == {1}, "a job was done twice"
    assert all(j.error is None for j in done)
    with SageAccounting(connect(emu)) as sage:
        emu.faults.clear()
        compared = assert_matches(
            sage, store, businesses, [sage_sync.resource_named(r) for r in RESOURCES], get_each=False
        )
    assert compared >= 20 * 25
    store.close()
