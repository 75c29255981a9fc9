"""``/services``: Services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import CRUD, AsyncCRUD, Endpoint

if TYPE_CHECKING:
    from ..types import Service  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncServices", "Services"]

ENDPOINT = Endpoint(
    path="/services",
    model="Service",
    wrapper="service",
    filters=frozenset({"active", "deleted_since", "search", "updated_or_created_since"}),
    retrieve_params=frozenset(),
)


class Services(CRUD["Service"]):
    """``client.services``: Services."""

    _endpoint = ENDPOINT


class AsyncServices(AsyncCRUD["Service"]):
    """``client.services`` on the async client: Services."""

    _endpoint = ENDPOINT
