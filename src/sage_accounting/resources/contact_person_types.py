"""``/contact_person_types``: Reference list: contact person types."""

from __future__ import annotations

from ..types import ContactPersonType
from ._base import AsyncReadOnly, Endpoint, ReadOnly

__all__ = ["AsyncContactPersonTypes", "ContactPersonTypes"]

ENDPOINT = Endpoint(
    path="/contact_person_types",
    model=ContactPersonType,
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class ContactPersonTypes(ReadOnly[ContactPersonType]):
    """``client.contact_person_types``: Reference list: contact person types."""

    _endpoint = ENDPOINT


class AsyncContactPersonTypes(AsyncReadOnly[ContactPersonType]):
    """``client.contact_person_types`` on the async client: Reference list: contact person types."""

    _endpoint = ENDPOINT
