"""The five actions of a plain Sage resource (list, get, create, update, delete) from one declaration."""

from __future__ import annotations

from ._access import Access
from ._common import action, list_inputs, path_id, sorted_inputs
from ._registry import Action, ActionInput

__all__ = ["crud", "spaced"]


def crud(
    *,
    name: str,
    plural: str,
    path: str,
    noun: str,
    group: str,
    reads: Access,
    writes: Access,
    toolset: str,
    model: str,
    filters: tuple[ActionInput, ...],
    create: tuple[ActionInput, ...],
    update: tuple[ActionInput, ...],
    delete_note: str = "",
) -> list[Action]:
    """list/get/create/update/delete actions of one resource (``name``: ``BankAccount``): reads need
    ``reads``, the rest ``writes``."""
    id_key = name[0].lower() + name[1:] + "Id"
    label = spaced(name)
    the_id = path_id(id_key, f"{label} Id", f"a {noun}")
    item = f"{path}/{{{id_key}}}"
    return [
        action(f"list{plural}", f"List {spaced(plural)}", f"List all {noun}s", "GET", path,
               list_inputs(*filters), kind="list", access=reads, model=model, group=group, toolset=toolset),
        action(f"get{name}", f"Get {label}", f"Get the information and metadata of a {noun} by Id", "GET", item,
               (the_id,), kind="get", access=reads, model=model, group=group, toolset=toolset),
        action(f"create{name}", f"Create {label}", f"Create a new {noun}", "POST", path, sorted_inputs([*create]),
               kind="create", access=writes, model=model, group=group, toolset=toolset),
        action(f"update{name}", f"Update {label}", f"Update a {noun} by Id (only the inputs given are changed)",
               "PUT", item, sorted_inputs([the_id, *update]), kind="update", access=writes, model=model,
               group=group, toolset=toolset),
        action(f"delete{name}", f"Delete {label}", f"Delete a {noun} by Id{delete_note}", "DELETE", item,
               (the_id,), kind="delete", access=writes, group=group, toolset=toolset),
    ]  # fmt: skip


def _words(name: str) -> list[str]:
    out: list[str] = []
    for ch in name:
        if ch.isupper() or not out:
            out.append(ch)
        else:
            out[-1] += ch
    return out


def spaced(name: str) -> str:
    """``BankAccount`` -> ``Bank Account``."""
    return " ".join(_words(name))
