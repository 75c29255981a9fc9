"""Who may run each action and what it is called as a tool: the access table is pinned here, per action,
against Sage's role rules (seed 004), so a new action cannot slip in ungoverned or misnamed."""

from __future__ import annotations

import re

import pytest

from sage_accounting.actions import (
    ALL_AREAS,
    AREA_LABELS,
    AREAS,
    LEVELS,
    Access,
    UnknownActionError,
    registry,
)

# key: (tool name, "level areas" — "any" is every role area —, flags, toolset).  Sage's rules (seed 004):
# contacts read with Read in Contacts, Sales or Purchases, written with Full in Contacts; sales and
# purchases artefacts in their own area; payments, allocations and bank accounts in Bank; ledger
# accounts read in any area, written in Settings; products and services read in Products, Sales or
# Purchases; tax rates read in Sales, Purchases, Bank or Settings; journals in Journals; reference lists,
# businesses and the user with any Read; rawRequest only with the raw area.
TABLE: dict[str, tuple[str, str, str, str]] = {
    "createBankAccount": ("sage_create_bank_account", "full bank", "-", "bank"),
    "createContact": ("sage_create_contact", "full contacts", "-", "contacts"),
    "createContactPayment": ("sage_create_contact_payment", "full bank", "-", "bank"),
    "createContactPerson": ("sage_create_contact_person", "full contacts", "-", "contacts"),
    "createJournal": ("sage_create_journal", "full journals", "-", "journals"),
    "createLedgerAccount": ("sage_create_ledger_account", "full settings", "-", "settings"),
    "createProduct": ("sage_create_product", "full products", "-", "products"),
    "createPurchaseCreditNote": ("sage_create_purchase_credit_note", "full purchases", "-", "purchases"),
    "createPurchaseInvoice": ("sage_create_purchase_invoice", "full purchases", "-", "purchases"),
    "createSalesCreditNote": ("sage_create_sales_credit_note", "full sales", "-", "sales"),
    "createSalesInvoice": ("sage_create_sales_invoice", "full sales", "-", "sales"),
    "createService": ("sage_create_service", "full products", "-", "products"),
    "deleteBankAccount": ("sage_delete_bank_account", "full bank", "destructive idempotent", "bank"),
    "deleteContact": ("sage_delete_contact", "full contacts", "destructive idempotent", "contacts"),
    "deleteContactPayment": ("sage_delete_contact_payment", "full bank", "destructive idempotent", "bank"),
    "deleteContactPerson": ("sage_delete_contact_person", "full contacts", "destructive idempotent", "contacts"),
    "deleteJournal": ("sage_delete_journal", "full journals", "destructive idempotent", "journals"),
    "deleteProduct": ("sage_delete_product", "full products", "destructive idempotent", "products"),
    "deletePurchaseCreditNote": ("sage_delete_purchase_credit_note", "full purchases", "destructive idempotent", "purchases"),
    "deletePurchaseInvoice": ("sage_delete_purchase_invoice", "full purchases", "destructive idempotent", "purchases"),
    "deleteSalesInvoice": ("sage_delete_sales_invoice", "full sales", "destructive idempotent", "sales"),
    "deleteService": ("sage_delete_service", "full products", "destructive idempotent", "products"),
    "getBankAccount": ("sage_get_bank_account", "read bank", "read_only idempotent", "bank"),
    "getBusiness": ("sage_get_business", "read any", "read_only idempotent", "reference"),
    "getContact": ("sage_get_contact", "read contacts sales purchases", "read_only idempotent", "contacts"),
    "getContactPayment": ("sage_get_contact_payment", "read bank", "read_only idempotent", "bank"),
    "getContactPerson": ("sage_get_contact_person", "read contacts sales purchases", "read_only idempotent", "contacts"),
    "getJournal": ("sage_get_journal", "read journals", "read_only idempotent", "journals"),
    "getLedgerAccount": ("sage_get_ledger_account", "read any", "read_only idempotent", "settings"),
    "getProduct": ("sage_get_product", "read products sales purchases", "read_only idempotent", "products"),
    "getPurchaseCreditNote": ("sage_get_purchase_credit_note", "read purchases", "read_only idempotent", "purchases"),
    "getPurchaseInvoice": ("sage_get_purchase_invoice", "read purchases", "read_only idempotent", "purchases"),
    "getSalesCreditNote": ("sage_get_sales_credit_note", "read sales", "read_only idempotent", "sales"),
    "getSalesInvoice": ("sage_get_sales_invoice", "read sales", "read_only idempotent", "sales"),
    "getService": ("sage_get_service", "read products sales purchases", "read_only idempotent", "products"),
    "getTaxRate": ("sage_get_tax_rate", "read sales purchases bank settings", "read_only idempotent", "settings"),
    "getUser": ("sage_get_user", "read any", "read_only idempotent", "reference"),
    "listAddressTypes": ("sage_list_address_types", "read any", "read_only idempotent", "reference"),
    "listArtefactStatuses": ("sage_list_artefact_statuses", "read any", "read_only idempotent", "reference"),
    "listBankAccountTypes": ("sage_list_bank_account_types", "read any", "read_only idempotent", "reference"),
    "listBankAccounts": ("sage_list_bank_accounts", "read bank", "read_only idempotent", "bank"),
    "listBusinesses": ("sage_list_businesses", "read any", "read_only idempotent", "reference"),
    "listContactPayments": ("sage_list_contact_payments", "read bank", "read_only idempotent", "bank"),
    "listContactPeople": ("sage_list_contact_persons", "read contacts sales purchases", "read_only idempotent", "contacts"),
    "listContactPersonTypes": ("sage_list_contact_person_types", "read any", "read_only idempotent", "reference"),
    "listContactTypes": ("sage_list_contact_types", "read any", "read_only idempotent", "reference"),
    "listContacts": ("sage_list_contacts", "read contacts sales purchases", "read_only idempotent", "contacts"),
    "listCountries": ("sage_list_countries", "read any", "read_only idempotent", "reference"),
    "listCurrencies": ("sage_list_currencies", "read any", "read_only idempotent", "reference"),
    "listJournals": ("sage_list_journals", "read journals", "read_only idempotent", "journals"),
    "listLedgerAccountTypes": ("sage_list_ledger_account_types", "read any", "read_only idempotent", "reference"),
    "listLedgerAccounts": ("sage_list_ledger_accounts", "read any", "read_only idempotent", "settings"),
    "listPaymentMethods": ("sage_list_payment_methods", "read any", "read_only idempotent", "reference"),
    "listProducts": ("sage_list_products", "read products sales purchases", "read_only idempotent", "products"),
    "listPurchaseCreditNotes": ("sage_list_purchase_credit_notes", "read purchases", "read_only idempotent", "purchases"),
    "listPurchaseInvoice": ("sage_list_purchase_invoices", "read purchases", "read_only idempotent", "purchases"),
    "listSalesCreditNotes": ("sage_list_sales_credit_notes", "read sales", "read_only idempotent", "sales"),
    "listSalesInvoices": ("sage_list_sales_invoices", "read sales", "read_only idempotent", "sales"),
    "listServices": ("sage_list_services", "read products sales purchases", "read_only idempotent", "products"),
    "listTaxRates": ("sage_list_tax_rates", "read sales purchases bank settings", "read_only idempotent", "settings"),
    "listTransactionTypes": ("sage_list_transaction_types", "read any", "read_only idempotent", "reference"),
    "rawRequest": ("sage_raw_request", "full raw", "destructive", "raw"),
    "releaseSalesInvoice": ("sage_release_sales_invoice", "full sales", "-", "sales"),
    "updateBankAccount": ("sage_update_bank_account", "full bank", "destructive idempotent", "bank"),
    "updateContact": ("sage_update_contact", "full contacts", "destructive idempotent", "contacts"),
    "updateContactPerson": ("sage_update_contact_person", "full contacts", "destructive idempotent", "contacts"),
    "updateLedgerAccount": ("sage_update_ledger_account", "full settings", "destructive idempotent", "settings"),
    "updateProduct": ("sage_update_product", "full products", "destructive idempotent", "products"),
    "updatePurchaseCreditNote": ("sage_update_purchase_credit_note", "full purchases", "destructive idempotent", "purchases"),
    "updatePurchaseInvoice": ("sage_update_purchase_invoice", "full purchases", "destructive idempotent", "purchases"),
    "updateSalesCreditNote": ("sage_update_sales_credit_note", "full sales", "destructive idempotent", "sales"),
    "updateSalesInvoice": ("sage_update_sales_invoice", "full sales", "destructive idempotent", "sales"),
    "updateService": ("sage_update_service", "full products", "destructive idempotent", "products"),
    "voidSalesCreditNote": ("sage_void_sales_credit_note", "full sales", "destructive idempotent", "sales"),
    "voidSalesInvoice": ("sage_void_sales_invoice", "full sales", "destructive idempotent", "sales"),
}  # fmt: skip


def test_the_table_covers_every_action() -> None:
    assert set(TABLE) == set(registry)


@pytest.mark.parametrize("key", sorted(TABLE))
def test_access_flags_and_names_are_as_sage_rules_say(key: str) -> None:
    action = registry[key]
    tool, access, flags, toolset = TABLE[key]
    level, *areas = access.split()
    assert action.tool_name == tool
    assert action.access == Access(level, AREAS if areas == ["any"] else tuple(areas))  # type: ignore[arg-type]
    shown = {f for f, on in [("read_only", action.read_only), ("destructive", action.destructive),
                             ("idempotent", action.idempotent)] if on}  # fmt: skip
    assert shown == (set() if flags == "-" else set(flags.split()))
    assert action.toolset == toolset
    assert action.open_world is True
    assert registry.by_tool_name(tool) is action


@pytest.mark.parametrize("key", sorted(TABLE))
def test_every_level_of_every_area_is_allowed_or_refused_as_the_rule_says(key: str) -> None:
    access = registry[key].access
    need = LEVELS.index(access.level)
    assert not access.allows({}), "deny by default"
    for area in ALL_AREAS:
        for level in LEVELS:
            expected = area in access.areas and LEVELS.index(level) >= need
            assert access.allows({area: level}) is expected, (key, area, level)


def test_reads_are_get_and_writes_need_full() -> None:
    for action in registry.values():
        assert action.read_only is (action.method == "GET")
        assert action.access.level == ("read" if action.read_only else "full"), action.key
        assert action.idempotent is (action.method in ("GET", "PUT", "DELETE"))


def test_tool_names_are_unique_snake_case_sage_verb_noun() -> None:
    names = [a.tool_name for a in registry.values()]
    assert len(set(names)) == len(names) == len(registry)
    for action in registry.values():
        assert re.fullmatch(r"sage_[a-z]+(_[a-z0-9]+)+", action.tool_name), action.tool_name
        if action.kind != "raw":
            assert action.tool_name.startswith(f"sage_{action.verb}_")
            assert action.title.split()[0] == action.verb.capitalize()
        assert action.verb in {"list", "get", "create", "update", "delete", "void", "release", "request"}
        assert action.toolset in (*ALL_AREAS, "reference")
    assert registry.tool_names() == sorted(names)


def test_tool_names_follow_sage_collections() -> None:
    assert registry["listPurchaseInvoice"].tool_name == "sage_list_purchase_invoices"
    assert registry["createSalesInvoice"].title == "Create a sales invoice"
    assert registry["createSalesInvoice"].noun == "sales invoice"
    assert registry["listSalesInvoices"].title == "List sales invoices"
    assert registry["createContactPayment"].noun == "contact payment"
    with pytest.raises(UnknownActionError, match="did you mean sage_get_contact"):
        registry.by_tool_name("sage_get_contacts")


def test_arg_names_are_unique_snake_case() -> None:
    for action in registry.values():
        names = [i.arg_name for i in action.inputs]
        assert len(set(names)) == len(names), action.key
        for name in names:
            assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name), (action.key, name)
    create = registry["createContact"]
    assert create.input("addressLine1").arg_name == "address_line_1"
    assert create.input("contactTypeIds").arg_name == "contact_type_ids"
    assert registry["createSalesInvoice"].input("invoiceLines").arg_name == "invoice_lines"
    assert registry["rawRequest"].input("retryDelayMS").arg_name == "retry_delay_ms"
    assert registry["listContacts"].input("updated_or_created_since").arg_name == "updated_or_created_since"


def test_the_seed_tag_marks_the_components_28() -> None:
    seed = {a.key for a in registry.tagged("seed")}
    assert len(seed) == 28
    assert {"createContact", "listPurchaseInvoice", "rawRequest", "updateLedgerAccount"} <= seed
    assert not seed & {"voidSalesInvoice", "createJournal", "listBusinesses", "createContactPerson"}


def test_access_describes_itself_as_sage_names_areas() -> None:
    assert registry["createContact"].access.describe() == "Contacts: Full"
    assert registry["listSalesInvoices"].access.describe() == "Sales: Read"
    assert registry["listTaxRates"].access.describe() == "Read in Sales, Purchases, Bank or Settings"
    assert registry["listCountries"].access.describe() == "Read in any area"
    assert registry["rawRequest"].access.describe() == "Raw requests: Full"
    assert registry["createProduct"].access.describe() == "Products & Services: Full"
    assert set(AREA_LABELS) == set(ALL_AREAS)
    assert Access("read", ("sales",)).allows({"sales": "bogus", "contacts": "full"}) is False
    with pytest.raises(ValueError, match="unknown areas"):
        Access("read", ("ledger",))
    with pytest.raises(ValueError, match="read or full"):
        Access("off", ("sales",))  # type: ignore[arg-type]
