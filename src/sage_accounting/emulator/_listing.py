"""Sage's list behaviour: filters, sorting, pagination, the envelope and ``attributes``."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from ._errors import ApiError
from ._resource import Ctx, Record, Resource
from ._store import Collection, Rows

BASE_KEYS = ("id", "displayed_as", "$path")
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 20


def parse_since(value: str, param: str) -> str:
    """An ISO timestamp (date, or date-time with offset or Z) as a UTC ``...Z`` string for comparing."""
    text = value.strip().replace(" ", "+")
    try:
        if len(text) == 10:
            moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        raise ApiError(400, "InvalidParameter", f"{param} is not a valid date or date-time", param) from None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(value: str, param: str) -> str:
    try:
        return datetime.fromisoformat(value.strip()[:10]).date().isoformat()
    except ValueError:
        raise ApiError(400, "InvalidParameter", f"{param} is not a valid date", param) from None


def int_param(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, "InvalidParameter", f"{name} must be an integer", name) from None


def project(record: Record, attributes: str | None, *, default_all: bool) -> Record:
    """Apply ``attributes``: the base keys plus the named ones (``all``: the whole record)."""
    if attributes is None or attributes == "":
        if default_all:
            return record
        return {k: record.get(k) for k in BASE_KEYS}
    if attributes.strip() == "all":
        return record
    wanted = {a.strip() for a in attributes.split(",") if a.strip()}
    return {k: v for k, v in record.items() if k in BASE_KEYS or k in wanted}


Resolver = Callable[[str], Record | None]


def _is_link(value: Any) -> bool:
    return isinstance(value, dict) and "$path" in value and "id" in value


def expand(record: Record, nested: str | None, resolve: Resolver) -> Record:
    """Apply ``nested_attributes``: links one level down become the linked records (``all``) or the link
    plus the named attributes. Only the first level, as Sage does, so there are no cycles."""
    if not nested:
        return record
    wanted = None if nested.strip() == "all" else {a.strip() for a in nested.split(",") if a.strip()}

    def one(link: Record) -> Record:
        target = resolve(str(link["$path"]))
        if target is None:
            return link
        if wanted is None:
            return target
        return {k: v for k, v in target.items() if k in BASE_KEYS or k in wanted}

    out: Record = {}
    for key, value in record.items():
        if _is_link(value):
            out[key] = one(value)
        elif isinstance(value, list) and value and all(_is_link(v) for v in value):
            out[key] = [one(v) for v in value]
        else:
            out[key] = value
    return out


def resolver(ctx: Ctx) -> Resolver:
    """Find the record behind a ``$path`` such as ``/contacts/<id>`` in the request's business."""

    def resolve(path: str) -> Record | None:
        parts = [p for p in path.split("/") if p]
        if len(parts) != 2 or parts[0] not in ctx.registry:
            return None
        try:
            return ctx.registry[parts[0]].retrieve(ctx, parts[1])
        except ApiError:
            return None

    return resolve


def select(resource: Resource, ctx: Ctx, params: dict[str, str]) -> Sequence[Record]:
    """The records a list request selects, in the order Sage returns them (insertion order, or ``sort``).

    A resource stored in its collection is answered from the collection's indexes, decoding only the page;
    one with its own ``records()`` (computed lists) is filtered in memory."""
    if "deleted_since" in params:
        since = parse_since(params["deleted_since"], "deleted_since")
        return [
            {k: d[k] for k in BASE_KEYS}
            for d in ctx.business.deleted.get(resource.name, [])
            if d["deleted_at"] > since
        ]
    answered = resource.listing(ctx, params)
    if answered is not None:
        return answered
    if type(resource).records is not Resource.records:
        return _select_in_memory(resource, ctx, params)
    collection = ctx.collection(resource.name)
    chosen: set[str] | None = None  # None: every record

    def narrow(ids: Iterable[str]) -> None:
        nonlocal chosen
        chosen = set(ids) if chosen is None else chosen.intersection(ids)

    if "updated_or_created_since" in params:
        narrow(
            collection.updated_since(
                parse_since(params["updated_or_created_since"], "updated_or_created_since")
            )
        )
    if resource.date_field and (params.get("from_date") or params.get("to_date")):
        start = parse_date(params["from_date"], "from_date") if params.get("from_date") else None
        end = parse_date(params["to_date"], "to_date") if params.get("to_date") else None
        narrow(collection.dated(start, end))
    for name, (index, normal) in resource.indexed_filters.items():
        value = params.get(name)
        if value is not None and value != "":
            narrow(collection.equal(index, normal(value)))
    needle = (params.get("search") or "").lower()
    scan: list[Callable[[Record], bool]] = []
    if needle:
        found = collection.search(needle)
        if found is None:  # too short for the index: check each record left
            fields = resource.search_fields
            scan.append(lambda r: any(needle in str(r.get(f) or "").lower() for f in fields))
        else:
            narrow(found)
    for name, predicate in resource.filters.items():
        value = params.get(name)
        if value is not None and value != "" and name not in resource.indexed_filters:
            scan.append(functools.partial(_holds, predicate, value))
    keys = sort_keys(resource, params.get("sort"))
    if keys and chosen is None and not scan and len(keys) == 1:
        key, descending = keys[0]
        entries = collection.sorted_ids(key)
        # descending: equal keys keep insertion order, as a stable sort would
        ids = _stable_descending(entries) if descending else [e[2] for e in entries]
        return Rows(collection, ids)
    ordered = collection.ordered_ids() if chosen is None else collection.in_order(chosen)
    if scan:
        ordered = [rid for rid in ordered if all(test(collection.view(rid)) for test in scan)]
    for key, descending in reversed(keys):
        ordered = sorted(ordered, key=functools.partial(_sort_key_of, collection, key), reverse=descending)
    return Rows(collection, ordered)


def _holds(predicate: Callable[[Record, str], bool], value: str, record: Record) -> bool:
    return predicate(record, value)


def _sort_key_of(collection: Collection, key: str, rid: str) -> tuple[bool, str]:
    return collection.sort_key_of(rid, key)


def _stable_descending(entries: list[tuple[Any, int, str]]) -> list[str]:
    """Ids by descending key, equal keys in insertion order (what ``sorted(..., reverse=True)`` gives)."""
    out: list[str] = []
    index = len(entries)
    while index > 0:
        start = bisect.bisect_left(entries, (entries[index - 1][0],), 0, index)
        out.extend(e[2] for e in entries[start:index])
        index = start
    return out


def sort_keys(resource: Resource, sort: str | None) -> list[tuple[str, bool]]:
    """``sort=a,b:desc`` as ``[(field, descending)]``; 400 for a field or direction Sage does not accept."""
    if not sort or not resource.sortable:
        return []
    keys: list[tuple[str, bool]] = []
    for part in [p for p in sort.split(",") if p]:
        key, _, direction = part.partition(":")
        if key not in resource.sortable:
            raise ApiError(400, "InvalidParameter", f"sort by {key!r} is not supported", "sort")
        if direction not in ("", "asc", "desc"):
            raise ApiError(
                400, "InvalidParameter", f"sort direction {direction!r} is not asc or desc", "sort"
            )
        keys.append((key, direction == "desc"))
    return keys


def _select_in_memory(resource: Resource, ctx: Ctx, params: dict[str, str]) -> list[Record]:
    items: list[Record] = list(resource.records(ctx))
    if "updated_or_created_since" in params:
        since = parse_since(params["updated_or_created_since"], "updated_or_created_since")
        items = [r for r in items if (r.get("updated_at") or "") >= since]
    if resource.date_field:
        if params.get("from_date"):
            start = parse_date(params["from_date"], "from_date")
            items = [r for r in items if (r.get(resource.date_field) or "") >= start]
        if params.get("to_date"):
            end = parse_date(params["to_date"], "to_date")
            items = [r for r in items if (r.get(resource.date_field) or "9999") <= end]
    search = params.get("search")
    if search:
        needle = search.lower()
        items = [
            r for r in items if any(needle in str(r.get(f) or "").lower() for f in resource.search_fields)
        ]
    for name, predicate in resource.filters.items():
        value = params.get(name)
        if value is not None and value != "":
            items = [r for r in items if predicate(r, value)]
    for key, descending in reversed(sort_keys(resource, params.get("sort"))):
        items.sort(key=_sort_key(key), reverse=descending)
    return items


def _sort_key(key: str) -> Callable[[Record], tuple[bool, str]]:
    def sort_key(record: Record) -> tuple[bool, str]:
        value = record.get(key)
        return (value is None, str(value or ""))

    return sort_key


def envelope(
    resource_path: str,
    items: Sequence[Record],
    params: dict[str, str],
    *,
    per_page_key: str = "$itemsPerPage",
    default_all: bool = False,
    resolve: Resolver | None = None,
    render: Callable[[Record], Record] | None = None,
) -> dict[str, Any]:
    """Paginate ``items`` into Sage's list envelope with relative ``$next``/``$back`` links."""
    per_page = min(max(int_param(params, "items_per_page", DEFAULT_PER_PAGE), 1), MAX_PER_PAGE)
    page = max(int_param(params, "page", 1), 1)
    total = len(items)
    last = max((total + per_page - 1) // per_page, 1)
    page = min(page, last)
    start = (page - 1) * per_page
    attributes = params.get("attributes")
    shown = items[start : start + per_page]
    if render is not None:
        shown = [render(r) for r in shown]
    chunk = [project(r, attributes, default_all=default_all) for r in shown]
    nested = params.get("nested_attributes")
    if nested and resolve is not None:
        chunk = [expand(r, nested, resolve) for r in chunk]
    others = [(k, v) for k, v in params.items() if k not in ("page", "items_per_page")]

    def link(target: int) -> str:
        return f"{resource_path}?" + urlencode([("page", target), ("items_per_page", per_page), *others])

    return {
        "$total": total,
        "$page": page,
        "$next": link(page + 1) if page < last else None,
        "$back": link(page - 1) if page > 1 else None,
        per_page_key: per_page,
        "$items": chunk,
    }
