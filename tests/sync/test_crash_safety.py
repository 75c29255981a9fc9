"""A sync SIGKILLed at random moments, again and again, while Sage keeps changing: the next run
converges on Sage record for record, no row is lost or duplicated and no change event is lost or
emitted twice."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sage_accounting import SageAccounting
from sage_accounting import sync as sage_sync
from sage_accounting.emulator import DEMO, Emulator

from .helpers import assert_matches, connect, db_rows

HERE = Path(__file__).parent
RESOURCES = ["contacts", "contact_persons", "addresses"]
KILLS = 100


class Worker:
    """The forking sync worker (``_killable_sync.py``)."""

    def __init__(self, url: str, token: dict[str, Any], db: str) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(HERE.parents[1] / "src") + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "_killable_sync.py"),
                url,
                json.dumps(token),
                db,
                ",".join(RESOURCES),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def start(self) -> int:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        word, pid = self.proc.stdout.readline().split()
        assert word == "pid"
        return int(pid)

    def reaped(self) -> int:
        assert self.proc.stdout
        word, _pid, status = self.proc.stdout.readline().split()
        assert word == "exit"
        return int(status)

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def test_sigkilled_syncs_converge_with_no_row_or_event_lost_or_doubled(tmp_path: Path) -> None:
    rng = random.Random(9)
    emu = Emulator(seed="minimal")
    emu.settings.access_token_ttl = 36_000
    people = [
        {
            "contact": {
                "name": f"Bulk {i:05d} Ltd",
                "contact_type_ids": ["CUSTOMER"],
                "main_address": {
                    "address_line_1": f"{i} High Street",
                    "city": "Leeds",
                    "postal_code": "LS1 1AA",
                },
                "main_contact_person": {"name": f"Person {i}", "email": f"p{i}@example.com"},
            }
        }
        for i in range(1000)
    ]
    emu.seed({"data": {"Demo Trading Ltd": {"contacts": people}}})
    db = f"sqlite:///{tmp_path / 'crash.db'}"
    store = sage_sync.open_store(db)
    store.enable_events()
    token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
    changed: set[str] = set()
    removed: set[str] = set()
    killed_mid_run = 0
    with emu.serve() as url, SageAccounting(connect(emu)) as sage:
        contacts = [c["id"] for c in sage.contacts.list_raw(items_per_page=200)]
        assert len(contacts) == 1000  # with their addresses and people: 3,000 records
        worker = Worker(url, token, db)
        try:
            started = time.monotonic()
            for kill in range(KILLS):
                pid = worker.start()
                time.sleep(rng.uniform(0.0, 0.5))  # from start-up to the cursor's commit
                os.kill(pid, signal.SIGKILL)
                status = worker.reaped()
                killed_mid_run += os.WIFSIGNALED(status)
                if kill % 10 == 5:  # Sage changes between crashes
                    for rid in rng.sample(contacts, 3):
                        if rid not in removed:
                            sage.contacts.update(rid, notes=f"edit {kill}")
                            changed.add(rid)
                    new = sage.contacts.create(name=f"Arrived {kill} Ltd", contact_type_ids=["CUSTOMER"])
                    assert new.id
                    contacts.append(new.id)
                    if kill % 20 == 5:
                        sage.contacts.delete(new.id)
                        removed.add(new.id)
            elapsed = time.monotonic() - started
            print(f"{KILLS} SIGKILLs in {elapsed:.1f}s")
            assert worker.start() and worker.reaped() == 0  # a run left alone finishes cleanly
        finally:
            worker.close()
        assert killed_mid_run >= KILLS * 0.8, f"only {killed_mid_run} kills landed mid-run in {elapsed:.0f}s"
        resources = [sage_sync.resource_named(r) for r in RESOURCES]
        assert_matches(sage, store, [DEMO.business_id], resources, get_each=False)

    # events: one created per record ever stored, one deleted per tombstone, the last edit of every
    # changed contact delivered, and no change twice
    box = store.t.outbox
    with store.engine.connect() as conn:
        events = conn.execute(select(box.c.type, box.c.record_id, box.c.payload).order_by(box.c.seq)).all()
    created = Counter(e.record_id for e in events if e.type.endswith(".created"))
    assert set(created.values()) == {1}
    stored = {rid for r in RESOURCES for (_, rid) in db_rows(store, r)}
    assert set(created) == stored
    deleted = Counter(e.record_id for e in events if e.type.endswith(".deleted"))
    tombstones = {rid for r in RESOURCES for (_, rid) in db_rows(store, r, live=False)}
    assert set(deleted) == tombstones and set(deleted.values()) <= {1}
    live = db_rows(store, "contacts", live=True)
    for rid in changed - removed:
        last = [e for e in events if e.record_id == rid][-1]
        assert last.payload["data"]["record"] == live[(DEMO.business_id, rid)].data
    versions = Counter(
        (e.type, e.record_id, json.dumps(e.payload["data"]["record"], sort_keys=True)) for e in events
    )
    assert max(versions.values()) == 1
    store.close()
