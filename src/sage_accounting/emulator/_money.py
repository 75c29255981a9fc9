"""Money and number handling in Sage's style.

Sage returns decimal amounts as JSON strings with at least one decimal place and no trailing zeros
("2000.0", "1572.87", "-14557.08"); integer fields stay numbers. Requests may send numbers or strings.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

ZERO = Decimal("0")
CENT = Decimal("0.01")


def format_money(value: Decimal) -> str:
    """Render a Decimal as Sage does: ``Decimal("2000") -> "2000.0"``, ``Decimal("12.50") -> "12.5"``."""
    if value == 0:
        return "0.0"
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return text


def round2(value: Decimal) -> Decimal:
    """Round half up to two decimals, the only precision Sage keeps for amounts."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or numeric string, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    if not result.is_finite():
        return None
    # by exponent, never by arithmetic: abs(Decimal("1e999999999")) overflows the decimal context
    if result != 0 and not -12 <= result.adjusted() < 13:
        return None  # 1e13 or more, or 1e-13 or less, is no amount of money
    return result
