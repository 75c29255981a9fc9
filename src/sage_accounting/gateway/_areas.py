"""The areas and levels agents are granted — the action registry's (``sage_accounting.actions``) — and
how a level is shown."""

from __future__ import annotations

from ..actions import ALL_AREAS, AREA_LABELS, AREAS, LEVELS

__all__ = ["ALL_AREAS", "AREAS", "AREA_LABELS", "LEVELS", "level_label"]


def level_label(level: str) -> str:
    """``"full"`` -> ``"Full"``."""
    return level.capitalize()
