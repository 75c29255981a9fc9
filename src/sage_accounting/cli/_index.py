"""The resource command groups as ``--help`` lists them, so listing them needs no action registry.

Generated from the registry by ``python -m sage_accounting.cli._index`` (which rewrites this file);
``tests/cli/test_startup.py`` fails when it no longer matches the registry.  Running a group always
builds it from the registry itself: a stale index can only make ``--help`` list the wrong lines.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["NOUNS", "current"]

# name: (help line, help panel), in the registry's order.
NOUNS: dict[str, tuple[str, str]] = {
    'bank-accounts': ('Bank accounts (actions createBankAccount, deleteBankAccount, getBankAccount, listBankAccounts, updateBankAccount).', 'Resources: Banking'),
    'contacts': ('Contacts (actions createContact, deleteContact, getContact, listContacts, updateContact).', 'Resources: Contacts'),
    'contact-payments': ('Contact payments (actions createContactPayment, deleteContactPayment, getContactPayment, listContactPayments).', 'Resources: Payments'),
    'contact-persons': ('Contact persons (actions createContactPerson, deleteContactPerson, getContactPerson, listContactPeople, updateContactPerson).', 'Resources: Contacts'),
    'journals': ('Journals (actions createJournal, deleteJournal, getJournal, listJournals).', 'Resources: Journals'),
    'ledger-accounts': ('Ledger accounts (actions createLedgerAccount, getLedgerAccount, listLedgerAccounts, updateLedgerAccount).', 'Resources: Chart of accounts'),
    'products': ('Products (actions createProduct, deleteProduct, getProduct, listProducts, updateProduct).', 'Resources: Products & services'),
    'purchase-credit-notes': ('Purchase credit notes (actions createPurchaseCreditNote, deletePurchaseCreditNote, getPurchaseCreditNote, listPurchaseCreditNotes, updatePurchaseCreditNote).', 'Resources: Purchases'),
    'purchase-invoices': ('Purchase invoices (actions createPurchaseInvoice, deletePurchaseInvoice, getPurchaseInvoice, listPurchaseInvoice, updatePurchaseInvoice).', 'Resources: Purchases'),
    'sales-credit-notes': ('Sales credit notes (actions createSalesCreditNote, getSalesCreditNote, listSalesCreditNotes, updateSalesCreditNote, voidSalesCreditNote).', 'Resources: Sales'),
    'sales-invoices': ('Sales invoices (actions createSalesInvoice, deleteSalesInvoice, getSalesInvoice, listSalesInvoices, releaseSalesInvoice, updateSalesInvoice, voidSalesInvoice).', 'Resources: Sales'),
    'services': ('Services (actions createService, deleteService, getService, listServices, updateService).', 'Resources: Products & services'),
    'businesses': ('Businesses (actions getBusiness, listBusinesses).', 'Resources: Businesses & user'),
    'tax-rates': ('Tax rates (actions getTaxRate, listTaxRates).', 'Resources: Taxes'),
    'user': ('User (actions getUser).', 'Resources: Businesses & user'),
    'address-types': ('Address types (actions listAddressTypes).', 'Resources: Reference lists'),
    'artefact-statuses': ('Artefact statuses (actions listArtefactStatuses).', 'Resources: Reference lists'),
    'bank-account-types': ('Bank account types (actions listBankAccountTypes).', 'Resources: Reference lists'),
    'contact-person-types': ('Contact person types (actions listContactPersonTypes).', 'Resources: Reference lists'),
    'contact-types': ('Contact types (actions listContactTypes).', 'Resources: Reference lists'),
    'countries': ('Countries (actions listCountries).', 'Resources: Reference lists'),
    'currencies': ('Currencies (actions listCurrencies).', 'Resources: Reference lists'),
    'ledger-account-types': ('Ledger account types (actions listLedgerAccountTypes).', 'Resources: Reference lists'),
    'payment-methods': ('Payment methods (actions listPaymentMethods).', 'Resources: Reference lists'),
    'transaction-types': ('Transaction types (actions listTransactionTypes).', 'Resources: Reference lists'),
}  # fmt: skip


def current() -> dict[str, tuple[str, str]]:
    """What :data:`NOUNS` should be, computed from the action registry."""
    from ._generate import nouns

    return {name: (noun.help, noun.panel) for name, noun in nouns().items()}


def write() -> None:
    """Rewrite :data:`NOUNS` in this file from the registry."""
    path = Path(__file__)
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("NOUNS: dict[str, tuple[str, str]] = {\n")
    _, _, tail = rest.partition("}  # fmt: skip\n")
    lines = "".join(f"    {name!r}: ({h!r}, {p!r}),  # noqa: E501\n" for name, (h, p) in current().items())
    path.write_text(f"{head}NOUNS: dict[str, tuple[str, str]] = {{\n{lines}}}  # fmt: skip\n{tail}", "utf-8")


if __name__ == "__main__":
    write()
