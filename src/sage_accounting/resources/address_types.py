"""``/address_types``: Reference list: address types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import AddressType  # noqa: F401 - named in quotes in the base classes

__all__ = ["AddressTypes", "AsyncAddressTypes"]

ENDPOINT = Endpoint(
    path="/address_types",
    model="AddressType",
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class AddressTypes(ReadOnly["AddressType"]):
    """``client.address_types``: Reference list: address types."""

    _endpoint = ENDPOINT


class AsyncAddressTypes(AsyncReadOnly["AddressType"]):
    """``client.address_types`` on the async client: Reference list: address types."""

    _endpoint = ENDPOINT
