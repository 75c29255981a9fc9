"""The JSON Schema of an action's arguments, generated from its inputs' converters.

Each argument is named by its ``arg_name`` (``invoice_lines``) and described by the input's comments;
its examples are the input's example as the converter reads it (an example that does not convert is
left out, so every example given is one the action accepts).  Money accepts a number or a decimal
string; line arrays are arrays of objects with their fields.  The schema says what an agent should
send: the converters also take a few more spellings (``"true"`` for a boolean, comma-separated ids).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._inputs import (
    ActionInputError,
    Attributes,
    Boolean,
    Choice,
    Converter,
    Date,
    DateTime,
    Id,
    Integer,
    Invalid,
    Number,
    StringList,
    Text,
)
from ._structured import AnyValue, JsonBody, KeyValues, Lines

if TYPE_CHECKING:
    from ._registry import Action, ActionInput

__all__ = ["action_schema", "converter_schema", "example_value"]

_ID_PATTERN = r"^\s*[A-Za-z0-9_.\-]*[A-Za-z0-9][A-Za-z0-9_.\-]*\s*$"
_DECIMAL_PATTERN = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$"
_INTEGER_PATTERN = r"^\s*[+-]?\d+\s*$"


# What each field of a line object means (invoice, credit note, journal, allocation, price and rate lines).
FIELD_NOTES: dict[str, str] = {
    "id": "The id of an existing line (updates only: keeps that line).",
    "description": "What the line is for, as printed on the document.",
    "ledger_account_id": "The ledger account the line posts to (see sage_list_ledger_accounts).",
    "quantity": "How many.",
    "unit_price": "The price of one, as a decimal string or number.",
    "tax_rate_id": "The tax rate (see sage_list_tax_rates), e.g. GB_STANDARD.",
    "product_id": "The product sold or bought, if any.",
    "service_id": "The service sold or bought, if any.",
    "net_amount": "The line's net amount (Sage computes it from quantity and unit price).",
    "tax_amount": "The line's tax (Sage computes it from the tax rate unless given).",
    "total_amount": "The line's total, net plus tax.",
    "discount_amount": "A discount off the line's net amount.",
    "discount_percentage": "A discount as a percentage of the line's net amount.",
    "unit_price_includes_tax": "Whether unit_price includes tax.",
    "debit": "The amount debited to the ledger account (0 on a credit line).",
    "credit": "The amount credited to the ledger account (0 on a debit line).",
    "details": "A note on the journal line.",
    "include_on_tax_return": "Whether the journal line counts on the tax return.",
    "artefact_id": "The invoice or credit note the payment settles.",
    "amount": "How much of the payment goes to it.",
    "discount": "A settlement discount given on it.",
    "price": "The selling price.",
    "price_name": "The price's name (e.g. Selling Price).",
    "price_includes_tax": "Whether the price includes tax.",
    "rate": "The selling rate.",
    "rate_name": "The rate's name (e.g. Hourly).",
    "rate_includes_tax": "Whether the rate includes tax.",
}


def _field(name: str, convert: Converter) -> dict[str, Any]:
    schema = dict(converter_schema(convert))
    note = FIELD_NOTES.get(name)
    if note:
        schema["description"] = note
    return schema


def converter_schema(convert: Converter) -> dict[str, Any]:
    """The JSON Schema of the values ``convert`` accepts (the usual spelling of them)."""
    if isinstance(convert, Id):
        return {"type": "string", "pattern": _ID_PATTERN}
    if isinstance(convert, Number):
        schema: dict[str, Any] = {"type": ["number", "string"], "pattern": _DECIMAL_PATTERN}
        if convert.minimum is not None:
            schema["minimum"] = _number(convert.minimum)
        return schema
    if isinstance(convert, Integer):
        schema = {"type": ["integer", "string"], "pattern": _INTEGER_PATTERN}
        if convert.minimum is not None:
            schema["minimum"] = convert.minimum
        if convert.maximum is not None:
            schema["maximum"] = convert.maximum
        return schema
    if isinstance(convert, Boolean):
        return {"type": "boolean"}
    if isinstance(convert, Date):
        return {"type": "string", "format": "date"}
    if isinstance(convert, DateTime):
        return {"type": "string", "description": "ISO 8601 date (YYYY-MM-DD) or date-time with a zone"}
    if isinstance(convert, Choice):
        return {"type": "string", "enum": list(convert.values)}
    if isinstance(convert, StringList):
        return {"type": "array", "items": converter_schema(convert.item), "minItems": 1}
    if isinstance(convert, Attributes):
        return {"type": "string", "pattern": r"^[a-z0-9_$, ]+$"}
    if isinstance(convert, Lines):
        line = {
            "type": "object",
            "properties": {name: _field(name, field) for name, field in convert.fields.items()},
            "required": list(convert.required),
            "additionalProperties": False,
        }
        return {"type": "array", "items": line, "minItems": 1}
    if isinstance(convert, KeyValues):
        pair = {
            "type": "object",
            "properties": {"key": {"type": "string"}, "value": {"type": ["string", "number", "boolean"]}},
            "required": ["key"],
            "additionalProperties": False,
        }
        return {"type": "array", "items": pair}
    if isinstance(convert, JsonBody):
        return {"type": ["object", "array", "string"]}
    if isinstance(convert, AnyValue):
        return {}
    if isinstance(convert, Text):
        return {"type": "string"}
    return {"type": "string"}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(value: Any) -> Any:
    """A converted value as JSON data: money as a decimal string, lists and objects within."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def example_value(item: ActionInput) -> Any:
    """The input's example as an argument value (``"true"`` -> ``true``, a lines example as an array;
    its ``sample`` when it has one), or ``None`` when it has none or it does not convert."""
    convert = item.convert
    raw: Any = item.sample
    if raw is None:
        if item.example is None:
            return None
        raw = item.example
        if isinstance(convert, Lines | JsonBody | KeyValues):
            try:
                raw = json.loads(item.example)
            except ValueError:
                if not isinstance(convert, KeyValues):  # key-value lists also read "key: value" lines
                    return None
    try:
        value = convert.convert(raw, item.key)
    except Invalid:
        return None
    if isinstance(convert, KeyValues):
        return [{"key": k, "value": v} for k, v in value if isinstance(v, str)]
    if isinstance(convert, Number | Integer | Boolean | StringList | Lines | JsonBody):
        return _plain(value)
    return raw if isinstance(raw, str) else _plain(value)


def _property(item: ActionInput) -> dict[str, Any]:
    schema = dict(converter_schema(item.convert))
    note = item.comments or item.label
    described = schema.pop("description", None)
    schema["title"] = item.label
    schema["description"] = f"{note} ({described})" if described else note
    if item.has_default and item.default is not None:
        schema["default"] = item.default
    example = example_value(item)
    if example is not None:
        schema["examples"] = [example]
    return schema


def action_schema(action: Action) -> dict[str, Any]:
    """The JSON Schema (an object) of ``action``'s arguments, keyed by ``arg_name``."""
    properties = {item.arg_name: _property(item) for item in action.inputs}
    required = [item.arg_name for item in action.inputs if item.required and not item.has_default]
    schema: dict[str, Any] = {
        "type": "object",
        "title": action.title,
        "description": f"{action.description} ({action.method} {action.path}).",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    example = _whole_example(action, properties, required)
    if example is not None:
        schema["examples"] = [example]
    return schema


def _whole_example(action: Action, properties: dict[str, Any], required: list[str]) -> dict[str, Any] | None:
    """A whole call: the required arguments' examples, then every other example that still makes a
    valid call with them (``page`` and ``fetch_all`` do not go together, for one)."""
    examples = {name: prop["examples"][0] for name, prop in properties.items() if "examples" in prop}
    if any(name not in examples for name in required):
        return None
    call = {name: examples[name] for name in required}
    if not _accepted(action, call):
        return None
    for name, value in examples.items():
        if name not in call and _accepted(action, {**call, name: value}):
            call[name] = value
    return call


def _accepted(action: Action, args: dict[str, Any]) -> bool:
    try:
        action.validate_args(args)
    except ActionInputError:
        return False
    return True
