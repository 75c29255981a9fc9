"""The overview's figures: calls per agent and decision since a time, and their chart as inline SVG.

The SVG is drawn on the server (no script); colours come from the console's stylesheet by class, so the
page needs no inline style.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape

import sqlalchemy as sa
from markupsafe import Markup

from .._db import audit

__all__ = ["AgentCalls", "calls_by_agent", "chart"]

_BAR_H, _GAP, _LABEL_W, _BAR_W = 22, 10, 150, 420


@dataclass
class AgentCalls:
    """One agent's calls by decision."""

    agent: str
    by_decision: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Every call of the agent."""
        return sum(self.by_decision.values())


def calls_by_agent(engine: sa.Engine, since: datetime) -> list[AgentCalls]:
    """Audit rows since ``since`` counted per agent and decision (busiest agent first); admin changes,
    whose tool is an ``agents …`` command, are not calls."""
    query = (
        sa.select(audit.c.agent, audit.c.decision, sa.func.count())
        .where(audit.c.time >= since, audit.c.tool.not_like("agents %"))
        .group_by(audit.c.agent, audit.c.decision)
    )
    found: dict[str, AgentCalls] = {}
    with engine.connect() as conn:
        for agent, decision, count in conn.execute(query):
            found.setdefault(agent, AgentCalls(agent)).by_decision[decision] = int(count)
    return sorted(found.values(), key=lambda a: (-a.total, a.agent))


def chart(counts: list[AgentCalls]) -> Markup:
    """A horizontal stacked bar per agent (one segment per decision), labelled for screen readers."""
    if not counts:
        return Markup("")
    top = max(c.total for c in counts) or 1
    height = len(counts) * (_BAR_H + _GAP) + _GAP
    width = _LABEL_W + _BAR_W + 60
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">Calls per agent and decision over the last 24 hours</title>',
    ]
    for i, row in enumerate(counts):
        y = _GAP + i * (_BAR_H + _GAP)
        parts.append(f'<text class="label" x="0" y="{y + _BAR_H - 6}">{escape(row.agent)}</text>')
        x = float(_LABEL_W)
        for decision, n in sorted(row.by_decision.items()):
            w = _BAR_W * n / top
            parts.append(
                f'<rect class="d-{escape(decision)}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{_BAR_H}">'
                f"<title>{escape(row.agent)}: {n} {escape(decision)}</title></rect>"
            )
            x += w
        parts.append(f'<text class="total" x="{x + 6:.1f}" y="{y + _BAR_H - 6}">{row.total}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
