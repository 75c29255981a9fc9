"""The Sage component's actions and the wider API's: one registry that the CLI, the agent gateway and
Python callers share.

Every action has a key (``createContact``, ``listPurchaseInvoice`` …), a label, a description, the
HTTP method and Sage path, its inputs (key, label, type, required, default, comments, example, and
where each goes in the request), who may run it (:class:`Access`: Sage's role areas and a level), its
name as an agent's tool (``sage_create_contact``) and a run function that takes a
:class:`~sage_accounting.SageAccounting` client (or, with ``arun``, an async one) and the inputs::

    from sage_accounting.actions import run_action

    contact = run_action(sage, "createContact", {
        "name": "Acme Ltd", "contactTypeIds": "CUSTOMER", "creditLimit": "1500.50", "city": "Leeds",
    })

Inputs are checked and converted before anything is sent (a bad one raises
:class:`ActionInputError` naming it); results are Sage's JSON as plain data, money as Sage's strings.
:func:`manifest` describes the connection and every action in the shape of the component's
``component.json``.  The actions are declared by Sage area: :mod:`.contacts`, :mod:`.sales`,
:mod:`.purchases`, :mod:`.banking`, :mod:`.ledger`, :mod:`.products`, :mod:`.journals`,
:mod:`.reference` and :mod:`.raw`; the component's own 28 carry the tag ``seed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import banking, contacts, journals, ledger, products, purchases, raw, reference, sales
from ._access import ALL_AREAS, AREA_LABELS, AREAS, LEVELS, Access
from ._component import COMPONENT
from ._inputs import ActionInputError, InputProblem
from ._registry import (
    NO_DEFAULT,
    Action,
    ActionInput,
    Inputs,
    PreparedRequest,
    Registry,
    UnknownActionError,
)
from ._targets import Body, Path, Query, Target

if TYPE_CHECKING:
    from .._client import AsyncSageAccounting, SageAccounting

__all__ = [
    "ALL_AREAS",
    "AREAS",
    "AREA_LABELS",
    "LEVELS",
    "NO_DEFAULT",
    "SEED_KEYS",
    "Access",
    "Action",
    "ActionInput",
    "ActionInputError",
    "Body",
    "InputProblem",
    "Inputs",
    "Path",
    "PreparedRequest",
    "Query",
    "Registry",
    "Target",
    "UnknownActionError",
    "arun_action",
    "manifest",
    "registry",
    "run_action",
]

registry: Registry = Registry(
    (
        *contacts.ACTIONS,
        *sales.ACTIONS,
        *purchases.ACTIONS,
        *banking.ACTIONS,
        *ledger.ACTIONS,
        *products.ACTIONS,
        *journals.ACTIONS,
        *reference.ACTIONS,
        raw.ACTION,
    ),
    COMPONENT,
)
"""Every action, by key (``registry.by_tool_name("sage_get_contact")`` finds one by tool name)."""

SEED_KEYS: frozenset[str] = frozenset(a.key for a in registry.tagged("seed"))
"""The keys of the component's own 28 actions."""


def run_action(client: SageAccounting, key: str, inputs: Mapping[str, Any] | None = None) -> Any:
    """Run the action ``key`` with ``inputs`` through ``client`` and return Sage's answer as JSON data.

    Raises :class:`UnknownActionError` for an unknown key, :class:`ActionInputError` (before any
    request) for bad inputs, and the client's :class:`~sage_accounting.SageError` subclasses for
    what Sage refuses.
    """
    return registry[key].run(client, inputs)


async def arun_action(client: AsyncSageAccounting, key: str, inputs: Mapping[str, Any] | None = None) -> Any:
    """:func:`run_action` on the async client."""
    return await registry[key].arun(client, inputs)


def manifest() -> dict[str, Any]:
    """The connection and every action, in the shape of ``component.json``."""
    return registry.manifest()
