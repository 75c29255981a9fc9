"""Contacts, their people, addresses and types."""

from __future__ import annotations

from .._models import Date, Link, Money, SageModel, SageRecord

__all__ = [
    "Address",
    "BankAccountDetails",
    "Contact",
    "ContactPerson",
    "ContactTaxTreatment",
    "ContactType",
]


class BankAccountDetails(SageModel):
    """A contact's or bank account's bank details."""

    account_name: str | None = None
    account_number: str | None = None
    sort_code: str | None = None
    bic: str | None = None
    iban: str | None = None


class ContactTaxTreatment(SageModel):
    """How tax applies to a contact."""

    home_tax: bool | None = None
    eu_tax_registered: bool | None = None
    eu_not_tax_registered: bool | None = None
    rest_of_world_tax: bool | None = None
    is_importer: bool | None = None


class Address(SageRecord):
    """An address of a contact or bank account (``/addresses``)."""

    address_line_1: str | None = None
    address_line_2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: Link | None = None
    country_group: Link | None = None
    bank_account: Link | None = None
    contact: Link | None = None
    address_type: Link | None = None
    name: str | None = None
    is_main_address: bool | None = None


class ContactPerson(SageRecord):
    """A person at a contact (``/contact_persons``)."""

    contact_person_types: list[Link] | None = None
    name: str | None = None
    job_title: str | None = None
    telephone: str | None = None
    mobile: str | None = None
    email: str | None = None
    fax: str | None = None
    is_main_contact: bool | None = None
    is_preferred_contact: bool | None = None
    address: Link | None = None


class ContactType(SageRecord):
    """``CUSTOMER`` or ``VENDOR`` (``/contact_types``)."""


class Contact(SageRecord):
    """A customer or supplier (``/contacts``)."""

    contact_types: list[Link] | None = None
    name: str | None = None
    reference: str | None = None
    default_sales_ledger_account: Link | None = None
    default_sales_tax_rate: Link | None = None
    default_purchase_ledger_account: Link | None = None
    tax_number: str | None = None
    notes: str | None = None
    locale: str | None = None
    main_address: Address | None = None
    delivery_address: Address | None = None
    main_contact_person: ContactPerson | None = None
    bank_account_details: BankAccountDetails | None = None
    credit_limit: Money = None
    credit_days: int | None = None
    credit_terms: str | None = None
    credit_terms_and_conditions: str | None = None
    product_sales_price_type: Link | None = None
    source_guid: str | None = None
    currency: Link | None = None
    aux_reference: str | None = None
    registered_number: str | None = None
    deletable: bool | None = None
    tax_treatment: ContactTaxTreatment | None = None
    email: str | None = None
    tax_calculation: str | None = None
    gdpr_obfuscated: bool | None = None
    system: bool | None = None
    is_active: bool | None = None
    balance: Money = None
    last_paid: Date = None
