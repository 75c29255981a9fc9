"""``/sales_invoices``: Sales invoices (delete voids)."""

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
    from ..types import SalesInvoice  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncSalesInvoices", "SalesInvoices"]

ENDPOINT = Endpoint(
    path="/sales_invoices",
    model="SalesInvoice",
    wrapper="sales_invoice",
    filters=ARTEFACT_FILTERS,
    retrieve_params=frozenset(
        {
            "mark_as_sent",
            "nested_attributes",
            "show_analysis_types",
            "show_corrections",
            "show_payments_allocations",
            "show_recurring_invoice",
        }
    ),
)


class SalesInvoices(
    ListMixin["SalesInvoice"],
    RetrieveMixin["SalesInvoice"],
    CreateMixin["SalesInvoice"],
    UpdateMixin["SalesInvoice"],
    VoidMixin["SalesInvoice"],
    ReleaseMixin["SalesInvoice"],
):
    """``client.sales_invoices``: Sales invoices (delete voids)."""

    _endpoint = ENDPOINT


class AsyncSalesInvoices(
    AsyncListMixin["SalesInvoice"],
    AsyncRetrieveMixin["SalesInvoice"],
    AsyncCreateMixin["SalesInvoice"],
    AsyncUpdateMixin["SalesInvoice"],
    AsyncVoidMixin["SalesInvoice"],
    AsyncReleaseMixin["SalesInvoice"],
):
    """``client.sales_invoices`` on the async client: Sales invoices (delete voids)."""

    _endpoint = ENDPOINT
