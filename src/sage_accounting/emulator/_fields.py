"""Declarative request-body fields and their validation.

Each writable resource declares the fields its wrapper object accepts (from Sage's swagger: names, types,
required flags, max lengths). Validation collects every violation, naming the field path in ``$source``,
and returns the cleaned values: numbers as ``Decimal``/``int``, dates checked, ids as strings. Fields that
were not sent are left out, which is what update (PUT) semantics need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ._errors import Invalid
from ._money import parse_decimal, round2

BLANK = "can't be blank"


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a request body. ``kind`` is one of: string, integer, decimal, money, boolean, date,
    datetime, id, ids (list of ids), object, objects (list of objects), any.

    ``money`` is a decimal amount of money: Sage keeps two decimals and no more (invoicing guide: "This is the
    only precision supported by Accounting"), so it is rounded half up to cents as it is cleaned, once for
    every resource. ``decimal`` keeps what was sent (quantities, unit prices, percentages, rates)."""

    name: str
    kind: str = "string"
    required: bool = False
    max_length: int | None = None
    fields: tuple[Field, ...] = ()
    choices: tuple[str, ...] = ()


def S(name: str, max_length: int | None = None, *, required: bool = False) -> Field:
    return Field(name, "string", required, max_length)


def F(name: str, kind: str, *, required: bool = False, fields: Sequence[Field] = ()) -> Field:
    return Field(name, kind, required, None, tuple(fields))


def _clean_scalar(field: Field, value: Any, source: str, errors: Invalid) -> Any:
    kind = field.kind
    if kind == "string":
        if isinstance(value, bool | dict | list):
            errors.add(source, "is invalid")
            return None
        text = value if isinstance(value, str) else str(value)
        if field.max_length is not None and len(text) > field.max_length:
            errors.add(source, f"is too long (maximum is {field.max_length} characters)")
        if field.choices and text not in field.choices:
            errors.add(source, "is not included in the list")
        return text
    if kind == "id":
        if isinstance(value, str) and value.strip():
            return value.strip()
        errors.add(source, "is invalid")
        return None
    if kind in ("decimal", "money"):
        number = parse_decimal(value)
        if number is None:
            errors.add(source, "is not a number")
            return None
        return round2(number) if kind == "money" else number
    if kind == "integer":
        if isinstance(value, bool):
            errors.add(source, "is not a number")
            return None
        if isinstance(value, int):
            result = value
        elif isinstance(value, str) and len(value.strip()) <= 20 and value.strip().lstrip("-").isdigit():
            result = int(value.strip())
        elif isinstance(value, float) and value.is_integer():
            result = int(value)
        else:
            errors.add(source, "must be an integer")
            return None
        if abs(result) > 2**31 - 1:
            errors.add(source, "must be less than 2147483648")
            return None
        return result
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        errors.add(source, "is not a boolean")
        return None
    if kind == "date":
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                return date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        errors.add(source, "is not a valid date")
        return None
    if kind == "datetime":
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
            except ValueError:
                pass
        errors.add(source, "is not a valid date-time")
        return None
    return value


def clean(
    fields: Sequence[Field],
    data: Any,
    errors: Invalid,
    *,
    prefix: str = "",
    partial: bool = False,
) -> dict[str, Any]:
    """Validate ``data`` (a JSON object) against ``fields``; return the cleaned values that were sent."""
    if not isinstance(data, Mapping):
        errors.add(prefix.rstrip(".") or "base", "must be an object")
        return {}
    out: dict[str, Any] = {}
    for field in fields:
        source = f"{prefix}{field.name}"
        present = field.name in data
        value = data.get(field.name)
        if not present or value is None or (isinstance(value, str) and not value.strip()):
            if field.required and not (partial and not present):
                errors.add(source, BLANK)
            elif present:
                out[field.name] = None if value is None or field.kind not in ("string",) else value
            continue
        if field.kind == "object":
            out[field.name] = clean(field.fields, value, errors, prefix=f"{source}.", partial=partial)
        elif field.kind == "objects":
            if not isinstance(value, list):
                errors.add(source, "must be an array")
                continue
            out[field.name] = [
                clean(field.fields, item, errors, prefix=f"{source}[{i}].", partial=False)
                for i, item in enumerate(value)
            ]
        elif field.kind == "ids":
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                errors.add(source, "must be an array of ids")
                continue
            out[field.name] = list(value)
        else:
            out[field.name] = _clean_scalar(field, value, source, errors)
    return out
