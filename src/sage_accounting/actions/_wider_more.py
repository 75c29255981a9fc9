"""Wider-API actions, second half: bank accounts, products, services, tax rates, contact persons,
businesses, the user and the reference lists the seed does not cover."""

from __future__ import annotations

from ._common import (
    BOOL,
    ID,
    MONEY,
    SALES_PRICES,
    SALES_RATES,
    action,
    deleted_since,
    inp,
    list_inputs,
    path_id,
    search,
    since,
    sorted_inputs,
)
from ._inputs import Choice, Integer, StringList
from ._registry import Action, ActionInput

__all__ = ["ACTIONS"]


def _crud(
    *,
    name: str,
    plural: str,
    path: str,
    noun: str,
    group: str,
    filters: tuple[ActionInput, ...],
    create: tuple[ActionInput, ...],
    update: tuple[ActionInput, ...],
    delete_note: str = "",
) -> list[Action]:
    """list/get/create/update/delete actions of one resource (``name``: ``BankAccount``)."""
    id_key = name[0].lower() + name[1:] + "Id"
    label = _spaced(name)
    the_id = path_id(id_key, f"{label} Id", f"a {noun}")
    item = f"{path}/{{{id_key}}}"
    return [
        action(f"list{plural}", f"List {_spaced(plural)}", f"List all {noun}s", "GET", path,
               list_inputs(*filters), kind="list", group=group),
        action(f"get{name}", f"Get {label}", f"Get the information and metadata of a {noun} by Id", "GET", item,
               (the_id,), kind="get", group=group),
        action(f"create{name}", f"Create {label}", f"Create a new {noun}", "POST", path, sorted_inputs([*create]),
               kind="create", group=group),
        action(f"update{name}", f"Update {label}", f"Update a {noun} by Id (only the inputs given are changed)",
               "PUT", item, sorted_inputs([the_id, *update]), kind="update", group=group),
        action(f"delete{name}", f"Delete {label}", f"Delete a {noun} by Id{delete_note}", "DELETE", item,
               (the_id,), kind="delete", group=group),
    ]  # fmt: skip


def _words(name: str) -> list[str]:
    out: list[str] = []
    for ch in name:
        if ch.isupper() or not out:
            out.append(ch)
        else:
            out[-1] += ch
    return out


def _spaced(name: str) -> str:
    return " ".join(_words(name))


# --- bank accounts ------------------------------------------------------------------------------------


def _bank_inputs(*, create: bool) -> tuple[ActionInput, ...]:
    w = "bank_account"
    return (
        inp("bankAccountTypeId", "Bank Account Type Id",
            "The kind of account: CHECKING, SAVINGS, CREDIT_CARD, CASH_IN_HAND, LOAN or OTHER.", "CHECKING",
            sage=f"{w}.bank_account_type_id", convert=ID, required=create),
        inp("accountName", "Account Name", "The name of the bank account (also its ledger account's name).",
            "Business Current Account", sage=f"{w}.bank_account_details.account_name", required=create),
        inp("accountNumber", "Account Number", "The bank account number.", "12345678",
            sage=f"{w}.bank_account_details.account_number"),
        inp("sortCode", "Sort Code", "The sort code.", "12-34-56", sage=f"{w}.bank_account_details.sort_code"),
        inp("bic", "BIC", "The BIC of the bank.", "NWBKGB2L", sage=f"{w}.bank_account_details.bic"),
        inp("iban", "IBAN", "The IBAN of the account.", "GB33BUKB20201555555555",
            sage=f"{w}.bank_account_details.iban"),
        inp("nominalCode", "Nominal Code", "The nominal code of the account's ledger account.", "1205",
            sage=f"{w}.nominal_code (integer)", convert=Integer(1, 99_999_999)),
        inp("ledgerAccountId", "Ledger Account Id", "An existing ledger account to use for this bank account.",
            "example-2356795", sage=f"{w}.ledger_account_id", convert=ID),
        inp("currencyId", "Currency Id", "The currency of the account (default: the business currency).", "GBP",
            sage=f"{w}.currency_id", convert=ID),
        inp("defaultPaymentMethodId", "Default Payment Method Id",
            "The usual payment method (CASH, CHECK, ELECTRONIC, CREDIT_DEBIT …).", "ELECTRONIC",
            sage=f"{w}.default_payment_method_id", convert=ID),
        inp("isActive", "Is Active", "Whether the account is in use.", "true", sage=f"{w}.is_active", convert=BOOL),
        inp("addressLine1", "Address Line 1", "The bank's address, first line.", "1 High Street",
            sage=f"{w}.main_address.address_line_1"),
        inp("addressLine2", "Address Line 2", "The bank's address, second line.", "Floor 2",
            sage=f"{w}.main_address.address_line_2"),
        inp("city", "City", "The bank's town or city.", "London", sage=f"{w}.main_address.city"),
        inp("postalCode", "Postal Code", "The bank's postal code.", "EC1A 1AA", sage=f"{w}.main_address.postal_code"),
        inp("region", "Region", "The bank's county or region.", "Greater London", sage=f"{w}.main_address.region"),
        inp("countryId", "Country Id", "The bank's country.", "GB", sage=f"{w}.main_address.country_id", convert=ID),
        inp("contactName", "Contact Name", "A contact person at the bank.", "Jane Banker",
            sage=f"{w}.main_contact_person.name"),
        inp("telephone", "Telephone", "The contact person's telephone.", "020 7946 0000",
            sage=f"{w}.main_contact_person.telephone"),
        inp("email", "Email", "The contact person's email.", "jane@bank.example",
            sage=f"{w}.main_contact_person.email"),
    )  # fmt: skip


_BANK = _crud(
    name="BankAccount", plural="BankAccounts", path="/bank_accounts", noun="bank account", group="Banking",
    filters=(since("Bank Accounts"), deleted_since("bank accounts"),
             inp("filterInactiveBankAccounts", "Filter Inactive Bank Accounts", "Leave out inactive accounts.",
                 "true", sage="query filter_inactive_bank_accounts", convert=BOOL)),
    create=_bank_inputs(create=True), update=_bank_inputs(create=False),
    delete_note=" (only an account without transactions)",
)  # fmt: skip

# --- products and services ----------------------------------------------------------------------------


def _item_inputs(wrapper: str, *, create: bool) -> list[ActionInput]:
    product = wrapper == "product"
    inputs = [
        inp("description", "Description", f"What the {wrapper} is.", "Blue widget", sage=f"{wrapper}.description",
            required=create),
        inp("salesLedgerAccountId", "Sales Ledger Account Id", "The ledger account sales of it are posted to.",
            "example-2356795", sage=f"{wrapper}.sales_ledger_account_id", convert=ID, required=create),
        inp("purchaseLedgerAccountId", "Purchase Ledger Account Id",
            "The ledger account purchases of it are posted to.", "example-2356795",
            sage=f"{wrapper}.purchase_ledger_account_id", convert=ID, required=create and product),
        inp("itemCode", "Item Code", "Your code for it.", "WID-BLUE", sage=f"{wrapper}.item_code"),
        inp("notes", "Notes", "Notes.", "Sold in boxes of 10", sage=f"{wrapper}.notes"),
        inp("salesTaxRateId", "Sales Tax Rate Id", "The usual tax rate on sales.", "GB_STANDARD",
            sage=f"{wrapper}.sales_tax_rate_id", convert=ID),
        inp("purchaseTaxRateId", "Purchase Tax Rate Id", "The usual tax rate on purchases.", "GB_STANDARD",
            sage=f"{wrapper}.purchase_tax_rate_id", convert=ID),
        inp("usualSupplierId", "Usual Supplier Id", "The contact it is usually bought from.", "example-533242",
            sage=f"{wrapper}.usual_supplier_id", convert=ID),
        inp("costPrice", "Cost Price", "What it costs you.", "4.50", sage=f"{wrapper}.cost_price (number)",
            convert=MONEY),
        inp("sourceGuid", "Source GUID", "An id from another system (imports).", "example-80430964",
            sage=f"{wrapper}.source_guid"),
        inp("purchaseDescription", "Purchase Description", "The description used on purchases.", "Widget, blue",
            sage=f"{wrapper}.purchase_description"),
        inp("active", "Active", "Whether it can be used on new transactions.", "true", sage=f"{wrapper}.active",
            convert=BOOL),
    ]  # fmt: skip
    if product:
        inputs += [
            inp("catalogItemTypeId", "Catalog Item Type Id", "STOCK_ITEM or PRODUCT (a non-stock item).",
                "STOCK_ITEM", sage="product.catalog_item_type_id", convert=Choice(("STOCK_ITEM", "PRODUCT"))),
            inp("salesPrices", "Sales Prices",
                "Selling prices: a list (or JSON text) of objects with price, and optionally price_name, "
                "price_includes_tax and product_sales_price_type_id.",
                '[{"price_name": "Selling Price", "price": "9.99", "price_includes_tax": false}]',
                sage="product.sales_prices (array of price objects)", convert=SALES_PRICES),
        ]  # fmt: skip
    else:
        inputs.append(
            inp("salesRates", "Sales Rates",
                "Selling rates: a list (or JSON text) of objects with rate, and optionally rate_name, "
                "rate_includes_tax and service_rate_type_id.",
                '[{"rate_name": "Hourly", "rate": "75.00", "rate_includes_tax": false}]',
                sage="service.sales_rates (array of rate objects)", convert=SALES_RATES)
        )  # fmt: skip
    return inputs


def _item_filters(plural: str) -> tuple[ActionInput, ...]:
    return (
        since(plural.title()),
        deleted_since(plural),
        search("item code or description"),
        inp("active", "Active", f"true: only active {plural}; false: only inactive ones.", "true",
            sage="query active", convert=BOOL),
    )  # fmt: skip


_ITEMS = [
    *_crud(name="Product", plural="Products", path="/products", noun="product", group="Products & services",
           filters=_item_filters("products"), create=tuple(_item_inputs("product", create=True)),
           update=tuple(_item_inputs("product", create=False)),
           delete_note=" (a product used on transactions cannot be deleted: deactivate it)"),
    *_crud(name="Service", plural="Services", path="/services", noun="service", group="Products & services",
           filters=_item_filters("services"), create=tuple(_item_inputs("service", create=True)),
           update=tuple(_item_inputs("service", create=False)),
           delete_note=" (a service used on transactions cannot be deleted: deactivate it)"),
]  # fmt: skip

# --- contact persons ----------------------------------------------------------------------------------


def _person_inputs(*, create: bool) -> list[ActionInput]:
    w = "contact_person"
    return [
        inp("addressId", "Address Id", "The contact's address the person belongs to (a contact's main_address "
            "id).", "example-533242", sage=f"{w}.address_id", convert=ID, required=create),
        inp("name", "Name", "The person's name.", "Jane Doe", sage=f"{w}.name", required=create),
        inp("contactPersonTypeIds", "Contact Person Type Ids",
            "The person's roles: a list or comma-separated ids (ACCOUNTS, SALES, PURCHASING).", "ACCOUNTS,SALES",
            sage=f"{w}.contact_person_type_ids", convert=StringList(), required=create),
        inp("jobTitle", "Job Title", "The person's job title.", "Finance Director", sage=f"{w}.job_title"),
        inp("telephone", "Telephone", "Telephone number.", "020 7946 0001", sage=f"{w}.telephone"),
        inp("mobile", "Mobile", "Mobile number.", "07700 900001", sage=f"{w}.mobile"),
        inp("email", "Email", "Email address.", "jane@example.com", sage=f"{w}.email"),
        inp("fax", "Fax", "Fax number.", "020 7946 0002", sage=f"{w}.fax"),
        inp("isMainContact", "Is Main Contact", "Make this person the contact's main contact.", "false",
            sage=f"{w}.is_main_contact", convert=BOOL),
        inp("isPreferredContact", "Is Preferred Contact", "Whether this is a preferred contact.", "false",
            sage=f"{w}.is_preferred_contact", convert=BOOL),
    ]  # fmt: skip


_PERSONS = [
    action("createContactPerson", "Create Contact Person", "Create a new contact person at a contact's address",
           "POST", "/contact_persons", sorted_inputs(_person_inputs(create=True)), kind="create",
           group="Contacts"),
    action("updateContactPerson", "Update Contact Person",
           "Update a contact person by Id (only the inputs given are changed)", "PUT",
           "/contact_persons/{contactPersonId}",
           sorted_inputs([path_id("contactPersonId", "Contact Person Id", "a contact person"),
                          *_person_inputs(create=False)]), kind="update", group="Contacts"),
]  # fmt: skip

# --- context: businesses and user; tax rates; reference lists -----------------------------------------

_CONTEXT = [
    action("listBusinesses", "List Businesses", "List the businesses the signed-in user can access", "GET",
           "/businesses", list_inputs(), kind="list", group="Businesses & user"),
    action("getBusiness", "Get Business", "Get a business of the user by Id (lead: the user's lead business)",
           "GET", "/businesses/{businessId}",
           (inp("businessId", "Business Id", "The business id, or lead for the user's lead business.", "lead",
                sage="path", convert=ID, required=True, default="lead"),), kind="get", group="Businesses & user"),
    action("getUser", "Get User", "Get the signed-in user", "GET", "/user", (), kind="get",
           group="Businesses & user"),
    action("listTaxRates", "List Tax Rates", "List all tax rates", "GET", "/tax_rates",
           list_inputs(since("Tax Rates"),
                       inp("usage", "Usage", "Only rates usable for sales or for purchasing.", "sales",
                           sage="query usage", convert=Choice(("sales", "purchasing")))),
           kind="list", group="Taxes"),
    action("getTaxRate", "Get Tax Rate", "Get the information and metadata of a tax rate by Id", "GET",
           "/tax_rates/{taxRateId}", (path_id("taxRateId", "Tax Rate Id", "a tax rate", "GB_STANDARD"),),
           kind="get", group="Taxes"),
]  # fmt: skip


def _reference(key: str, label: str, noun: str, path: str) -> Action:
    return action(
        key, label, f"List all {noun}", "GET", path, list_inputs(), kind="list", group="Reference lists"
    )


_REFERENCE = [
    _reference("listArtefactStatuses", "List Artefact Statuses", "artefact (invoice, credit note) statuses",
               "/artefact_statuses"),
    _reference("listBankAccountTypes", "List Bank Account Types", "bank account types", "/bank_account_types"),
    _reference("listPaymentMethods", "List Payment Methods", "payment methods", "/payment_methods"),
    _reference("listTransactionTypes", "List Transaction Types", "transaction types", "/transaction_types"),
    _reference("listContactPersonTypes", "List Contact Person Types", "contact person types",
               "/contact_person_types"),
]  # fmt: skip

ACTIONS: tuple[Action, ...] = (*_BANK, *_ITEMS, *_PERSONS, *_CONTEXT, *_REFERENCE)
