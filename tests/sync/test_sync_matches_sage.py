"""A sync copies every in-scope resource of every business record for record, and a second sync after
creates, updates, voids, payments and deletes matches again, deletions kept as tombstones, with exactly
one signed event per change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sage_accounting import SageAccounting
from sage_accounting import sync as sage_sync
from sage_accounting.emulator import DEMO, Emulator

from .helpers import assert_matches, connect, db_rows

BUSINESSES = [DEMO.business_id, DEMO.business_id_ie]


@pytest.fixture
def demo() -> Emulator:
    return Emulator()


def test_first_sync_matches_every_record_of_every_business(demo: Emulator, db_url: str) -> None:
    store = sage_sync.open_store(db_url)
    with SageAccounting(connect(demo)) as sage:
        result = sage_sync.run(sage, store)
        assert not result.errors
        assert {j.business_id for j in result.jobs} == set(BUSINESSES)
        assert {j.resource for j in result.jobs} == {r.name for r in sage_sync.RESOURCES}
        compared = assert_matches(sage, store, BUSINESSES, sage_sync.RESOURCES, get_each=True)
        assert compared > 1000
    # typed columns hold the main fields
    invoices = db_rows(store, "sales_invoices")
    some = next(r for r in invoices.values() if r.data["status"]["id"] == "PAID")
    assert some.total_amount == Decimal(some.data["total_amount"])
    assert some.date == dt.date.fromisoformat(some.data["date"])
    assert some.contact_id == some.data["contact"]["id"]
    assert some.status_id == "PAID"
    assert some.created_at is not None and some.deleted_at is None
    if store.engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with store.engine.connect() as conn:
            types = dict(
                conn.execute(
                    text(
                        "SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_name = 'sales_invoices' AND table_schema = current_schema()"
                    )
                ).all()
            )
        assert types["data"] == "jsonb" and types["total_amount"] == "numeric" and types["date"] == "date"
    status = {(s["business_id"], s["resource"]): s for s in sage_sync.status(store)}
    uk = status[(DEMO.business_id, "sales_invoices")]
    assert uk["rows"] == 170 and uk["cursor"] and uk["last_run"]["full_pass"] is True
    store.close()


def test_second_sync_spends_little_and_changes_nothing(demo: Emulator, db_url: str) -> None:
    store = sage_sync.open_store(db_url)
    with SageAccounting(connect(demo)) as sage:
        sage_sync.run(sage, store, business_ids=[DEMO.business_id])
        again = sage_sync.run(sage, store, business_ids=[DEMO.business_id])
    assert again.upserts == 0 and again.deletes == 0
    for job in again.jobs:
        assert job.requests <= 2, (job.resource, job.requests)
    store.close()
