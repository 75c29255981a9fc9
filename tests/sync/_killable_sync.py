"""A sync worker that dies by SIGKILL at a chosen step of its run, started fast: this process imports
everything once, then forks one child per ``go N`` line on stdin; the child runs one sync (events on)
and SIGKILLs itself at its N-th step (0: never).  A step is an HTTP response received, an SQL statement
about to run or a commit about to be made, so the kill lands at the same kind of place on a fast machine
as on a slow one.  Prints ``pid N`` when a child starts, ``steps S`` when a child finishes its run
unkilled, and ``exit N CODE`` when it has been reaped (so a killed child's pid is free, as after a real
crash)."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Engine

from sage_accounting import Connection, MemoryTokenStore, SageAccounting
from sage_accounting import sync as sage_sync
from sage_accounting.emulator import DEMO


class Steps:
    """Counts the run's steps and SIGKILLs this process at the chosen one."""

    def __init__(self, kill_at: int) -> None:
        self.kill_at = kill_at
        self.count = 0
        self.lock = threading.Lock()

    def step(self, *_args: Any) -> None:
        with self.lock:
            self.count += 1
            if self.count == self.kill_at:
                os.kill(os.getpid(), signal.SIGKILL)


class CountingTransport(httpx.HTTPTransport):
    def __init__(self, steps: Steps) -> None:
        super().__init__()
        self.steps = steps

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.steps.step()
        return response


def child(url: str, token: dict[str, object], db: str, resources: list[str], kill_at: int) -> None:
    steps = Steps(kill_at)
    event.listen(Engine, "before_cursor_execute", steps.step)
    event.listen(Engine, "commit", steps.step)
    conn = Connection(
        DEMO.client_id,
        DEMO.client_secret,
        redirect_uri=DEMO.redirect_uri,
        host=url,
        token=token,
        store=MemoryTokenStore(),
    )
    store = sage_sync.open_store(db)
    options = sage_sync.SyncOptions(items_per_page=100, prefetch=4, workers=3)
    with SageAccounting(conn, transport=CountingTransport(steps)) as sage:
        result = sage_sync.Syncer(sage, store, resources=resources, events=True, options=options).run()
    store.close()
    os.write(1, f"steps {steps.count}\n".encode())
    os._exit(1 if result.errors else 0)


def main() -> None:
    url, token_json, db, resources = sys.argv[1:5]
    token = json.loads(token_json)
    for line in sys.stdin:
        word, _, kill_at = line.strip().partition(" ")
        if word != "go":
            break
        pid = os.fork()
        if pid == 0:
            try:
                child(url, token, db, resources.split(","), int(kill_at or 0))
            finally:
                os._exit(3)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {pid} {status}", flush=True)


if __name__ == "__main__":
    main()
