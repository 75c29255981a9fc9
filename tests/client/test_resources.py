"""Resources and pagination against the emulator, in process and over a socket, sync and async."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from client_helpers import FAST_RETRY

from sage_accounting import AsyncSageAccounting, Connection, Page, SageAccounting
from sage_accounting.emulator import DEMO, Emulator
from sage_accounting.types import Business, Contact, LedgerAccount, TaxRate


def test_contact_crud_and_decimal_round_trip(client: SageAccounting) -> None:
    created = client.contacts.create(
        {"name": "Round Trip Ltd", "contact_type_ids": ["CUSTOMER"]}, credit_limit=Decimal("1234.56")
    )
    assert isinstance(created, Contact) and created.id
    fetched = client.contacts.retrieve(created.id)
    assert fetched.credit_limit == Decimal("1234.56")
    updated = client.contacts.update(created.id, notes="Pays on time")
    assert updated.notes == "Pays on time" and updated.name == "Round Trip Ltd"
    client.contacts.delete(created.id)
    assert client.contacts.list(search="Round Trip").total == 0


def test_context_and_reference_endpoints(client: SageAccounting) -> None:
    lead = client.businesses.lead()
    assert isinstance(lead, Business) and lead.id == DEMO.business_id
    assert any(b.id == DEMO.business_id for b in client.businesses.list())
    assert client.businesses.retrieve(DEMO.business_id).name == lead.name
    assert client.user.retrieve().id == DEMO.user_id
    standard = client.tax_rates.retrieve("GB_STANDARD")
    assert isinstance(standard, TaxRate)
    for name in (
        "address_types",
        "contact_types",
        "contact_person_types",
        "countries",
        "currencies",
        "ledger_account_types",
        "artefact_statuses",
        "bank_account_types",
        "payment_methods",
        "transaction_types",
        "ledger_accounts",
        "bank_accounts",
    ):
        page = getattr(client, name).list()
        assert page.total, name
        first = page.items[0]
        assert first.id and getattr(client, name).retrieve(first.id).id == first.id


def test_pagination_walks_every_page_lazily(emu: Emulator, client: SageAccounting) -> None:
    page = client.ledger_accounts.list(items_per_page=10, attributes="all")
    assert isinstance(page, Page) and len(page.items) == 10
    assert page.total and page.total > 10 and page.next
    all_ids = [a.id for a in page]
    assert len(all_ids) == page.total == len(set(all_ids))
    assert all(isinstance(a, LedgerAccount) for a in page.items)
    assert page.items[0].nominal_code is not None
    before = len(emu.request_log.entries())
    assert len(list(client.ledger_accounts.list(items_per_page=10, limit=15))) == 15
    assert len(emu.request_log.entries()) - before == 2  # two pages, not all of them
    prefetched = [a.id for a in client.ledger_accounts.list(items_per_page=7, prefetch=True)]
    assert prefetched == [a.id for a in client.ledger_accounts.list(items_per_page=7)]
    second = page.next_page()
    assert second is not None and second.page == 2


def test_list_filters_and_bad_inputs(client: SageAccounting) -> None:
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    client.contacts.create(name="Fresh Ltd", contact_type_ids=["VENDOR"])
    fresh = client.contacts.list(
        updated_or_created_since=since, contact_type_id="VENDOR", attributes=["name"]
    )
    assert [c.name for c in fresh] == ["Fresh Ltd"]
    with pytest.raises(TypeError, match="'colour'"):
        client.contacts.list(colour="red")
    with pytest.raises(ValueError, match="items_per_page"):
        client.contacts.list(items_per_page=500)
    with pytest.raises(ValueError, match="not a valid Sage id"):
        client.contacts.retrieve("../user")
    with pytest.raises(TypeError, match="retrieve"):
        client.contacts.retrieve("a" * 32, colour="red")
    with pytest.raises(ValueError, match="naive datetime"):
        client.contacts.list(updated_or_created_since=dt.datetime(2024, 1, 1))


def test_invoice_void_and_release(client: SageAccounting) -> None:
    customer = client.contacts.create(name="Invoice Customer", contact_type_ids=["CUSTOMER"])
    sales = next(a for a in client.ledger_accounts.list(attributes="all") if a.nominal_code == 4000)
    body = {
        "contact_id": customer.id,
        "date": dt.date.today(),
        "status_id": "DRAFT",
        "invoice_lines": [
            {
                "description": "Consulting",
                "ledger_account_id": sales.id,
                "quantity": Decimal("2"),
                "unit_price": Decimal("100.10"),
                "tax_rate_id": "GB_STANDARD",
            }
        ],
    }
    invoice = client.sales_invoices.create(body)
    assert invoice.total_amount == Decimal("240.24")
    released = client.sales_invoices.release(invoice.id)
    assert released.status is not None and released.status.id == "UNPAID"
    voided = client.sales_invoices.void(invoice.id, void_reason="Raised in error")
    assert voided.status is not None and voided.status.id == "VOID"


@pytest.mark.anyio
async def test_async_resources_and_pagination(aclient: AsyncSageAccounting) -> None:
    created = await aclient.contacts.create(
        name="Async Ltd", contact_type_ids=["CUSTOMER"], credit_limit="10.5"
    )
    assert (await aclient.contacts.retrieve(created.id)).credit_limit == Decimal("10.5")
    page = await aclient.ledger_accounts.list(items_per_page=20)
    ids = [a.id async for a in aclient.ledger_accounts.list(items_per_page=20)]
    assert len(ids) == page.total
    pre = [a.id async for a in aclient.ledger_accounts.list(items_per_page=20, prefetch=4)]
    assert pre == ids
    limited = [a.id async for a in aclient.ledger_accounts.list(items_per_page=20, limit=25)]
    assert limited == ids[:25]
    assert (await aclient.businesses.lead()).id == DEMO.business_id
    assert (await aclient.user.retrieve()).id == DEMO.user_id
    await aclient.contacts.delete(created.id)


def test_over_a_real_socket_sync(emu: Emulator) -> None:
    token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
    with emu.serve() as url:
        conn = Connection(DEMO.client_id, DEMO.client_secret, host=url, token=token)
        with SageAccounting(conn, business_id=DEMO.business_id, retry=FAST_RETRY) as sage:
            emu.faults.add(method="GET", path="/v3.1/tax_rates", status=503, count=1)
            assert sage.tax_rates.list().total
            emu.clock.advance(301)
            made = sage.contacts.create(name="Socket Ltd", contact_type_ids=["CUSTOMER"])
            assert sage.contacts.retrieve(made.id).name == "Socket Ltd"
    assert len(emu.token_requests(grant_type="refresh_token")) == 1


@pytest.mark.anyio
async def test_over_a_real_socket_async(emu: Emulator) -> None:
    token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
    with emu.serve() as url:
        conn = Connection(DEMO.client_id, DEMO.client_secret, host=url, token=token)
        async with AsyncSageAccounting(conn, business_id=DEMO.business_id, retry=FAST_RETRY) as sage:
            assert (await sage.tax_rates.list()).total
            emu.clock.advance(301)
            assert (await sage.user.retrieve()).id == DEMO.user_id
    assert len(emu.token_requests(grant_type="refresh_token")) == 1
