"""What an agent may do: deny by default, area by area, as Sage's own roles rule.

Every action declares its ``access`` (the level it needs in any one of its areas, see
``sage_accounting.actions.Access``).  :func:`decide` checks, in order: the agent's level in the action's
areas, the businesses the agent is limited to, then for writes whether every write waits for a human
(``approve_writes``) and whether the amount moved exceeds the agent's ``max_amount``.  :func:`visible`
says whether a tool is listed to the agent at all (a tool it may not use is never listed).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ._areas import AREA_LABELS, level_label
from ._types import Agent
from .sentences import money

__all__ = ["Decision", "decide", "granting_area", "visible"]

_RANK = {"off": 0, "read": 1, "full": 2}


@dataclass(frozen=True)
class Decision:
    """The policy's answer: ``outcome`` ``allow`` / ``deny`` / ``hold`` (await a human's approval), the
    ``reason`` as a person reads it, and the ``rule`` that decided (``access``, ``business``,
    ``approve_writes``, ``max_amount``, ``grant``)."""

    outcome: Literal["allow", "deny", "hold"]
    reason: str
    rule: str

    @property
    def allowed(self) -> bool:
        """Whether the call may go ahead now."""
        return self.outcome == "allow"


def granting_area(agent: Agent, action: Any) -> str | None:
    """The area whose grant lets ``agent`` use ``action`` (its highest-level one), or ``None``."""
    access = action.access
    needed = _RANK[access.level]
    best: tuple[int, str] | None = None
    for area in access.areas:
        rank = _RANK.get(agent.level(area), 0)
        if rank >= needed and (best is None or rank > best[0]):
            best = (rank, area)
    return best[1] if best else None


def visible(agent: Agent, action: Any) -> bool:
    """Whether the tool of ``action`` is listed to ``agent`` (its level allows it; businesses and
    approvals do not hide a tool)."""
    return bool(action.access.allows(agent.levels))


def decide(agent: Agent, action: Any, business_id: str | None, amount: Decimal | None) -> Decision:
    """Whether ``agent`` may call ``action`` in ``business_id`` now, must wait for approval, or may not.

    ``business_id`` is the business the call acts in (``None`` for a call outside any business, such as
    listing the businesses); ``amount`` the money a write moves (``action.amount(inputs)``), if any.
    """
    name = getattr(action, "tool_name", None) or getattr(action, "key", "this tool")
    if not action.access.allows(agent.levels):
        return Decision("deny", f"{name} needs {action.access.describe()}", "access")
    area = granting_area(agent, action)
    granted = f"{AREA_LABELS.get(area, area)}: {level_label(agent.level(area))}" if area else "granted"
    if agent.businesses and business_id is not None and business_id not in agent.businesses:
        return Decision(
            "deny", f"{agent.name} may not act in business {business_id} (only {', '.join(agent.businesses)})",
            "business",
        )  # fmt: skip
    if not action.read_only:
        if agent.approve_writes:
            return Decision(
                "hold", f"every write by {agent.name} waits for approval; {granted}", "approve_writes"
            )
        if agent.max_amount is not None and amount is not None and amount > agent.max_amount:
            return Decision(
                "hold",
                f"total {money(amount)} is over {agent.name}'s limit of {money(agent.max_amount)}; {granted}",
                "max_amount",
            )
    return Decision("allow", granted, "grant")
