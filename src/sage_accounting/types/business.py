"""The businesses a user reaches, the user, and reference lists."""

from __future__ import annotations

from .._models import Link, SageModel, SageRecord

__all__ = [
    "AddressType",
    "ArtefactStatus",
    "BankAccountType",
    "Business",
    "ContactPersonType",
    "Country",
    "Currency",
    "PaymentMethod",
    "ReferenceItem",
    "TransactionType",
    "User",
]


class Business(SageRecord):
    """A business the user can reach (``/businesses``); its ``id`` is the ``X-Business`` value."""

    name: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: Link | None = None
    region: str | None = None
    telephone: str | None = None
    mobile: str | None = None
    website: str | None = None
    is_demo: bool | None = None
    subscriptions: list[SageModel] | None = None
    owner: SageModel | None = None


class User(SageRecord):
    """The signed-in user (``/user``)."""

    first_name: str | None = None
    last_name: str | None = None
    initials: str | None = None
    email: str | None = None
    locale: str | None = None


class ReferenceItem(SageRecord):
    """An entry of a reference list (upper-case ids: ``GBP``, ``UNPAID``, ``SALES_INVOICE`` …)."""

    name: str | None = None


class AddressType(ReferenceItem):
    """``/address_types``."""


class ContactPersonType(ReferenceItem):
    """``/contact_person_types``."""


class Country(ReferenceItem):
    """``/countries``."""

    code: str | None = None


class Currency(ReferenceItem):
    """``/currencies``."""

    symbol: str | None = None


class ArtefactStatus(ReferenceItem):
    """``/artefact_statuses``."""


class BankAccountType(ReferenceItem):
    """``/bank_account_types``."""


class PaymentMethod(ReferenceItem):
    """``/payment_methods``."""


class TransactionType(ReferenceItem):
    """``/transaction_types``."""
