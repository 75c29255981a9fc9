"""Render ``docs/actions.md`` from the registry (``python -m sage_accounting.actions.docs`` writes it)."""

from __future__ import annotations

import json
from typing import Any

from ._registry import Action, ActionInput, Registry

__all__ = ["GROUP_ORDER", "render_docs"]

GROUP_ORDER = (
    "Contacts",
    "Sales",
    "Purchases",
    "Payments",
    "Banking",
    "Chart of accounts",
    "Products & services",
    "Taxes",
    "Journals",
    "Businesses & user",
    "Reference lists",
    "Raw request",
)

_INTRO = """\
<!-- Generated from the action registry by `python -m sage_accounting.actions.docs`: do not edit by hand. -->

# Actions of the Sage component

{count} actions: the {seed} of the component's documentation (same keys, inputs, required flags and
defaults; list actions also take `fetchAll`, `attributes` and their endpoint's filters) and the
wider API's, named in the same style.

```python
from sage_accounting.actions import registry, run_action

invoice = run_action(sage, "createSalesInvoice", {{
    "contactId": "…", "date": "2024-01-31",
    "invoiceLines": '[{{"description": "Consulting", "ledger_account_id": "…", "quantity": "2", '
                    '"unit_price": "150.00", "tax_rate_id": "GB_STANDARD"}}]',
}})
registry["listContacts"].inputs  # the declarations below, as data
```

How inputs are read, before anything is sent:

- Numbers and dates may be given as text (`"350.00"`, `"30"`, `"2024-01-31"`); money becomes `Decimal`,
  never float. Booleans accept `true`/`false` text. `None` and blank text count as not given.
- `code` inputs (invoice lines …) take a list of objects in Sage's field names or the same as JSON text;
  each object is checked (`invoiceLines[2].unit_price is required`). `string list` inputs take a list or
  comma-separated text. Key-value lists take `[{{"key": …, "value": …}}]`, pairs, a mapping or `key: value` lines.
- Unknown inputs are refused. A bad input raises `ActionInputError` naming the input; nothing is sent.
- Update actions send only the inputs given: a field left out keeps its value in Sage.
- Results are Sage's JSON as it answered (money as strings). With `fetchAll` a list returns one envelope
  with every record in `$items`, in order, and Sage's `$total`; after the first page the others are
  fetched up to 8 at a time. Deletes return what Sage returned: the voided record
  for sales invoices and credit notes, `null` for a 204.

Every action is also a tool for AI agents (`registry.by_tool_name("sage_create_sales_invoice")`): its
tool name, the toolset it belongs to, and what it needs in Sage's role areas (Contacts, Sales, Purchases,
Bank, Products & Services, Settings, Journals; `rawRequest` its own `raw` area) — Read or Full in any
one of the areas named. A tool takes the inputs by their snake_case names (`contactId` → `contact_id`),
described by `action.input_schema()` (a JSON Schema); `action.build_request(inputs)` shows the request
it would send, without sending it.

`sage-accounting actions describe --json` (and `sage_accounting.actions.manifest()`) gives the same in
the shape of the component's `component.json`.
"""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(value: str) -> str:
    return f"`{value}`" if value else ""


def _input_row(item: ActionInput) -> str:
    default = json.dumps(item.default) if item.has_default else ""
    cells = [
        f"`{item.key}`",
        _cell(item.label),
        _cell(item.manifest_type),
        "yes" if item.required else "",
        _code(_cell(default)),
        _cell(item.convert.describe()),
        _code(_cell(item.sage or "")),
        _cell(item.comments),
        _code(_cell(item.example or "")),
    ]
    return "| " + " | ".join(cells) + " |"


def _action(action: Action, seed_keys: frozenset[str]) -> list[str]:
    origin = "from the component's documentation" if action.key in seed_keys else "wider API"
    flags = [name for name, on in (("read-only", action.read_only), ("destructive", action.destructive),
                                   ("idempotent", action.idempotent)) if on]  # fmt: skip
    lines = [
        f"### `{action.key}` — {action.label}",
        "",
        f"{action.description}. `{action.method} {action.path}` ({origin}).",
        "",
        f"Tool `{action.tool_name}` ({action.title}; toolset `{action.toolset}`): needs "
        f"{action.access.describe()}; {', '.join(flags) or 'not idempotent'}.",
        "",
    ]
    if not action.inputs:
        return [*lines, "No inputs.", ""]
    lines += [
        "| Input | Label | Type | Required | Default | Accepts | Sage | Notes | Example |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(_input_row(item) for item in action.inputs),
        "",
    ]
    return lines


def _anchor(action: Action) -> str:
    text = f"{action.key} — {action.label}".lower()
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def render_docs(registry: Registry, seed_keys: frozenset[str]) -> str:
    """The Markdown of ``docs/actions.md``."""
    groups = registry.groups()
    order = [g for g in GROUP_ORDER if g in groups] + sorted(set(groups) - set(GROUP_ORDER))
    seed_count = sum(1 for key in registry if key in seed_keys)
    out = [_INTRO.format(count=len(registry), seed=seed_count), "## Contents", ""]
    for group in order:
        links = ", ".join(f"[`{a.key}`](#{_anchor(a)})" for a in groups[group])
        out.append(f"- **{group}**: {links}")
    out += [
        "",
        "## Connection",
        "",
        "| Input | Label | Required | Default | Notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for item in registry.manifest()["connection"]["inputs"]:
        default = f"`{_cell(item['default'])}`" if "default" in item else ""
        required = "yes" if item.get("required") else ""
        out.append(
            f"| `{item['key']}` | {_cell(item['label'])} | {required} | {default} | {_cell(item.get('comments'))} |"
        )
    out.append("")
    for group in order:
        out += [f"## {group}", ""]
        for action in groups[group]:
            out += _action(action, seed_keys)
    return "\n".join(out).rstrip() + "\n"
