"""Input checking and conversion: every value an action receives goes through one of these converters
before anything is sent to Sage.

Integration platforms hand every input over as text ("350.00", "true", "2024-01-31"), Python callers
pass real values (``Decimal("350.00")``, ``True``, ``date(2024, 1, 31)``): both are accepted, checked and
turned into what Sage expects.  Money stays exact: numbers become :class:`~decimal.Decimal`, never float.
A problem raises :class:`Invalid` with the input path (``invoiceLines[2].unit_price``) and what is wrong;
the action collects them into one :class:`ActionInputError`.
"""

from __future__ import annotations

import abc
import datetime as _dt
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .._errors import SageError

__all__ = [
    "ActionInputError",
    "Attributes",
    "Boolean",
    "Choice",
    "Converter",
    "Date",
    "DateTime",
    "Id",
    "InputProblem",
    "Integer",
    "Invalid",
    "Number",
    "StringList",
    "Text",
    "is_missing",
    "load_json",
    "number_text",
    "show_value",
    "surrogate_problem",
    "text_problem",
]

_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INTEGER_RE = re.compile(r"^[+-]?\d+$")
# Sage ids: hex GUIDs, upper-case constants (GB_STANDARD, CUSTOMER) and the odd dotted/dashed one.
_ID_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
_ATTRIBUTE_RE = re.compile(r"^[a-z0-9_$]+$")
# Control characters other than tab, line feed and carriage return (NUL, ESC …): never meant as data.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Sage's numbers are money, quantities, codes and counts: nothing needs more digits than these, and a
# bound keeps every value printable (Python refuses to print integers of more than 4,300 digits) and
# every sum exact.
MAX_DIGITS = 30
_MAX_INT = 10**MAX_DIGITS
MAX_TEXT = 5_000
"""The longest text an input takes: more than any Sage field holds, and short enough for a URL."""
MAX_ID = 200
MAX_NUMBER = Decimal(10) ** 15
"""Numbers (money, quantities) are refused from this magnitude on: no Sage amount comes near it."""


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with one input: ``key`` is the input's key, ``message`` says what is wrong and
    starts with the input's path (``invoiceLines[2].unit_price is required``)."""

    key: str
    message: str

    def __str__(self) -> str:
        return self.message


class ActionInputError(SageError, ValueError):
    """The inputs of an action were refused before anything was sent to Sage.

    ``action`` is the action's key, ``problems`` lists every problem found (each naming its input),
    ``key`` is the input of the first problem.

    >>> try:
    ...     run_action(sage, "createContact", {"name": "Acme", "contactTypeIds": "CUSTOMER",
    ...                                        "creditLimit": "lots"})  # doctest: +SKIP
    ... except ActionInputError as exc:
    ...     print(exc)  # doctest: +SKIP
    createContact: creditLimit must be a number, got 'lots'
    """

    def __init__(self, action: str, problems: Sequence[InputProblem]) -> None:
        if not problems:
            raise ValueError("ActionInputError needs at least one problem")
        self.action = action
        self.problems = list(problems)
        super().__init__(f"{action}: " + "; ".join(p.message for p in self.problems))

    @property
    def key(self) -> str:
        """The key of the (first) input that was refused."""
        return self.problems[0].key

    @property
    def keys(self) -> list[str]:
        """The keys of every refused input, in the order found."""
        return [p.key for p in self.problems]


class Invalid(Exception):
    """Raised by a converter: ``path`` names the input (or part of it), ``text`` what is wrong."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        super().__init__(f"{path} {text}")


def is_missing(value: Any) -> bool:
    """``None`` and blank strings count as "not given" (integration platforms send "" for empty fields)."""
    return value is None or (isinstance(value, str) and not value.strip())


def show_value(value: Any) -> str:
    """``repr(value)``, shortened for error messages; never fails (a huge integer, an object whose repr
    raises)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _MAX_INT:
        return f"a whole number of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    if isinstance(value, str) and len(value) > 60:
        value = value[:60]
    try:
        text = repr(value)
    except Exception:  # any failing repr: describe the value by its type instead
        return f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _text_problem(text: str) -> str | None:
    """What makes ``text`` unsendable: control characters, or lone surrogates (not valid Unicode)."""
    if _CONTROL_RE.search(text):
        return f"must not contain control characters, got {show_value(text)}"
    return surrogate_problem(text)


def surrogate_problem(text: str) -> str | None:
    """``text`` with a lone surrogate cannot be encoded as UTF-8 (and so cannot be sent): what to say."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return f"must be valid Unicode text (it has a lone surrogate), got {show_value(text)}"
    return None


def _number_text(value: int | float | Decimal, path: str) -> str:
    """A number as text, refusing what is not a finite number of sensible size."""
    if isinstance(value, int):
        if abs(value) >= _MAX_INT:
            raise Invalid(path, f"is too long a number ({show_value(value)})")
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid(path, f"must be a finite number, got {show_value(value)}")
    if isinstance(value, Decimal) and (not value.is_finite() or value.adjusted() >= MAX_DIGITS):
        raise Invalid(path, f"must be a finite number of sensible size, got {show_value(value)}")
    return str(value)


def text_problem(text: str) -> str | None:
    """What makes ``text`` unsendable (control characters, lone surrogates), or ``None``."""
    return _text_problem(text)


def number_text(value: int | float | Decimal, path: str) -> str:
    """A number as text; :class:`Invalid` when it is not finite or absurdly long."""
    return _number_text(value, path)


def load_json(text: str | bytes, path: str, what: str) -> Any:
    """``json.loads`` for an input: bad JSON, or JSON nested absurdly deep, is :class:`Invalid`."""
    try:
        return json.loads(text)
    except RecursionError:
        raise Invalid(path, f"must be {what}: the JSON is nested too deeply") from None
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not valid JSON"
        raise Invalid(path, f"must be {what} ({reason})") from None


class Converter(abc.ABC):
    """Checks and converts one input value; ``manifest_type`` is the component type it shows as."""

    manifest_type = "string"

    @abc.abstractmethod
    def convert(self, value: Any, path: str) -> Any:
        """The converted value, or :class:`Invalid`."""

    @abc.abstractmethod
    def describe(self) -> str:
        """A short description of what is accepted, for the docs."""


@dataclass(frozen=True)
class Text(Converter):
    """A string of at most :data:`MAX_TEXT` characters; numbers are accepted and turned into their text.
    Control characters other than tab and line breaks (NUL, ESC …) are refused."""

    def convert(self, value: Any, path: str) -> Any:
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise Invalid(path, f"is too long ({len(value):,} characters; at most {MAX_TEXT:,})")
            problem = _text_problem(value)
            if problem:
                raise Invalid(path, problem)
            return value
        if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
            raise Invalid(path, f"must be text, got {type(value).__name__}")
        return _number_text(value, path)

    def describe(self) -> str:
        return "text"


@dataclass(frozen=True)
class Id(Converter):
    """A Sage id (letters, digits, ``_``, ``-``, ``.``, with at least one letter or digit, so never ``.``
    or ``..``): safe to put in a URL path."""

    def convert(self, value: Any, path: str) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = _number_text(value, path)
        if not isinstance(value, str):
            raise Invalid(path, f"must be an id (text), got {type(value).__name__}")
        text = value.strip()
        if len(text) > MAX_ID:
            raise Invalid(path, f"is too long for a Sage id ({len(text):,} characters; at most {MAX_ID})")
        if not _ID_RE.match(text) or not any(ch.isalnum() for ch in text):
            raise Invalid(
                path, f"is not a valid Sage id (letters, digits, '_', '-', '.'), got {show_value(value)}"
            )
        return text

    def describe(self) -> str:
        return "id"


def _decimal(value: Any, path: str) -> Decimal:
    if isinstance(value, bool):
        raise Invalid(path, f"must be a number, got {show_value(value)}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid(path, f"must be a finite number, got {show_value(value)}")
        # repr() is the shortest text that round-trips: 1500.5 -> "1500.5", never 1500.49999…
        number = Decimal(repr(value))
    elif isinstance(value, str) and _NUMBER_RE.match(value.strip()):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern only lets valid numbers through
            raise Invalid(path, f"must be a number, got {show_value(value)}") from None
    else:
        raise Invalid(path, f"must be a number, got {show_value(value)}")
    if not number.is_finite():
        raise Invalid(path, f"must be a finite number, got {show_value(value)}")
    if abs(number) >= MAX_NUMBER:
        raise Invalid(path, f"must be less than 10^15 in size, got {show_value(value)}")
    if number != 0 and number.adjusted() < -MAX_DIGITS:
        raise Invalid(path, f"has more than {MAX_DIGITS} decimal places, got {show_value(value)}")
    return number


@dataclass(frozen=True)
class Number(Converter):
    """A decimal number (money, quantities) as :class:`~decimal.Decimal`; text like "350.00" is accepted."""

    minimum: Decimal | None = None

    def convert(self, value: Any, path: str) -> Any:
        number = _decimal(value, path)
        if self.minimum is not None and number < self.minimum:
            raise Invalid(path, f"must be {self.minimum} or more, got {show_value(value)}")
        return number

    def describe(self) -> str:
        return "number" if self.minimum is None else f"number ≥ {self.minimum}"


def _is_whole(value: float | Decimal) -> bool:
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer() and abs(value) < _MAX_INT
    return value.is_finite() and value.adjusted() < MAX_DIGITS and value == value.to_integral_value()


@dataclass(frozen=True)
class Integer(Converter):
    """A whole number within ``minimum``..``maximum``; text like "30" is accepted."""

    minimum: int | None = None
    maximum: int | None = None

    def convert(self, value: Any, path: str) -> Any:
        if isinstance(value, bool):
            raise Invalid(path, f"must be a whole number, got {show_value(value)}")
        if isinstance(value, int):
            result = value
        elif isinstance(value, str) and _INTEGER_RE.match(value.strip()) and len(value.strip()) <= MAX_DIGITS:
            result = int(value.strip())
        elif isinstance(value, float | Decimal) and _is_whole(value):
            result = int(value)
        else:
            raise Invalid(path, f"must be a whole number, got {show_value(value)}")
        if abs(result) >= _MAX_INT:
            raise Invalid(
                path, f"must be a whole number of at most {MAX_DIGITS} digits, got {show_value(result)}"
            )
        low, high = self.minimum, self.maximum
        if (low is not None and result < low) or (high is not None and result > high):
            if high is None:
                raise Invalid(path, f"must be {low} or more, got {result}")
            if low is None:
                raise Invalid(path, f"must be {high} or less, got {result}")
            raise Invalid(path, f"must be between {low} and {high}, got {result}")
        return result

    def describe(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"integer {self.minimum}–{self.maximum}"
        if self.minimum is not None:
            return f"integer ≥ {self.minimum}"
        return "integer"


@dataclass(frozen=True)
class Boolean(Converter):
    """``True``/``False``, or the text "true"/"false" (also "1"/"0", "yes"/"no")."""

    manifest_type = "boolean"

    def convert(self, value: Any, path: str) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            text = value.strip().lower()
            if text in ("true", "1", "yes"):
                return True
            if text in ("false", "0", "no"):
                return False
        raise Invalid(path, f"must be true or false, got {show_value(value)}")

    def describe(self) -> str:
        return "true/false"


@dataclass(frozen=True)
class Date(Converter):
    """A calendar date as ``YYYY-MM-DD`` (a :class:`datetime.date` is accepted too)."""

    def convert(self, value: Any, path: str) -> Any:
        if isinstance(value, _dt.datetime):
            raise Invalid(path, f"must be a date (YYYY-MM-DD), not a date-time, got {show_value(value)}")
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                return _dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise Invalid(path, f"must be a date as YYYY-MM-DD, got {show_value(value)}")

    def describe(self) -> str:
        return "date YYYY-MM-DD"


@dataclass(frozen=True)
class DateTime(Converter):
    """An ISO 8601 date (``2024-01-31``) or date-time (``2024-01-31T16:24:52Z``, ``…+01:00``)."""

    def convert(self, value: Any, path: str) -> Any:
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None:
                raise Invalid(path, "must be a timezone-aware date-time (give tzinfo, e.g. UTC)")
            try:
                return value.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z")
            except (OverflowError, ValueError):
                raise Invalid(path, f"is out of the range of dates, got {show_value(value)}") from None
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, str):
            text = value.strip()
            try:
                if len(text) == 10:
                    _dt.date.fromisoformat(text)
                else:
                    _dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                pass
            else:
                return text
        raise Invalid(
            path,
            f"must be an ISO 8601 date or date-time (e.g. 2015-10-27T16:24:52Z), got {show_value(value)}",
        )

    def describe(self) -> str:
        return "ISO 8601 date or date-time"


@dataclass(frozen=True)
class Choice(Converter):
    """One of ``values`` (matched without regard to case; the canonical spelling is returned)."""

    values: tuple[str, ...] = ()

    def convert(self, value: Any, path: str) -> Any:
        if isinstance(value, str):
            for choice in self.values:
                if value.strip().lower() == choice.lower():
                    return choice
        raise Invalid(path, f"must be one of {', '.join(self.values)}, got {show_value(value)}")

    def describe(self) -> str:
        return " / ".join(self.values)


@dataclass(frozen=True)
class StringList(Converter):
    """A list of ids, given as a list or as comma-separated text (``"CUSTOMER,VENDOR"``)."""

    item: Converter = field(default_factory=Id)
    manifest_type = "string list"

    def convert(self, value: Any, path: str) -> Any:
        items: list[Any]
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                parsed = load_json(text, path, "a JSON list of ids")
                if not isinstance(parsed, list):
                    raise Invalid(path, "must be a list")
                items = parsed
            else:
                items = [part.strip() for part in text.split(",") if part.strip()]
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            raise Invalid(path, f"must be a list or comma-separated text, got {type(value).__name__}")
        if not items:
            raise Invalid(path, "must name at least one id")
        return [self.item.convert(item, f"{path}[{i}]") for i, item in enumerate(items)]

    def describe(self) -> str:
        return "list of ids (or comma-separated)"


@dataclass(frozen=True)
class Attributes(Converter):
    """Sage's ``attributes`` query parameter: ``all`` or field names (a list or comma-separated)."""

    def convert(self, value: Any, path: str) -> Any:
        names = (
            [v.strip() for v in value.split(",")]
            if isinstance(value, str)
            else list(value)
            if isinstance(value, list | tuple)
            else None
        )
        if names is None:
            raise Invalid(path, f"must be 'all' or a list of field names, got {type(value).__name__}")
        if len(names) > 500:
            raise Invalid(path, f"names too many fields ({len(names):,}; at most 500)")
        names = [n for n in names if n]
        for name in names:
            if not isinstance(name, str) or not _ATTRIBUTE_RE.match(name) or len(name) > 100:
                raise Invalid(
                    path, f"has an invalid field name {show_value(name)} (Sage field names are snake_case)"
                )
        if not names:
            raise Invalid(path, "must name at least one field (or be 'all')")
        return ",".join(names)

    def describe(self) -> str:
        return "'all' or field names"
