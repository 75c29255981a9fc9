"""Pydantic base for Sage records: money as ``Decimal``, dates as ``date``, unknown fields kept.

Sage sends money as JSON strings (``"2000.0"``); ``Money`` parses strings, ints and floats into
``Decimal`` without going through binary floating point for strings, and an empty string as ``None``.
Every model keeps fields it does not declare (``extra="allow"``), so a field Sage adds tomorrow is not
lost: read it with ``record.model_extra`` or ``getattr(record, name)``.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

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


class SageModel(BaseModel):
    """Base of every model: unknown fields kept, ``$path`` readable as ``path``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data, keys as Sage spells them (``$path``), unset fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


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

    id: str
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
