"""Each action names the record type of its answer (for a list, of each item), imported only when asked
for: Sage's answers parse into it, and importing the actions stays light."""

from __future__ import annotations

import subprocess
import sys

from sage_accounting import SageAccounting
from sage_accounting.actions import registry, run_action
from sage_accounting.types import Contact, ContactPayment, SalesInvoice

from .helpers import customer, line


def test_every_reading_or_writing_action_names_its_record_type() -> None:
    assert registry["getContact"].output_model is Contact
    assert registry["listContacts"].output_model is Contact
    assert registry["createContactPayment"].output_model is ContactPayment
    assert registry["voidSalesInvoice"].output_model is SalesInvoice
    assert registry["deleteContact"].output_model is None
    assert registry["rawRequest"].output_model is None
    for action in registry.values():
        if action.kind in ("list", "get", "create", "update"):
            assert action.output_model is not None, action.key


def test_sages_answers_parse_into_the_output_model(client: SageAccounting) -> None:
    contact = customer(client, "Model Ltd")
    parsed = registry["getContact"].output_model.model_validate(  # type: ignore[union-attr]
        run_action(client, "getContact", {"contactId": contact["id"]})
    )
    assert parsed.name == "Model Ltd"
    ledger = client.request("GET", "/ledger_accounts", params={"search": "4000"}).json()["$items"][0]["id"]
    invoice = run_action(
        client,
        "createSalesInvoice",
        {"contactId": contact["id"], "date": "2024-01-31", "invoiceLines": [line(ledger)]},
    )
    assert registry["createSalesInvoice"].output_model.model_validate(invoice).id == invoice["id"]  # type: ignore[union-attr]
    page = run_action(client, "listLedgerAccounts", {"attributes": "all"})
    model = registry["listLedgerAccounts"].output_model
    assert model is not None
    assert [model.model_validate(item).id for item in page["$items"]]


def test_importing_the_actions_pulls_in_nothing_heavy() -> None:
    code = (
        "import sys, sage_accounting.actions as a; a.registry['createContact'].input_schema(); "
        "heavy = [m for m in ('mcp', 'jsonschema', 'sqlalchemy', 'redis', 'dlt', 'jinja2', "
        "'sage_accounting.emulator') if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
