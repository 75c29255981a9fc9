"""``/contact_payments``: Customer receipts and refunds, vendor payments and refunds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import CRUD, AsyncCRUD, Endpoint

if TYPE_CHECKING:
    from ..types import ContactPayment  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncContactPayments", "ContactPayments"]

ENDPOINT = Endpoint(
    path="/contact_payments",
    model="ContactPayment",
    wrapper="contact_payment",
    filters=frozenset(
        {
            "bank_account_id",
            "contact_id",
            "deleted_since",
            "from_date",
            "sort",
            "to_date",
            "transaction_type_id",
            "updated_or_created_since",
        }
    ),
    retrieve_params=frozenset(),
)


class ContactPayments(CRUD["ContactPayment"]):
    """``client.contact_payments``: Customer receipts and refunds, vendor payments and refunds."""

    _endpoint = ENDPOINT


class AsyncContactPayments(AsyncCRUD["ContactPayment"]):
    """``client.contact_payments`` on the async client: receipts, payments and refunds."""

    _endpoint = ENDPOINT
