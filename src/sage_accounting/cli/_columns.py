"""The columns a list table shows for each resource, and reading them out of a record.

A list command printing a table asks Sage for just the attributes its columns need (unless
``--attributes`` is given) and shows them under short headings, money aligned right with two decimals.
``--columns`` chooses others: field names as Sage spells them, dotted for a nested field
(``contact.displayed_as``, ``sales_prices.0.price``), optionally ``HEADING=field``.  ``--json``,
``--ndjson`` and ``--csv`` print what Sage sent, whatever the columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["Column", "attributes_for", "default_columns", "parse_columns", "value_at"]


@dataclass(frozen=True)
class Column:
    """One column: its heading, the field path it shows, and whether it holds money (aligned right)."""

    heading: str
    path: str
    money: bool = False

    @property
    def attribute(self) -> str:
        """The top-level attribute Sage must send for this column."""
        return self.path.split(".")[0]


def _c(heading: str, path: str | None = None, *, money: bool = False) -> Column:
    return Column(heading, path or heading, money)


_ARTEFACT = (_c("date"), _c("contact", "contact_name"), _c("total", "total_amount", money=True),
             _c("outstanding", "outstanding_amount", money=True), _c("status"))  # fmt: skip

# By command noun: the columns people look for first.  A noun without an entry shows id and displayed_as.
DEFAULTS: dict[str, tuple[Column, ...]] = {
    "contacts": (_c("name"), _c("reference"), _c("type", "contact_types"), _c("email"),
                 _c("balance", money=True)),
    "contact-persons": (_c("name"), _c("job title", "job_title"), _c("email"), _c("telephone"), _c("contact")),
    "sales-invoices": (_c("number", "invoice_number"), *_ARTEFACT),
    "sales-credit-notes": (_c("number", "credit_note_number"), *_ARTEFACT),
    "purchase-invoices": (_c("reference", "vendor_reference"), *_ARTEFACT),
    "purchase-credit-notes": (_c("reference", "vendor_reference"), *_ARTEFACT),
    "contact-payments": (_c("date"), _c("contact"), _c("reference"), _c("type", "transaction_type"),
                         _c("total", "total_amount", money=True), _c("bank account", "bank_account")),
    "bank-accounts": (_c("name", "displayed_as"), _c("type", "bank_account_type"), _c("code", "nominal_code"),
                      _c("balance", money=True), _c("currency")),
    "ledger-accounts": (_c("code", "nominal_code"), _c("name"), _c("type", "ledger_account_type"),
                        _c("tax rate", "tax_rate")),
    "products": (_c("code", "item_code"), _c("description"), _c("price", "sales_prices.0.price", money=True),
                 _c("cost", "cost_price", money=True), _c("active")),
    "services": (_c("code", "item_code"), _c("description"), _c("rate", "sales_rates.0.rate", money=True),
                 _c("active")),
    "journals": (_c("date"), _c("reference"), _c("description"), _c("total", money=True)),
    "tax-rates": (_c("name"), _c("rate", "percentage", money=True), _c("agency")),
}  # fmt: skip


def default_columns(noun: str) -> tuple[Column, ...] | None:
    """The default columns of ``noun``'s list table, or ``None`` (the generic table)."""
    return DEFAULTS.get(noun)


def parse_columns(text: str) -> tuple[Column, ...]:
    """``--columns``: comma-separated field paths, each optionally ``HEADING=path``; money columns of the
    defaults stay money columns (``total_amount``, ``balance`` …), as does a path ending in ``amount``,
    ``price`` or ``balance``."""
    money_paths = {c.path for cols in DEFAULTS.values() for c in cols if c.money}
    out: list[Column] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        heading, sep, path = part.partition("=")
        if not sep:
            heading, path = part, part
        heading, path = heading.strip(), path.strip()
        if not path or not all(segment for segment in path.split(".")):
            raise ValueError(f"{part!r} is not a field name")
        money = path in money_paths or path.endswith(("amount", "price", "balance"))
        out.append(Column(heading, path, money))
    if not out:
        raise ValueError("name at least one column")
    return tuple(out)


def attributes_for(columns: Sequence[Column]) -> str:
    """The ``attributes`` to ask Sage for: the top-level field of every column, in order."""
    seen: dict[str, None] = {}
    for column in columns:
        if column.attribute not in ("id", "displayed_as", "$path"):
            seen.setdefault(column.attribute, None)
    return ",".join(seen) or "displayed_as"


def value_at(record: Any, path: str) -> Any:
    """The value at a dotted ``path`` in ``record`` (a list index as a number), or ``None``."""
    value = record
    for segment in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(segment)
        elif isinstance(value, list) and segment.isdigit():
            index = int(segment)
            value = value[index] if index < len(value) else None
        else:
            return None
        if value is None:
            return None
    return value


def money_text(value: Any) -> str:
    """Money as ``1,598.40`` (two decimals, thousands separated); anything else unchanged."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    return f"{amount:,.2f}"
