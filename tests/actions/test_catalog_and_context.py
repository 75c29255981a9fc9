"""Products, services, tax rates, journals, businesses, the user and the reference lists."""

from __future__ import annotations

import pytest

from sage_accounting import NotFoundError, SageAccounting
from sage_accounting.actions import run_action
from sage_accounting.emulator import DEMO, Emulator

from .conftest import Ids, Recorder
from .helpers import supplier


def test_products(client: SageAccounting, recorder: Recorder, ids: Ids) -> None:
    widgets = supplier(client)
    product = run_action(client, "createProduct", {
        "description": "Blue widget", "salesLedgerAccountId": ids.sales, "purchaseLedgerAccountId": ids.purchases,
        "itemCode": "WID-BLUE", "notes": "Boxes of 10", "salesTaxRateId": "GB_STANDARD",
        "purchaseTaxRateId": "GB_STANDARD", "usualSupplierId": widgets["id"], "costPrice": "4.50",
        "sourceGuid": "ext-1", "purchaseDescription": "Widget, blue", "active": "true", "catalogItemTypeId": "stock_item",
        "salesPrices": '[{"price_name": "Selling Price", "price": "9.99", "price_includes_tax": "false"}]',
    })  # fmt: skip
    assert recorder.last_body() == {"product": {
        "description": "Blue widget", "sales_ledger_account_id": ids.sales, "purchase_ledger_account_id": ids.purchases,
        "item_code": "WID-BLUE", "notes": "Boxes of 10", "sales_tax_rate_id": "GB_STANDARD",
        "purchase_tax_rate_id": "GB_STANDARD", "usual_supplier_id": widgets["id"], "cost_price": "4.50",
        "source_guid": "ext-1", "purchase_description": "Widget, blue", "active": True,
        "catalog_item_type_id": "STOCK_ITEM",
        "sales_prices": [{"price_name": "Selling Price", "price": "9.99", "price_includes_tax": False}],
    }}  # fmt: skip
    assert (product["item_code"], product["cost_price"], product["catalog_item_type"]["id"]) == (
        "WID-BLUE",
        "4.5",
        "STOCK_ITEM",
    )
    assert product["sales_prices"][0]["price"] == "9.99"
    assert run_action(client, "getProduct", {"productId": product["id"]})["id"] == product["id"]
    updated = run_action(client, "updateProduct", {"productId": product["id"], "costPrice": "5"})
    assert recorder.last_body() == {"product": {"cost_price": "5"}}
    assert (
        updated["cost_price"] == "5.0"
        and updated["item_code"] == "WID-BLUE"
        and updated["notes"] == "Boxes of 10"
    )
    assert [
        p["id"] for p in run_action(client, "listProducts", {"search": "WID", "active": True})["$items"]
    ] == [product["id"]]
    assert run_action(client, "listProducts", {"active": "false"})["$total"] == 0
    assert (
        run_action(client, "listProducts", {"fetchAll": True, "updated_or_created_since": "2000-01-01"})[
            "$total"
        ]
        == 1
    )
    assert run_action(client, "deleteProduct", {"productId": product["id"]}) is None
    assert [
        p["id"] for p in run_action(client, "listProducts", {"deletedSince": "2000-01-01"})["$items"]
    ] == [product["id"]]


def test_services(client: SageAccounting, recorder: Recorder, ids: Ids) -> None:
    service = run_action(client, "createService", {
        "description": "Consulting hour", "salesLedgerAccountId": ids.sales, "itemCode": "CONS",
        "salesRates": [{"rate_name": "Hourly", "rate": "75.00", "rate_includes_tax": False}],
    })  # fmt: skip
    assert recorder.last_body() == {"service": {
        "description": "Consulting hour", "sales_ledger_account_id": ids.sales, "item_code": "CONS",
        "sales_rates": [{"rate_name": "Hourly", "rate": "75.00", "rate_includes_tax": False}],
    }}  # fmt: skip
    assert service["sales_rates"][0]["rate"] == "75.0"
    assert run_action(client, "getService", {"serviceId": service["id"]})["item_code"] == "CONS"
    updated = run_action(client, "updateService", {"serviceId": service["id"], "active": False})
    assert updated["active"] is False and updated["description"] == "Consulting hour"
    assert run_action(client, "listServices", {"active": False, "search": "consult"})["$total"] == 1
    assert run_action(client, "deleteService", {"serviceId": service["id"]}) is None
    with pytest.raises(NotFoundError):
        run_action(client, "getService", {"serviceId": service["id"]})


def test_tax_rates(client: SageAccounting) -> None:
    rates = run_action(
        client, "listTaxRates", {"attributes": "percentage", "usage": "sales", "fetchAll": True}
    )
    assert "GB_STANDARD" in {r["id"] for r in rates["$items"]}
    standard = run_action(client, "getTaxRate", {"taxRateId": "GB_STANDARD"})
    assert standard["id"] == "GB_STANDARD" and isinstance(standard["percentage"], str)


def test_journals(client: SageAccounting, recorder: Recorder, ids: Ids) -> None:
    journal = run_action(client, "createJournal", {
        "date": "2026-03-31", "reference": "ACC-1", "description": "Accrual",
        "journalLines": [
            {"ledger_account_id": ids.ledger[7000], "debit": "100.00", "credit": "0", "details": "Rent"},
            {"ledger_account_id": ids.ledger[2109], "debit": 0, "credit": "100.00", "include_on_tax_return": "false"},
        ],
    })  # fmt: skip
    assert recorder.last_body() == {"journal": {
        "date": "2026-03-31", "reference": "ACC-1", "description": "Accrual",
        "journal_lines": [
            {"ledger_account_id": ids.ledger[7000], "debit": "100.00", "credit": "0", "details": "Rent"},
            {"ledger_account_id": ids.ledger[2109], "debit": "0", "credit": "100.00", "include_on_tax_return": False},
        ],
    }}  # fmt: skip
    assert journal["reference"] == "ACC-1" and len(journal["journal_lines"]) == 2
    assert run_action(client, "getJournal", {"journalId": journal["id"]})["id"] == journal["id"]
    listed = run_action(client, "listJournals", {"fetchAll": True, "updated_or_created_since": "2000-01-01"})
    assert [j["id"] for j in listed["$items"]] == [journal["id"]]
    assert run_action(client, "deleteJournal", {"journalId": journal["id"]}) is None
    assert [
        j["id"] for j in run_action(client, "listJournals", {"deletedSince": "2000-01-01"})["$items"]
    ] == [journal["id"]]


def test_businesses_and_user(client: SageAccounting) -> None:
    businesses = run_action(client, "listBusinesses", {"fetchAll": True})
    assert [b["id"] for b in businesses["$items"]] == [DEMO.business_id]
    assert "$items_per_page" in businesses
    lead = run_action(client, "getBusiness", {})
    assert lead["id"] == DEMO.business_id and lead["lead"] is True
    assert run_action(client, "getBusiness", {"businessId": DEMO.business_id})["name"] == lead["name"]
    user = run_action(client, "getUser")
    assert (user["id"], user["email"]) == (DEMO.user_id, DEMO.user_email)


REFERENCE = {
    "listAddressTypes": "DELIVERY", "listArtefactStatuses": "VOID", "listBankAccountTypes": "CHECKING",
    "listContactPersonTypes": "ACCOUNTS", "listContactTypes": "CUSTOMER", "listCountries": "GB",
    "listCurrencies": "GBP", "listLedgerAccountTypes": "OVERHEADS", "listPaymentMethods": "CASH",
    "listTransactionTypes": "CUSTOMER_RECEIPT",
}  # fmt: skip


@pytest.mark.parametrize("key", sorted(REFERENCE))
def test_reference_lists(emu: Emulator, client: SageAccounting, key: str) -> None:
    first = run_action(client, key, {"itemsPerPage": "2", "page": "1"})
    assert len(first["$items"]) <= 2 and first["$page"] == 1
    emu.request_log.clear()
    every = run_action(client, key, {"fetchAll": True, "itemsPerPage": 2, "attributes": "all"})
    assert every["$total"] == len(every["$items"]) and REFERENCE[key] in {i["id"] for i in every["$items"]}
    assert len(emu.request_log.entries()) == max(1, -(-every["$total"] // 2))
