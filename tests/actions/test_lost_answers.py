"""deleteContact and voidSalesInvoice whose first answer was lost (Sage carried them out, then the answer
failed) report what happened: done, with the voided invoice, not a failure."""

from __future__ import annotations

import logging

import pytest

from sage_accounting import SageAccounting
from sage_accounting.actions import run_action
from sage_accounting.emulator import Emulator

from .conftest import Ids
from .helpers import customer, line


def test_delete_contact_whose_answer_was_lost_is_done(
    emu: Emulator, client: SageAccounting, caplog: pytest.LogCaptureFixture
) -> None:
    contact = customer(client)
    emu.faults.add("DELETE", f"/v3.1/contacts/{contact['id']}", commit_then_fail=True)
    with caplog.at_level(logging.WARNING, logger="sage_accounting"):
        assert run_action(client, "deleteContact", {"contactId": contact["id"]}) is None
    assert "first answer was lost" in caplog.text
    assert not [c for c in emu.request_log.entries() if c.method == "GET" and contact["id"] in c.path]


def test_void_sales_invoice_whose_answer_was_lost_returns_the_voided_invoice(
    emu: Emulator, client: SageAccounting, ids: Ids
) -> None:
    invoice = run_action(
        client,
        "createSalesInvoice",
        {"contactId": customer(client)["id"], "date": "2024-01-31", "invoiceLines": [line(ids.sales)]},
    )
    emu.faults.add("DELETE", f"/v3.1/sales_invoices/{invoice['id']}", commit_then_fail=True)
    voided = run_action(
        client, "voidSalesInvoice", {"salesInvoiceId": invoice["id"], "voidReason": "Duplicate"}
    )
    assert voided["status"]["id"] == "VOID" and voided["void_reason"] == "Duplicate"
