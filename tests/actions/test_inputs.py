"""Inputs are checked and converted before any request: every refusal names the input and what is wrong,
and nothing reaches Sage (the emulator's request log stays empty)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from sage_accounting import SageAccounting, SageError
from sage_accounting.actions import ActionInputError, UnknownActionError, registry, run_action
from sage_accounting.emulator import Emulator

from .conftest import Recorder

LINE = {"description": "Work", "ledger_account_id": "abc123", "quantity": "1", "unit_price": "10.00",
        "tax_rate_id": "GB_STANDARD"}  # fmt: skip
CONTACT = {"name": "Acme", "contactTypeIds": "CUSTOMER"}
INVOICE = {"contactId": "c1", "date": "2024-01-31", "invoiceLines": [LINE]}
RAW = {"method": "GET", "url": "/contacts"}

# (action, inputs, the input named, a fragment of the message)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("createContact", {**CONTACT, "creditLimit": "abc"}, "creditLimit", "creditLimit must be a number, got 'abc'"),
    ("createContact", {**CONTACT, "creditLimit": "-5"}, "creditLimit", "creditLimit must be 0 or more"),
    ("createContact", {**CONTACT, "creditLimit": "NaN"}, "creditLimit", "creditLimit must be a number"),
    ("createContact", {**CONTACT, "creditLimit": float("inf")}, "creditLimit", "must be a finite number"),
    ("createContact", {**CONTACT, "creditDays": "400"}, "creditDays", "creditDays must be between 0 and 365, got 400"),
    ("createContact", {**CONTACT, "creditDays": "1.5"}, "creditDays", "creditDays must be a whole number"),
    ("createContact", {"name": "Acme"}, "contactTypeIds", "contactTypeIds is required"),
    ("createContact", {"contactTypeIds": "CUSTOMER"}, "name", "name is required"),
    ("createContact", {"name": "  ", "contactTypeIds": "CUSTOMER"}, "name", "name is required"),
    ("createContact", {"name": "Acme", "contactTypeIds": []}, "contactTypeIds", "must name at least one id"),
    ("createContact", {"name": "Acme", "contactTypeIds": "CUSTOMER, bad id!"}, "contactTypeIds",
     "contactTypeIds[1] is not a valid Sage id"),
    ("createContact", {"name": "Acme", "contactTypeIds": 7}, "contactTypeIds", "must be a list or comma-separated"),
    ("createContact", {**CONTACT, "isMainAddress": "maybe"}, "isMainAddress", "isMainAddress must be true or false"),
    ("createContact", {**CONTACT, "colour": "red"}, "colour", "colour is not an input of createContact"),
    ("createContact", {**CONTACT, "creditlimit": "5"}, "creditlimit", "did you mean creditLimit?"),
    ("createContact", {**CONTACT, "city": {"name": "Leeds"}}, "city", "city must be text, got dict"),
    ("createContact", {**CONTACT, "countryId": "G B"}, "countryId", "countryId is not a valid Sage id"),
    ("createLedgerAccount", {"displayName": "X", "ledgerAccountTypeId": "SALES", "name": "X", "nominalCode": "abc"},
     "nominalCode", "nominalCode must be a whole number"),
    ("createLedgerAccount", {"displayName": "X", "ledgerAccountTypeId": "SALES", "name": "X", "nominalCode": "0"},
     "nominalCode", "nominalCode must be between 1 and 99999999, got 0"),
    ("createLedgerAccount", {"displayName": "X", "ledgerAccountTypeId": "SALES", "name": "X", "nominalCode": "1",
                             "includedInChart": "yes please"}, "includedInChart", "must be true or false"),
    ("updateLedgerAccount", {"accountId": "a1", "displayName": "X", "ledgerAccountTypeId": "SALES", "name": "X",
                             "nominalCode": "9", "gifiCode": "NA"}, "gifiCode", "gifiCode must be a whole number"),
    ("createSalesInvoice", {**INVOICE, "date": "31/01/2024"}, "date", "date must be a date as YYYY-MM-DD"),
    ("createSalesInvoice", {**INVOICE, "date": "2024-02-30"}, "date", "date must be a date as YYYY-MM-DD"),
    ("createSalesInvoice", {**INVOICE, "date": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)}, "date", "not a date-time"),
    ("createSalesInvoice", {**INVOICE, "invoiceLines": "not json"}, "invoiceLines",
     "invoiceLines must be a JSON array of line objects"),
    ("createSalesInvoice", {**INVOICE, "invoiceLines": "42"}, "invoiceLines", "must be a list of line objects"),
    ("createSalesInvoice", {**INVOICE, "invoiceLines": []}, "invoiceLines", "invoiceLines must have at least one line"),
    ("createSalesInvoice", {**INVOICE, "invoiceLines": [LINE, LINE, {**LINE, "unit_price": None}]}, "invoiceLines",
     "invoiceLines[2].unit_price is required"),
    ("createSalesInvoice", {**INVOICE, "invoiceLines": [{**LINE, "ledger_account_id": ""}]}, "invoiceLines",
     "invoiceLines[0].ledger_account_id is required"),
    ("createSalesInvoice", {**INVOICE, "invoiceLines": [{**LINE, "unitPrice": "1"}]}, "invoiceLines",
     "invoiceLines[0].unitPrice is not a Sage line field (did you mean unit_price?)"),
    ("createSalesInvoice", {**INVOICE, "invoiceLines": [{**LINE, "quantity": "two"}]}, "invoiceLines",
     "invoiceLines[0].quantity must be a number, got 'two'"),
    ("createSalesInvoice", {**INVOICE, "invoiceLines": [{**LINE, "discount_amount": "-1"}]}, "invoiceLines",
     "invoiceLines[0].discount_amount must be 0 or more"),
    ("createSalesInvoice", {**INVOICE, "invoiceLines": ["x"]}, "invoiceLines", "invoiceLines[0] must be an object"),
    ("createPurchaseInvoice", {**INVOICE, "dueDate": "2024-02-29", "invoiceLines": [{**LINE, "discount_amount": "1"}]},
     "invoiceLines",
     "invoiceLines[0].discount_amount is not a Sage line field"),
    ("createSalesInvoice", {**INVOICE, "totalAmount": "1,000.00"}, "totalAmount", "totalAmount must be a number"),
    ("createSalesInvoice", {**INVOICE, "contactId": "c 1"}, "contactId", "contactId is not a valid Sage id"),
    ("createPurchaseInvoice", {**INVOICE, "dueDate": "2024-01-01"}, "dueDate",
     "dueDate (2024-01-01) must be on or after date (2024-01-31)"),
    ("createPurchaseInvoice", INVOICE, "dueDate", "dueDate is required"),
    ("updateSalesInvoice", {"salesInvoiceId": "s1", "dueDate": "2024-03-01"}, "invoiceLines",
     "invoiceLines is required"),
    ("updatePurchaseInvoice", {"purchaseInvoiceId": "p1", "dueDate": "2024-03-01", "invoiceLines": [LINE],
                               "totalQuantity": "many"}, "totalQuantity", "totalQuantity must be a number"),
    ("listContacts", {"itemsPerPage": "500"}, "itemsPerPage", "itemsPerPage must be between 1 and 200, got 500"),
    ("listContacts", {"itemsPerPage": "0"}, "itemsPerPage", "itemsPerPage must be between 1 and 200"),
    ("listContacts", {"page": "0"}, "page", "page must be 1 or more, got 0"),
    ("listContacts", {"updated_or_created_since": "yesterday"}, "updated_or_created_since",
     "updated_or_created_since must be an ISO 8601 date or date-time"),
    ("listContacts", {"updated_or_created_since": dt.datetime(2024, 1, 1)}, "updated_or_created_since",
     "timezone-aware"),
    ("listContacts", {"fetchAll": True, "page": "2"}, "page", "page cannot be combined with fetchAll"),
    ("listContacts", {"attributes": "Name!"}, "attributes", "attributes has an invalid field name"),
    ("listContacts", {"fetchAll": "sometimes"}, "fetchAll", "fetchAll must be true or false"),
    ("listSalesInvoices", {"fromDate": "last monday"}, "fromDate", "fromDate must be a date as YYYY-MM-DD"),
    ("listLedgerAccounts", {"visibleIn": "everywhere"}, "visibleIn", "visibleIn must be one of banking, sales"),
    ("getContact", {"contactId": "../user"}, "contactId", "contactId is not a valid Sage id"),
    ("getContact", {}, "contactId", "contactId is required"),
    ("updateContact", {"name": "New"}, "contactId", "contactId is required"),
    ("voidSalesInvoice", {"salesInvoiceId": "s1"}, "voidReason", "voidReason is required"),
    ("createContactPerson", {"addressId": "a1", "name": "Jo"}, "contactPersonTypeIds",
     "contactPersonTypeIds is required"),
    ("createProduct", {"description": "W", "salesLedgerAccountId": "a", "purchaseLedgerAccountId": "b",
                       "catalogItemTypeId": "GADGET"}, "catalogItemTypeId", "must be one of STOCK_ITEM, PRODUCT"),
    ("createContactPayment", {"transactionTypeId": "CUSTOMER_RECEIPT", "contactId": "c", "bankAccountId": "b",
                              "date": "2024-01-01", "totalAmount": "-1"}, "totalAmount", "totalAmount must be 0 or more"),
    ("createContactPayment", {"transactionTypeId": "CUSTOMER_RECEIPT", "contactId": "c", "bankAccountId": "b",
                              "date": "2024-01-01", "totalAmount": "1", "allocatedArtefacts": [{"amount": "1"}]},
     "allocatedArtefacts", "allocatedArtefacts[0].artefact_id is required"),
    ("createJournal", {"date": "2024-01-01", "reference": "J1", "journalLines": [
        {"ledger_account_id": "a", "debit": "100", "credit": "0"},
        {"ledger_account_id": "b", "debit": "0", "credit": "90"}]}, "journalLines",
     "journalLines must balance: debits 100 ≠ credits 90"),
    ("rawRequest", {**RAW, "method": "FETCH"}, "method", "method must be one of GET, POST"),
    ("rawRequest", {"method": "GET"}, "url", "url is required"),
    ("rawRequest", {**RAW, "url": "https://evil.example/steal"}, "url", "not a full URL"),
    ("rawRequest", {**RAW, "url": "//evil.example/steal"}, "url", "not a full URL"),
    ("rawRequest", {**RAW, "url": "/contacts/../../token"}, "url", "must not contain '.' or '..' segments"),
    ("rawRequest", {**RAW, "url": "/contacts/."}, "url", "must not contain '.' or '..' segments"),
    ("rawRequest", {**RAW, "url": "/./contacts?x=1"}, "url", "must not contain '.' or '..' segments"),
    ("rawRequest", {**RAW, "headers": "X-A: é"}, "headers", "must be ASCII text"),
    ("rawRequest", {**RAW, "headers": [["X-A", "a\r\nX-B: b"]]}, "headers", "must not contain line breaks"),
    ("rawRequest", {**RAW, "headers": [["X A", "b"]]}, "headers", "is not a valid header name"),
    ("getContact", {"contactId": "."}, "contactId", "is not a valid Sage id"),
    ("getContact", {"contactId": ".."}, "contactId", "is not a valid Sage id"),
    ("listContacts", {"search": "\x00"}, "search", "must not contain control characters"),
    ("listContacts", {"search": "a\x1b[31mb"}, "search", "must not contain control characters"),
    ("rawRequest", {**RAW, "url": "/contacts x"}, "url", "must not contain spaces"),
    ("rawRequest", {**RAW, "maxRetries": "-1"}, "maxRetries", "maxRetries must be between 0 and 100"),
    ("rawRequest", {**RAW, "retryDelayMS": "soon"}, "retryDelayMS", "retryDelayMS must be a whole number"),
    ("rawRequest", {**RAW, "responseType": "xml"}, "responseType", "responseType must be one of json, text, binary"),
    ("rawRequest", {**RAW, "timeout": "0"}, "timeout", "timeout must be between 1 and"),
    ("rawRequest", {**RAW, "headers": [{"key": "Authorization", "value": "Bearer x"}]}, "headers",
     "headers must not set Authorization"),
    ("rawRequest", {**RAW, "headers": [{"key": "", "value": "x"}]}, "headers", "headers[0] needs a non-empty text key"),
    ("rawRequest", {**RAW, "headers": "no separator here"}, "headers", "is not 'key: value' or 'key=value'"),
    ("rawRequest", {**RAW, "queryParams": [{"name": "a"}]}, "queryParams", 'queryParams[0] must be {"key": ..., "value": ...}'),
    ("rawRequest", {**RAW, "data": "{}", "formData": [["a", "b"]]}, "data",
     "data cannot be combined with formData or fileData"),
    ("rawRequest", {**RAW, "fileData": [["f", "x"]], "fileDataFileNames": [["g", "g.txt"]]}, "fileDataFileNames",
     "fileDataFileNames key 'g' matches no fileData key"),
    ("rawRequest", {**RAW, "data": 42}, "data", "data must be text or JSON data"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "inputs", "named", "fragment"), CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)]
)
def test_bad_input_is_refused_before_anything_is_sent(
    emu: Emulator, recorder: Recorder, client: SageAccounting, key: str, inputs: dict[str, Any], named: str,
    fragment: str,
) -> None:  # fmt: skip
    with pytest.raises(ActionInputError) as caught:
        run_action(client, key, inputs)
    error = caught.value
    assert error.key == named
    assert error.action == key
    assert fragment in str(error)
    assert str(error).startswith(f"{key}: ")
    assert isinstance(error, SageError) and isinstance(error, ValueError)
    assert emu.request_log.entries() == []
    assert recorder.requests == []


def test_every_problem_is_reported_at_once(emu: Emulator, client: SageAccounting) -> None:
    with pytest.raises(ActionInputError) as caught:
        run_action(client, "createContact", {"creditLimit": "x", "creditDays": "-1", "bogus": 1})
    assert set(caught.value.keys) == {"bogus", "name", "contactTypeIds", "creditLimit", "creditDays"}
    assert emu.request_log.entries() == []


def test_unknown_action_is_refused_with_a_suggestion(client: SageAccounting) -> None:
    with pytest.raises(UnknownActionError, match="did you mean listPurchaseInvoice"):
        run_action(client, "listPurchaseInvoices")
    with pytest.raises(KeyError):
        registry["nope"]


def test_inputs_must_be_a_mapping(client: SageAccounting) -> None:
    with pytest.raises(TypeError, match="inputs must be a mapping"):
        run_action(client, "getUser", ["contactId"])  # type: ignore[arg-type]


# --- conversions --------------------------------------------------------------------------------------


def validate(key: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return dict(registry[key].validate(inputs))


def test_numbers_and_money_become_exact_decimals() -> None:
    assert validate("createContact", {**CONTACT, "creditLimit": "1500.50"})["creditLimit"] == Decimal(
        "1500.50"
    )
    assert str(validate("createContact", {**CONTACT, "creditLimit": 0.1})["creditLimit"]) == "0.1"
    assert validate("createContact", {**CONTACT, "creditLimit": Decimal("2.345")})["creditLimit"] == Decimal(
        "2.345"
    )
    assert validate("createContact", {**CONTACT, "creditLimit": 7})["creditLimit"] == Decimal(7)
    assert validate("createContact", {**CONTACT, "creditDays": " 30 "})["creditDays"] == 30
    assert validate("createContact", {**CONTACT, "creditDays": 30.0})["creditDays"] == 30
    lines = validate("createSalesInvoice", {**INVOICE, "invoiceLines": [{**LINE, "unit_price": 19.99}]})[
        "invoiceLines"
    ]
    assert lines[0]["unit_price"] == Decimal("19.99") and isinstance(lines[0]["quantity"], Decimal)


def test_lists_booleans_dates_and_json_text() -> None:
    for given in ("CUSTOMER", "CUSTOMER, VENDOR", ["CUSTOMER"], '["CUSTOMER", "VENDOR"]'):
        ids = validate("createContact", {"name": "A", "contactTypeIds": given})["contactTypeIds"]
        assert ids[0] == "CUSTOMER" and all(isinstance(i, str) for i in ids)
    assert validate("createContact", {**CONTACT, "isMainAddress": "TRUE"})["isMainAddress"] is True
    assert validate("createContact", {**CONTACT, "isMainAddress": "false"})["isMainAddress"] is False
    assert validate("createSalesInvoice", {**INVOICE, "date": dt.date(2024, 2, 29)})["date"] == "2024-02-29"
    since = dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert validate("listContacts", {"updated_or_created_since": since})["updated_or_created_since"] == (
        "2024-01-01T11:00:00Z"
    )
    assert (
        validate("listContacts", {"updated_or_created_since": "2024-01-01"})["updated_or_created_since"]
        == "2024-01-01"
    )
    text = '[{"description": "Work", "ledger_account_id": "a1", "quantity": 2, "unit_price": "5", "tax_rate_id": "T"}]'
    assert (
        validate("createSalesInvoice", {**INVOICE, "invoiceLines": text})["invoiceLines"][0]["quantity"] == 2
    )
    assert (
        validate("listContacts", {"attributes": ["name", "credit_limit"]})["attributes"]
        == "name,credit_limit"
    )


def test_key_value_lists_take_every_usual_shape() -> None:
    expected = [("User-Agent", "curl/7.64.1"), ("X-Trace", "1")]
    for given in (
        [{"key": "User-Agent", "value": "curl/7.64.1"}, {"key": "X-Trace", "value": 1}],
        [["User-Agent", "curl/7.64.1"], ("X-Trace", "1")],
        {"User-Agent": "curl/7.64.1", "X-Trace": "1"},
        "User-Agent: curl/7.64.1\nX-Trace=1",
        '[{"key": "User-Agent", "value": "curl/7.64.1"}, {"key": "X-Trace", "value": "1"}]',
    ):
        assert validate("rawRequest", {**RAW, "headers": given})["headers"] == expected


def test_defaults_apply_on_create_but_not_on_update() -> None:
    created = registry["createContact"].validate(CONTACT)
    assert created["isMainAddress"] is False and "isMainAddress" in created.defaulted
    updated = registry["updateContact"].validate({"contactId": "c1"})
    assert "isMainAddress" not in updated and "isMainDelivery" not in updated
    # a required input with a default is always there
    ledger = registry["updateLedgerAccount"].validate(
        {
            "accountId": "a",
            "displayName": "X",
            "ledgerAccountTypeId": "SALES",
            "name": "X",
            "nominalCode": "1",
        }
    )
    assert ledger["includedInChart"] is False
    raw = registry["rawRequest"].validate(RAW)
    assert (raw["maxRetries"], raw["retryDelayMS"], raw["responseType"]) == (0, 0, "json")
    assert (
        raw["method"] == "GET"
        and registry["rawRequest"].validate({**RAW, "method": "post"})["method"] == "POST"
    )


def test_raw_url_takes_paths_and_sages_own_root() -> None:
    assert validate("rawRequest", {**RAW, "url": "contacts"})["url"] == "/contacts"
    assert validate("rawRequest", {**RAW, "url": "https://api.accounting.sage.com/v3.1/contacts?x=1"})[
        "url"
    ] == ("/contacts?x=1")
