"""Ledger accounts, tax rates and journals."""

from __future__ import annotations

from .._models import Date, Link, Money, SageModel, SageRecord

__all__ = [
    "Journal",
    "JournalLine",
    "LedgerAccount",
    "LedgerAccountType",
    "TaxRate",
    "TaxRatePercentage",
]


class LedgerAccount(SageRecord):
    """An account of the chart of accounts (``/ledger_accounts``)."""

    ledger_account_group: Link | None = None
    name: str | None = None
    display_name: str | None = None
    visible_scopes: list[str] | None = None
    included_in_chart: bool | None = None
    nominal_code: int | None = None
    ledger_account_type: Link | None = None
    ledger_account_classification: Link | None = None
    tax_rate: Link | None = None
    fixed_tax_rate: bool | None = None
    visible_in_banking: bool | None = None
    visible_in_expenses: bool | None = None
    visible_in_journals: bool | None = None
    visible_in_other_payments: bool | None = None
    visible_in_other_receipts: bool | None = None
    visible_in_reporting: bool | None = None
    visible_in_sales: bool | None = None
    balance_details: SageModel | None = None
    is_control_account: bool | None = None
    control_name: str | None = None
    display_formatted: str | None = None
    tax_recoverable: bool | None = None
    recoverable_percentage: Money = None


class LedgerAccountType(SageRecord):
    """A ledger account type (``/ledger_account_types``)."""


class TaxRatePercentage(SageModel):
    """A tax rate's percentage over a date range."""

    percentage: Money = None
    from_date: Date = None
    to_date: Date = None


class TaxRate(SageRecord):
    """A tax rate (``/tax_rates``): ``GB_STANDARD`` 20% …"""

    name: str | None = None
    agency: str | None = None
    percentage: Money = None
    percentages: list[TaxRatePercentage] | None = None
    is_visible: bool | None = None
    retailer: bool | None = None
    editable: bool | None = None
    deletable: bool | None = None
    is_combined_rate: bool | None = None
    component_tax_rates: list[SageModel] | None = None


class JournalLine(SageModel):
    """One line of a journal: a debit or a credit to a ledger account."""

    id: str | None = None
    displayed_as: str | None = None
    ledger_account: Link | None = None
    details: str | None = None
    debit: Money = None
    credit: Money = None
    include_in_tax_return: bool | None = None
    cleared: bool | None = None
    bank_reconciled: bool | None = None


class Journal(SageRecord):
    """A manual journal (``/journals``); journals cannot be edited."""

    transaction: Link | None = None
    transaction_type: Link | None = None
    date: Date = None
    reference: str | None = None
    description: str | None = None
    total: Money = None
    journal_code: SageModel | None = None
    journal_lines: list[JournalLine] | None = None
    migrated: bool | None = None
