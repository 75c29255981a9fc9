"""``/contact_types``: ``CUSTOMER`` and ``VENDOR``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import ContactType  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncContactTypes", "ContactTypes"]

ENDPOINT = Endpoint(
    path="/contact_types",
    model="ContactType",
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class ContactTypes(ReadOnly["ContactType"]):
    """``client.contact_types``: ``CUSTOMER`` and ``VENDOR``."""

    _endpoint = ENDPOINT


class AsyncContactTypes(AsyncReadOnly["ContactType"]):
    """``client.contact_types`` on the async client: ``CUSTOMER`` and ``VENDOR``."""

    _endpoint = ENDPOINT
