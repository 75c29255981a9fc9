"""``/contacts``: Customers and suppliers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import CRUD, AsyncCRUD, Endpoint

if TYPE_CHECKING:
    from ..types import Contact  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncContacts", "Contacts"]

ENDPOINT = Endpoint(
    path="/contacts",
    model="Contact",
    wrapper="contact",
    filters=frozenset(
        {
            "contact_type_id",
            "context_date",
            "deleted_since",
            "email",
            "exclude_system",
            "filter_inactive_contacts",
            "nested_attributes",
            "search",
            "show_balance",
            "show_unfinished_recurring_invoices_status",
            "updated_or_created_since",
        }
    ),
    retrieve_params=frozenset(
        {"context_date", "nested_attributes", "show_balance", "show_unfinished_recurring_invoices_status"}
    ),
)


class Contacts(CRUD["Contact"]):
    """``client.contacts``: Customers and suppliers."""

    _endpoint = ENDPOINT


class AsyncContacts(AsyncCRUD["Contact"]):
    """``client.contacts`` on the async client: Customers and suppliers."""

    _endpoint = ENDPOINT
