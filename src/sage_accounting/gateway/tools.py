"""The gateway's tools: one :class:`ToolSpec` per action of the registry, and the toolsets.

Nothing here is written by hand per tool: names, titles, descriptions, input schemas and annotations
all come from the action registry (``sage_accounting.actions.registry``), so a new action becomes a
tool, governed by its declared access, without a second list to keep in step.

What the gateway adds to an action's own inputs:

- every tool takes an optional ``business_id`` (the agent's default business otherwise);
- a list takes ``limit`` (1..200), ``updated_since``, its endpoint's filters and an opaque ``cursor``
  (instead of Sage's ``items_per_page`` / ``page`` / ``fetchAll``) and returns
  ``{"items": [...], "next_cursor": ...}``;
- a write takes ``dry_run`` (nothing is sent: the exact request comes back) and ``idempotency_key``
  (a retry with the same key and arguments returns the first result without a second write).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..actions import Action

__all__ = [
    "MAX_LIMIT",
    "TOOLSETS",
    "CursorError",
    "ToolSpec",
    "all_tools",
    "decode_cursor",
    "encode_cursor",
    "parse_toolsets",
    "tool_specs",
]

MAX_LIMIT = 200
"""Sage's largest page: the most records one list call returns."""

TOOLSETS = ("contacts", "sales", "purchases", "bank", "products", "settings", "journals", "reference", "raw")
"""The toolsets a server can be limited to (``--toolsets sales,contacts``): the areas, plus ``reference``
(reference lists, businesses, the user)."""

Shape = Literal["list", "read", "write"]

# The action inputs a list tool replaces by its own arguments (by input key, as the seed names them).
_PAGE_SIZE = "itemsPerPage"
_PAGE = "page"
_FETCH_ALL = "fetchAll"
_SINCE = "updated_or_created_since"

BUSINESS_ID = "business_id"
LIMIT = "limit"
CURSOR = "cursor"
UPDATED_SINCE = "updated_since"
DRY_RUN = "dry_run"
IDEMPOTENCY_KEY = "idempotency_key"


class CursorError(ValueError):
    """A ``cursor`` that this gateway did not hand out (or that belongs to other filters)."""


@dataclass(frozen=True)
class ToolSpec:
    """One MCP tool: what ``tools/list`` shows and how a call maps onto its action.

    ``arg_keys`` maps each argument the action receives (its ``arg_name``) to the action's input key;
    ``renamed`` maps tool arguments that differ from the action's (``updated_since``) to the
    ``arg_name`` they feed.
    """

    name: str
    title: str
    description: str
    action: Action
    shape: Shape
    toolset: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    annotations: dict[str, bool]
    page_size_arg: str | None = None
    page_arg: str | None = None
    renamed: dict[str, str] = field(default_factory=dict)
    own_business_arg: bool = False
    """The action itself takes ``business_id`` (``sage_get_business``): it names the business too."""

    @property
    def is_write(self) -> bool:
        """Whether the tool changes data in Sage (takes ``dry_run`` and ``idempotency_key``)."""
        return self.shape == "write"

    def to_mcp(self) -> dict[str, Any]:
        """The tool as ``tools/list`` describes it (camelCase wire names)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "inputSchema": self.input_schema,
            "outputSchema": self.output_schema,
            "annotations": {"title": self.title, **self.annotations},
        }


# --- cursors -------------------------------------------------------------------------------------------


def _filters_digest(filters: Mapping[str, Any]) -> str:
    import hashlib

    text = json.dumps(filters, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(tool: str, page: int, filters: Mapping[str, Any]) -> str:
    """An opaque cursor for ``page`` of ``tool`` with these ``filters`` (the next call must repeat them)."""
    raw = json.dumps({"t": tool, "p": page, "f": _filters_digest(filters)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: Any, tool: str, filters: Mapping[str, Any]) -> int:
    """The page a cursor points at; :class:`CursorError` when it is not one of this tool's cursors."""
    if not isinstance(cursor, str) or not cursor:
        raise CursorError("cursor must be the next_cursor string of an earlier call")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        page = int(data["p"])
        owner, digest = data["t"], data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise CursorError("cursor is not a next_cursor this gateway returned") from None
    if owner != tool:
        raise CursorError(f"cursor belongs to {owner}, not {tool}")
    if digest != _filters_digest(filters) or page < 1:
        raise CursorError(
            "cursor was returned for other filters: repeat the same filters, or drop the cursor"
        )
    return page


# --- schemas -------------------------------------------------------------------------------------------

_RECORD_FALLBACK: dict[str, Any] = {"type": "object", "description": "The record as Sage returns it."}


def _record_schema(action: Action) -> dict[str, Any]:
    """The JSON schema of the action's record (its output model's, as the gateway serialises it)."""
    model = getattr(action, "output_model", None)
    if model is None:
        return dict(_RECORD_FALLBACK)
    try:
        schema: dict[str, Any] = model.model_json_schema(mode="serialization", by_alias=True)
    except Exception:  # a model pydantic cannot describe: the record stays an open object
        return dict(_RECORD_FALLBACK)
    return schema


def _hoist_defs(inner: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a model schema into (its ``$defs``, the schema without them) so it can be nested."""
    inner = copy.deepcopy(inner)
    defs = inner.pop("$defs", {})
    return defs, inner


def _output_schema(action: Action, shape: Shape) -> dict[str, Any]:
    defs, record = _hoist_defs(_record_schema(action))
    if shape == "list":
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": record, "description": "The records of this page."},
                "next_cursor": {
                    "type": ["string", "null"],
                    "description": "Pass as cursor (with the same filters) for the next page; null on the last.",
                },
            },
            "required": ["items", "next_cursor"],
        }
    else:
        statuses = ["done"] if shape == "read" else ["done", "dry_run", "held"]
        schema = {
            "type": "object",
            "properties": {
                "status": {
                    "type": "string",
                    "enum": statuses,
                    "description": "done: carried out; dry_run: nothing sent (see request); held: awaits a "
                    "human's approval (see approval_id).",
                },
                "record": {"anyOf": [record, {"type": "null"}], "description": "The record Sage returned."},
            },
            "required": ["status", "record"],
        }
        if shape == "write":
            schema["properties"]["request"] = {
                "type": "object",
                "description": "dry_run: the exact request that would be sent (method, path, params, json).",
            }
            schema["properties"]["approval_id"] = {
                "type": "string",
                "description": "held: the approval to wait for (a human runs `sage-accounting approvals approve ID`).",
            }
    if defs:
        schema["$defs"] = defs
    return schema


def _arg_names(action: Action) -> dict[str, str]:
    return {item.key: item.arg_name for item in action.inputs}


def _shape(action: Action) -> Shape:
    if action.kind == "list":
        return "list"
    return "read" if action.read_only else "write"


_STEER = (_PAGE_SIZE, _PAGE, _FETCH_ALL)


def _input_schema(
    action: Action, shape: Shape, names: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    base = copy.deepcopy(action.input_schema())
    props: dict[str, Any] = base.setdefault("properties", {})
    required: list[str] = list(base.get("required", []))
    renamed: dict[str, str] = {}
    if shape == "list":
        for key in _STEER:
            arg = names.get(key)
            if arg is not None:
                props.pop(arg, None)
                required = [r for r in required if r != arg]
        since = names.get(_SINCE)
        if since is not None and since in props:
            spec = props.pop(since)
            props[UPDATED_SINCE] = spec
            renamed[UPDATED_SINCE] = since
            required = [UPDATED_SINCE if r == since else r for r in required]
        props[LIMIT] = {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_LIMIT,
            "default": 20,
            "description": f"How many records to return (1..{MAX_LIMIT}, default 20).",
            "examples": [50],
        }
        props[CURSOR] = {
            "type": "string",
            "description": "The next_cursor of the previous call, to get the next page (repeat the same filters).",
        }
    if BUSINESS_ID not in props:
        props[BUSINESS_ID] = {
            "type": "string",
            "description": "The Sage business to act in; the agent's default business when left out.",
            "examples": ["a1b2c3d4e5f6"],
        }
    if shape == "write":
        props[DRY_RUN] = {
            "type": "boolean",
            "default": False,
            "description": "Check the arguments and the policy and return the exact request that would be "
            "sent, without sending anything.",
        }
        props[IDEMPOTENCY_KEY] = {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "Any unique string for this write: a retry with the same key and arguments returns "
            "the first result instead of writing twice.",
            "examples": ["invoice-2024-0042"],
        }
    base["type"] = "object"
    base["properties"] = props
    base["additionalProperties"] = False
    if required:
        base["required"] = required
    else:
        base.pop("required", None)
    return base, renamed


def _description(action: Action, shape: Shape) -> str:
    text = action.description.strip()
    if not text.endswith("."):
        text += "."
    parts = [text, f"Needs {action.access.describe()}."]
    if shape == "list":
        parts.append(
            "Returns {items, next_cursor}: pass next_cursor back as cursor (same filters) for the next page."
        )
    if shape == "write":
        parts.append(
            "Set dry_run to see the exact request without sending it; give an idempotency_key so that a "
            "retry never writes twice. A write may be held for a human's approval (the answer says so)."
        )
    return " ".join(parts)


def tool_spec(action: Action) -> ToolSpec:
    """The tool of one action."""
    shape = _shape(action)
    names = _arg_names(action)
    schema, renamed = _input_schema(action, shape, names)
    return ToolSpec(
        name=action.tool_name,
        title=action.title,
        description=_description(action, shape),
        action=action,
        shape=shape,
        toolset=action.toolset,
        input_schema=schema,
        output_schema=_output_schema(action, shape),
        annotations={
            "readOnlyHint": bool(action.read_only),
            "destructiveHint": bool(action.destructive) and not action.read_only,
            "idempotentHint": bool(action.idempotent),
            "openWorldHint": True,
        },
        page_size_arg=names.get(_PAGE_SIZE) if shape == "list" else None,
        page_arg=names.get(_PAGE) if shape == "list" else None,
        renamed=renamed,
        own_business_arg=BUSINESS_ID in names.values(),
    )


@cache
def all_tools() -> dict[str, ToolSpec]:
    """Every tool of the registry by name (built once per process)."""
    from ..actions import registry

    tools: dict[str, ToolSpec] = {}
    for action in registry.values():
        spec = tool_spec(action)
        if spec.name in tools:
            raise ValueError(f"two actions make the tool {spec.name}")
        tools[spec.name] = spec
    return tools


def parse_toolsets(text: str | Sequence[str] | None) -> frozenset[str] | None:
    """``"sales,contacts"`` -> the toolsets; None (every tool) for an empty value.

    Raises ``ValueError`` naming an unknown toolset.
    """
    if text is None:
        return None
    items: Iterable[str] = text.split(",") if isinstance(text, str) else text
    chosen = {item.strip().lower() for item in items if item and item.strip()}
    if not chosen:
        return None
    unknown = sorted(chosen - set(TOOLSETS))
    if unknown:
        raise ValueError(f"unknown toolset {unknown[0]!r} (toolsets: {', '.join(TOOLSETS)})")
    return frozenset(chosen)


def tool_specs(toolsets: frozenset[str] | None = None) -> dict[str, ToolSpec]:
    """The tools of ``toolsets`` (every tool when None), by name, in name order."""
    tools = all_tools()
    return {
        name: tools[name] for name in sorted(tools) if toolsets is None or tools[name].toolset in toolsets
    }
