"""The 28 actions of the Sage component as its documentation defines them (``rawRequest`` lives in
:mod:`.raw`): the same keys, input keys, labels, required flags, defaults, comments and examples.

List actions also take ``fetchAll``, ``attributes`` and their endpoint's filters; ``deleteSalesInvoice``
also takes ``voidReason`` (Sage's DELETE voids a sales invoice and needs a reason unless it is a draft).
"""

from __future__ import annotations

from typing import Any

from ._common import (
    BOOL,
    DATE,
    ID,
    MONEY,
    NUMBER,
    PURCHASE_LINES,
    SALES_LINES,
    TEXT,
    action,
    artefact_filters,
    check_order,
    deleted_since,
    inp,
    items_per_page,
    list_inputs,
    page,
    path_id,
    query_id,
    search,
    since,
    sorted_inputs,
)
from ._inputs import Choice, Converter, Integer, StringList
from ._registry import Action, ActionInput

__all__ = ["ACTIONS", "COMPONENT", "CONTACT_INPUTS", "SEED_KEYS"]

COMPONENT: dict[str, Any] = {
    "component": "sage",
    "label": "Sage Accounting",
    "description": "Manage contacts and others connected to your Sage account.",
    "base_url": "https://api.accounting.sage.com/v3.1",
    "connection": {
        "key": "oauth2",
        "label": "OAuth 2.0",
        "type": "OAuth 2.0 - Authorization Code",
        "inputs": [
            {"key": "authorizeUrl", "label": "Authorize URL", "required": True, "hidden": True,
             "default": "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1"},
            {"key": "tokenUrl", "label": "Token URL", "required": True, "hidden": True,
             "default": "https://oauth.accounting.sage.com/token"},
            {"key": "clientId", "label": "Client ID", "required": True,
             "comments": "Client Identifier of your app for Sage"},
            {"key": "clientSecret", "label": "Client Secret", "type": "password", "required": True,
             "comments": "Client Secret of your app for Sage"},
            {"key": "scopes", "label": "Scopes", "required": True, "default": "full_access",
             "comments": "Space separated OAuth 2.0 permission scopes for Sage: full_access or readonly"},
        ],
    },
}  # fmt: skip

_NAME = "Provide a string value for a name."
_STREET = "Provide a valid street address"
_LINE2 = "Provide a string value for the 2nd address line."
_POSTAL = "Provide a value for the postal code."
_CITY = "Provide a string value for the city of the address."
_REGION = "Provide a valid region for the contact."
_COUNTRY = "Provide a unique identifier for the contact's country."
_TYPE = "Provide a unique identifier for the address type"
_MAIN = "This flag will determine if this is the contacts main address."

# key, label, where it goes under "contact.", comments, example, converter
_CONTACT_FIELDS: tuple[tuple[str, str, str, str, str | None, Converter], ...] = (
    ("accountName", "Account Name", "bank_account_details.account_name",
     "Provide a string value for the name of the bank account.", "Example Account", TEXT),
    ("accountNumber", "Account Number", "bank_account_details.account_number",
     "Provide a valid bank account number.", "Example Account No", TEXT),
    ("addressLine1", "Address Line 1", "main_address.address_line_1", _STREET, "4 Privet Drive", TEXT),
    ("addressLine2", "Address Line 2", "main_address.address_line_2", _LINE2, "apt 319", TEXT),
    ("addressName", "Address Name", "main_address.name", _NAME, "Example Name", TEXT),
    ("addressTypeId", "Address Type Id", "main_address.address_type_id", _TYPE, "90211", ID),
    ("bankAccountId", "Bank Account Id", "main_address.bank_account_id", _POSTAL, "example-9489210", ID),
    ("bic", "BIC", "bank_account_details.bic", "Provide a valid BIC for the bank account.", "BOFA", TEXT),
    ("city", "City", "main_address.city", _CITY, "Beverly Hills", TEXT),
    ("countryId", "Country Id", "main_address.country_id", _COUNTRY, None, ID),
    ("creditDays", "Credit Days", "credit_days (integer 0..365)",
     "Provide a number value for the credit days of the contact.", "10", Integer(0, 365)),
    ("creditLimit", "Credit Limit", "credit_limit (number)",
     "Provide a number value for the credit limit of the contact.", "350.00", MONEY),
    ("currencyId", "Currency Id", "currency_id",
     "Provide the unique identifier of the currency type.", "example-24525235", ID),
    ("defaultPurchaseLedgerId", "Default Purchase Ledger Id", "default_purchase_ledger_account_id",
     "Provide the unique identifier of the default purchase ledger for the contact.", "example-80430964", ID),
    ("defaultSalesLedgerId", "Default Sales Ledger Id", "default_sales_ledger_account_id",
     "Provide the unique identifier of the default sales ledger.", "example-80430964", ID),
    ("defaultSalesTaxRateId", "Default Sales Tax Rate Id", "default_sales_tax_rate_id",
     "Provide the unique identifier of the sales tax rate for the contact.", "example-80430964", ID),
    ("deliveryBankAccountId", "Delivery Address Bank Account Id", "delivery_address.bank_account_id",
     _POSTAL, "example-9489210", ID),
    ("deliveryCity", "Delivery Address City", "delivery_address.city", _CITY, "Beverly Hills", TEXT),
    ("deliveryCountryId", "Delivery Address Country Id", "delivery_address.country_id", _COUNTRY, None, ID),
    ("deliveryLine1", "Delivery Address Line 1", "delivery_address.address_line_1", _STREET,
     "4 Privet Drive", TEXT),
    ("deliveryLine2", "Delivery Address Line 2", "delivery_address.address_line_2", _LINE2, "apt 319", TEXT),
    ("deliveryName", "Delivery Address Name", "delivery_address.name", _NAME, "Example Name", TEXT),
    ("deliveryPostalCode", "Delivery Address Postal Code", "delivery_address.postal_code", _POSTAL,
     "90211", TEXT),
    ("deliveryRegion", "Delivery Address Region", "delivery_address.region", _REGION, "North America", TEXT),
    ("deliveryTypeId", "Delivery Address Type Id", "delivery_address.address_type_id", _TYPE, "90211", ID),
    ("iban", "IBAN", "bank_account_details.iban", "Provide a valid IBAN for the bank account.",
     "CY 17 002 00128 00000012005276002", TEXT),
    ("notes", "Notes", "notes", "Provide a string value for notes.", "This is an example note.", TEXT),
    ("postalCode", "Postal Code", "main_address.postal_code", _POSTAL, "90211", TEXT),
    ("reference", "Reference", "reference", "Provide a string value for the reference of the contact.",
     "uniqueValue", TEXT),
    ("region", "Region", "main_address.region", _REGION, "North America", TEXT),
    ("sortCode", "Sort Code", "bank_account_details.sort_code", "Provide a sort code for the bank account.",
     "12-34-56", TEXT),
    ("sourceGuid", "Source GUID", "source_guid",
     "Provide a valid GUID, used for importing/exporting contacts from 3rd party services.",
     "example-80430964", TEXT),
    ("taxNumber", "Tax Number", "tax_number",
     "Provide a string value for the VAT registration number for the contact.", "80430964", TEXT),
)  # fmt: skip


def _contact_inputs(*, create: bool) -> tuple[ActionInput, ...]:
    inputs = [
        inp(key, label, comments, example, sage=f"contact.{where}", convert=convert)
        for key, label, where, comments, example, convert in _CONTACT_FIELDS
    ]
    inputs += [
        inp("contactTypeIds", "Contact Type Ids", "For each list item, provide an Id of a contact type",
            "example-2356795", sage="contact.contact_type_ids", convert=StringList(), required=create),
        inp("isMainAddress", "Is Main Address", _MAIN, sage="contact.main_address.is_main_address",
            convert=BOOL, default=False),
        inp("isMainDelivery", "Is Main Address", _MAIN, sage="contact.delivery_address.is_main_address",
            convert=BOOL, default=False),
        inp("name", "Name", _NAME, "Example Name", sage="contact.name", required=create),
    ]  # fmt: skip
    if not create:
        inputs.append(path_id("contactId", "Contact Id", "a contact"))
    return sorted_inputs(inputs)


CONTACT_INPUTS = _contact_inputs(create=True)


def _ledger_inputs(*, update: bool) -> tuple[ActionInput, ...]:
    inputs = [
        inp("displayName", "Display Name", "Provide a string value for the display name.", "Example Name",
            sage="ledger_account.display_name", required=True),
        inp("includedInChart", "Include In Chart",
            "This flag determines if the account will be included in the chart of accounts.", "true",
            sage="ledger_account.included_in_chart", convert=BOOL, required=True, default=False),
        inp("ledgerAccountTypeId", "Ledger Account Type Id",
            "Provide the unique identifier of a ledger account type.", "example-2356795",
            sage="ledger_account.ledger_account_type_id", convert=ID, required=True),
        inp("name", "Name", _NAME, "Example Name", sage="ledger_account.name", required=True),
        inp("nominalCode", "Nominal Code",
            "Provide an unique integer value for the nominal code of the ledger account.", "1",
            sage="ledger_account.nominal_code (integer)", convert=Integer(1, 99_999_999), required=True),
        inp("taxRateId", "Tax Rate Id", "Provide the unique identifier of a tax rate id.", "example-238953e2",
            sage="ledger_account.tax_rate_id", convert=ID),
    ]  # fmt: skip
    if update:
        inputs += [
            inp("accountId", "Account Id", "Provide the unique identifier of the account Id.", "example-2356795",
                sage="path", convert=ID, required=True),
            inp("gifiCode", "Gifi Code", "Provide a value for The General Index of Financial Information.", "NA",
                sage="ledger_account.gifi_code (integer in the Sage schema)", convert=Integer()),
        ]  # fmt: skip
    return sorted_inputs(inputs)


_LINES_NOTE = "array of line objects: description, ledger_account_id, unit_price, quantity, product_id, service_id, tax_rate_id, ..."


def _invoice_inputs(wrapper: str, *, update: bool) -> tuple[ActionInput, ...]:
    """Inputs of create/update sales and purchase invoices (``wrapper``: sales_invoice / purchase_invoice)."""
    sales = wrapper.startswith("sales")
    inputs = [
        inp("contactId", "Contact Id", "Provide the unique identifier of a contact.", "example-533242",
            sage=f"{wrapper}.contact_id", convert=ID, required=not update),
        inp("date", "Date", "Provide a valid date value.", "2022-01-03", sage=f"{wrapper}.date (YYYY-MM-DD)",
            convert=DATE, required=not update),
        inp("invoiceLines", "Invoice Lines",
            "Provide a list of javascript objects, each containing information of an an invoice line item.",
            sage=f"{wrapper}.invoice_lines ({_LINES_NOTE})", convert=SALES_LINES if sales else PURCHASE_LINES,
            required=True),
        inp("totalAmount", "Total Amount", "Provide a total amount for the invoice.", "150.00",
            sage=f"{wrapper}.total_amount (number)", convert=MONEY),
    ]  # fmt: skip
    if update or not sales:
        inputs.append(
            inp("dueDate", "Due Date", "Provide a valid date value for the due date of the invoice.",
                "2022-01-03", sage=f"{wrapper}.due_date (YYYY-MM-DD)", convert=DATE, required=True)
        )  # fmt: skip
    if update:
        noun = "sales" if sales else "purchase"
        inputs += [
            inp("contactName", "Contact Name", "Provide the name of a contact.", "John Doe",
                sage=f"{wrapper}.contact_name"),
            inp("currencyId", "Currency Id", "Provide the unique identifier of the currency type.",
                "example-24525235", sage=f"{wrapper}.currency_id", convert=ID),
            inp("netAmount", "Net Amount", "Provide the net amount of the invoice.", "150.00",
                sage=f"{wrapper}.net_amount (number)", convert=MONEY),
            inp("notes", "Notes", "Provide a string value for notes.", "This is an example note.",
                sage=f"{wrapper}.notes"),
            inp(f"{noun}InvoiceId", f"{noun.title()} Invoice Id",
                f"Provide the unique identifier of a {noun} invoice id.", "example-533242", sage="path",
                convert=ID, required=True),
            inp("taxAmount", "Tax Amount", "Provide a tax amount for the invoice.", "150.00",
                sage=f"{wrapper}.tax_amount (number)", convert=MONEY),
            inp("totalQuantity", "Total Quantity", "Provide a total quantity of the invoice.", "3",
                sage=f"{wrapper}.total_quantity (number)", convert=NUMBER),
        ]  # fmt: skip
    return sorted_inputs(inputs)


def _id(key: str, label: str, noun: str, example: str = "example-533242") -> tuple[ActionInput, ...]:
    return (path_id(key, label, noun, example),)


def _reference_list(key: str, label: str, description: str, path: str) -> Action:
    return action(key, label, description, "GET", path, list_inputs(), kind="list", group="Reference lists")


_SEED_LIST = (items_per_page(), page(), since())
_INVOICE_ORDER = (check_order("date", "dueDate"),)
_VISIBLE_IN = Choice(
    ("banking", "sales", "expenses", "other_payments", "other_receipts", "journals", "reporting")
)

ACTIONS: tuple[Action, ...] = (
    action("createContact", "Create Contact", "Create a new contact", "POST", "/contacts",
           CONTACT_INPUTS, kind="create", group="Contacts"),
    action("createLedgerAccount", "Create Ledger Account", "Create a new Ledger account", "POST",
           "/ledger_accounts", _ledger_inputs(update=False), kind="create", group="Chart of accounts"),
    action("createPurchaseInvoice", "Create Purchase Invoice", "Create a new purchase invoice", "POST",
           "/purchase_invoices", _invoice_inputs("purchase_invoice", update=False), kind="create",
           group="Purchases", checks=_INVOICE_ORDER),
    action("createSalesInvoice", "Create Sales Invoice", "Create a new sales invoice", "POST", "/sales_invoices",
           _invoice_inputs("sales_invoice", update=False), kind="create", group="Sales"),
    action("deleteContact", "Delete Contact", "Delete an existing contact by Id", "DELETE",
           "/contacts/{contactId}", _id("contactId", "Contact Id", "a contact"), kind="delete",
           group="Contacts"),
    action("deleteContactPerson", "Delete Contact Person", "Delete an existing contact person by Id", "DELETE",
           "/contact_persons/{contactPersonId}", _id("contactPersonId", "Contact Person Id", "a contact person"),
           kind="delete", group="Contacts"),
    action("deletePurchaseInvoice", "Delete Purchase Invoice",
           "Delete the information and metadata of a purchase invoice by Id", "DELETE",
           "/purchase_invoices/{purchaseInvoiceId}",
           _id("purchaseInvoiceId", "Purchase Invoice Id", "a purchase invoice id"), kind="delete",
           group="Purchases"),
    action("deleteSalesInvoice", "Delete Sales Invoice",
           "Delete the information and metadata of a sales invoice by Id", "DELETE",
           "/sales_invoices/{salesInvoiceId}",
           (*_id("salesInvoiceId", "Sales Invoice Id", "a sales invoice id"),
            inp("voidReason", "Void Reason",
                "Why the invoice is voided: Sage voids a sales invoice on delete and needs a reason unless "
                "it is a draft (a draft is deleted).", "Raised in error", sage="query void_reason")),
           kind="delete", group="Sales"),
    action("getContact", "Get Contact", "Get the information and metadata of a contact by Id", "GET",
           "/contacts/{contactId}", _id("contactId", "Contact Id", "a contact"), kind="get", group="Contacts"),
    action("getContactPerson", "Get Contact Person", "Get the information and metadata of a contact person by Id",
           "GET", "/contact_persons/{contactPersonId}",
           _id("contactPersonId", "Contact Person Id", "a contact person"), kind="get", group="Contacts"),
    action("getLedgerAccount", "Get Ledger Account", "Get the information and metadata of a Ledger account",
           "GET", "/ledger_accounts/{ledgerAccountId}",
           _id("ledgerAccountId", "Ledger Account Id", "a ledger account", "example-2356795"), kind="get",
           group="Chart of accounts"),
    action("getPurchaseInvoice", "Get Purchase Invoice",
           "Get the information and metadata of a purchase invoice by Id", "GET",
           "/purchase_invoices/{purchaseInvoiceId}",
           _id("purchaseInvoiceId", "Purchase Invoice Id", "a purchase invoice id"), kind="get",
           group="Purchases"),
    action("getSalesInvoice", "Get Sales Invoice", "Get the information and metadata of a sales invoice by Id",
           "GET", "/sales_invoices/{salesInvoiceId}",
           _id("salesInvoiceId", "Sales Invoice Id", "a sales invoice id"), kind="get", group="Sales"),
    _reference_list("listAddressTypes", "List Address Types", "List all address types", "/address_types"),
    action("listContactPeople", "List Contact People", "List all contact people", "GET", "/contact_persons",
           list_inputs(
               query_id("contactId", "Contact Id", "contact_id", "Only the people of this contact.",
                        "example-533242"),
               query_id("addressId", "Address Id", "address_id", "Only the people at this address.",
                        "example-533242"),
               deleted_since("contact people"),
               seed=_SEED_LIST), kind="list", group="Contacts"),
    _reference_list("listContactTypes", "List Contact Types", "List all contact types", "/contact_types"),
    action("listContacts", "List Contacts", "List all contacts", "GET", "/contacts",
           list_inputs(
               query_id("contactTypeId", "Contact Type Id", "contact_type_id",
                        "Only contacts of this type (CUSTOMER or VENDOR).", "CUSTOMER"),
               search("name or reference"),
               inp("email", "Email", "Only contacts with this email address.", "info@example.com",
                   sage="query email"),
               deleted_since("contacts"),
               seed=_SEED_LIST), kind="list", group="Contacts"),
    _reference_list("listCountries", "List Countries", "List all countries", "/countries"),
    _reference_list("listCurrencies", "List Currencies", "List all currencies", "/currencies"),
    _reference_list("listLedgerAccountTypes", "List Ledger Account Types", "List all Ledger account types",
                    "/ledger_account_types"),
    action("listLedgerAccounts", "List Ledger Accounts", "List all Ledger accounts", "GET", "/ledger_accounts",
           list_inputs(
               query_id("ledgerAccountTypeId", "Ledger Account Type Id", "ledger_account_type_id",
                        "Only accounts of this type (SALES, OVERHEADS, BANK …).", "SALES"),
               inp("visibleIn", "Visible In", "Only accounts visible in this area of Sage.", "sales",
                   sage="query visible_in", convert=_VISIBLE_IN),
               search("name, display name or nominal code"),
               seed=_SEED_LIST), kind="list", group="Chart of accounts"),
    action("listPurchaseInvoice", "List Purchase Invoices", "List all purchase invoices", "GET",
           "/purchase_invoices", list_inputs(*artefact_filters("purchase invoices"), seed=_SEED_LIST),
           kind="list", group="Purchases"),
    action("listSalesInvoices", "List Sales Invoices", "List all sales invoices", "GET", "/sales_invoices",
           list_inputs(*artefact_filters("sales invoices"), seed=_SEED_LIST), kind="list", group="Sales"),
    action("updateContact", "Update Contact", "Update the information and metadata of an existing contact by Id",
           "PUT", "/contacts/{contactId}", _contact_inputs(create=False), kind="update", group="Contacts"),
    action("updateLedgerAccount", "Update Ledger Account",
           "Update the information and metadata of a Ledger account by Id", "PUT", "/ledger_accounts/{accountId}",
           _ledger_inputs(update=True), kind="update", group="Chart of accounts"),
    action("updatePurchaseInvoice", "Update Purchase Invoice",
           "Update the information and metadata of a purchase invoice by Id", "PUT",
           "/purchase_invoices/{purchaseInvoiceId}", _invoice_inputs("purchase_invoice", update=True),
           kind="update", group="Purchases", checks=_INVOICE_ORDER),
    action("updateSalesInvoice", "Update Sales Invoice",
           "Update the information and metadata of a sales invoice by Id", "PUT",
           "/sales_invoices/{salesInvoiceId}", _invoice_inputs("sales_invoice", update=True), kind="update",
           group="Sales", checks=_INVOICE_ORDER),
)  # fmt: skip

SEED_KEYS: frozenset[str] = frozenset({*(a.key for a in ACTIONS), "rawRequest"})
"""The keys of the component's own 28 actions (``rawRequest`` is declared in :mod:`.raw`)."""
