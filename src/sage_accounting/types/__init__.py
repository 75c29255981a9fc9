"""Pydantic models of Sage records, field names as Sage spells them.

Money is ``Decimal``, dates are ``date``, timestamps are aware ``datetime``, references are ``Link``;
fields a model does not declare are kept (``record.model_extra``).
"""

from .._models import DeletedRecord, Link, SageModel, SageRecord
from .accounting import Journal, JournalLine, LedgerAccount, LedgerAccountType, TaxRate, TaxRatePercentage
from .banking import AllocatedArtefact, BankAccount, ContactPayment
from .business import (
    AddressType,
    ArtefactStatus,
    BankAccountType,
    Business,
    ContactPersonType,
    Country,
    Currency,
    PaymentMethod,
    ReferenceItem,
    TransactionType,
    User,
)
from .contacts import Address, BankAccountDetails, Contact, ContactPerson, ContactTaxTreatment, ContactType
from .invoices import (
    ArtefactLine,
    PaymentAllocation,
    PurchaseCreditNote,
    PurchaseInvoice,
    SalesCreditNote,
    SalesInvoice,
    TaxAnalysis,
)
from .items import Product, SalesPrice, Service, ServiceRate

__all__ = [
    "Address",
    "AddressType",
    "AllocatedArtefact",
    "ArtefactLine",
    "ArtefactStatus",
    "BankAccount",
    "BankAccountDetails",
    "BankAccountType",
    "Business",
    "Contact",
    "ContactPayment",
    "ContactPerson",
    "ContactPersonType",
    "ContactTaxTreatment",
    "ContactType",
    "Country",
    "Currency",
    "DeletedRecord",
    "Journal",
    "JournalLine",
    "LedgerAccount",
    "LedgerAccountType",
    "Link",
    "PaymentAllocation",
    "PaymentMethod",
    "Product",
    "PurchaseCreditNote",
    "PurchaseInvoice",
    "ReferenceItem",
    "SageModel",
    "SageRecord",
    "SalesCreditNote",
    "SalesInvoice",
    "SalesPrice",
    "Service",
    "ServiceRate",
    "TaxAnalysis",
    "TaxRate",
    "TaxRatePercentage",
    "TransactionType",
    "User",
]
