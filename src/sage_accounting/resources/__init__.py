"""One module per Sage resource; each has a sync class and an ``Async`` twin."""

from __future__ import annotations

from .address_types import AddressTypes, AsyncAddressTypes
from .addresses import Addresses, AsyncAddresses
from .artefact_statuses import ArtefactStatuses, AsyncArtefactStatuses
from .bank_account_types import AsyncBankAccountTypes, BankAccountTypes
from .bank_accounts import AsyncBankAccounts, BankAccounts
from .businesses import AsyncBusinesses, Businesses
from .contact_payments import AsyncContactPayments, ContactPayments
from .contact_person_types import AsyncContactPersonTypes, ContactPersonTypes
from .contact_persons import AsyncContactPersons, ContactPersons
from .contact_types import AsyncContactTypes, ContactTypes
from .contacts import AsyncContacts, Contacts
from .countries import AsyncCountries, Countries
from .currencies import AsyncCurrencies, Currencies
from .journals import AsyncJournals, Journals
from .ledger_account_types import AsyncLedgerAccountTypes, LedgerAccountTypes
from .ledger_accounts import AsyncLedgerAccounts, LedgerAccounts
from .payment_methods import AsyncPaymentMethods, PaymentMethods
from .products import AsyncProducts, Products
from .purchase_credit_notes import AsyncPurchaseCreditNotes, PurchaseCreditNotes
from .purchase_invoices import AsyncPurchaseInvoices, PurchaseInvoices
from .sales_credit_notes import AsyncSalesCreditNotes, SalesCreditNotes
from .sales_invoices import AsyncSalesInvoices, SalesInvoices
from .services import AsyncServices, Services
from .tax_rates import AsyncTaxRates, TaxRates
from .transaction_types import AsyncTransactionTypes, TransactionTypes
from .user import AsyncUserResource, UserResource

__all__ = [
    "AddressTypes",
    "Addresses",
    "ArtefactStatuses",
    "AsyncAddressTypes",
    "AsyncAddresses",
    "AsyncArtefactStatuses",
    "AsyncBankAccountTypes",
    "AsyncBankAccounts",
    "AsyncBusinesses",
    "AsyncContactPayments",
    "AsyncContactPersonTypes",
    "AsyncContactPersons",
    "AsyncContactTypes",
    "AsyncContacts",
    "AsyncCountries",
    "AsyncCurrencies",
    "AsyncJournals",
    "AsyncLedgerAccountTypes",
    "AsyncLedgerAccounts",
    "AsyncPaymentMethods",
    "AsyncProducts",
    "AsyncPurchaseCreditNotes",
    "AsyncPurchaseInvoices",
    "AsyncSalesCreditNotes",
    "AsyncSalesInvoices",
    "AsyncServices",
    "AsyncTaxRates",
    "AsyncTransactionTypes",
    "AsyncUserResource",
    "BankAccountTypes",
    "BankAccounts",
    "Businesses",
    "ContactPayments",
    "ContactPersonTypes",
    "ContactPersons",
    "ContactTypes",
    "Contacts",
    "Countries",
    "Currencies",
    "Journals",
    "LedgerAccountTypes",
    "LedgerAccounts",
    "PaymentMethods",
    "Products",
    "PurchaseCreditNotes",
    "PurchaseInvoices",
    "SalesCreditNotes",
    "SalesInvoices",
    "Services",
    "TaxRates",
    "TransactionTypes",
    "UserResource",
]

# (attribute on the client, sync class, async class), in the order the clients expose them.
RESOURCES = (
    ("contacts", Contacts, AsyncContacts),
    ("contact_persons", ContactPersons, AsyncContactPersons),
    ("contact_types", ContactTypes, AsyncContactTypes),
    ("addresses", Addresses, AsyncAddresses),
    ("ledger_accounts", LedgerAccounts, AsyncLedgerAccounts),
    ("ledger_account_types", LedgerAccountTypes, AsyncLedgerAccountTypes),
    ("sales_invoices", SalesInvoices, AsyncSalesInvoices),
    ("sales_credit_notes", SalesCreditNotes, AsyncSalesCreditNotes),
    ("purchase_invoices", PurchaseInvoices, AsyncPurchaseInvoices),
    ("purchase_credit_notes", PurchaseCreditNotes, AsyncPurchaseCreditNotes),
    ("contact_payments", ContactPayments, AsyncContactPayments),
    ("bank_accounts", BankAccounts, AsyncBankAccounts),
    ("products", Products, AsyncProducts),
    ("services", Services, AsyncServices),
    ("tax_rates", TaxRates, AsyncTaxRates),
    ("journals", Journals, AsyncJournals),
    ("businesses", Businesses, AsyncBusinesses),
    ("user", UserResource, AsyncUserResource),
    ("address_types", AddressTypes, AsyncAddressTypes),
    ("contact_person_types", ContactPersonTypes, AsyncContactPersonTypes),
    ("countries", Countries, AsyncCountries),
    ("currencies", Currencies, AsyncCurrencies),
    ("artefact_statuses", ArtefactStatuses, AsyncArtefactStatuses),
    ("bank_account_types", BankAccountTypes, AsyncBankAccountTypes),
    ("payment_methods", PaymentMethods, AsyncPaymentMethods),
    ("transaction_types", TransactionTypes, AsyncTransactionTypes),
)
