"""``sage-accounting demo``: the whole story on an embedded emulator, no Sage account needed.

Sign in through the OAuth flow (authorize URL → consent page → Allow → callback → code exchange),
create a customer, raise a sales invoice, record the customer's payment against it, and list what
changed since the start (``updated_or_created_since``) — each step through the same actions the
commands run, with the equivalent command printed.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from rich.table import Table

from .._client import SageAccounting
from ..actions import run_action
from ..emulator import Emulator
from ._emulated import consent_sign_in, emulator_connection
from ._output import emit, out_console
from ._state import runtime

__all__ = ["demo"]


def _first(answer: dict[str, Any]) -> dict[str, Any]:
    items: list[dict[str, Any]] = answer.get("$items") or []
    if not items:
        raise RuntimeError("the demo data is missing a record it needs")
    return items[0]


def demo() -> None:
    """Walk the whole story on an embedded emulator: sign in through OAuth, create a customer, raise a
    sales invoice, record a payment, list what changed."""
    rt = runtime()
    console = out_console()
    quiet = rt.output != "table"
    step = 0

    def say(text: str) -> None:
        if not quiet:
            console.print(text)

    def heading(text: str, cli: str | None = None) -> None:
        nonlocal step
        step += 1
        say(f"\n[bold cyan]{step}. {text}[/]")
        if cli:
            say(f"   [dim]$ sage-accounting --emulator {cli}[/]")

    emu = Emulator()
    heading("Start an embedded Sage emulator with demo data (OAuth server + API v3.1, in process)")
    conn = emulator_connection(emu)
    heading("Sign in through OAuth 2.0 with PKCE", "auth login")
    consent_sign_in(emu, conn, say=lambda text: say(f"   {text}"))
    sage = SageAccounting(conn, transport=emu.transport())
    try:
        user = sage.request("GET", "/user").json()
        businesses = sage.request("GET", "/businesses").json()["$items"]
        lead = next((b for b in businesses if b.get("lead")), businesses[0])
        say(f"   signed in as [bold]{user['displayed_as']}[/] <{user['email']}>; businesses: "
            + ", ".join(f"{b['displayed_as']}{' (lead)' if b.get('lead') else ''}" for b in businesses))  # fmt: skip
        emu.clock.advance(1)
        since = emu.clock.now().replace(microsecond=0).astimezone(_dt.UTC)
        since_text = since.isoformat().replace("+00:00", "Z")
        story = _story(sage, heading, say, lead["displayed_as"])
        heading(f"List what changed since {since_text}",
                f"contacts list --updated-or-created-since {since_text}")  # fmt: skip
        changed: dict[str, list[dict[str, Any]]] = {}
        for key, noun in (
            ("listContacts", "contacts"),
            ("listSalesInvoices", "sales invoices"),
            ("listContactPayments", "contact payments"),
        ):
            answer = run_action(
                sage, key, {"updated_or_created_since": since_text, "attributes": "updated_at"}
            )
            changed[noun] = answer["$items"]
            table = Table(title=f"{noun} changed ({answer['$total']})")
            for column in ("id", "displayed_as", "updated_at"):
                table.add_column(column)
            for item in answer["$items"]:
                table.add_row(item["id"], item["displayed_as"], item.get("updated_at", ""))
            if not quiet:
                console.print(table)
    finally:
        sage.close()
    say("\n[green]That is the whole loop, against a local Sage.[/] Try any command with --emulator, e.g. "
        "[bold]sage-accounting --emulator sales-invoices list --all[/]; sign in to the real Sage with "
        "[bold]sage-accounting auth login[/].")  # fmt: skip
    if quiet:
        emit({"user": user, **story, "since": since_text, "changed": changed}, rt.output)


def _story(sage: SageAccounting, heading: Any, say: Any, business: str) -> dict[str, Any]:
    """Create the customer, the invoice and the payment; returns them."""
    heading(
        f"Create a customer in {business}",
        'contacts create --name "Demo Customer Ltd" --contact-type-ids CUSTOMER',
    )
    contact = run_action(sage, "createContact", {
        "name": "Demo Customer Ltd", "contactTypeIds": "CUSTOMER", "reference": "DEMO001",
        "addressLine1": "1 High Street", "city": "Leeds", "postalCode": "LS1 1AA", "creditLimit": "5000.00",
    })  # fmt: skip
    say(f"   created contact [bold]{contact['displayed_as']}[/] ({contact['id']})")
    sales = _first(
        run_action(sage, "listLedgerAccounts", {"ledgerAccountTypeId": "SALES", "itemsPerPage": 1})
    )
    lines = [{"description": "Consulting, 2 days", "ledger_account_id": sales["id"], "quantity": "2",
              "unit_price": "450.00", "tax_rate_id": "GB_STANDARD"}]  # fmt: skip
    heading("Raise a sales invoice", f"sales-invoices create --contact-id {contact['id']} --date "
            f"{sage.connection.now().date().isoformat()} --invoice-lines '{json.dumps(lines)}'")  # fmt: skip
    invoice = run_action(sage, "createSalesInvoice", {
        "contactId": contact["id"], "date": sage.connection.now().date().isoformat(), "invoiceLines": lines,
    })  # fmt: skip
    say(f"   invoice [bold]{invoice['displayed_as']}[/]: net {invoice['net_amount']}, tax {invoice['tax_amount']}, "
        f"total {invoice['total_amount']}, {invoice['status']['displayed_as']}")  # fmt: skip
    bank = _first(run_action(sage, "listBankAccounts", {"itemsPerPage": 1}))
    heading("Record the customer's payment against it", "contact-payments create --transaction-type-id "
            f"CUSTOMER_RECEIPT --contact-id {contact['id']} --bank-account-id {bank['id']} --total-amount "
            f"{invoice['total_amount']} --allocated-artefacts '[{{\"artefact_id\": \"{invoice['id']}\", …}}]'")  # fmt: skip
    payment = run_action(sage, "createContactPayment", {
        "transactionTypeId": "CUSTOMER_RECEIPT", "contactId": contact["id"], "bankAccountId": bank["id"],
        "date": sage.connection.now().date().isoformat(), "totalAmount": invoice["total_amount"],
        "paymentMethodId": "ELECTRONIC",
        "allocatedArtefacts": [{"artefact_id": invoice["id"], "amount": invoice["total_amount"]}],
    })  # fmt: skip
    paid = run_action(sage, "getSalesInvoice", {"salesInvoiceId": invoice["id"]})
    say(f"   payment of {payment['total_amount']} into {bank['displayed_as']}; the invoice is now "
        f"[bold]{paid['status']['displayed_as']}[/] (outstanding {paid['outstanding_amount']})")  # fmt: skip
    return {"contact": contact, "invoice": paid, "payment": payment}
