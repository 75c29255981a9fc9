"""Actions run on the async client too (``arun``), against the emulator through its async transport:
the same answers, the same requests, the same refusals and rawRequest's retry rules."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from emulator_helpers import make_connection
from sage_accounting import (
    AsyncSageAccounting,
    InternalServerError,
    SageAccounting,
)
from sage_accounting.actions import ActionInputError, arun_action, raw, registry
from sage_accounting.emulator import DEMO, Emulator

from .conftest import FAST_RETRY
from .helpers import api_calls, line


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def aclient(emu: Emulator) -> AsyncIterator[AsyncSageAccounting]:
    connection = make_connection(emu)
    async with AsyncSageAccounting(connection, business_id=DEMO.business_id, retry=FAST_RETRY) as sage:
        yield sage


@pytest.fixture
def sync_client(emu: Emulator) -> Iterator[SageAccounting]:
    with SageAccounting(make_connection(emu), business_id=DEMO.business_id, retry=FAST_RETRY) as sage:
        yield sage


@pytest.mark.anyio
async def test_contacts_are_created_read_and_listed_async(
    emu: Emulator, aclient: AsyncSageAccounting
) -> None:
    create = registry.by_tool_name("sage_create_contact")
    made = await create.arun(
        aclient, create.validate_args({"name": "Async Ltd", "contact_type_ids": ["CUSTOMER"]})
    )
    assert made["name"] == "Async Ltd"
    got = await arun_action(aclient, "getContact", {"contactId": made["id"]})
    assert got["id"] == made["id"]
    for n in range(4):
        await arun_action(aclient, "createContact", {"name": f"Batch {n}", "contactTypeIds": "VENDOR"})
    everything = await arun_action(aclient, "listContacts", {"fetchAll": True, "itemsPerPage": 2})
    names = [c["displayed_as"] for c in everything["$items"]]
    assert "Async Ltd" in names and {f"Batch {n}" for n in range(4)} <= set(names)
    assert everything["$total"] == len(everything["$items"]) and everything["$next"] is None
    pages = [c for c in api_calls(emu) if c == ("GET", "/v3.1/contacts")]
    assert len(pages) >= 3, "fetchAll walked every page of 2"


@pytest.mark.anyio
async def test_async_and_sync_give_the_same_answer(
    emu: Emulator, aclient: AsyncSageAccounting, sync_client: SageAccounting
) -> None:
    ledgers = await arun_action(aclient, "listLedgerAccounts", {"search": "4000", "attributes": "all"})
    ledger = ledgers["$items"][0]["id"]
    contact = await arun_action(aclient, "createContact", {"name": "Same Ltd", "contactTypeIds": "CUSTOMER"})
    invoice = await arun_action(
        aclient,
        "createSalesInvoice",
        {"contactId": contact["id"], "date": "2024-01-31", "invoiceLines": [line(ledger, "100.00", "3")]},
    )
    assert invoice["total_amount"] == "360.0"
    assert await arun_action(aclient, "getSalesInvoice", {"salesInvoiceId": invoice["id"]}) == registry[
        "getSalesInvoice"
    ].run(sync_client, {"salesInvoiceId": invoice["id"]})
    voided = await registry.by_tool_name("sage_void_sales_invoice").arun(
        aclient, {"salesInvoiceId": invoice["id"], "voidReason": "Raised in error"}
    )
    assert voided["status"]["id"] == "VOID"


@pytest.mark.anyio
async def test_bad_inputs_are_refused_before_any_async_request(
    emu: Emulator, aclient: AsyncSageAccounting
) -> None:
    with pytest.raises(ActionInputError, match="credit_limit must be a number"):
        action = registry["createContact"]
        await action.arun(aclient, action.validate_args({"name": "X", "contact_type_ids": "CUSTOMER",
                                                         "credit_limit": "lots"}))  # fmt: skip
    with pytest.raises(ActionInputError, match="contactId is required"):
        await arun_action(aclient, "getContact", {})
    assert api_calls(emu) == []


@pytest.mark.anyio
async def test_raw_requests_retry_async_as_they_do_sync(
    emu: Emulator, aclient: AsyncSageAccounting, monkeypatch: pytest.MonkeyPatch
) -> None:
    pauses: list[float] = []

    async def record(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(raw, "_asleep", record)
    emu.faults.add("GET", "/v3.1/contacts", status=503, count=2)
    result = await arun_action(
        aclient, "rawRequest", {"method": "GET", "url": "/contacts", "maxRetries": 2, "retryDelayMS": 250}
    )
    assert result["$total"] == 0 and pauses == [0.25, 0.25]
    assert len(api_calls(emu)) == 3
    emu.request_log.clear()
    emu.faults.add("POST", "/v3.1/contacts", status=503, count=1)
    with pytest.raises(InternalServerError) as caught:
        await arun_action(aclient, "rawRequest", {"method": "POST", "url": "/contacts", "maxRetries": 3,
                                                  "data": {"contact": {"name": "Once"}}})  # fmt: skip
    assert caught.value.maybe_committed and len(api_calls(emu)) == 1, "a POST is never blindly retried"
