"""``/contact_persons``: People at a contact."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import CRUD, AsyncCRUD, Endpoint

if TYPE_CHECKING:
    from ..types import ContactPerson  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncContactPersons", "ContactPersons"]

ENDPOINT = Endpoint(
    path="/contact_persons",
    model="ContactPerson",
    wrapper="contact_person",
    filters=frozenset({"address_id", "contact_id", "deleted_since", "updated_or_created_since"}),
    retrieve_params=frozenset({"nested_attributes"}),
)


class ContactPersons(CRUD["ContactPerson"]):
    """``client.contact_persons``: People at a contact."""

    _endpoint = ENDPOINT


class AsyncContactPersons(AsyncCRUD["ContactPerson"]):
    """``client.contact_persons`` on the async client: People at a contact."""

    _endpoint = ENDPOINT
