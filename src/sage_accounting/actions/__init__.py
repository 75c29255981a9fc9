"""The Sage component's actions: one registry that the CLI, an MCP server and Python callers share.

Every action has a key (``createContact``, ``listPurchaseInvoice`` …), a label, a description, the
HTTP method and Sage path, its inputs (key, label, type, required, default, comments, example) and a
run function that takes a :class:`~sage_accounting.SageAccounting` client and the inputs::

    from sage_accounting.actions import run_action

    contact = run_action(sage, "createContact", {
        "name": "Acme Ltd", "contactTypeIds": "CUSTOMER", "creditLimit": "1500.50", "city": "Leeds",
    })

Inputs are checked and converted before anything is sent (a bad one raises
:class:`ActionInputError` naming it); results are Sage's JSON as plain data, money as Sage's strings.
:func:`manifest` describes the connection and every action in the shape of the component's
``component.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import raw, seed, wider
from ._inputs import ActionInputError, InputProblem
from ._registry import NO_DEFAULT, Action, ActionInput, Inputs, Registry, UnknownActionError

if TYPE_CHECKING:
    from .._client import SageAccounting

__all__ = [
    "NO_DEFAULT",
    "Action",
    "ActionInput",
    "ActionInputError",
    "InputProblem",
    "Inputs",
    "Registry",
    "UnknownActionError",
    "manifest",
    "registry",
    "run_action",
]

registry: Registry = Registry((*seed.ACTIONS, raw.ACTION, *wider.ACTIONS), seed.COMPONENT)
"""Every action, by key."""


def run_action(client: SageAccounting, key: str, inputs: Mapping[str, Any] | None = None) -> Any:
    """Run the action ``key`` with ``inputs`` through ``client`` and return Sage's answer as JSON data.

    Raises :class:`UnknownActionError` for an unknown key, :class:`ActionInputError` (before any
    request) for bad inputs, and the client's :class:`~sage_accounting.SageError` subclasses for
    what Sage refuses.
    """
    return registry[key].run(client, inputs)


def manifest() -> dict[str, Any]:
    """The connection and every action, in the shape of ``component.json``."""
    return registry.manifest()
