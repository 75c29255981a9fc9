"""The resources' ``deleted()`` verb (deletion stubs from ``deleted_since``) and ``list_raw()`` (records
as Sage's JSON, no models), sync and async, against the emulator."""

from __future__ import annotations

import datetime as dt

import pytest

from sage_accounting import AsyncSageAccounting, SageAccounting
from sage_accounting.emulator import Emulator
from sage_accounting.types import DeletedRecord

from .helpers import connect

UTC = dt.UTC


def _new_contact(sage: SageAccounting, name: str) -> str:
    contact = sage.contacts.create(name=name, contact_type_ids=["CUSTOMER"])
    assert contact.id
    return contact.id


def test_deleted_lists_stubs_of_records_deleted_after_since() -> None:
    emu = Emulator()
    with SageAccounting(connect(emu)) as sage:
        before = sage.contacts.list_raw(items_per_page=1).total
        start = dt.datetime.now(UTC) - dt.timedelta(seconds=2)
        gone = _new_contact(sage, "Short-lived Ltd")
        kept = _new_contact(sage, "Kept Ltd")
        sage.contacts.delete(gone)
        stubs = list(sage.contacts.deleted(start))
        assert [s.id for s in stubs] == [gone]
        assert isinstance(stubs[0], DeletedRecord)
        assert stubs[0].displayed_as == "Short-lived Ltd"
        assert stubs[0].path == f"/contacts/{gone}"
        # nothing deleted after now
        assert list(sage.contacts.deleted(dt.datetime.now(UTC) + dt.timedelta(minutes=1))) == []
        assert sage.contacts.list_raw(items_per_page=1).total == before + 1
        assert kept


def test_deleted_refuses_resources_sage_lists_no_deletions_for() -> None:
    emu = Emulator(seed="minimal")
    with SageAccounting(connect(emu)) as sage:
        with pytest.raises(TypeError, match="no deleted_since"):
            sage.ledger_accounts.deleted(dt.datetime.now(UTC))
        with pytest.raises(TypeError, match="since must be"):
            sage.contacts.deleted(None)


def test_list_raw_gives_the_json_sage_sent() -> None:
    emu = Emulator()
    with SageAccounting(connect(emu)) as sage:
        raw = list(sage.sales_invoices.list_raw(attributes="all", items_per_page=50, prefetch=True))
        typed = list(sage.sales_invoices.list(attributes="all", items_per_page=50))
        assert len(raw) == len(typed) > 50
        assert all(isinstance(r, dict) for r in raw)
        first = raw[0]
        assert first["$path"] == f"/sales_invoices/{first['id']}"
        assert isinstance(first["total_amount"], str)  # money as Sage's string, not converted
        assert first == sage.request("GET", f"/sales_invoices/{first['id']}").json()
        assert [r["id"] for r in raw] == [t.id for t in typed]


@pytest.mark.anyio
async def test_async_deleted_and_list_raw() -> None:
    emu = Emulator()
    conn = connect(emu)
    with SageAccounting(conn) as sage:
        start = dt.datetime.now(UTC) - dt.timedelta(seconds=2)
        gone = _new_contact(sage, "Async Gone Ltd")
        sage.contacts.delete(gone)
    async with AsyncSageAccounting(conn) as asage:
        stubs = [s async for s in asage.contacts.deleted(start.isoformat())]
        assert [s.id for s in stubs] == [gone]
        page = await asage.products.list_raw(attributes="all")
        assert page.items and all(isinstance(r, dict) for r in page.items)
        walked = [r async for r in asage.products.list_raw(items_per_page=3)]
        assert len(walked) == page.total
