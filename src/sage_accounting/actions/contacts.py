"""Contacts: customers and suppliers, and the people at their addresses.

Reading needs Read in Contacts, Sales or Purchases (an invoice names its contact); creating, changing
and deleting need Full in Contacts.
"""

from __future__ import annotations

from ._common import (
    BOOL,
    ID,
    MONEY,
    SEED,
    TEXT,
    Body,
    Query,
    action,
    deleted_since,
    full,
    inp,
    items_per_page,
    list_inputs,
    page,
    path_id,
    query_id,
    read,
    search,
    since,
    sorted_inputs,
)
from ._inputs import Converter, Integer, StringList
from ._registry import Action, ActionInput

__all__ = ["ACTIONS", "CONTACT_INPUTS"]

READS = read("contacts", "sales", "purchases")
WRITES = full("contacts")

_NAME = "Provide a string value for a name."
_STREET = "Provide a valid street address"
_LINE2 = "Provide a string value for the 2nd address line."
_POSTAL = "Provide a value for the postal code."
_CITY = "Provide a string value for the city of the address."
_REGION = "Provide a valid region for the contact."
_COUNTRY = "Provide a unique identifier for the contact's country."
_TYPE = "Provide a unique identifier for the address type"
_MAIN = "This flag will determine if this is the contacts main address."

# key, label, where it goes under "contact", comments, example, converter
_CONTACT_FIELDS: tuple[tuple[str, str, Body, str, str | None, Converter], ...] = (
    ("accountName", "Account Name", Body(("bank_account_details", "account_name")),
     "Provide a string value for the name of the bank account.", "Example Account", TEXT),
    ("accountNumber", "Account Number", Body(("bank_account_details", "account_number")),
     "Provide a valid bank account number.", "Example Account No", TEXT),
    ("addressLine1", "Address Line 1", Body(("main_address", "address_line_1")), _STREET, "4 Privet Drive", TEXT),
    ("addressLine2", "Address Line 2", Body(("main_address", "address_line_2")), _LINE2, "apt 319", TEXT),
    ("addressName", "Address Name", Body(("main_address", "name")), _NAME, "Example Name", TEXT),
    ("addressTypeId", "Address Type Id", Body(("main_address", "address_type_id")), _TYPE, "90211", ID),
    ("bankAccountId", "Bank Account Id", Body(("main_address", "bank_account_id")), _POSTAL, "example-9489210", ID),
    ("bic", "BIC", Body(("bank_account_details", "bic")), "Provide a valid BIC for the bank account.", "BOFA", TEXT),
    ("city", "City", Body(("main_address", "city")), _CITY, "Beverly Hills", TEXT),
    ("countryId", "Country Id", Body(("main_address", "country_id")), _COUNTRY, None, ID),
    ("creditDays", "Credit Days", Body(("credit_days",), "integer 0..365"),
     "Provide a number value for the credit days of the contact.", "10", Integer(0, 365)),
    ("creditLimit", "Credit Limit", Body(("credit_limit",), "number"),
     "Provide a number value for the credit limit of the contact.", "350.00", MONEY),
    ("currencyId", "Currency Id", Body(("currency_id",)),
     "Provide the unique identifier of the currency type.", "example-24525235", ID),
    ("defaultPurchaseLedgerId", "Default Purchase Ledger Id", Body(("default_purchase_ledger_account_id",)),
     "Provide the unique identifier of the default purchase ledger for the contact.", "example-80430964", ID),
    ("defaultSalesLedgerId", "Default Sales Ledger Id", Body(("default_sales_ledger_account_id",)),
     "Provide the unique identifier of the default sales ledger.", "example-80430964", ID),
    ("defaultSalesTaxRateId", "Default Sales Tax Rate Id", Body(("default_sales_tax_rate_id",)),
     "Provide the unique identifier of the sales tax rate for the contact.", "example-80430964", ID),
    ("deliveryBankAccountId", "Delivery Address Bank Account Id", Body(("delivery_address", "bank_account_id")),
     _POSTAL, "example-9489210", ID),
    ("deliveryCity", "Delivery Address City", Body(("delivery_address", "city")), _CITY, "Beverly Hills", TEXT),
    ("deliveryCountryId", "Delivery Address Country Id", Body(("delivery_address", "country_id")), _COUNTRY, None, ID),
    ("deliveryLine1", "Delivery Address Line 1", Body(("delivery_address", "address_line_1")), _STREET,
     "4 Privet Drive", TEXT),
    ("deliveryLine2", "Delivery Address Line 2", Body(("delivery_address", "address_line_2")), _LINE2, "apt 319", TEXT),
    ("deliveryName", "Delivery Address Name", Body(("delivery_address", "name")), _NAME, "Example Name", TEXT),
    ("deliveryPostalCode", "Delivery Address Postal Code", Body(("delivery_address", "postal_code")), _POSTAL,
     "90211", TEXT),
    ("deliveryRegion", "Delivery Address Region", Body(("delivery_address", "region")), _REGION, "North America", TEXT),
    ("deliveryTypeId", "Delivery Address Type Id", Body(("delivery_address", "address_type_id")), _TYPE, "90211", ID),
    ("iban", "IBAN", Body(("bank_account_details", "iban")), "Provide a valid IBAN for the bank account.",
     "CY 17 002 00128 00000012005276002", TEXT),
    ("notes", "Notes", Body(("notes",)), "Provide a string value for notes.", "This is an example note.", TEXT),
    ("postalCode", "Postal Code", Body(("main_address", "postal_code")), _POSTAL, "90211", TEXT),
    ("reference", "Reference", Body(("reference",)), "Provide a string value for the reference of the contact.",
     "uniqueValue", TEXT),
    ("region", "Region", Body(("main_address", "region")), _REGION, "North America", TEXT),
    ("sortCode", "Sort Code", Body(("bank_account_details", "sort_code")), "Provide a sort code for the bank account.",
     "12-34-56", TEXT),
    ("sourceGuid", "Source GUID", Body(("source_guid",)),
     "Provide a valid GUID, used for importing/exporting contacts from 3rd party services.",
     "example-80430964", TEXT),
    ("taxNumber", "Tax Number", Body(("tax_number",)),
     "Provide a string value for the VAT registration number for the contact.", "80430964", TEXT),
)  # fmt: skip


def _contact_inputs(*, create: bool) -> tuple[ActionInput, ...]:
    inputs = [
        inp(
            key,
            label,
            comments,
            example,
            sage=Body(("contact", *where.path), where.note),
            convert=convert,
            sample="GB" if key.endswith("CountryId") or key == "countryId" else None,
        )
        for key, label, where, comments, example, convert in _CONTACT_FIELDS
    ]
    inputs += [
        inp("contactTypeIds", "Contact Type Ids", "For each list item, provide an Id of a contact type",
            "example-2356795", sage=Body(("contact", "contact_type_ids")), convert=StringList(), required=create),
        inp("isMainAddress", "Is Main Address", _MAIN, sage=Body(("contact", "main_address", "is_main_address")),
            convert=BOOL, default=False, sample=True),
        inp("isMainDelivery", "Is Main Address", _MAIN,
            sage=Body(("contact", "delivery_address", "is_main_address")), convert=BOOL, default=False,
            sample=True),
        inp("name", "Name", _NAME, "Example Name", sage=Body(("contact", "name")), required=create),
    ]  # fmt: skip
    if not create:
        inputs.append(path_id("contactId", "Contact Id", "a contact"))
    return sorted_inputs(inputs)


CONTACT_INPUTS = _contact_inputs(create=True)

_SEED_LIST = (items_per_page(), page(), since())
_CONTACT_ID = (path_id("contactId", "Contact Id", "a contact"),)
_PERSON_ID = path_id("contactPersonId", "Contact Person Id", "a contact person")

_CONTACTS = [
    action("createContact", "Create Contact", "Create a new contact", "POST", "/contacts",
           CONTACT_INPUTS, kind="create", group="Contacts", access=WRITES, tags=SEED, model="Contact"),
    action("deleteContact", "Delete Contact", "Delete an existing contact by Id", "DELETE",
           "/contacts/{contactId}", _CONTACT_ID, kind="delete", group="Contacts", access=WRITES, tags=SEED),
    action("getContact", "Get Contact", "Get the information and metadata of a contact by Id", "GET",
           "/contacts/{contactId}", _CONTACT_ID, kind="get", group="Contacts", access=READS, tags=SEED,
           model="Contact"),
    action("listContacts", "List Contacts", "List all contacts", "GET", "/contacts",
           list_inputs(
               query_id("contactTypeId", "Contact Type Id", "contact_type_id",
                        "Only contacts of this type (CUSTOMER or VENDOR).", "CUSTOMER"),
               search("name or reference"),
               inp("email", "Email", "Only contacts with this email address.", "info@example.com",
                   sage=Query("email")),
               deleted_since("contacts"),
               seed=_SEED_LIST), kind="list", group="Contacts", access=READS, tags=SEED, model="Contact"),
    action("updateContact", "Update Contact", "Update the information and metadata of an existing contact by Id",
           "PUT", "/contacts/{contactId}", _contact_inputs(create=False), kind="update", group="Contacts",
           access=WRITES, tags=SEED, model="Contact"),
]  # fmt: skip

# --- contact persons ----------------------------------------------------------------------------------


def _person_inputs(*, create: bool) -> list[ActionInput]:
    w = "contact_person"
    return [
        inp("addressId", "Address Id", "The contact's address the person belongs to (a contact's main_address "
            "id).", "example-533242", sage=Body((w, "address_id")), convert=ID, required=create),
        inp("name", "Name", "The person's name.", "Jane Doe", sage=Body((w, "name")), required=create),
        inp("contactPersonTypeIds", "Contact Person Type Ids",
            "The person's roles: a list or comma-separated ids (ACCOUNTS, SALES, PURCHASING).", "ACCOUNTS,SALES",
            sage=Body((w, "contact_person_type_ids")), convert=StringList(), required=create),
        inp("jobTitle", "Job Title", "The person's job title.", "Finance Director", sage=Body((w, "job_title"))),
        inp("telephone", "Telephone", "Telephone number.", "020 7946 0001", sage=Body((w, "telephone"))),
        inp("mobile", "Mobile", "Mobile number.", "07700 900001", sage=Body((w, "mobile"))),
        inp("email", "Email", "Email address.", "jane@example.com", sage=Body((w, "email"))),
        inp("fax", "Fax", "Fax number.", "020 7946 0002", sage=Body((w, "fax"))),
        inp("isMainContact", "Is Main Contact", "Make this person the contact's main contact.", "false",
            sage=Body((w, "is_main_contact")), convert=BOOL),
        inp("isPreferredContact", "Is Preferred Contact", "Whether this is a preferred contact.", "false",
            sage=Body((w, "is_preferred_contact")), convert=BOOL),
    ]  # fmt: skip


_PERSONS = [
    action("createContactPerson", "Create Contact Person", "Create a new contact person at a contact's address",
           "POST", "/contact_persons", sorted_inputs(_person_inputs(create=True)), kind="create",
           group="Contacts", access=WRITES, model="ContactPerson"),
    action("deleteContactPerson", "Delete Contact Person", "Delete an existing contact person by Id", "DELETE",
           "/contact_persons/{contactPersonId}", (_PERSON_ID,), kind="delete", group="Contacts", access=WRITES,
           tags=SEED),
    action("getContactPerson", "Get Contact Person", "Get the information and metadata of a contact person by Id",
           "GET", "/contact_persons/{contactPersonId}", (_PERSON_ID,), kind="get", group="Contacts",
           access=READS, tags=SEED, model="ContactPerson"),
    action("listContactPeople", "List Contact People", "List all contact people", "GET", "/contact_persons",
           list_inputs(
               query_id("contactId", "Contact Id", "contact_id", "Only the people of this contact.",
                        "example-533242"),
               query_id("addressId", "Address Id", "address_id", "Only the people at this address.",
                        "example-533242"),
               deleted_since("contact people"),
               seed=_SEED_LIST), kind="list", group="Contacts", access=READS, tags=SEED, model="ContactPerson"),
    action("updateContactPerson", "Update Contact Person",
           "Update a contact person by Id (only the inputs given are changed)", "PUT",
           "/contact_persons/{contactPersonId}",
           sorted_inputs([_PERSON_ID, *_person_inputs(create=False)]), kind="update", group="Contacts",
           access=WRITES, model="ContactPerson"),
]  # fmt: skip

ACTIONS: tuple[Action, ...] = (*_CONTACTS, *_PERSONS)
