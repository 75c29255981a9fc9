"""The table of named seeds: ``demo``, ``minimal`` and any added later, and how a seed argument (a name,
``name:argument`` or a seed document) is checked and applied.

A seed is resolved into a plan *before* anything changes, so a misspelt name or a bad argument is refused
with nothing cleared. To add a named seed, call :func:`register` with a :class:`SeedKind` (see
docs/emulator-internals.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import _generated
from ._demo import seed_demo, seed_minimal
from ._seed import Target, apply_document

# A seed ready to apply: everything it needs was checked when it was made.
Plan = Callable[[Target], None]


@dataclass(frozen=True)
class SeedKind:
    """One named seed. ``prepare(argument, seed_random)`` checks the text after ``name:`` (``None`` when there
    is none) and returns the plan, raising ``ValueError`` naming what is wrong."""

    name: str
    summary: str
    prepare: Callable[[str | None, int], Plan]
    usage: str = ""


SEEDS: dict[str, SeedKind] = {}


def register(kind: SeedKind) -> SeedKind:
    """Add a named seed to the table (its name must be new)."""
    if kind.name in SEEDS:
        raise ValueError(f"a seed named {kind.name!r} is already registered")
    SEEDS[kind.name] = kind
    return kind


def no_argument(name: str, build: Plan) -> Callable[[str | None, int], Plan]:
    """``prepare`` for a seed that takes no argument."""

    def prepare(argument: str | None, seed_random: int) -> Plan:
        if argument is not None:
            raise ValueError(f"seed {name!r} takes no argument (got {name}:{argument})")
        return build

    return prepare


register(
    SeedKind(
        "demo",
        "the demo app, a UK and an Irish business with a year of trading, the demo user",
        no_argument("demo", seed_demo),
    )
)
register(
    SeedKind(
        "minimal", "the demo app, one empty UK business, the demo user", no_argument("minimal", seed_minimal)
    )
)

register(
    SeedKind(
        "generated",
        "N records (contacts, invoices, payments, voids) spread over B businesses, the same for the same "
        "seed_random",
        _generated.prepare,
        usage=_generated.USAGE,
    )
)


def seed_names() -> str:
    """The registered seeds as the error messages list them."""
    return ", ".join(kind.usage or kind.name for kind in SEEDS.values())


def plan_seed(seed: Any, seed_random: int = 0) -> Plan:
    """The plan for ``seed`` (a registered name, ``name:argument``, or a seed document), or ``ValueError``
    naming what is wrong. Nothing is applied yet."""
    if isinstance(seed, dict):
        document = seed
        return lambda target: apply_document(target, document)
    if not isinstance(seed, str):
        raise ValueError(f"a seed is a name ({seed_names()}) or a seed document, not {type(seed).__name__}")
    name, colon, argument = seed.partition(":")
    kind = SEEDS.get(name)
    if kind is None:
        raise ValueError(f"unknown seed {seed[:80]!r}: use {seed_names()} or a seed document")
    return kind.prepare(argument if colon else None, seed_random)
