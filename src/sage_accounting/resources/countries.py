"""``/countries``: Reference list: countries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import Country  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncCountries", "Countries"]

ENDPOINT = Endpoint(
    path="/countries",
    model="Country",
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class Countries(ReadOnly["Country"]):
    """``client.countries``: Reference list: countries."""

    _endpoint = ENDPOINT


class AsyncCountries(AsyncReadOnly["Country"]):
    """``client.countries`` on the async client: Reference list: countries."""

    _endpoint = ENDPOINT
