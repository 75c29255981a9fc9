"""``/countries``: Reference list: countries."""

from __future__ import annotations

from ..types import Country
from ._base import AsyncReadOnly, Endpoint, ReadOnly

__all__ = ["AsyncCountries", "Countries"]

ENDPOINT = Endpoint(
    path="/countries",
    model=Country,
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class Countries(ReadOnly[Country]):
    """``client.countries``: Reference list: countries."""

    _endpoint = ENDPOINT


class AsyncCountries(AsyncReadOnly[Country]):
    """``client.countries`` on the async client: Reference list: countries."""

    _endpoint = ENDPOINT
