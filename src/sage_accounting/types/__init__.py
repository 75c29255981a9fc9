"""Pydantic models of Sage records, field names as Sage spells them.

Money is ``Decimal``, dates are ``date``, timestamps are aware ``datetime``, references are ``Link``;
fields a model does not declare are kept (``record.model_extra``).
"""

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from .._models import DeletedRecord, Link, SageModel, SageRecord
    from .._parse import SageDataWarning
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
    from .contacts import (
        Address,
        BankAccountDetails,
        Contact,
        ContactPerson,
        ContactTaxTreatment,
        ContactType,
    )
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

# A model's module (and pydantic) is imported when the model is first used.
_EXPORTS = {
    "SageDataWarning": ".._parse",
    "DeletedRecord": ".._models",
    "Link": ".._models",
    "SageModel": ".._models",
    "SageRecord": ".._models",
    "Journal": ".accounting",
    "JournalLine": ".accounting",
    "LedgerAccount": ".accounting",
    "LedgerAccountType": ".accounting",
    "TaxRate": ".accounting",
    "TaxRatePercentage": ".accounting",
    "AllocatedArtefact": ".banking",
    "BankAccount": ".banking",
    "ContactPayment": ".banking",
    "AddressType": ".business",
    "ArtefactStatus": ".business",
    "BankAccountType": ".business",
    "Business": ".business",
    "ContactPersonType": ".business",
    "Country": ".business",
    "Currency": ".business",
    "PaymentMethod": ".business",
    "ReferenceItem": ".business",
    "TransactionType": ".business",
    "User": ".business",
    "Address": ".contacts",
    "BankAccountDetails": ".contacts",
    "Contact": ".contacts",
    "ContactPerson": ".contacts",
    "ContactTaxTreatment": ".contacts",
    "ContactType": ".contacts",
    "ArtefactLine": ".invoices",
    "PaymentAllocation": ".invoices",
    "PurchaseCreditNote": ".invoices",
    "PurchaseInvoice": ".invoices",
    "SalesCreditNote": ".invoices",
    "SalesInvoice": ".invoices",
    "TaxAnalysis": ".invoices",
    "Product": ".items",
    "SalesPrice": ".items",
    "Service": ".items",
    "ServiceRate": ".items",
}
__getattr__, __dir__ = _lazy.exports(__name__, _EXPORTS)

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
    "SageDataWarning",
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
