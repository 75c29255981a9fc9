"""A sync SIGKILLed at random moments, again and again, while Sage keeps changing: the next run
converges on Sage record for record, no row is lost or duplicated and no change event is lost or
emitted twice.  The moments are random steps of the run (an HTTP response, an SQL statement, a commit),
not random times, so the kills land mid-run on a machine of any speed."""

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

    def run(self, kill_at: int) -> tuple[int, int | None]:
        """One sync that SIGKILLs itself at step ``kill_at`` (0: never): its exit status, and its number
        of steps when it finished unkilled."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"go {kill_at}\n")
        self.proc.stdin.flush()
        word, _pid = self.proc.stdout.readline().split()
        assert word == "pid"
        steps = None
        line = self.proc.stdout.readline().split()
        if line[0] == "steps":
            steps = int(line[1])
            line = self.proc.stdout.readline().split()
        word, _pid, status = line
        assert word == "exit"
        return int(status), steps

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
    with emu.serve() as url, SageAccounting(connect(emu)) as sage:
        contacts = [c["id"] for c in sage.contacts.list_raw(items_per_page=200)]
        assert len(contacts) == 1000  # with their addresses and people: 3,000 records
        worker = Worker(url, token, db)
        bound = 200  # steps a run may take; learnt from each run that finishes
        kill_points: Counter[int] = Counter()
        runs = 0
        try:
            started = time.monotonic()
            while sum(kill_points.values()) < KILLS:
                runs += 1
                assert runs <= KILLS * 3, f"only {sum(kill_points.values())} of {runs} runs were killed"
                kill_at = rng.randint(1, bound)
                status, steps = worker.run(kill_at)
                if steps is not None:  # the run ended before its step: a clean, complete run
                    assert status == 0, f"a run left alone ended with status {status}"
                    bound = steps
                    continue
                assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
                kill_points[kill_at] += 1
                killed = sum(kill_points.values())
                if killed % 10 == 5:  # Sage changes between crashes
                    for rid in rng.sample(contacts, 3):
                        if rid not in removed:
                            sage.contacts.update(rid, notes=f"edit {killed}")
                            changed.add(rid)
                    new = sage.contacts.create(name=f"Arrived {killed} Ltd", contact_type_ids=["CUSTOMER"])
                    assert new.id
                    contacts.append(new.id)
                    if killed % 20 == 5:
                        sage.contacts.delete(new.id)
                        removed.add(new.id)
            elapsed = time.monotonic() - started
            print(f"{KILLS} SIGKILLs at {len(kill_points)} different steps in {runs} runs, {elapsed:.1f}s")
            status, steps = worker.run(0)
            assert status == 0 and steps  # a run left alone finishes cleanly
        finally:
            worker.close()
        assert len(kill_points) >= 30, f"the kills landed at only {sorted(kill_points)}"
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
