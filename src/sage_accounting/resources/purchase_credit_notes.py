"""``/purchase_credit_notes``: Purchase credit notes (delete answers 204)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import CRUD, AsyncCRUD, Endpoint

if TYPE_CHECKING:
    from ..types import PurchaseCreditNote  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncPurchaseCreditNotes", "PurchaseCreditNotes"]

ENDPOINT = Endpoint(
    path="/purchase_credit_notes",
    model="PurchaseCreditNote",
    wrapper="purchase_credit_note",
    filters=frozenset(
        {
            "contact_id",
            "deleted_since",
            "from_date",
            "has_attachments",
            "search",
            "show_payments_allocations",
            "sort",
            "status_id",
            "to_date",
            "updated_or_created_since",
        }
    ),
    retrieve_params=frozenset({"nested_attributes", "show_analysis_types", "show_payments_allocations"}),
)


class PurchaseCreditNotes(CRUD["PurchaseCreditNote"]):
    """``client.purchase_credit_notes``: Purchase credit notes (delete answers 204)."""

    _endpoint = ENDPOINT


class AsyncPurchaseCreditNotes(AsyncCRUD["PurchaseCreditNote"]):
    """``client.purchase_credit_notes`` on the async client: Purchase credit notes (delete answers 204)."""

    _endpoint = ENDPOINT
