"""How much money a write moves, from its checked inputs (what ``--max-amount`` style limits compare).

Each rule is exact (``Decimal``) and needs no request: an invoice or credit note is valued by its lines
as Sage would total them, a payment by its total, a journal by its debits.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ._registry import AmountRule, Inputs

__all__ = ["artefact_total", "given_amount", "journal_debits", "line_total"]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def line_total(line: Mapping[str, Any]) -> Decimal:
    """One line's total: net = quantity × unit_price − discount, plus tax.

    The discount is ``discount_amount``, else ``discount_percentage`` of quantity × unit_price, else
    nothing; the tax is the line's ``tax_amount`` when given, else 0 (Sage would work it out from the
    tax rate, which the inputs only name: a limit on amounts should be set on net values, or lines
    should carry their tax).  A line given only as ``total_amount`` or ``net_amount`` (no quantity or
    price) counts as that amount.
    """
    quantity, price = line.get("quantity"), line.get("unit_price")
    if quantity is None or price is None:
        fallback = line.get("total_amount", line.get("net_amount", _ZERO))
        return fallback if isinstance(fallback, Decimal) else _ZERO
    gross: Decimal = quantity * price
    if "discount_amount" in line:
        gross -= line["discount_amount"]
    elif "discount_percentage" in line:
        gross -= gross * line["discount_percentage"] / _HUNDRED
    tax: Decimal = line.get("tax_amount", _ZERO)
    return gross + tax


def artefact_total(lines_key: str, total_key: str = "totalAmount") -> AmountRule:
    """The total of an invoice or credit note: the sum of its lines' totals (:func:`line_total`); an
    update without lines counts as its ``total_key`` when given, else ``None``."""

    def amount(values: Inputs) -> Decimal | None:
        lines = values.get(lines_key)
        if lines:
            return sum((line_total(line) for line in lines), _ZERO)
        total = values.get(total_key)
        return total if isinstance(total, Decimal) else None

    return amount


def given_amount(key: str) -> AmountRule:
    """The amount given in input ``key`` (a payment's ``totalAmount``)."""

    def amount(values: Inputs) -> Decimal | None:
        value = values.get(key)
        return value if isinstance(value, Decimal) else None

    return amount


def journal_debits(values: Inputs) -> Decimal | None:
    """A journal moves the sum of its debits (which equals the sum of its credits)."""
    lines = values.get("journalLines") or []
    return sum((line.get("debit", _ZERO) for line in lines), _ZERO)
