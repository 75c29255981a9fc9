"""A sync worker that can be SIGKILLed at any moment, started fast: this process imports everything once,
then forks one child per ``go`` line on stdin; the child runs one sync (events on) and exits.  Prints
``pid N`` when a child starts and ``exit N CODE`` when it has been reaped (so a killed child's pid is
free, as after a real crash)."""

from __future__ import annotations

import json
import os
import sys

from sage_accounting import Connection, MemoryTokenStore, SageAccounting
from sage_accounting import sync as sage_sync
from sage_accounting.emulator import DEMO


def child(url: str, token: dict[str, object], db: str, resources: list[str]) -> None:
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
    with SageAccounting(conn) as sage:
        result = sage_sync.Syncer(sage, store, resources=resources, events=True, options=options).run()
    store.close()
    os._exit(1 if result.errors else 0)


def main() -> None:
    url, token_json, db, resources = sys.argv[1:5]
    token = json.loads(token_json)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:
            try:
                child(url, token, db, resources.split(","))
            finally:
                os._exit(3)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {pid} {status}", flush=True)


if __name__ == "__main__":
    main()
