"""From checked inputs to a Sage request, and the handlers of the declarative actions.

Each input's ``sage`` note says where its value goes: ``path`` (the ``{key}`` in the action's path),
``query NAME`` (a query parameter) or a body path (``contact.main_address.city``).  Only the inputs
that were given (or defaulted) are placed, which is what makes updates partial.  A defaulted value that
lands inside a nested object (``contact.main_address.is_main_address``) is only sent when that object
is sent anyway, so a default alone never creates an address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from .._pagination import Page
from ._registry import Action, ActionInput, Inputs

if TYPE_CHECKING:
    from .._client import SageAccounting

__all__ = ["SageRequest", "Target", "build_request", "list_records", "send", "target"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
FETCH_ALL_PAGE_SIZE = 200  # Sage's maximum items_per_page: the fewest round trips
FETCH_ALL_WINDOW = 8  # pages in flight while fetchAll walks a long list (Sage allows 150 per app)


@dataclass(frozen=True)
class Target:
    """Where an input goes: ``path`` (name = the input key), ``query`` (name = the parameter) or ``body``
    (name = a dotted path)."""

    where: Literal["path", "query", "body"]
    name: str


def target(item: ActionInput) -> Target | None:
    """Parse an input's ``sage`` note (``None`` for inputs that steer the action, such as ``fetchAll``)."""
    if not item.sage:
        return None
    spec = item.sage.split(" (", 1)[0].strip()
    if spec == "path":
        return Target("path", item.key)
    if spec.startswith("query "):
        return Target("query", spec.split()[1])
    return Target("body", spec)


@dataclass(frozen=True)
class SageRequest:
    """A request for the client: method, path under the API root, query parameters and JSON body."""

    method: str
    path: str
    params: dict[str, Any]
    body: dict[str, Any] | None


def _place(body: dict[str, Any], dotted: str, value: Any, *, only_into_existing: bool) -> None:
    parts = dotted.split(".")
    node = body
    for depth, part in enumerate(parts[:-1]):
        child = node.get(part)
        if not isinstance(child, dict):
            # A default may fill the wrapper object, never create a nested one on its own.
            if only_into_existing and depth > 0:
                return
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


def build_request(action: Action, values: Inputs) -> SageRequest:
    """The Sage request the inputs describe."""
    params: dict[str, Any] = {}
    body: dict[str, Any] = {}
    has_body = False
    deferred: list[tuple[str, Any]] = []
    for item in action.inputs:
        where = target(item)
        if where is None:
            continue
        if where.where == "body":
            has_body = True
        if item.key not in values:
            continue
        value = values[item.key]
        if where.where == "query":
            params[where.name] = value
        elif where.where == "body":
            if item.key in values.defaulted:
                deferred.append((where.name, value))
            else:
                _place(body, where.name, value, only_into_existing=False)
    for dotted, value in deferred:
        _place(body, dotted, value, only_into_existing=True)
    if has_body and not body and action.method in ("POST", "PUT"):
        # Every write is wrapped in its resource key ({"contact": {...}}), even when empty.
        wrappers = {t.name.split(".")[0] for i in action.inputs if (t := target(i)) and t.where == "body"}
        body = {wrappers.pop(): {}} if len(wrappers) == 1 else {}

    def fill(match: re.Match[str]) -> str:
        return quote(str(values[match.group(1)]), safe="")

    path = _PLACEHOLDER.sub(fill, action.path)
    return SageRequest(action.method, path, params, body if has_body else None)


def _answer(client: SageAccounting, request: SageRequest) -> Any:
    response = client.request(request.method, request.path, params=request.params or None, json=request.body)
    return response.json()


def send(action: Action, client: SageAccounting, values: Inputs) -> Any:
    """Handler of get, create, update, delete and verb actions: Sage's answer (``None`` for a 204)."""
    return _answer(client, build_request(action, values))


def _same(record: Any) -> Any:
    return record


def list_records(action: Action, client: SageAccounting, values: Inputs) -> Any:
    """Handler of list actions: one page (Sage's envelope), or with ``fetchAll`` every page.

    With ``fetchAll`` the answer keeps the envelope's shape: ``$items`` holds every record of every
    page, ``$total`` Sage's count, and ``$next``/``$back`` are ``None``.  Once ``$total`` is known the
    following pages are fetched a few at a time (``FETCH_ALL_WINDOW``), in order, exactly as a client
    list with ``prefetch`` walks them.
    """
    request = build_request(action, values)
    if not values.get("fetchAll"):
        return _answer(client, request)
    params = dict(request.params)
    params.setdefault("items_per_page", FETCH_ALL_PAGE_SIZE)
    response = client.request("GET", request.path, params=params)
    first = response.json()
    if not isinstance(first, Mapping) or "$items" not in first:
        return first

    def fetch(path: str, query: list[tuple[str, str]]) -> bytes:
        return client.request("GET", path, params=query).content

    window = min(FETCH_ALL_WINDOW, client.connection.limiter.max_concurrency)
    items = list(Page(response.content, fetch=fetch, parse=_same, path=request.path, prefetch=window))
    result = dict(first)
    result.update({"$total": first.get("$total", len(items)), "$next": None, "$back": None, "$items": items})
    return result
