"""The change feed's edges: many records sharing one ``updated_at`` across page boundaries, a record
changed twice within one second, and records created, changed and deleted while a sync walks its pages
are all caught by the next run."""

from __future__ import annotations

from typing import Any

from sage_accounting import SageAccounting
from sage_accounting import sync as sage_sync
from sage_accounting.emulator import DEMO, Emulator

from .helpers import assert_matches, connect, db_rows, sqlite_url

CONTACTS = [sage_sync.resource_named("contacts")]


def _customers(sage: SageAccounting, n: int, prefix: str) -> list[str]:
    ids = []
    for i in range(n):
        contact = sage.contacts.create(name=f"{prefix} {i:03d} Ltd", contact_type_ids=["CUSTOMER"])
        assert contact.id
        ids.append(contact.id)
    return ids


def test_records_sharing_one_updated_at_and_changed_within_a_second(tmp_path: Any) -> None:
    emu = Emulator(seed="minimal")
    emu.clock.freeze()  # every write below gets the same updated_at
    store = sage_sync.open_store(sqlite_url(tmp_path))
    options = sage_sync.SyncOptions(items_per_page=4, prefetch=3)
    with SageAccounting(connect(emu)) as sage:
        ids = _customers(sage, 9, "Same Second")
        sage_sync.run(sage, store, resources=["contacts"], options=options)
        assert len(db_rows(store, "contacts")) == 9
        more = _customers(sage, 11, "Also Same Second")  # same timestamp as the cursor's window
        sage.contacts.update(ids[0], notes="first edit")
        second = sage_sync.run(sage, store, resources=["contacts"], options=options)
        assert (second.jobs[0].created, second.jobs[0].updated) == (11, 1)
        sage.contacts.update(ids[0], notes="second edit, same second")
        third = sage_sync.run(sage, store, resources=["contacts"], options=options)
        assert third.jobs[0].updated == 1
        row = db_rows(store, "contacts")[(DEMO.business_id, ids[0])]
        assert row.data["notes"] == "second edit, same second"
        assert len(more) == 11
        assert_matches(sage, store, [DEMO.business_id], CONTACTS, get_each=True)
    store.close()


def test_changes_made_while_a_sync_walks_its_pages_are_caught_next_run(tmp_path: Any) -> None:
    emu = Emulator(seed="minimal")
    store = sage_sync.open_store(sqlite_url(tmp_path))
    options = sage_sync.SyncOptions(items_per_page=5, prefetch=0, workers=1)
    with SageAccounting(connect(emu)) as sage:
        ids = _customers(sage, 30, "Walked")
        done: list[str] = []

        def meddle(business_id: str, resource: str, read: int, total: int | None) -> None:
            if read == 10 and not done:  # two pages read, four to go
                sage.contacts.delete(ids[0])  # on a page already read: later pages shift back by one
                sage.contacts.update(ids[1], notes="changed behind the walk")
                sage.contacts.update(ids[25], notes="changed ahead of the walk")
                done.extend(_customers(sage, 1, "Born Mid-walk"))

        syncer = sage_sync.Syncer(sage, store, resources=["contacts"], options=options, progress=meddle)
        first = syncer.run()
        assert done and first.jobs[0].shifted  # the walk knows it may have missed a record
        after_first = {rid for (_, rid) in db_rows(store, "contacts")}
        assert set(ids[1:]) - after_first, "the shifted walk should have skipped a record"
        sage_sync.run(sage, store, resources=["contacts"], options=options)
        assert_matches(sage, store, [DEMO.business_id], CONTACTS, get_each=True)
        rows = db_rows(store, "contacts")
        assert rows[(DEMO.business_id, ids[1])].data["notes"] == "changed behind the walk"
        assert (DEMO.business_id, done[0]) in rows
        # the deleted contact was read by the first walk and is now a tombstone
        assert rows[(DEMO.business_id, ids[0])].deleted_at is not None
    store.close()
