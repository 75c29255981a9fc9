"""Pydantic base for Sage records: money as ``Decimal``, dates as ``date``, unknown fields kept.

Sage sends money as JSON strings (``"2000.0"``); ``Money`` parses strings, ints and floats into
``Decimal`` without going through binary floating point for strings, and an empty string as ``None``.
Every model keeps fields it does not declare (``extra="allow"``), so a field Sage adds tomorrow is not
lost: read it with ``record.model_extra`` or ``getattr(record, name)``.

Records read from Sage are validated when first used (see :mod:`._parse`): reading any field, printing,
comparing, dumping or copying a record validates it first; ``vars(record)`` alone does not.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from ._parse import Pending, lenient

__all__ = ["Date", "DateTime", "DeletedRecord", "Link", "Money", "Rate", "SageModel", "SageRecord"]


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def _to_decimal(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, float):
        # repr() is the shortest string that round-trips: 0.1 -> Decimal("0.1"), not 0.1000000000000000055…
        return Decimal(repr(value))
    return value


def _decimal_to_json(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


Money = Annotated[
    Decimal | None,
    BeforeValidator(_to_decimal),
    PlainSerializer(_decimal_to_json, when_used="json"),
]
"""An amount of money (or any Sage decimal): ``Decimal`` in Python, a string in JSON."""

Rate = Money
"""A percentage or exchange rate: same representation as money."""

Date = Annotated[_dt.date | None, BeforeValidator(_blank_to_none)]
"""A calendar date (``YYYY-MM-DD``)."""

DateTime = Annotated[_dt.datetime | None, BeforeValidator(_blank_to_none)]
"""A timestamp (``2022-12-30T13:59:24Z``), timezone-aware."""


_set = object.__setattr__


def _ready(record: Any) -> None:
    """Validate ``record`` now if it is still waiting for its first use."""
    try:
        pending = object.__getattribute__(record, "__pydantic_private__")
    except AttributeError:
        return
    if type(pending) is Pending:
        full = lenient(type(record), pending.data)
        _set(record, "__dict__", full.__dict__)
        _set(record, "__pydantic_fields_set__", full.__pydantic_fields_set__)
        _set(record, "__pydantic_extra__", full.__pydantic_extra__)
        _set(record, "__pydantic_private__", None)


class SageModel(BaseModel):
    """Base of every model: unknown fields kept, ``$path`` readable as ``path``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())
    __sage_lazy__: ClassVar[bool] = True

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data, keys as Sage spells them (``$path``), unset fields left out; a
        field that kept a value Sage sent in another shape is written as it came."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False)

    # A record waiting for its first use has no fields yet: every way in validates it first.  Reading a
    # field or model_fields_set/model_extra misses the instance's slots and lands in __getattr__.

    def __getattr__(self, name: str) -> Any:
        try:
            pending = object.__getattribute__(self, "__pydantic_private__")
        except AttributeError:
            pending = None
        if type(pending) is Pending:
            _ready(self)
            return getattr(self, name)
        return super().__getattr__(name)  # type: ignore[misc]

    def __setattr__(self, name: str, value: Any) -> None:
        _ready(self)
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        _ready(self)
        super().__delattr__(name)

    def __eq__(self, other: object) -> bool:
        _ready(self)
        _ready(other)
        return super().__eq__(other)

    def __iter__(self) -> Any:
        _ready(self)
        return super().__iter__()

    def __repr_args__(self) -> Any:
        _ready(self)
        return super().__repr_args__()

    def __getstate__(self) -> dict[Any, Any]:
        _ready(self)
        return super().__getstate__()

    def __copy__(self) -> Any:
        _ready(self)
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        _ready(self)
        return super().__deepcopy__(memo)

    def model_dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The record as a dict (pydantic's ``model_dump``)."""
        _ready(self)
        return super().model_dump(*args, **kwargs)

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        """The record as JSON text (pydantic's ``model_dump_json``)."""
        _ready(self)
        return super().model_dump_json(*args, **kwargs)


class Link(SageModel):
    """A reference to another record (``{id, displayed_as, $path}``) or a hyperlink (``{href, rel, type}``).

    A nested record that Sage expands in full is also read as a ``Link``; its other fields are kept.
    """

    id: str | None = None
    displayed_as: str | None = None
    path: str | None = Field(default=None, alias="$path")
    href: str | None = None
    rel: str | None = None
    type: str | None = None


class DeletedRecord(SageModel):
    """A deletion stub from a ``deleted_since`` list: the id, name and path of a record that is gone.

    Sage lists deleted records as ``{id, displayed_as, $path}`` only; nothing else of the record is
    left to read, so the stub is not forced into the resource's full model.
    """

    id: str | None = None
    displayed_as: str | None = None
    path: str | None = Field(default=None, alias="$path")


class SageRecord(SageModel):
    """Fields every Sage record starts with."""

    id: str | None = None
    displayed_as: str | None = None
    path: str | None = Field(default=None, alias="$path")
    created_at: DateTime = None
    updated_at: DateTime = None
    deleted_at: DateTime = None
    links: list[Link] | None = None
