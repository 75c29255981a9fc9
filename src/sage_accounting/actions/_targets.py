"""Where an input goes in the Sage request, as data: :class:`Path`, :class:`Query` or :class:`Body`.

An input's target is declared with the input (``Body(("contact", "main_address", "city"))``) and read
by the request builder; the ``sage`` text the manifest shows (``contact.main_address.city``,
``query items_per_page (1..200, Sage default 20)``, ``path``) is generated from it, never parsed back.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Body", "Path", "Query", "Target", "sage_text"]


@dataclass(frozen=True)
class Path:
    """The value fills the ``{name}`` placeholder of the action's path (``/contacts/{contactId}``)."""

    name: str
    note: str | None = None


@dataclass(frozen=True)
class Query:
    """The value is the query parameter ``name`` (Sage's spelling: ``items_per_page``)."""

    name: str
    note: str | None = None


@dataclass(frozen=True)
class Body:
    """The value goes at ``path`` in the JSON body: ``("contact", "main_address", "city")``."""

    path: tuple[str, ...]
    note: str | None = None

    def __post_init__(self) -> None:
        if not self.path or not all(self.path):
            raise ValueError(f"a body path needs at least one non-empty name, got {self.path!r}")

    @property
    def wrapper(self) -> str:
        """The body's top-level key (``contact``): every write is wrapped in its resource key."""
        return self.path[0]


Target = Path | Query | Body
"""Where an input goes: a path placeholder, a query parameter or a place in the JSON body."""


def sage_text(target: Target) -> str:
    """The ``sage`` text of the manifest: ``path``, ``query NAME`` or ``a.b.c``, then `` (note)``."""
    if isinstance(target, Path):
        text = "path"
    elif isinstance(target, Query):
        text = f"query {target.name}"
    else:
        text = ".".join(target.path)
    return f"{text} ({target.note})" if target.note else text
