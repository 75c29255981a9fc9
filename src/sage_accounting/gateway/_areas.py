"""The areas and levels agents are granted, as the action registry declares them.

A transitional shim: the registry (``sage_accounting.actions``) is the source of these names; until it
declares them the gateway uses the same values here.
"""

from __future__ import annotations

try:  # pragma: no cover - which branch runs depends on the registry's version
    from ..actions import ALL_AREAS, AREA_LABELS, AREAS, LEVELS  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    AREAS = ("contacts", "sales", "purchases", "bank", "products", "settings", "journals")
    ALL_AREAS = (*AREAS, "raw")
    AREA_LABELS = {
        "contacts": "Contacts",
        "sales": "Sales",
        "purchases": "Purchases",
        "bank": "Bank",
        "products": "Products & Services",
        "settings": "Settings",
        "journals": "Journals",
        "raw": "Raw requests",
    }
    LEVELS = ("off", "read", "full")

__all__ = ["ALL_AREAS", "AREAS", "AREA_LABELS", "LEVELS", "level_label"]


def level_label(level: str) -> str:
    """``"full"`` -> ``"Full"``."""
    return level.capitalize()
