"""One module per Sage resource; each has a sync class and an ``Async`` twin."""

from __future__ import annotations

from .contacts import AsyncContacts, Contacts
from .contact_persons import AsyncContactPersons, ContactPersons
from .contact_types import AsyncContactTypes, ContactTypes
from .addresses import AsyncAddresses, Addresses
from .ledger_accounts import AsyncLedgerAccounts, LedgerAccounts
from .ledger_account_types import AsyncLedgerAccountTypes, LedgerAccountTypes
from .sales_invoices import AsyncSalesInvoices, SalesInvoices
from .sales_credit_notes import AsyncSalesCreditNotes, SalesCreditNotes
from .purchase_invoices import AsyncPurchaseInvoices, PurchaseInvoices
from .purchase_credit_notes import AsyncPurchaseCreditNotes, PurchaseCreditNotes
from .contact_payments import AsyncContactPayments, ContactPayments
from .bank_accounts import AsyncBankAccounts, BankAccounts
from .products import AsyncProducts, Products
from .services import AsyncServices, Services
from .tax_rates import AsyncTaxRates, TaxRates
from .journals import AsyncJournals, Journals
from .businesses import AsyncBusinesses, Businesses
from .user import AsyncUserResource, UserResource
from .address_types import AsyncAddressTypes, AddressTypes
from .contact_person_types import AsyncContactPersonTypes, ContactPersonTypes
from .countries import AsyncCountries, Countries
from .currencies import AsyncCurrencies, Currencies
from .artefact_statuses import AsyncArtefactStatuses, ArtefactStatuses
from .bank_account_types import AsyncBankAccountTypes, BankAccountTypes
from .payment_methods import AsyncPaymentMethods, PaymentMethods
from .transaction_types import AsyncTransactionTypes, TransactionTypes

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
