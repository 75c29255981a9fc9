"""What the sync copies: each listing resource, what Sage lets it ask for, and its typed columns.

A column is read from the record by a path of keys (``("contact", "id")`` is the linked contact's id);
the whole record is always kept as ``data`` too, so a column is a convenience for queries, never the
only copy of a field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["RESOURCES", "Column", "SyncResource", "resource_named"]

Kind = Literal["text", "money", "date", "bool", "int"]


@dataclass(frozen=True)
class Column:
    """A typed column: its name, kind and the keys leading to its value in the record."""

    name: str
    kind: Kind
    path: tuple[str | int, ...]


@dataclass(frozen=True)
class SyncResource:
    """One resource the sync copies into its own table (named as Sage's path)."""

    name: str
    """Sage's path and the table's name (``sales_invoices``); also the client attribute."""
    event: str
    """The event noun (``sales_invoice``): events are ``sales_invoice.created`` and so on."""
    since: bool = True
    """Sage filters it by ``updated_or_created_since``."""
    deleted_since: bool = False
    """Sage lists its deletions (``deleted_since``); without it a full pass compares ids."""
    columns: tuple[Column, ...] = field(default_factory=tuple)


def _t(name: str, *path: str | int) -> Column:
    return Column(name, "text", path or (name,))


def _m(name: str, *path: str | int) -> Column:
    return Column(name, "money", path or (name,))


def _d(name: str, *path: str | int) -> Column:
    return Column(name, "date", path or (name,))


def _b(name: str, *path: str | int) -> Column:
    return Column(name, "bool", path or (name,))


def _link(name: str) -> Column:
    return Column(f"{name}_id", "text", (name, "id"))


_ARTEFACT = (
    _link("contact"),
    _t("contact_name"),
    _t("status_id", "status", "id"),
    _d("date"),
    _t("reference"),
    _t("currency_id", "currency", "id"),
    _m("net_amount"),
    _m("tax_amount"),
    _m("total_amount"),
    _m("total_paid"),
    _m("outstanding_amount"),
)

RESOURCES: tuple[SyncResource, ...] = (
    SyncResource(
        "contacts",
        "contact",
        deleted_since=True,
        columns=(
            _t("name"),
            _t("reference"),
            _t("contact_type_id", "contact_types", 0, "id"),
            _t("email"),
            _t("currency_id", "currency", "id"),
            _m("credit_limit"),
            Column("credit_days", "int", ("credit_days",)),
        ),
    ),
    SyncResource(
        "contact_persons",
        "contact_person",
        deleted_since=True,
        columns=(_t("name"), _t("email"), _link("contact"), _link("address"), _b("is_main_contact")),
    ),
    SyncResource(
        "addresses",
        "address",
        deleted_since=True,
        columns=(
            _link("contact"),
            _link("address_type"),
            _t("address_line_1"),
            _t("city"),
            _t("postal_code"),
            _t("country_id", "country", "id"),
            _b("is_main_address"),
        ),
    ),
    SyncResource(
        "ledger_accounts",
        "ledger_account",
        columns=(
            _t("name"),
            Column("nominal_code", "int", ("nominal_code",)),
            _link("ledger_account_type"),
            _link("tax_rate"),
        ),
    ),
    SyncResource(
        "sales_invoices",
        "sales_invoice",
        deleted_since=True,
        columns=(*_ARTEFACT, _t("invoice_number"), _d("due_date")),
    ),
    SyncResource(
        "sales_credit_notes",
        "sales_credit_note",
        deleted_since=True,
        columns=(*_ARTEFACT, _t("credit_note_number")),
    ),
    SyncResource(
        "purchase_invoices",
        "purchase_invoice",
        deleted_since=True,
        columns=(*_ARTEFACT, _t("vendor_reference"), _d("due_date")),
    ),
    SyncResource(
        "purchase_credit_notes",
        "purchase_credit_note",
        deleted_since=True,
        columns=(*_ARTEFACT, _t("vendor_reference")),
    ),
    SyncResource(
        "contact_payments",
        "contact_payment",
        deleted_since=True,
        columns=(
            _link("contact"),
            _link("bank_account"),
            _link("transaction_type"),
            _link("payment_method"),
            _d("date"),
            _t("reference"),
            _m("net_amount"),
            _m("total_amount"),
            _t("currency_id", "currency", "id"),
        ),
    ),
    SyncResource(
        "bank_accounts",
        "bank_account",
        deleted_since=True,
        columns=(
            _link("bank_account_type"),
            _link("ledger_account"),
            _t("nominal_code"),
            _m("balance"),
            _t("currency_id", "currency", "id"),
        ),
    ),
    SyncResource(
        "products",
        "product",
        deleted_since=True,
        columns=(_t("item_code"), _t("description"), _m("cost_price"), _b("active")),
    ),
    SyncResource(
        "services",
        "service",
        deleted_since=True,
        columns=(_t("item_code"), _t("description"), _b("active")),
    ),
    SyncResource("tax_rates", "tax_rate", columns=(_t("name"), _m("percentage"), _b("is_visible"))),
    SyncResource(
        "journals",
        "journal",
        deleted_since=True,
        columns=(_d("date"), _t("reference"), _t("description"), _m("total")),
    ),
    # Reference lists: short, no filters at Sage; read in full each run.
    SyncResource("contact_types", "contact_type", since=False),
    SyncResource("contact_person_types", "contact_person_type", since=False),
    SyncResource("address_types", "address_type", since=False),
    SyncResource("ledger_account_types", "ledger_account_type", since=False),
    SyncResource("artefact_statuses", "artefact_status", since=False),
    SyncResource("bank_account_types", "bank_account_type", since=False),
    SyncResource("payment_methods", "payment_method", since=False),
    SyncResource("transaction_types", "transaction_type", since=False),
    SyncResource("countries", "country", since=False),
    SyncResource("currencies", "currency", since=False),
)

_BY_NAME = {r.name: r for r in RESOURCES}


def resource_named(name: str) -> SyncResource:
    """The resource called ``name``, or a ``ValueError`` listing the ones there are."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(
            f"unknown resource {name!r} to sync; choose from {', '.join(sorted(_BY_NAME))}"
        ) from None
