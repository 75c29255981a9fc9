"""Structured inputs: key-value lists, request bodies and lists of objects (invoice lines …)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ._inputs import (
    Converter,
    Invalid,
    is_missing,
    load_json,
    number_text,
    show_value,
    surrogate_problem,
    text_problem,
)

__all__ = ["AnyValue", "JsonBody", "KeyValues", "Lines", "check_json"]

MAX_DEPTH = 32
"""How deeply JSON data given to an action may nest (Sage's own records nest a few levels)."""


def key_path(path: str, key: str, join: str = "[") -> str:
    """Where ``key`` of ``path`` is, for a message: ``path[key]`` (``path.key`` with ``join="."``), the key
    quoted and shortened when it is long or holds characters a one-line message cannot show."""
    shown = key if key.isprintable() and len(key) <= 60 else show_value(key)
    return f"{path}[{shown}]" if join == "[" else f"{path}{join}{shown}"


def check_json(value: Any, path: str, depth: int = 0) -> Any:
    """``value`` if it is JSON data Sage could be sent (text, finite numbers of sensible size, true/false,
    null, lists, objects with text keys, at most :data:`MAX_DEPTH` deep); :class:`Invalid` naming the
    first part that is not.  Tuples become lists."""
    if depth > MAX_DEPTH:
        raise Invalid(path, f"nests more than {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        problem = surrogate_problem(value)
        if problem:
            raise Invalid(path, problem)
        return value
    if isinstance(value, int | float | Decimal):
        number_text(value, path)
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise Invalid(path, f"has a key that is not text: {show_value(key)}")
            out[key] = check_json(item, key_path(path, key, "."), depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [check_json(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
    raise Invalid(
        path, f"must be JSON data (text, number, true/false, list or object), got {type(value).__name__}"
    )


def _pairs_from_text(text: str, path: str) -> list[tuple[Any, Any]]:
    if text.startswith(("[", "{")):
        return _pairs(load_json(text, path, "valid JSON"), path)
    pairs: list[tuple[Any, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        sep = ":" if ":" in line else "=" if "=" in line else None
        if sep is None:
            raise Invalid(path, f"line {show_value(line)} is not 'key: value' or 'key=value'")
        key, _, val = line.partition(sep)
        pairs.append((key.strip(), val.strip()))
    return pairs


def _pairs(value: Any, path: str) -> list[tuple[Any, Any]]:
    if isinstance(value, str):
        return _pairs_from_text(value.strip(), path)
    if isinstance(value, Mapping):
        return list(value.items())
    if not isinstance(value, list | tuple):
        raise Invalid(path, f"must be a list of key/value pairs, got {type(value).__name__}")
    pairs: list[tuple[Any, Any]] = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping) and set(item) <= {"key", "value"} and "key" in item:
            pairs.append((item["key"], item.get("value")))
        elif isinstance(item, list | tuple) and len(item) == 2:
            pairs.append((item[0], item[1]))
        else:
            raise Invalid(f"{path}[{i}]", 'must be {"key": ..., "value": ...} or a [key, value] pair')
    return pairs


@dataclass(frozen=True)
class KeyValues(Converter):
    """A key-value list: ``[{"key": k, "value": v}, …]``, ``[[k, v], …]``, a mapping, JSON of either, or
    text lines ``key: value``.  Values are text (or bytes for file contents); keys may repeat."""

    manifest_type = "string key-value list"

    def convert(self, value: Any, path: str) -> Any:
        out: list[tuple[str, str | bytes]] = []
        for i, (key, val) in enumerate(_pairs(value, path)):
            if not isinstance(key, str) or not key.strip():
                raise Invalid(f"{path}[{i}]", "needs a non-empty text key")
            problem = text_problem(key)
            if problem:
                raise Invalid(f"{path}[{i}]", f"key {problem}")
            name = key.strip()
            at = key_path(path, name)
            if isinstance(val, str):
                problem = surrogate_problem(val)
                if problem:
                    raise Invalid(at, problem)
                out.append((name, val))
            elif isinstance(val, bytes):
                out.append((name, val))
            elif val is None:
                out.append((name, ""))
            elif isinstance(val, bool):
                out.append((name, "true" if val else "false"))
            elif isinstance(val, int | float | Decimal):
                out.append((name, number_text(val, at)))
            else:
                raise Invalid(at, f"must be text, got {type(val).__name__}")
        return out

    def describe(self) -> str:
        return "key-value list"


@dataclass(frozen=True)
class JsonBody(Converter):
    """A request body: text (sent as it is) or JSON data (a dict or list, encoded)."""

    manifest_type = "string"

    def convert(self, value: Any, path: str) -> Any:
        if isinstance(value, bytes):
            return value
        if isinstance(value, str | Mapping | list):  # text is sent as it is, once it is valid Unicode
            return check_json(value, path)
        raise Invalid(path, f"must be text or JSON data (object or array), got {type(value).__name__}")

    def describe(self) -> str:
        return "text or JSON"


@dataclass(frozen=True)
class Lines(Converter):
    """A list of objects in Sage's field names (invoice lines, journal lines …), as a list or JSON text.

    ``fields`` maps every accepted field to its converter, ``required`` names the fields each object
    must have; unknown fields are refused (with a suggestion: ``unitPrice`` → ``unit_price``).
    """

    fields: Mapping[str, Converter] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    noun: str = "line"
    manifest_type = "code"

    def convert(self, value: Any, path: str) -> Any:
        items = value
        if isinstance(value, str):
            items = load_json(value, path, f"a JSON array of {self.noun} objects")
        if isinstance(items, Mapping):
            items = [items]
        if not isinstance(items, list | tuple):
            raise Invalid(path, f"must be a list of {self.noun} objects, got {type(items).__name__}")
        if not items:
            raise Invalid(path, f"must have at least one {self.noun}")
        return [self._line(item, f"{path}[{i}]") for i, item in enumerate(items)]

    def _line(self, item: Any, path: str) -> dict[str, Any]:
        if not isinstance(item, Mapping):
            raise Invalid(path, f"must be an object with {self.noun} fields, got {type(item).__name__}")
        for name in item:
            if name not in self.fields:
                hint = difflib.get_close_matches(_snake(str(name)), list(self.fields), n=1)
                more = f" (did you mean {hint[0]}?)" if hint else f" (known: {', '.join(self.fields)})"
                raise Invalid(f"{path}.{name}", f"is not a Sage {self.noun} field{more}")
        for name in self.required:
            if is_missing(item.get(name)):
                raise Invalid(f"{path}.{name}", "is required")
        out: dict[str, Any] = {}
        for name, raw in item.items():
            if raw is None:
                continue
            out[str(name)] = self.fields[str(name)].convert(raw, f"{path}.{name}")
        return out

    def describe(self) -> str:
        return f"list of {self.noun} objects (or JSON)"


class AnyValue(Converter):
    """Any JSON data (used for nested Sage structures passed through as they are), checked to be JSON
    Sage could be sent (:func:`check_json`)."""

    def convert(self, value: Any, path: str) -> Any:
        return check_json(value, path)

    def describe(self) -> str:
        return "JSON value"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
