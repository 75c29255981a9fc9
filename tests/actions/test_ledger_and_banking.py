"""Ledger accounts, bank accounts and contact payments through the actions."""

from __future__ import annotations

from typing import Any

import pytest

from sage_accounting import NotFoundError, SageAccounting, UnprocessableEntityError
from sage_accounting.actions import run_action

from .conftest import Ids, Recorder
from .helpers import customer, line


def test_create_get_and_update_ledger_account(client: SageAccounting, recorder: Recorder) -> None:
    account = run_action(client, "createLedgerAccount", {
        "displayName": "Consulting", "includedInChart": "true", "ledgerAccountTypeId": "SALES",
        "name": "Consulting income", "nominalCode": "4050", "taxRateId": "GB_STANDARD",
    })  # fmt: skip
    assert recorder.last_body() == {"ledger_account": {
        "display_name": "Consulting", "included_in_chart": True, "ledger_account_type_id": "SALES",
        "name": "Consulting income", "nominal_code": 4050, "tax_rate_id": "GB_STANDARD",
    }}  # fmt: skip
    assert (account["nominal_code"], account["included_in_chart"], account["tax_rate"]["id"]) == (
        4050,
        True,
        "GB_STANDARD",
    )
    assert run_action(client, "getLedgerAccount", {"ledgerAccountId": account["id"]}) == account
    hidden = run_action(client, "createLedgerAccount", {
        "displayName": "Misc", "ledgerAccountTypeId": "OTHER_INCOME", "name": "Misc", "nominalCode": 4999,
    })  # fmt: skip
    assert (
        recorder.last_body()["ledger_account"]["included_in_chart"] is False
        and hidden["included_in_chart"] is False
    )
    updated = run_action(client, "updateLedgerAccount", {
        "accountId": account["id"], "displayName": "Advisory", "includedInChart": True, "ledgerAccountTypeId": "SALES",
        "name": "Advisory income", "nominalCode": "4051", "gifiCode": "8000",
    })  # fmt: skip
    assert recorder.last_body()["ledger_account"]["gifi_code"] == 8000
    assert (updated["name"], updated["display_name"], updated["nominal_code"], updated["gifi_code"]) == (
        "Advisory income",
        "Advisory",
        4051,
        8000,
    )
    assert updated["tax_rate"]["id"] == "GB_STANDARD", "taxRateId was not given: the tax rate is kept"
    with pytest.raises(UnprocessableEntityError):
        run_action(client, "createLedgerAccount", {
            "displayName": "Dup", "ledgerAccountTypeId": "SALES", "name": "Dup", "nominalCode": "4051",
        })  # fmt: skip


def test_list_ledger_accounts_and_types(client: SageAccounting) -> None:
    every = run_action(client, "listLedgerAccounts", {"fetchAll": True, "attributes": "nominal_code"})
    assert every["$total"] == len(every["$items"]) > 20
    sales = run_action(
        client, "listLedgerAccounts", {"ledgerAccountTypeId": "SALES", "attributes": "ledger_account_type"}
    )
    assert sales["$total"] and all(a["ledger_account_type"]["id"] == "SALES" for a in sales["$items"])
    visible = run_action(
        client, "listLedgerAccounts", {"visibleIn": "Banking", "attributes": "visible_in_banking"}
    )
    assert visible["$total"] and all(a["visible_in_banking"] for a in visible["$items"])
    assert run_action(client, "listLedgerAccounts", {"search": "4000"})["$total"] >= 1
    recent = run_action(client, "listLedgerAccounts", {"updated_or_created_since": "2999-01-01T00:00:00Z"})
    assert recent["$total"] == 0
    types = run_action(client, "listLedgerAccountTypes", {"itemsPerPage": "200"})
    assert "SALES" in {t["id"] for t in types["$items"]}


def bank_inputs() -> dict[str, Any]:
    return {
        "bankAccountTypeId": "SAVINGS", "accountName": "Rainy Day", "accountNumber": "87654321",
        "sortCode": "65-43-21", "bic": "NWBKGB2L", "iban": "GB29NWBK60161331926819", "nominalCode": "1215",
        "currencyId": "GBP", "defaultPaymentMethodId": "ELECTRONIC", "isActive": "true",
        "addressLine1": "1 Bank St", "addressLine2": "Floor 3", "city": "London", "postalCode": "EC1A 1AA",
        "region": "Greater London", "countryId": "GB", "contactName": "Jane Banker", "telephone": "020 7946 0000",
        "email": "jane@bank.example",
    }  # fmt: skip


def test_bank_accounts(client: SageAccounting, recorder: Recorder) -> None:
    account = run_action(client, "createBankAccount", bank_inputs())
    assert recorder.last_body() == {"bank_account": {
        "bank_account_type_id": "SAVINGS", "nominal_code": 1215, "currency_id": "GBP",
        "default_payment_method_id": "ELECTRONIC", "is_active": True,
        "bank_account_details": {"account_name": "Rainy Day", "account_number": "87654321", "sort_code": "65-43-21",
                                 "bic": "NWBKGB2L", "iban": "GB29NWBK60161331926819"},
        "main_address": {"address_line_1": "1 Bank St", "address_line_2": "Floor 3", "city": "London",
                         "postal_code": "EC1A 1AA", "region": "Greater London", "country_id": "GB"},
        "main_contact_person": {"name": "Jane Banker", "telephone": "020 7946 0000", "email": "jane@bank.example"},
    }}  # fmt: skip
    assert account["bank_account_details"]["iban"] == "GB29NWBK60161331926819"
    assert account["bank_account_type"]["id"] == "SAVINGS" and account["balance"] == "0.0"
    assert run_action(client, "getBankAccount", {"bankAccountId": account["id"]})["id"] == account["id"]
    updated = run_action(
        client, "updateBankAccount", {"bankAccountId": account["id"], "sortCode": "11-22-33"}
    )
    assert recorder.last_body() == {"bank_account": {"bank_account_details": {"sort_code": "11-22-33"}}}
    assert updated["bank_account_details"]["sort_code"] == "11-22-33"
    assert updated["bank_account_details"]["account_number"] == "87654321"
    listed = run_action(client, "listBankAccounts", {"fetchAll": True, "filterInactiveBankAccounts": True})
    assert account["id"] in {a["id"] for a in listed["$items"]}
    assert run_action(client, "deleteBankAccount", {"bankAccountId": account["id"]}) is None
    with pytest.raises(NotFoundError):
        run_action(client, "getBankAccount", {"bankAccountId": account["id"]})
    assert [
        a["id"] for a in run_action(client, "listBankAccounts", {"deletedSince": "2000-01-01"})["$items"]
    ] == [account["id"]]
    assert run_action(client, "listBankAccounts", {"updated_or_created_since": "2999-01-01"})["$total"] == 0


def test_contact_payments(client: SageAccounting, recorder: Recorder, ids: Ids) -> None:
    acme = customer(client)
    invoice = run_action(client, "createSalesInvoice", {
        "contactId": acme["id"], "date": "2026-01-15", "invoiceLines": [line(ids.sales)],
    })  # fmt: skip
    payment = run_action(client, "createContactPayment", {
        "transactionTypeId": "CUSTOMER_RECEIPT", "contactId": acme["id"], "bankAccountId": ids.bank_account,
        "date": "2026-01-20", "totalAmount": "50.00", "paymentMethodId": "ELECTRONIC", "reference": "REM-1",
        "currencyId": "GBP", "allocatedArtefacts": f'[{{"artefact_id": "{invoice["id"]}", "amount": "50.00"}}]',
    })  # fmt: skip
    assert recorder.last_body() == {"contact_payment": {
        "transaction_type_id": "CUSTOMER_RECEIPT", "contact_id": acme["id"], "bank_account_id": ids.bank_account,
        "date": "2026-01-20", "total_amount": "50.00", "payment_method_id": "ELECTRONIC", "reference": "REM-1",
        "currency_id": "GBP", "allocated_artefacts": [{"artefact_id": invoice["id"], "amount": "50.00"}],
    }}  # fmt: skip
    assert payment["total_amount"] == "50.0"
    part_paid = run_action(client, "getSalesInvoice", {"salesInvoiceId": invoice["id"]})
    assert (part_paid["status"]["id"], part_paid["outstanding_amount"]) == ("PART_PAID", "70.0")
    assert (
        run_action(client, "getContactPayment", {"contactPaymentId": payment["id"]})["reference"] == "REM-1"
    )
    listed = run_action(client, "listContactPayments", {
        "contactId": acme["id"], "bankAccountId": ids.bank_account, "transactionTypeId": "CUSTOMER_RECEIPT",
        "fromDate": "2026-01-01", "toDate": "2026-01-31", "sort": "date:desc", "fetchAll": True,
    })  # fmt: skip
    assert [p["id"] for p in listed["$items"]] == [payment["id"]]
    assert run_action(client, "listContactPayments", {"toDate": "2026-01-19"})["$total"] == 0
    assert run_action(client, "deleteContactPayment", {"contactPaymentId": payment["id"]}) is None
    unpaid = run_action(client, "getSalesInvoice", {"salesInvoiceId": invoice["id"]})
    assert (unpaid["status"]["id"], unpaid["outstanding_amount"]) == ("UNPAID", "120.0")
    gone = run_action(
        client,
        "listContactPayments",
        {"deletedSince": "2000-01-01", "updated_or_created_since": "2000-01-01"},
    )
    assert [p["id"] for p in gone["$items"]] == [payment["id"]]
