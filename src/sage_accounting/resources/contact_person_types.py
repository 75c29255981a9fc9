"""``/contact_person_types``: Reference list: contact person types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import ContactPersonType  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncContactPersonTypes", "ContactPersonTypes"]

ENDPOINT = Endpoint(
    path="/contact_person_types",
    model="ContactPersonType",
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class ContactPersonTypes(ReadOnly["ContactPersonType"]):
    """``client.contact_person_types``: Reference list: contact person types."""

    _endpoint = ENDPOINT


class AsyncContactPersonTypes(AsyncReadOnly["ContactPersonType"]):
    """``client.contact_person_types`` on the async client: Reference list: contact person types."""

    _endpoint = ENDPOINT
