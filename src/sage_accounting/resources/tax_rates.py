"""``/tax_rates``: Tax rates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import TaxRate  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncTaxRates", "TaxRates"]

ENDPOINT = Endpoint(
    path="/tax_rates",
    model="TaxRate",
    wrapper=None,
    filters=frozenset(
        {
            "address_region_id",
            "cis_only",
            "date",
            "include_destination_vat_rates",
            "include_historical_data",
            "updated_or_created_since",
            "usage",
        }
    ),
    retrieve_params=frozenset({"date"}),
)


class TaxRates(ReadOnly["TaxRate"]):
    """``client.tax_rates``: Tax rates."""

    _endpoint = ENDPOINT


class AsyncTaxRates(AsyncReadOnly["TaxRate"]):
    """``client.tax_rates`` on the async client: Tax rates."""

    _endpoint = ENDPOINT
