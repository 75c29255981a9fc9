"""Who may run an action: Sage's role areas, the levels, and each action's :class:`Access` rule.

Sage grants a user a role per business area (Sales, Purchases, Bank, Contacts, Products & Services,
Settings, Journals) at No Access, Read Only, Restricted Access or Full Access, and refuses a call the
role does not permit.  The same areas and rules govern an agent here, with three levels: ``off``,
``read`` and ``full`` (Sage's Restricted and Full Access both map to ``full``).  ``raw`` is an extra
area for ``rawRequest`` alone: a raw request can reach anything, so it is granted on its own.

>>> Access("read", ("contacts", "sales", "purchases")).allows({"sales": "full"})
True
>>> Access("full", ("contacts",)).describe()
'Contacts: Full'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = ["ALL_AREAS", "AREAS", "AREA_LABELS", "LEVELS", "Access", "level_rank"]

AREAS: tuple[str, ...] = ("contacts", "sales", "purchases", "bank", "products", "settings", "journals")
"""Sage's role areas."""

ALL_AREAS: tuple[str, ...] = (*AREAS, "raw")
"""The role areas plus ``raw`` (rawRequest only)."""

AREA_LABELS: dict[str, str] = {
    "contacts": "Contacts",
    "sales": "Sales",
    "purchases": "Purchases",
    "bank": "Bank",
    "products": "Products & Services",
    "settings": "Settings",
    "journals": "Journals",
    "raw": "Raw requests",
}
"""How Sage names each area."""

LEVELS: tuple[str, ...] = ("off", "read", "full")
"""The levels, lowest first."""

_RANK = {level: rank for rank, level in enumerate(LEVELS)}


def level_rank(level: str) -> int:
    """The order of a level (``off`` 0, ``read`` 1, ``full`` 2); anything else counts as ``off``."""
    return _RANK.get(level, 0)


@dataclass(frozen=True)
class Access:
    """What an action needs: ``level`` in any one of ``areas``.

    ``Access("read", ("sales", "purchases"))`` is allowed to an agent with Read (or Full) in Sales or in
    Purchases.
    """

    level: Literal["read", "full"]
    areas: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.level not in ("read", "full"):
            raise ValueError(f"an access level is read or full, got {self.level!r}")
        unknown = [a for a in self.areas if a not in ALL_AREAS]
        if not self.areas or unknown:
            raise ValueError(f"unknown areas {unknown!r}; areas are {', '.join(ALL_AREAS)}")

    def allows(self, grants: Mapping[str, str]) -> bool:
        """Whether ``grants`` (area -> ``off``/``read``/``full``; a missing area is off) permit it."""
        need = level_rank(self.level)
        return any(level_rank(grants.get(area, "off")) >= need for area in self.areas)

    def describe(self) -> str:
        """``Contacts: Full``, ``Read in Sales, Purchases, Bank or Settings``, ``Read in any area``."""
        level = self.level.capitalize()
        if len(self.areas) == 1:
            return f"{AREA_LABELS[self.areas[0]]}: {level}"
        if set(self.areas) == set(AREAS):
            return f"{level} in any area"
        labels = [AREA_LABELS[a] for a in self.areas]
        return f"{level} in {', '.join(labels[:-1])} or {labels[-1]}"

    def __str__(self) -> str:
        return self.describe()
