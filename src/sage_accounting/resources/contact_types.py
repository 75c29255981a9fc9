"""``/contact_types``: ``CUSTOMER`` and ``VENDOR``."""

from __future__ import annotations

from ..types import ContactType
from ._base import AsyncReadOnly, Endpoint, ReadOnly

__all__ = ["AsyncContactTypes", "ContactTypes"]

ENDPOINT = Endpoint(
    path="/contact_types",
    model=ContactType,
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class ContactTypes(ReadOnly[ContactType]):
    """``client.contact_types``: ``CUSTOMER`` and ``VENDOR``."""

    _endpoint = ENDPOINT


class AsyncContactTypes(AsyncReadOnly[ContactType]):
    """``client.contact_types`` on the async client: ``CUSTOMER`` and ``VENDOR``."""

    _endpoint = ENDPOINT
