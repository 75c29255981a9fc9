"""``/currencies``: Reference list: currencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import Currency  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncCurrencies", "Currencies"]

ENDPOINT = Endpoint(
    path="/currencies",
    model="Currency",
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class Currencies(ReadOnly["Currency"]):
    """``client.currencies``: Reference list: currencies."""

    _endpoint = ENDPOINT


class AsyncCurrencies(AsyncReadOnly["Currency"]):
    """``client.currencies`` on the async client: Reference list: currencies."""

    _endpoint = ENDPOINT
