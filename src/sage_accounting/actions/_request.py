"""From checked inputs to a Sage request, and the handlers that send it (sync and async).

Each input's target says where its value goes: :class:`Path` (the ``{key}`` in the action's path),
:class:`Query` (a query parameter) or :class:`Body` (a place in the JSON body).  Only the inputs that
were given (or defaulted) are placed, which is what makes updates partial.  A defaulted value that
lands inside a nested object (``contact.main_address.is_main_address``) is only sent when that object
is sent anyway, so a default alone never creates an address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .._pagination import AsyncPage, Page
from ._registry import Action, Inputs, PreparedRequest
from ._targets import Body, Query

if TYPE_CHECKING:
    from .._client import AsyncSageAccounting, SageAccounting

__all__ = [
    "FETCH_ALL_PAGE_SIZE",
    "FETCH_ALL_WINDOW",
    "alist_records",
    "asend",
    "list_records",
    "prepare",
    "send",
]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
FETCH_ALL_PAGE_SIZE = 200  # Sage's maximum items_per_page: the fewest round trips
FETCH_ALL_WINDOW = 8  # pages in flight while fetchAll walks a long list (Sage allows 150 per app)


def _place(body: dict[str, Any], path: tuple[str, ...], value: Any, *, only_into_existing: bool) -> None:
    node = body
    for depth, part in enumerate(path[:-1]):
        child = node.get(part)
        if not isinstance(child, dict):
            # A default may fill the wrapper object, never create a nested one on its own.
            if only_into_existing and depth > 0:
                return
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def prepare(action: Action, values: Inputs) -> PreparedRequest:
    """The Sage request the inputs describe (a ``fetchAll`` list: its first page, 200 records)."""
    params: dict[str, Any] = {}
    body: dict[str, Any] = {}
    wrappers: set[str] = set()
    deferred: list[tuple[tuple[str, ...], Any]] = []
    for item in action.inputs:
        where = item.target
        if isinstance(where, Body):
            wrappers.add(where.wrapper)
        if where is None or item.key not in values:
            continue
        value = values[item.key]
        if isinstance(where, Query):
            params[where.name] = value
        elif isinstance(where, Body):
            if item.key in values.defaulted:
                deferred.append((where.path, value))
            else:
                _place(body, where.path, value, only_into_existing=False)
    for place, value in deferred:
        _place(body, place, value, only_into_existing=True)
    if wrappers and not body and action.method in ("POST", "PUT"):
        # Every write is wrapped in its resource key ({"contact": {...}}), even when empty.
        body = {next(iter(wrappers)): {}} if len(wrappers) == 1 else {}
    if action.kind == "list" and values.get("fetchAll"):
        params.setdefault("items_per_page", FETCH_ALL_PAGE_SIZE)

    def fill(match: re.Match[str]) -> str:
        return quote(str(values[match.group(1)]), safe="")

    path = _PLACEHOLDER.sub(fill, action.path)
    return PreparedRequest(action.method, path, params, body if wrappers else None)


def send(action: Action, client: SageAccounting, values: Inputs) -> Any:
    """Handler of get, create, update, delete and verb actions: Sage's answer (``None`` for a 204)."""
    request = action.build_request(values)
    response = client.request(request.method, request.path, params=request.params or None, json=request.json)
    return response.json()


async def asend(action: Action, client: AsyncSageAccounting, values: Inputs) -> Any:
    """:func:`send` on the async client."""
    request = action.build_request(values)
    response = await client.request(
        request.method, request.path, params=request.params or None, json=request.json
    )
    return response.json()


def _same(record: Any) -> Any:
    return record


def _envelope(first: Mapping[str, Any], items: list[Any]) -> dict[str, Any]:
    result = dict(first)
    result.update({"$total": first.get("$total", len(items)), "$next": None, "$back": None, "$items": items})
    return result


def list_records(action: Action, client: SageAccounting, values: Inputs) -> Any:
    """Handler of list actions: one page (Sage's envelope), or with ``fetchAll`` every page.

    With ``fetchAll`` the answer keeps the envelope's shape: ``$items`` holds every record of every
    page, ``$total`` Sage's count, and ``$next``/``$back`` are ``None``.  Once ``$total`` is known the
    following pages are fetched a few at a time (``FETCH_ALL_WINDOW``), in order, exactly as a client
    list with ``prefetch`` walks them.
    """
    request = action.build_request(values)
    response = client.request("GET", request.path, params=request.params or None)
    if not values.get("fetchAll"):
        return response.json()
    first = response.json()
    if not isinstance(first, Mapping) or "$items" not in first:
        return first

    def fetch(path: str, query: list[tuple[str, str]]) -> bytes:
        return client.request("GET", path, params=query).content

    window = min(FETCH_ALL_WINDOW, client.connection.limiter.max_concurrency)
    items = list(Page(response.content, fetch=fetch, parse=_same, path=request.path, prefetch=window))
    return _envelope(first, items)


async def alist_records(action: Action, client: AsyncSageAccounting, values: Inputs) -> Any:
    """:func:`list_records` on the async client."""
    request = action.build_request(values)
    response = await client.request("GET", request.path, params=request.params or None)
    if not values.get("fetchAll"):
        return response.json()
    first = response.json()
    if not isinstance(first, Mapping) or "$items" not in first:
        return first

    async def fetch(path: str, query: list[tuple[str, str]]) -> bytes:
        return (await client.request("GET", path, params=query)).content

    window = min(FETCH_ALL_WINDOW, client.connection.limiter.max_concurrency)
    page = AsyncPage(response.content, fetch=fetch, parse=_same, path=request.path, prefetch=window)
    items = [record async for record in page]
    return _envelope(first, items)
