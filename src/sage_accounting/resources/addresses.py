"""``/addresses``: Addresses of contacts and bank accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import CRUD, AsyncCRUD, Endpoint

if TYPE_CHECKING:
    from ..types import Address  # noqa: F401 - named in quotes in the base classes

__all__ = ["Addresses", "AsyncAddresses"]

ENDPOINT = Endpoint(
    path="/addresses",
    model="Address",
    wrapper="address",
    filters=frozenset({"bank_account_id", "contact_id", "deleted_since", "updated_or_created_since"}),
    retrieve_params=frozenset({"nested_attributes"}),
)


class Addresses(CRUD["Address"]):
    """``client.addresses``: Addresses of contacts and bank accounts."""

    _endpoint = ENDPOINT


class AsyncAddresses(AsyncCRUD["Address"]):
    """``client.addresses`` on the async client: Addresses of contacts and bank accounts."""

    _endpoint = ENDPOINT
