"""The emulated Sage resources, one module per area. Each module lists its resource classes in RESOURCES."""

from __future__ import annotations

from .._resource import Resource
from .._store import SPECS, IndexSpec
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
    quotes,
    reference,
    transactions,
)

MODULES = (
    businesses,
    reference,
    contacts,
    ledger,
    artefacts,
    quotes,
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


def _register_specs() -> None:
    # What each collection indexes follows from its resource's declarations (the same in every emulator).
    for module in MODULES:
        for cls in module.RESOURCES:
            if cls.business_scoped and getattr(cls, "name", None):
                SPECS[cls.name] = IndexSpec(
                    equal=dict(cls.indexes),
                    sortable=cls.sortable,
                    date_field=cls.date_field,
                    search_fields=cls.search_fields,
                )


_register_specs()


def build_registry() -> dict[str, Resource]:
    """A fresh instance of every resource, keyed by its path name (``contacts``, ``sales_invoices`` …)."""
    registry: dict[str, Resource] = {}
    for module in MODULES:
        for cls in module.RESOURCES:
            resource = cls()
            registry[resource.name] = resource
    return registry
