"""The emulated Sage resources, one module per area. Each module lists its resource classes in RESOURCES."""

from __future__ import annotations

from .._resource import Resource
from . import (
    allocations,
    artefacts,
    banking,
    businesses,
    catalog,
    contacts,
    financial_settings,
    invoice_settings,
    journals,
    ledger,
    on_account,
    other_payments,
    payments,
    reference,
    transactions,
)

MODULES = (
    businesses,
    reference,
    contacts,
    ledger,
    artefacts,
    payments,
    on_account,
    allocations,
    other_payments,
    banking,
    catalog,
    journals,
    transactions,
    financial_settings,
    invoice_settings,
)


def build_registry() -> dict[str, Resource]:
    """A fresh instance of every resource, keyed by its path name (``contacts``, ``sales_invoices`` …)."""
    registry: dict[str, Resource] = {}
    for module in MODULES:
        for cls in module.RESOURCES:
            resource = cls()
            registry[resource.name] = resource
    return registry
