"""``sage_sync.changes()``: change events in your own code, oldest first, at least once."""

from __future__ import annotations

from pathlib import Path

from sage_accounting import SageAccounting
from sage_accounting import sync as sage_sync
from sage_accounting.emulator import DEMO, Emulator

from .helpers import connect


def test_changes_yields_each_change_and_redelivers_one_not_acknowledged(tmp_path: Path) -> None:
    emu = Emulator()
    db = f"sqlite:///{tmp_path / 'events.db'}"
    with SageAccounting(connect(emu)) as sage:
        first = list(sage_sync.changes(sage, db, once=True, resources=["products"]))
        assert len(first) == len({e.record_id for e in first}) >= 10
        assert {e.type for e in first} == {"product.created"}
        assert all(e.record["id"] == e.record_id for e in first)

        product = next(e.record_id for e in first if e.business_id == DEMO.business_id)
        sage.products.update(product, description="Changed for the iterator")
        events = sage_sync.changes(sage, db, once=True, resources=["products"])
        got = next(events)
        assert (got.type, got.record_id) == ("product.updated", product)
        assert got.record["description"] == "Changed for the iterator"
        events.close()  # stopped before asking for the next one: not acknowledged

        again = list(sage_sync.changes(sage, db, once=True, resources=["products"]))
        assert [(e.id, e.type) for e in again] == [(got.id, "product.updated")]
        assert list(sage_sync.changes(sage, db, once=True, resources=["products"])) == []
