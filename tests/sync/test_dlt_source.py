"""The dlt source loads Sage into DuckDB over the same change feed: a second run after changes merges
them, and deleted records disappear from the destination (``hard_delete``)."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb

from sage_accounting import SageAccounting
from sage_accounting.dlt import sage_source
from sage_accounting.emulator import DEMO, Emulator

from .helpers import connect, sage_records

RESOURCES = ["contacts", "products", "tax_rates"]


def _rows(db: Path, table: str) -> dict[tuple[str, str], tuple[str, str | None]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        found = conn.execute(f"SELECT business_id, id, displayed_as FROM sage.{table}").fetchall()
    return {(b, i): (i, d) for b, i, d in found}


def test_dlt_loads_into_duckdb_and_merges_changes_and_deletions(tmp_path: Path) -> None:
    emu = Emulator()
    db = tmp_path / "books.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name="sage_test",
        destination=dlt.destinations.duckdb(str(db)),
        dataset_name="sage",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    with SageAccounting(connect(emu)) as sage:
        doomed = sage.contacts.create(name="Loaded Then Gone Ltd", contact_type_ids=["CUSTOMER"]).id
        assert doomed
        pipeline.run(sage_source(sage, resources=RESOURCES))
        for name in RESOURCES:
            want = {
                (b, rid)
                for b in (DEMO.business_id, DEMO.business_id_ie)
                for rid in sage_records(sage, b, name)
            }
            assert set(_rows(db, name)) == want, name

        new = sage.contacts.create(name="Arrived Later Ltd", contact_type_ids=["CUSTOMER"]).id
        product = next(iter(sage.products.list_raw(items_per_page=1)))["id"]
        sage.products.update(product, description="Renamed by the second run")
        sage.contacts.delete(doomed)
        info = pipeline.run(sage_source(sage, resources=RESOURCES))
        assert not info.has_failed_jobs

        contacts = _rows(db, "contacts")
        assert (DEMO.business_id, new) in contacts
        assert (DEMO.business_id, doomed) not in contacts
        assert len(contacts) == sum(
            len(sage_records(sage, b, "contacts")) for b in (DEMO.business_id, DEMO.business_id_ie)
        )
        assert _rows(db, "products")[(DEMO.business_id, product)][1] == "Renamed by the second run"
        cursors = pipeline.state["sources"]["sage"]["resources"]["contacts"]["cursors"]
        assert set(cursors) == {DEMO.business_id, DEMO.business_id_ie}
