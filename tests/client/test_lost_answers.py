"""A DELETE or a void whose first answer was lost (Sage carried it out, then the answer failed) and whose
retry meets the changed record — 404 on the contact, "already voided" on the invoice — is reported as
done, with a warning saying how to check; a refusal that stands is still raised."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from client_helpers import FAST_RETRY

from sage_accounting import (
    AsyncSageAccounting,
    Connection,
    NotFoundError,
    SageAccounting,
    UnprocessableEntityError,
)
from sage_accounting.emulator import DEMO, Emulator


def _deletes(emu: Emulator, path: str) -> int:
    return sum(1 for e in emu.request_log.entries() if e.method == "DELETE" and e.path == path)


def _invoice(client: SageAccounting) -> str:
    customer = client.contacts.create(name="Lost Answer Ltd", contact_type_ids=["CUSTOMER"])
    sales = next(a for a in client.ledger_accounts.list(attributes="all") if a.nominal_code == 4000)
    invoice = client.sales_invoices.create(
        {
            "contact_id": customer.id,
            "date": dt.date.today(),
            "invoice_lines": [
                {
                    "description": "Consulting",
                    "ledger_account_id": sales.id,
                    "quantity": Decimal("1"),
                    "unit_price": Decimal("100"),
                    "tax_rate_id": "GB_STANDARD",
                }
            ],
        }
    )
    return invoice.id


def test_a_delete_whose_answer_was_lost_is_done(
    client: SageAccounting, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    contact = client.contacts.create(name="Gone Ltd", contact_type_ids=["CUSTOMER"])
    path = f"/v3.1/contacts/{contact.id}"
    emu.faults.add("DELETE", path, commit_then_fail=True)
    with caplog.at_level(logging.WARNING, logger="sage_accounting"):
        assert client.contacts.delete(contact.id) is None
    assert _deletes(emu, path) == 2  # deleted by the first, 404 on the retry
    with pytest.raises(NotFoundError):
        client.contacts.retrieve(contact.id)
    note = " ".join(r.getMessage() for r in caplog.records)
    assert "first answer was lost" in note and f"GET /contacts/{contact.id}" in note


def test_a_void_whose_answer_was_lost_returns_the_voided_invoice(
    client: SageAccounting, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    invoice_id = _invoice(client)
    path = f"/v3.1/sales_invoices/{invoice_id}"
    emu.faults.add("DELETE", path, commit_then_fail=True)
    with caplog.at_level(logging.WARNING, logger="sage_accounting"):
        voided = client.sales_invoices.void(invoice_id, void_reason="Raised in error")
    assert voided is not None and voided.status is not None and voided.status.id == "VOID"
    assert voided.void_reason == "Raised in error"
    assert _deletes(emu, path) == 2
    assert "already voided" in caplog.text


def test_a_refusal_on_retry_that_was_not_caused_by_the_lost_answer_stands(
    client: SageAccounting, emu: Emulator
) -> None:
    invoice_id = _invoice(client)
    path = f"/v3.1/sales_invoices/{invoice_id}"
    emu.faults.add("DELETE", path, status=503)  # refused before doing anything
    with pytest.raises(UnprocessableEntityError) as info:
        client.sales_invoices.void(invoice_id)  # Sage needs a reason
    assert info.value.after_lost_answer
    assert client.sales_invoices.retrieve(invoice_id).status.id != "VOID"  # type: ignore[union-attr]


def test_a_404_without_a_lost_answer_is_still_not_found(client: SageAccounting) -> None:
    with pytest.raises(NotFoundError):
        client.contacts.delete("0" * 32)


def test_a_404_after_a_rate_limit_is_still_not_found(client: SageAccounting, emu: Emulator) -> None:
    # A 429 means Sage did nothing: the retry's 404 is the truth.
    emu.faults.add("DELETE", "/v3.1/contacts/*", status=429, retry_after=0)
    with pytest.raises(NotFoundError):
        client.contacts.delete("0" * 32)


@pytest.mark.anyio
async def test_async_a_delete_and_a_void_whose_answers_were_lost_are_done(
    conn: Connection, emu: Emulator
) -> None:
    with SageAccounting(conn, business_id=DEMO.business_id, retry=FAST_RETRY) as sync:
        invoice_id = _invoice(sync)
        contact = sync.contacts.create(name="Async Gone Ltd", contact_type_ids=["CUSTOMER"])
    emu.faults.add("DELETE", f"/v3.1/contacts/{contact.id}", commit_then_fail=True)
    emu.faults.add("DELETE", f"/v3.1/sales_invoices/{invoice_id}", commit_then_fail=True)
    async with AsyncSageAccounting(conn, business_id=DEMO.business_id, retry=FAST_RETRY) as sage:
        await sage.contacts.delete(contact.id)
        voided = await sage.sales_invoices.void(invoice_id, void_reason="Raised in error")
    assert voided is not None and voided.status is not None and voided.status.id == "VOID"
