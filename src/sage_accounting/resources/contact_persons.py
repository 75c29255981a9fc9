"""``/contact_persons``: People at a contact."""

from __future__ import annotations

from ..types import ContactPerson
from ._base import CRUD, AsyncCRUD, Endpoint

__all__ = ["AsyncContactPersons", "ContactPersons"]

ENDPOINT = Endpoint(
    path="/contact_persons",
    model=ContactPerson,
    wrapper="contact_person",
    filters=frozenset({"address_id", "contact_id", "deleted_since", "updated_or_created_since"}),
    retrieve_params=frozenset({"nested_attributes"}),
)


class ContactPersons(CRUD[ContactPerson]):
    """``client.contact_persons``: People at a contact."""

    _endpoint = ENDPOINT


class AsyncContactPersons(AsyncCRUD[ContactPerson]):
    """``client.contact_persons`` on the async client: People at a contact."""

    _endpoint = ENDPOINT
