"""``/sales_credit_notes``: Sales credit notes (delete voids)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._artefacts import ARTEFACT_FILTERS, AsyncReleaseMixin, AsyncVoidMixin, ReleaseMixin, VoidMixin
from ._base import (
    AsyncCreateMixin,
    AsyncListMixin,
    AsyncRetrieveMixin,
    AsyncUpdateMixin,
    CreateMixin,
    Endpoint,
    ListMixin,
    RetrieveMixin,
    UpdateMixin,
)

if TYPE_CHECKING:
    from ..types import SalesCreditNote  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncSalesCreditNotes", "SalesCreditNotes"]

ENDPOINT = Endpoint(
    path="/sales_credit_notes",
    model="SalesCreditNote",
    wrapper="sales_credit_note",
    filters=ARTEFACT_FILTERS,
    retrieve_params=frozenset({"nested_attributes", "show_analysis_types", "show_payments_allocations"}),
)


class SalesCreditNotes(
    ListMixin["SalesCreditNote"],
    RetrieveMixin["SalesCreditNote"],
    CreateMixin["SalesCreditNote"],
    UpdateMixin["SalesCreditNote"],
    VoidMixin["SalesCreditNote"],
    ReleaseMixin["SalesCreditNote"],
):
    """``client.sales_credit_notes``: Sales credit notes (delete voids)."""

    _endpoint = ENDPOINT


class AsyncSalesCreditNotes(
    AsyncListMixin["SalesCreditNote"],
    AsyncRetrieveMixin["SalesCreditNote"],
    AsyncCreateMixin["SalesCreditNote"],
    AsyncUpdateMixin["SalesCreditNote"],
    AsyncVoidMixin["SalesCreditNote"],
    AsyncReleaseMixin["SalesCreditNote"],
):
    """``client.sales_credit_notes`` on the async client: Sales credit notes (delete voids)."""

    _endpoint = ENDPOINT
