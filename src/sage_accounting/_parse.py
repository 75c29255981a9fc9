"""Reading Sage records into models: validated when first used, and never refused.

:func:`parse` turns a decoded record into its model without validating it yet: the record is an instance
of its model class whose fields are validated (by pydantic, all at once) the first time anything of it is
read.  A listing whose records are counted, filtered by page or dropped costs little more than decoding
the JSON; a record that is read costs what validation always cost.

A field whose value pydantic refuses (Sage's own published responses contain dates such as
``"05/01/2022"``) does not lose the record: the field keeps the value as Sage sent it, every other field
is read as usual, and a :class:`SageDataWarning` names the field (once per model and field).
"""

from __future__ import annotations

import threading
import typing
import warnings
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

__all__ = ["SageDataWarning", "lenient", "parse"]

M = TypeVar("M", bound=BaseModel)


class SageDataWarning(UserWarning):
    """A field of a record Sage sent does not have the declared type; the record keeps the raw value."""


# --- never refusing a record -------------------------------------------------------------------------------

_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def _warn(model: str, field: str, value: Any, problem: str) -> None:
    with _warned_lock:
        if (model, field) in _warned:
            return
        _warned.add((model, field))
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    warnings.warn(
        f"{model}.{field}: Sage sent {shown}, which is not valid ({problem}); the record keeps the value as sent",
        SageDataWarning,
        stacklevel=4,
    )


def _field_of(cls: type[BaseModel], key: Any) -> str | None:
    """The field name an error location's first key (an alias or a name) stands for."""
    for name, field in cls.model_fields.items():
        if key in (name, field.alias):
            return name
    return None


def _nested(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model class in ``X | None`` or ``list[X] | None``, and whether it is a list."""
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg, False
        if typing.get_origin(arg) is list:
            (item,) = typing.get_args(arg) or (None,)
            if isinstance(item, type) and issubclass(item, BaseModel):
                return item, True
    return None, False


def lenient(cls: type[M], data: Any, where: str | None = None) -> M:
    """``cls`` validated from ``data``; a field pydantic refuses keeps its raw value, with a warning
    naming it (``where`` is the model's name in the warning, for a nested record its path)."""
    where = where or cls.__name__
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        if not isinstance(data, Mapping):
            raise
        problems: dict[str, str] = {}
        for error in exc.errors():
            loc = error.get("loc") or ()
            name = _field_of(cls, loc[0]) if loc else None
            if name is None:
                raise
            problems.setdefault(name, error.get("msg", "invalid"))
    keys = {name: cls.model_fields[name].alias or name for name in problems}
    kept = {key: value for key, value in data.items() if key not in keys.values() and key not in keys}
    record = cls.model_validate(kept)
    for name, problem in problems.items():
        key = keys[name] if keys[name] in data else name
        raw = data[key]
        value: Any = raw
        model, many = _nested(cls.model_fields[name].annotation)
        path = f"{where}.{name}"
        if model is not None and not many and isinstance(raw, Mapping):
            value = lenient(model, raw, path)
        elif model is not None and many and isinstance(raw, list):
            value = [
                lenient(model, item, f"{path}[{i}]")
                if isinstance(item, Mapping)
                else _raw(f"{path}[{i}]", item)
                for i, item in enumerate(raw)
            ]
        else:
            _warn(where.split(".")[0], path.partition(".")[2], raw, problem)
        setattr(record, name, value)
    return record


def _raw(path: str, value: Any) -> Any:
    model, _, field = path.partition(".")
    _warn(model, field, value, "not a record")
    return value


def parse(cls: type[M], data: Any) -> M:
    """``data`` (a decoded Sage record) as a ``cls``, validated when first read (see the module's
    docstring); a field pydantic refuses then keeps Sage's value, with a :class:`SageDataWarning`."""
    if type(data) is dict and getattr(cls, "__sage_lazy__", False):
        record = cls.__new__(cls)
        _set(record, "__pydantic_private__", Pending(data))
        return record
    return lenient(cls, data)


_set = object.__setattr__


class Pending:
    """The raw record a model instance will be validated from when first read."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
