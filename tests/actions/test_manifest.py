"""The manifest against the component's documentation: the 28 seed actions keep their keys, input keys,
required flags and defaults (this file holds its own copy of them, as data), and every action has the
shape of ``component.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from sage_accounting.actions import manifest, registry


@dataclass(frozen=True)
class Seed:
    """One seed action as the component documents it: method, path, optional and required input keys
    (space-separated) and the defaults."""

    method: str
    path: str
    optional: str
    required: str
    defaults: dict[str, Any] = field(default_factory=dict)


SEED: dict[str, Seed] = {
    "createContact": Seed(
        "POST",
        "/contacts",
        optional=(
            "accountName accountNumber addressLine1 addressLine2 addressName addressTypeId "
            "bankAccountId bic city countryId creditDays creditLimit currencyId defaultPurchaseLedgerId "
            "defaultSalesLedgerId defaultSalesTaxRateId deliveryBankAccountId deliveryCity "
            "deliveryCountryId deliveryLine1 deliveryLine2 deliveryName deliveryPostalCode "
            "deliveryRegion deliveryTypeId iban isMainAddress isMainDelivery notes postalCode reference "
            "region sortCode sourceGuid taxNumber"
        ),
        required="contactTypeIds name",
        defaults={"isMainAddress": False, "isMainDelivery": False},
    ),
    "createLedgerAccount": Seed(
        "POST",
        "/ledger_accounts",
        optional="taxRateId",
        required="displayName includedInChart ledgerAccountTypeId name nominalCode",
        defaults={"includedInChart": False},
    ),
    "createPurchaseInvoice": Seed(
        "POST",
        "/purchase_invoices",
        optional="totalAmount",
        required="contactId date dueDate invoiceLines",
    ),
    "createSalesInvoice": Seed(
        "POST",
        "/sales_invoices",
        optional="totalAmount",
        required="contactId date invoiceLines",
    ),
    "deleteContact": Seed(
        "DELETE",
        "/contacts/{contactId}",
        optional="",
        required="contactId",
    ),
    "deleteContactPerson": Seed(
        "DELETE",
        "/contact_persons/{contactPersonId}",
        optional="",
        required="contactPersonId",
    ),
    "deletePurchaseInvoice": Seed(
        "DELETE",
        "/purchase_invoices/{purchaseInvoiceId}",
        optional="",
        required="purchaseInvoiceId",
    ),
    "deleteSalesInvoice": Seed(
        "DELETE",
        "/sales_invoices/{salesInvoiceId}",
        optional="",
        required="salesInvoiceId",
    ),
    "getContact": Seed(
        "GET",
        "/contacts/{contactId}",
        optional="",
        required="contactId",
    ),
    "getContactPerson": Seed(
        "GET",
        "/contact_persons/{contactPersonId}",
        optional="",
        required="contactPersonId",
    ),
    "getLedgerAccount": Seed(
        "GET",
        "/ledger_accounts/{ledgerAccountId}",
        optional="",
        required="ledgerAccountId",
    ),
    "getPurchaseInvoice": Seed(
        "GET",
        "/purchase_invoices/{purchaseInvoiceId}",
        optional="",
        required="purchaseInvoiceId",
    ),
    "getSalesInvoice": Seed(
        "GET",
        "/sales_invoices/{salesInvoiceId}",
        optional="",
        required="salesInvoiceId",
    ),
    "listAddressTypes": Seed(
        "GET",
        "/address_types",
        optional="itemsPerPage page",
        required="",
    ),
    "listContactPeople": Seed(
        "GET",
        "/contact_persons",
        optional="itemsPerPage page updated_or_created_since",
        required="",
    ),
    "listContactTypes": Seed(
        "GET",
        "/contact_types",
        optional="itemsPerPage page",
        required="",
    ),
    "listContacts": Seed(
        "GET",
        "/contacts",
        optional="itemsPerPage page updated_or_created_since",
        required="",
    ),
    "listCountries": Seed(
        "GET",
        "/countries",
        optional="itemsPerPage page",
        required="",
    ),
    "listCurrencies": Seed(
        "GET",
        "/currencies",
        optional="itemsPerPage page",
        required="",
    ),
    "listLedgerAccountTypes": Seed(
        "GET",
        "/ledger_account_types",
        optional="itemsPerPage page",
        required="",
    ),
    "listLedgerAccounts": Seed(
        "GET",
        "/ledger_accounts",
        optional="itemsPerPage page updated_or_created_since",
        required="",
    ),
    "listPurchaseInvoice": Seed(
        "GET",
        "/purchase_invoices",
        optional="itemsPerPage page updated_or_created_since",
        required="",
    ),
    "listSalesInvoices": Seed(
        "GET",
        "/sales_invoices",
        optional="itemsPerPage page updated_or_created_since",
        required="",
    ),
    "rawRequest": Seed(
        "ANY",
        "{url}",
        optional=(
            "data debugRequest fileData fileDataFileNames formData headers maxRetries queryParams "
            "retryAllErrors retryDelayMS timeout useExponentialBackoff"
        ),
        required="method responseType url",
        defaults={
            "debugRequest": False,
            "maxRetries": 0,
            "responseType": "json",
            "retryAllErrors": False,
            "retryDelayMS": 0,
            "useExponentialBackoff": False,
        },
    ),
    "updateContact": Seed(
        "PUT",
        "/contacts/{contactId}",
        optional=(
            "accountName accountNumber addressLine1 addressLine2 addressName addressTypeId "
            "bankAccountId bic city contactTypeIds countryId creditDays creditLimit currencyId "
            "defaultPurchaseLedgerId defaultSalesLedgerId defaultSalesTaxRateId deliveryBankAccountId "
            "deliveryCity deliveryCountryId deliveryLine1 deliveryLine2 deliveryName deliveryPostalCode "
            "deliveryRegion deliveryTypeId iban isMainAddress isMainDelivery name notes postalCode "
            "reference region sortCode sourceGuid taxNumber"
        ),
        required="contactId",
        defaults={"isMainAddress": False, "isMainDelivery": False},
    ),
    "updateLedgerAccount": Seed(
        "PUT",
        "/ledger_accounts/{accountId}",
        optional="gifiCode taxRateId",
        required="accountId displayName includedInChart ledgerAccountTypeId name nominalCode",
        defaults={"includedInChart": False},
    ),
    "updatePurchaseInvoice": Seed(
        "PUT",
        "/purchase_invoices/{purchaseInvoiceId}",
        optional="contactId contactName currencyId date netAmount notes taxAmount totalAmount totalQuantity",
        required="dueDate invoiceLines purchaseInvoiceId",
    ),
    "updateSalesInvoice": Seed(
        "PUT",
        "/sales_invoices/{salesInvoiceId}",
        optional="contactId contactName currencyId date netAmount notes taxAmount totalAmount totalQuantity",
        required="dueDate invoiceLines salesInvoiceId",
    ),
}

# What the component's actions gained (list filters, fetchAll, attributes; a void reason on the sales
# invoice delete, which Sage needs to void): optional inputs only, never a new required one.
ADDED = {
    "deleteSalesInvoice": "voidReason",
    "listAddressTypes": "attributes fetchAll",
    "listContactPeople": "addressId attributes contactId deletedSince fetchAll",
    "listContactTypes": "attributes fetchAll",
    "listContacts": "attributes contactTypeId deletedSince email fetchAll search",
    "listCountries": "attributes fetchAll",
    "listCurrencies": "attributes fetchAll",
    "listLedgerAccountTypes": "attributes fetchAll",
    "listLedgerAccounts": "attributes fetchAll ledgerAccountTypeId search visibleIn",
    "listPurchaseInvoice": "attributes contactId deletedSince fetchAll fromDate search sort statusId toDate",
    "listSalesInvoices": "attributes contactId deletedSince fetchAll fromDate search sort statusId toDate",
}

CONNECTION = {
    "authorizeUrl": (True, "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1"),
    "tokenUrl": (True, "https://oauth.accounting.sage.com/token"),
    "clientId": (True, None),
    "clientSecret": (True, None),
    "scopes": (True, "full_access"),
}

WIDER = [
    "listSalesCreditNotes",
    "getSalesCreditNote",
    "createSalesCreditNote",
    "updateSalesCreditNote",
    "voidSalesCreditNote",
    "listPurchaseCreditNotes",
    "getPurchaseCreditNote",
    "createPurchaseCreditNote",
    "updatePurchaseCreditNote",
    "deletePurchaseCreditNote",
    "voidSalesInvoice",
    "releaseSalesInvoice",
    "listContactPayments",
    "getContactPayment",
    "createContactPayment",
    "deleteContactPayment",
    "listBankAccounts",
    "getBankAccount",
    "createBankAccount",
    "updateBankAccount",
    "deleteBankAccount",
    "listProducts",
    "getProduct",
    "createProduct",
    "updateProduct",
    "deleteProduct",
    "listServices",
    "getService",
    "createService",
    "updateService",
    "deleteService",
    "listTaxRates",
    "getTaxRate",
    "listJournals",
    "getJournal",
    "createJournal",
    "deleteJournal",
    "createContactPerson",
    "updateContactPerson",
    "listBusinesses",
    "getBusiness",
    "getUser",
    "listArtefactStatuses",
    "listBankAccountTypes",
    "listPaymentMethods",
    "listTransactionTypes",
    "listContactPersonTypes",
]

ACTIONS = {a["key"]: a for a in manifest()["actions"]}


def test_there_are_28_seed_actions_and_all_are_in_the_manifest() -> None:
    assert len(SEED) == 28
    assert set(SEED) <= set(ACTIONS)
    assert "listPurchaseInvoice" in ACTIONS and "listPurchaseInvoices" not in ACTIONS


@pytest.mark.parametrize("key", sorted(SEED))
def test_seed_action_matches_the_component(key: str) -> None:
    seed = SEED[key]
    action = ACTIONS[key]
    assert (action["method"], action["path"]) == (seed.method, seed.path)
    inputs = {i["key"]: i for i in action["inputs"]}
    required = set(seed.required.split())
    optional = set(seed.optional.split())
    added = set(ADDED.get(key, "").split())
    assert set(inputs) == required | optional | added
    assert {k for k, i in inputs.items() if i["required"]} == required
    for k in added:
        assert inputs[k]["required"] is False and k not in required | optional
    defaults = {k: i["default"] for k, i in inputs.items() if "default" in i and k not in added}
    assert defaults == seed.defaults
    for k, value in seed.defaults.items():
        assert type(inputs[k]["default"]) is type(value)


def test_the_odd_keys_are_kept() -> None:
    assert "updated_or_created_since" in {i["key"] for i in ACTIONS["listContacts"]["inputs"]}
    assert "isMainDelivery" in {i["key"] for i in ACTIONS["createContact"]["inputs"]}


def test_connection_matches_the_component() -> None:
    data = manifest()
    assert data["component"] == "sage"
    assert data["base_url"] == "https://api.accounting.sage.com/v3.1"
    connection = data["connection"]
    assert connection["key"] == "oauth2"
    got = {i["key"]: (i["required"], i.get("default")) for i in connection["inputs"]}
    assert got == CONNECTION
    assert next(i for i in connection["inputs"] if i["key"] == "clientSecret")["type"] == "password"


def test_wider_actions_are_registered() -> None:
    assert set(WIDER) <= set(ACTIONS)
    assert len(registry) == len(ACTIONS) == len(SEED) + len(WIDER)


@pytest.mark.parametrize("key", sorted(ACTIONS))
def test_every_action_has_the_component_shape(key: str) -> None:
    action = ACTIONS[key]
    assert set(action) == {"key", "label", "description", "method", "path", "inputs"}
    assert action["label"] and action["description"]
    assert action["method"] in {"GET", "POST", "PUT", "DELETE", "ANY"}
    keys = [i["key"] for i in action["inputs"]]
    assert keys == sorted(keys, key=str.lower), "inputs are sorted by key, as in the component"
    for item in action["inputs"]:
        assert {"key", "label", "type", "required"} <= set(item)
        assert set(item) <= {"key", "label", "type", "required", "default", "comments", "example", "sage"}
        assert item["type"] in {"string", "boolean", "string list", "code", "string key-value list"}
        if key not in SEED:
            assert item.get("comments"), f"{key}.{item['key']} needs comments"
        for placeholder in ("{" + name + "}" for name in keys):
            if placeholder in action["path"]:
                assert next(i for i in action["inputs"] if "{" + i["key"] + "}" == placeholder)["required"]


def test_list_actions_take_fetch_all_and_attributes() -> None:
    for key, action in ACTIONS.items():
        if key.startswith("list"):
            inputs = {i["key"]: i for i in action["inputs"]}
            assert inputs["fetchAll"]["default"] is False, key
            assert "attributes" in inputs and "itemsPerPage" in inputs, key


def test_manifest_is_json_and_a_fresh_copy() -> None:
    first = manifest()
    json.dumps(first)
    first["connection"]["inputs"].clear()
    assert manifest()["connection"]["inputs"]
