"""Every action through the command line against the embedded emulator (``--emulator``): resource-style
commands for the main nouns, ``run KEY`` for the rest, ``raw`` for rawRequest.  Each test declares the
actions it covers; ``test_every_action_is_covered`` checks that together they cover the registry."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sage_accounting.actions import registry
from sage_accounting.cli._generate import plan

from .conftest import Cli

COMMANDS = {(g.noun, g.verb): g.action.key for g in plan()}

COVERS: dict[str, set[str]] = {
    "test_contacts_and_people": {
        "listContacts", "createContact", "getContact", "updateContact", "deleteContact", "listContactPeople",
        "createContactPerson", "getContactPerson", "updateContactPerson", "deleteContactPerson",
    },
    "test_chart_of_accounts": {"listLedgerAccounts", "createLedgerAccount", "getLedgerAccount", "updateLedgerAccount"},
    "test_sales_invoices": {
        "listSalesInvoices", "createSalesInvoice", "getSalesInvoice", "updateSalesInvoice", "releaseSalesInvoice",
        "voidSalesInvoice", "deleteSalesInvoice",
    },
    "test_sales_credit_notes": {
        "listSalesCreditNotes", "createSalesCreditNote", "getSalesCreditNote", "updateSalesCreditNote",
        "voidSalesCreditNote",
    },
    "test_purchases": {
        "listPurchaseInvoice", "createPurchaseInvoice", "getPurchaseInvoice", "updatePurchaseInvoice",
        "deletePurchaseInvoice", "listPurchaseCreditNotes", "createPurchaseCreditNote", "getPurchaseCreditNote",
        "updatePurchaseCreditNote", "deletePurchaseCreditNote",
    },
    "test_payments": {"listContactPayments", "createContactPayment", "getContactPayment", "deleteContactPayment"},
    "test_journals": {"listJournals", "createJournal", "getJournal", "deleteJournal"},
    "test_bank_accounts": {
        "listBankAccounts", "createBankAccount", "getBankAccount", "updateBankAccount", "deleteBankAccount",
    },
    "test_products_and_services": {
        "listProducts", "createProduct", "getProduct", "updateProduct", "deleteProduct", "listServices",
        "createService", "getService", "updateService", "deleteService",
    },
    "test_taxes_businesses_user": {"listTaxRates", "getTaxRate", "listBusinesses", "getBusiness", "getUser"},
    "test_reference_lists": {
        "listAddressTypes", "listArtefactStatuses", "listBankAccountTypes", "listContactPersonTypes",
        "listContactTypes", "listCountries", "listCurrencies", "listLedgerAccountTypes", "listPaymentMethods",
        "listTransactionTypes",
    },
    "test_raw_request": {"rawRequest"},
}  # fmt: skip


class Runner:
    """Runs commands with ``--emulator --json`` and records which action each one ran."""

    def __init__(self, cli: Cli) -> None:
        self.cli = cli
        self.keys: set[str] = set()

    def key_of(self, args: tuple[str, ...]) -> str:
        if args[0] == "run":
            return args[1]
        if args[0] == "raw":
            return "rawRequest"
        return COMMANDS[(args[0], args[1])]

    def __call__(self, *args: str) -> Any:
        self.keys.add(self.key_of(args))
        out = self.cli.ok(*args, "--emulator", "--json")
        return out.json() if out.stdout.strip() else None

    def fails(self, code: int, *args: str) -> str:
        self.keys.add(self.key_of(args))
        return self.cli.fails(code, *args, "--emulator").stderr.strip()


@pytest.fixture
def run(cli: Cli, emu: Any, request: pytest.FixtureRequest) -> Any:
    runner = Runner(cli)
    yield runner
    callspec = getattr(request.node, "callspec", None)
    declared = {callspec.params["key"]} if callspec else COVERS[request.node.originalname]
    assert declared <= runner.keys, f"declared but not run: {declared - runner.keys}"


def first_id(answer: dict[str, Any]) -> str:
    item_id: str = answer["$items"][0]["id"]
    return item_id


def lines(ledger: str, **extra: str) -> str:
    line = {"description": "Consulting", "ledger_account_id": ledger, "quantity": "2", "unit_price": "150.00",
            "tax_rate_id": "GB_STANDARD", **extra}  # fmt: skip
    return json.dumps([line])


def test_every_action_is_covered() -> None:
    covered = set().union(*COVERS.values())
    assert covered == set(registry), f"missing {set(registry) - covered}, unknown {covered - set(registry)}"


def test_contacts_and_people(run: Runner) -> None:
    page = run("contacts", "list", "--items-per-page", "2", "--contact-type-id", "CUSTOMER")
    assert len(page["$items"]) == 2 and page["$total"] > 2
    everything = run("contacts", "list", "--all", "--items-per-page", "7")
    assert len(everything["$items"]) == everything["$total"] and everything["$next"] is None
    contact = run("contacts", "create", "--name", "Acme Ltd", "--contact-type-ids", "CUSTOMER",
                  "--credit-limit", "1500.50", "--credit-days", "30", "--city", "Leeds", "--postal-code", "LS1 1AA",
                  "--is-main-address", "--reference", "ACME1")  # fmt: skip
    assert contact["credit_limit"] == "1500.5" and contact["credit_days"] == 30
    assert [t["id"] for t in contact["contact_types"]] == ["CUSTOMER"]
    address = run("raw", "GET", contact["main_address"]["$path"])
    assert address["city"] == "Leeds" and address["postal_code"] == "LS1 1AA"
    got = run("contacts", "get", contact["id"])
    assert got["name"] == "Acme Ltd" and got["reference"] == "ACME1"
    updated = run("contacts", "update", contact["id"], "--name", "Acme Holdings", "--notes", "key account")
    assert updated["name"] == "Acme Holdings" and updated["credit_limit"] == "1500.5"  # partial update
    people = run("contact-persons", "list", "--contact-id", contact["id"])
    assert people["$total"] >= 1
    person = run("contact-persons", "create", "--address-id", contact["main_address"]["id"],
                 "--contact-person-type-ids", "ACCOUNTS", "--name", "Jo Bloggs", "--email", "jo@example.com")  # fmt: skip
    assert person["name"] == "Jo Bloggs"
    assert run("contact-persons", "get", person["id"])["email"] == "jo@example.com"
    assert run("contact-persons", "update", person["id"], "--job-title", "Finance")["job_title"] == "Finance"
    assert run("contact-persons", "delete", person["id"]) is None
    assert run("contacts", "delete", contact["id"]) is None
    assert "404" in run.fails(4, "contacts", "get", contact["id"])


def test_chart_of_accounts(run: Runner) -> None:
    sales = run(
        "ledger-accounts", "list", "--ledger-account-type-id", "SALES", "--attributes", "nominal_code"
    )
    assert all(4000 <= item["nominal_code"] < 5000 for item in sales["$items"])
    created = run("ledger-accounts", "create", "--display-name", "Web sales", "--included-in-chart",
                  "--ledger-account-type-id", "SALES", "--name", "Web sales", "--nominal-code", "4090")  # fmt: skip
    assert created["nominal_code"] == 4090 and created["included_in_chart"] is True
    assert run("ledger-accounts", "get", created["id"])["name"] == "Web sales"
    updated = run("ledger-accounts", "update", created["id"], "--display-name", "Online sales", "--included-in-chart",
                  "--ledger-account-type-id", "SALES", "--name", "Online sales", "--nominal-code", "4090")  # fmt: skip
    assert updated["display_name"] == "Online sales"


def _sales_setup(run: Runner) -> tuple[str, str]:
    customer = first_id(run("contacts", "list", "--contact-type-id", "CUSTOMER", "--items-per-page", "1"))
    ledger = first_id(
        run("ledger-accounts", "list", "--ledger-account-type-id", "SALES", "--items-per-page", "1")
    )
    return customer, ledger


def test_sales_invoices(run: Runner, tmp_path: Any) -> None:
    customer, ledger = _sales_setup(run)
    listed = run("sales-invoices", "list", "--status-id", "UNPAID", "--all", "--attributes", "status")
    assert listed["$items"] and all(i["status"]["id"] == "UNPAID" for i in listed["$items"])
    lines_file = tmp_path / "lines.json"
    lines_file.write_text(lines(ledger))
    invoice = run("sales-invoices", "create", "--contact-id", customer, "--date", "2024-03-01",
                  "--invoice-lines", f"@{lines_file}")  # fmt: skip
    assert (invoice["net_amount"], invoice["tax_amount"], invoice["total_amount"]) == (
        "300.0",
        "60.0",
        "360.0",
    )
    assert run("sales-invoices", "get", invoice["id"])["contact"]["id"] == customer
    updated = run("sales-invoices", "update", invoice["id"], "--due-date", "2024-04-30", "--notes", "thanks",
                  "--invoice-lines", lines(ledger, quantity="3"))  # fmt: skip
    assert updated["due_date"] == "2024-04-30" and updated["total_amount"] == "540.0"
    voided = run("sales-invoices", "void", invoice["id"], "--void-reason", "Raised in error")
    assert voided is None or voided["status"]["id"] == "VOID"
    draft = first_id(run("sales-invoices", "list", "--status-id", "DRAFT"))
    released = run("sales-invoices", "release", draft)
    assert released["status"]["id"] == "UNPAID"
    other = run("sales-invoices", "create", "--contact-id", customer, "--date", "2024-03-02",
                "--invoice-lines", lines(ledger))  # fmt: skip
    run("run", "deleteSalesInvoice", "-i", f"salesInvoiceId={other['id']}", "-i", "voidReason=Duplicate")
    assert run("sales-invoices", "get", other["id"])["status"]["id"] == "VOID"


def test_sales_credit_notes(run: Runner) -> None:
    customer, ledger = _sales_setup(run)
    assert run("sales-credit-notes", "list")["$total"] >= 1
    note = run("sales-credit-notes", "create", "--contact-id", customer, "--date", "2024-03-05",
               "--credit-note-lines", lines(ledger), "--reference", "CN-1")  # fmt: skip
    assert note["total_amount"] == "360.0"
    assert run("sales-credit-notes", "get", note["id"])["reference"] == "CN-1"
    assert run("sales-credit-notes", "update", note["id"], "--notes", "returned")["notes"] == "returned"
    run("sales-credit-notes", "void", note["id"], "--void-reason", "Mistake")
    assert run("sales-credit-notes", "get", note["id"])["status"]["id"] == "VOID"


def test_purchases(run: Runner) -> None:
    vendor = first_id(run("contacts", "list", "--contact-type-id", "VENDOR", "--items-per-page", "1"))
    ledger = first_id(
        run("run", "listLedgerAccounts", "-i", "ledgerAccountTypeId=OVERHEADS", "-i", "itemsPerPage=1")
    )
    assert run("purchase-invoices", "list", "--items-per-page", "1")["$total"] >= 1
    invoice = run("purchase-invoices", "create", "--contact-id", vendor, "--date", "2024-02-01", "--due-date",
                  "2024-03-01", "--invoice-lines", lines(ledger))  # fmt: skip
    assert invoice["total_amount"] == "360.0"
    assert run("purchase-invoices", "get", invoice["id"])["due_date"] == "2024-03-01"
    updated = run("purchase-invoices", "update", invoice["id"], "--due-date", "2024-03-15",
                  "--invoice-lines", lines(ledger, unit_price="100.00"))  # fmt: skip
    assert updated["total_amount"] == "240.0"
    assert run("purchase-invoices", "delete", invoice["id"]) is None
    assert run("purchase-credit-notes", "list")["$total"] == 0
    note = run("purchase-credit-notes", "create", "--contact-id", vendor, "--date", "2024-02-05",
               "--credit-note-lines", lines(ledger), "--vendor-reference", "SUP-7")  # fmt: skip
    assert run("purchase-credit-notes", "get", note["id"])["vendor_reference"] == "SUP-7"
    assert run("purchase-credit-notes", "update", note["id"], "--notes", "ok")["notes"] == "ok"
    assert run("purchase-credit-notes", "delete", note["id"]) is None


def test_payments(run: Runner) -> None:
    customer, ledger = _sales_setup(run)
    bank = first_id(run("bank-accounts", "list"))
    invoice = run("sales-invoices", "create", "--contact-id", customer, "--date", "2024-03-01",
                  "--invoice-lines", lines(ledger))  # fmt: skip
    assert run("contact-payments", "list", "--transaction-type-id", "CUSTOMER_RECEIPT")["$total"] >= 1
    allocation = json.dumps([{"artefact_id": invoice["id"], "amount": "360.00"}])
    payment = run("contact-payments", "create", "--transaction-type-id", "CUSTOMER_RECEIPT", "--contact-id",
                  customer, "--bank-account-id", bank, "--date", "2024-03-10", "--total-amount", "360.00",
                  "--payment-method-id", "ELECTRONIC", "--allocated-artefacts", allocation)  # fmt: skip
    assert payment["total_amount"] == "360.0"
    assert run("sales-invoices", "get", invoice["id"])["status"]["id"] == "PAID"
    assert run("contact-payments", "get", payment["id"])["contact"]["id"] == customer
    assert run("contact-payments", "delete", payment["id"]) is None
    assert run("sales-invoices", "get", invoice["id"])["status"]["id"] == "UNPAID"


def test_journals(run: Runner) -> None:
    accounts = run("ledger-accounts", "list", "--items-per-page", "2")["$items"]
    assert run("journals", "list")["$total"] >= 1
    journal_lines = json.dumps([
        {"ledger_account_id": accounts[0]["id"], "debit": "100.00", "credit": "0"},
        {"ledger_account_id": accounts[1]["id"], "debit": "0", "credit": "100.00"},
    ])  # fmt: skip
    journal = run("journals", "create", "--date", "2024-03-31", "--reference", "J-1", "--journal-lines",
                  journal_lines)  # fmt: skip
    assert run("journals", "get", journal["id"])["reference"] == "J-1"
    assert run("journals", "delete", journal["id"]) is None
    unbalanced = journal_lines.replace('"credit": "100.00"', '"credit": "90.00"')
    message = run.fails(2, "journals", "create", "--date", "2024-03-31", "--reference", "J-2", "--journal-lines",
                        unbalanced)  # fmt: skip
    assert "--journal-lines must balance" in message


def test_bank_accounts(run: Runner) -> None:
    assert run("bank-accounts", "list", "--all")["$total"] >= 2
    account = run("bank-accounts", "create", "--account-name", "Savings", "--bank-account-type-id", "SAVINGS",
                  "--nominal-code", "1239")  # fmt: skip
    assert run("bank-accounts", "get", account["id"])["bank_account_details"]["account_name"] == "Savings"
    renamed = run("bank-accounts", "update", account["id"], "--account-name", "Rainy day")
    assert renamed["bank_account_details"]["account_name"] == "Rainy day"
    assert run("bank-accounts", "delete", account["id"]) is None


def test_products_and_services(run: Runner) -> None:
    sales = first_id(
        run("ledger-accounts", "list", "--ledger-account-type-id", "SALES", "--items-per-page", "1")
    )
    costs = first_id(run("ledger-accounts", "list", "--ledger-account-type-id", "DIRECT_EXPENSES",
                         "--items-per-page", "1"))  # fmt: skip
    assert run("products", "list", "--search", "desk")["$total"] >= 1
    product = run("products", "create", "--description", "Standing desk", "--sales-ledger-account-id", sales,
                  "--purchase-ledger-account-id", costs, "--item-code", "DESK-9", "--cost-price", "120.00")  # fmt: skip
    assert run("products", "get", product["id"])["item_code"] == "DESK-9"
    assert (
        run("products", "update", product["id"], "--description", "Sit-stand desk")["description"]
        == "Sit-stand desk"
    )
    assert run("products", "delete", product["id"]) is None
    assert run("services", "list")["$total"] >= 1
    service = run("services", "create", "--description", "Audit", "--sales-ledger-account-id", sales)
    assert run("services", "get", service["id"])["description"] == "Audit"
    assert run("services", "update", service["id"], "--no-active")["active"] is False
    assert run("services", "delete", service["id"]) is None


def test_taxes_businesses_user(run: Runner) -> None:
    rates = run("tax-rates", "list", "--attributes", "percentage")
    assert {r["id"] for r in rates["$items"]} >= {"GB_STANDARD", "GB_ZERO"}
    assert run("tax-rates", "get", "GB_STANDARD")["percentage"] == "20.0"
    businesses = run("run", "listBusinesses")
    assert businesses["$total"] == 2
    assert run("businesses", "get", businesses["$items"][0]["id"])["name"]
    assert run("user", "get")["email"] == "demo@example.com"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("listAddressTypes", "DELIVERY"),
        ("listArtefactStatuses", "PAID"),
        ("listBankAccountTypes", "CHECKING"),
        ("listContactPersonTypes", "ACCOUNTS"),
        ("listContactTypes", "CUSTOMER"),
        ("listCountries", "GB"),
        ("listCurrencies", "GBP"),
        ("listLedgerAccountTypes", "SALES"),
        ("listPaymentMethods", "CASH"),
        ("listTransactionTypes", "CUSTOMER_RECEIPT"),
    ],
)
def test_reference_lists(run: Runner, key: str, expected: str) -> None:
    answer = run("run", key, "-i", "fetchAll=true")
    assert expected in {item["id"] for item in answer["$items"]}


def test_raw_request(run: Runner, cli: Cli) -> None:
    page = run("raw", "GET", "/contacts", "-q", "items_per_page=5", "-H", "X-Foo: bar")
    assert len(page["$items"]) == 5
    created = run(
        "raw", "POST", "/contacts", "-d", '{"contact": {"name": "Raw Ltd", "contact_type_ids": ["CUSTOMER"]}}'
    )
    assert created["name"] == "Raw Ltd"
    assert "422" in run.fails(5, "raw", "POST", "/contacts", "-d", '{"contact": {"name": ""}}')
    assert "--data is not valid JSON" in run.fails(2, "raw", "POST", "/contacts", "-d", "{nope")
    assert "Authorization" in run.fails(2, "raw", "GET", "/contacts", "-H", "Authorization: Bearer x")
