"""``/purchase_invoices``: Purchase invoices (delete answers 204)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._artefacts import ARTEFACT_FILTERS, AsyncReleaseMixin, ReleaseMixin
from ._base import (
    AsyncCreateMixin,
    AsyncDeleteMixin,
    AsyncListMixin,
    AsyncRetrieveMixin,
    AsyncUpdateMixin,
    CreateMixin,
    DeleteMixin,
    Endpoint,
    ListMixin,
    RetrieveMixin,
    UpdateMixin,
)

if TYPE_CHECKING:
    from ..types import PurchaseInvoice  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncPurchaseInvoices", "PurchaseInvoices"]

ENDPOINT = Endpoint(
    path="/purchase_invoices",
    model="PurchaseInvoice",
    wrapper="purchase_invoice",
    filters=ARTEFACT_FILTERS,
    retrieve_params=frozenset(
        {"nested_attributes", "show_analysis_types", "show_corrections", "show_payments_allocations"}
    ),
)


class PurchaseInvoices(
    ListMixin["PurchaseInvoice"],
    RetrieveMixin["PurchaseInvoice"],
    CreateMixin["PurchaseInvoice"],
    UpdateMixin["PurchaseInvoice"],
    DeleteMixin["PurchaseInvoice"],
    ReleaseMixin["PurchaseInvoice"],
):
    """``client.purchase_invoices``: Purchase invoices (delete answers 204)."""

    _endpoint = ENDPOINT


class AsyncPurchaseInvoices(
    AsyncListMixin["PurchaseInvoice"],
    AsyncRetrieveMixin["PurchaseInvoice"],
    AsyncCreateMixin["PurchaseInvoice"],
    AsyncUpdateMixin["PurchaseInvoice"],
    AsyncDeleteMixin["PurchaseInvoice"],
    AsyncReleaseMixin["PurchaseInvoice"],
):
    """``client.purchase_invoices`` on the async client: Purchase invoices (delete answers 204)."""

    _endpoint = ENDPOINT
