"""Bank accounts and contact payments."""

from __future__ import annotations

from .._models import Date, Link, Money, SageModel, SageRecord
from .contacts import Address, BankAccountDetails

__all__ = ["AllocatedArtefact", "BankAccount", "ContactPayment"]


class BankAccount(SageRecord):
    """A bank, cash or credit card account (``/bank_accounts``)."""

    bank_account_details: BankAccountDetails | None = None
    ledger_account: Link | None = None
    bank_account_type: Link | None = None
    balance: Money = None
    main_address: Address | None = None
    main_contact_person: SageModel | None = None
    nominal_code: int | None = None
    editable: bool | None = None
    deletable: bool | None = None
    default_payment_method: Link | None = None
    is_active: bool | None = None
    currency: Link | None = None


class AllocatedArtefact(SageModel):
    """An invoice or credit note a payment is allocated to."""

    id: str | None = None
    artefact: Link | None = None
    amount: Money = None
    discount: Money = None


class ContactPayment(SageRecord):
    """A customer receipt, customer refund, vendor payment or vendor refund (``/contact_payments``)."""

    transaction: Link | None = None
    transaction_type: Link | None = None
    payment_method: Link | None = None
    contact: Link | None = None
    bank_account: Link | None = None
    date: Date = None
    net_amount: Money = None
    tax_amount: Money = None
    total_amount: Money = None
    currency: Link | None = None
    exchange_rate: Money = None
    base_currency_net_amount: Money = None
    base_currency_tax_amount: Money = None
    base_currency_total_amount: Money = None
    base_currency_currency_charge: Money = None
    reference: str | None = None
    allocated_artefacts: list[AllocatedArtefact] | None = None
    tax_rate: Link | None = None
    payment_on_account: SageModel | None = None
    editable: bool | None = None
