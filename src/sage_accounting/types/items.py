"""Products and services."""

from __future__ import annotations

from .._models import Link, Money, SageModel, SageRecord

__all__ = ["Product", "SalesPrice", "Service", "ServiceRate"]


class SalesPrice(SageModel):
    """A product's price for one price type."""

    id: str | None = None
    displayed_as: str | None = None
    price_name: str | None = None
    price: Money = None
    price_includes_tax: bool | None = None
    product_sales_price_type: Link | None = None


class ServiceRate(SageModel):
    """A service's rate for one rate type."""

    id: str | None = None
    displayed_as: str | None = None
    rate_name: str | None = None
    rate: Money = None
    rate_includes_tax: bool | None = None
    service_rate_type: Link | None = None


class _Item(SageRecord):
    deletable: bool | None = None
    deactivatable: bool | None = None
    used_on_recurring_invoice: bool | None = None
    item_code: str | None = None
    description: str | None = None
    notes: str | None = None
    sales_ledger_account: Link | None = None
    sales_tax_rate: Link | None = None
    purchase_ledger_account: Link | None = None
    purchase_tax_rate: Link | None = None
    usual_supplier: Link | None = None
    cost_price: Money = None
    source_guid: str | None = None
    purchase_description: str | None = None
    active: bool | None = None


class Product(_Item):
    """A stock or non-stock product (``/products``)."""

    sales_prices: list[SalesPrice] | None = None
    catalog_item_type: Link | None = None


class Service(_Item):
    """A service (``/services``)."""

    sales_rates: list[ServiceRate] | None = None
