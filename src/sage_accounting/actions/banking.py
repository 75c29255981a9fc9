"""Bank: bank accounts, and contact payments (customer receipts, supplier payments) with their
allocations to invoices.

Seed 004 puts payments and allocations in the Bank area: reading needs Read in Bank, everything else
Full in Bank.  A payment's amount is its ``totalAmount``.
"""

from __future__ import annotations

from ._amounts import given_amount
from ._common import (
    ALLOCATIONS,
    BOOL,
    DATE,
    ID,
    MONEY,
    Body,
    Query,
    action,
    deleted_since,
    full,
    inp,
    list_inputs,
    path_id,
    query_id,
    read,
    since,
    sorted_inputs,
)
from ._crud import crud
from ._inputs import Integer
from ._registry import Action, ActionInput

__all__ = ["ACTIONS"]

READS = read("bank")
WRITES = full("bank")


def _bank_inputs(*, create: bool) -> tuple[ActionInput, ...]:
    w = "bank_account"
    details = (w, "bank_account_details")
    address = (w, "main_address")
    person = (w, "main_contact_person")
    return (
        inp("bankAccountTypeId", "Bank Account Type Id",
            "The kind of account: CHECKING, SAVINGS, CREDIT_CARD, CASH_IN_HAND, LOAN or OTHER.", "CHECKING",
            sage=Body((w, "bank_account_type_id")), convert=ID, required=create),
        inp("accountName", "Account Name", "The name of the bank account (also its ledger account's name).",
            "Business Current Account", sage=Body((*details, "account_name")), required=create),
        inp("accountNumber", "Account Number", "The bank account number.", "12345678",
            sage=Body((*details, "account_number"))),
        inp("sortCode", "Sort Code", "The sort code.", "12-34-56", sage=Body((*details, "sort_code"))),
        inp("bic", "BIC", "The BIC of the bank.", "NWBKGB2L", sage=Body((*details, "bic"))),
        inp("iban", "IBAN", "The IBAN of the account.", "GB33BUKB20201555555555", sage=Body((*details, "iban"))),
        inp("nominalCode", "Nominal Code", "The nominal code of the account's ledger account.", "1205",
            sage=Body((w, "nominal_code"), "integer"), convert=Integer(1, 99_999_999)),
        inp("ledgerAccountId", "Ledger Account Id", "An existing ledger account to use for this bank account.",
            "example-2356795", sage=Body((w, "ledger_account_id")), convert=ID),
        inp("currencyId", "Currency Id", "The currency of the account (default: the business currency).", "GBP",
            sage=Body((w, "currency_id")), convert=ID),
        inp("defaultPaymentMethodId", "Default Payment Method Id",
            "The usual payment method (CASH, CHECK, ELECTRONIC, CREDIT_DEBIT …).", "ELECTRONIC",
            sage=Body((w, "default_payment_method_id")), convert=ID),
        inp("isActive", "Is Active", "Whether the account is in use.", "true", sage=Body((w, "is_active")),
            convert=BOOL),
        inp("addressLine1", "Address Line 1", "The bank's address, first line.", "1 High Street",
            sage=Body((*address, "address_line_1"))),
        inp("addressLine2", "Address Line 2", "The bank's address, second line.", "Floor 2",
            sage=Body((*address, "address_line_2"))),
        inp("city", "City", "The bank's town or city.", "London", sage=Body((*address, "city"))),
        inp("postalCode", "Postal Code", "The bank's postal code.", "EC1A 1AA", sage=Body((*address, "postal_code"))),
        inp("region", "Region", "The bank's county or region.", "Greater London", sage=Body((*address, "region"))),
        inp("countryId", "Country Id", "The bank's country.", "GB", sage=Body((*address, "country_id")), convert=ID),
        inp("contactName", "Contact Name", "A contact person at the bank.", "Jane Banker",
            sage=Body((*person, "name"))),
        inp("telephone", "Telephone", "The contact person's telephone.", "020 7946 0000",
            sage=Body((*person, "telephone"))),
        inp("email", "Email", "The contact person's email.", "jane@bank.example", sage=Body((*person, "email"))),
    )  # fmt: skip


_BANK = crud(
    name="BankAccount", plural="BankAccounts", path="/bank_accounts", noun="bank account", group="Banking",
    reads=READS, writes=WRITES, toolset="bank", model="BankAccount",
    filters=(since("Bank Accounts"), deleted_since("bank accounts"),
             inp("filterInactiveBankAccounts", "Filter Inactive Bank Accounts", "Leave out inactive accounts.",
                 "true", sage=Query("filter_inactive_bank_accounts"), convert=BOOL)),
    create=_bank_inputs(create=True), update=_bank_inputs(create=False),
    delete_note=" (only an account without transactions)",
)  # fmt: skip

# --- contact payments ---------------------------------------------------------------------------------

_P = "contact_payment"
_PAYMENT_INPUTS = sorted_inputs([
    inp("transactionTypeId", "Transaction Type Id",
        "The kind of payment: CUSTOMER_RECEIPT, VENDOR_PAYMENT, CUSTOMER_REFUND or VENDOR_REFUND.",
        "CUSTOMER_RECEIPT", sage=Body((_P, "transaction_type_id")), convert=ID, required=True),
    inp("contactId", "Contact Id", "The customer or supplier paying or paid.", "example-533242",
        sage=Body((_P, "contact_id")), convert=ID, required=True),
    inp("bankAccountId", "Bank Account Id", "The bank account the money goes into or out of.",
        "example-9489210", sage=Body((_P, "bank_account_id")), convert=ID, required=True),
    inp("date", "Date", "The date of the payment.", "2024-02-01", sage=Body((_P, "date"), "YYYY-MM-DD"),
        convert=DATE, required=True),
    inp("totalAmount", "Total Amount", "The amount paid.", "120.00", sage=Body((_P, "total_amount"), "number"),
        convert=MONEY, required=True),
    inp("paymentMethodId", "Payment Method Id", "How it was paid: CASH, CHECK, ELECTRONIC, CREDIT_DEBIT …",
        "ELECTRONIC", sage=Body((_P, "payment_method_id")), convert=ID),
    inp("reference", "Reference", "A reference for the payment.", "Remittance 881",
        sage=Body((_P, "reference"))),
    inp("currencyId", "Currency Id", "The currency (default: the business currency).", "GBP",
        sage=Body((_P, "currency_id")), convert=ID),
    inp("allocatedArtefacts", "Allocated Artefacts",
        "The invoices (or credit notes) the payment settles: a list (or JSON text) of objects with "
        "artefact_id, amount and optionally discount.",
        '[{"artefact_id": "example-533242", "amount": "120.00"}]',
        sage=Body((_P, "allocated_artefacts"), "array of allocation objects"), convert=ALLOCATIONS),
])  # fmt: skip
_PAYMENT_ID = (path_id("contactPaymentId", "Contact Payment Id", "a contact payment"),)
_GROUP = "Payments"
_MODEL = "ContactPayment"

_PAYMENTS = [
    action("listContactPayments", "List Contact Payments", "List all contact payments and receipts", "GET",
           "/contact_payments",
           list_inputs(
               since("Contact Payments"),
               query_id("contactId", "Contact Id", "contact_id", "Only payments of this contact.", "example-533242"),
               query_id("bankAccountId", "Bank Account Id", "bank_account_id",
                        "Only payments through this bank account.", "example-9489210"),
               query_id("transactionTypeId", "Transaction Type Id", "transaction_type_id",
                        "Only payments of this type (CUSTOMER_RECEIPT, VENDOR_PAYMENT …).", "CUSTOMER_RECEIPT"),
               inp("fromDate", "From Date", "Only payments dated on or after this date.", "2024-01-01",
                   sage=Query("from_date", "YYYY-MM-DD"), convert=DATE),
               inp("toDate", "To Date", "Only payments dated on or before this date.", "2024-12-31",
                   sage=Query("to_date", "YYYY-MM-DD"), convert=DATE),
               inp("sort", "Sort", "Sort order: field:direction pairs (created_at, updated_at, date).",
                   "date:desc", sage=Query("sort")),
               deleted_since("contact payments"),
           ), kind="list", group=_GROUP, access=READS, toolset="bank", model=_MODEL),
    action("getContactPayment", "Get Contact Payment", "Get the information and metadata of a contact payment by Id",
           "GET", "/contact_payments/{contactPaymentId}", _PAYMENT_ID, kind="get", group=_GROUP, access=READS,
           model=_MODEL),
    action("createContactPayment", "Create Contact Payment",
           "Record a customer receipt or a supplier payment, optionally allocated to invoices", "POST",
           "/contact_payments", _PAYMENT_INPUTS, kind="create", group=_GROUP, access=WRITES, model=_MODEL,
           amount=given_amount("totalAmount")),
    action("deleteContactPayment", "Delete Contact Payment",
           "Delete a contact payment by Id (its allocations are undone)", "DELETE",
           "/contact_payments/{contactPaymentId}", _PAYMENT_ID, kind="delete", group=_GROUP, access=WRITES),
]  # fmt: skip

ACTIONS: tuple[Action, ...] = (*_BANK, *_PAYMENTS)
