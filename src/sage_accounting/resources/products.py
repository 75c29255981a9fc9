"""``/products``: Products."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import CRUD, AsyncCRUD, Endpoint

if TYPE_CHECKING:
    from ..types import Product  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncProducts", "Products"]

ENDPOINT = Endpoint(
    path="/products",
    model="Product",
    wrapper="product",
    filters=frozenset({"active", "deleted_since", "search", "updated_or_created_since"}),
    retrieve_params=frozenset(),
)


class Products(CRUD["Product"]):
    """``client.products``: Products."""

    _endpoint = ENDPOINT


class AsyncProducts(AsyncCRUD["Product"]):
    """``client.products`` on the async client: Products."""

    _endpoint = ENDPOINT
