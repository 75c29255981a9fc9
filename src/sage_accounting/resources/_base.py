"""Resources declared once (path, wrapper key, model, verbs, filters) and bound to a sync or an async
client through small mixins."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from .._base_client import CallOptions, Timeout
from .._core import NOT_GIVEN, NotGiven, check_id, loads
from .._pagination import AsyncPage, AsyncPageRequest, Page

if TYPE_CHECKING:
    from .._base_client import AsyncPipeline, SyncPipeline
    from .._models import DeletedRecord, SageModel

M = TypeVar("M", bound="SageModel")
T = TypeVar("T")

# Filters every collection understands.
COMMON_LIST = frozenset({"page", "items_per_page", "attributes"})
DEFAULT_PREFETCH = 32


@dataclass(frozen=True)
class Endpoint:
    """What a resource is: its path, the key write bodies are wrapped in, its model and its filters.

    ``model`` is a model class or the name of one in :mod:`sage_accounting.types`; a name is resolved on
    first use, so the models (and pydantic) are imported only when a record is first read.
    """

    path: str
    model: type[SageModel] | str
    wrapper: str | None = None
    filters: frozenset[str] = field(default_factory=frozenset)
    retrieve_params: frozenset[str] = field(default_factory=frozenset)

    @property
    def model_class(self) -> type[SageModel]:
        """The model class records of this endpoint are read as."""
        if isinstance(self.model, str):
            from .. import types

            cls: type[SageModel] = getattr(types, self.model)
            return cls
        return self.model


def _options(
    business_id: str | NotGiven | None, max_retries: int | None, timeout: Timeout | NotGiven
) -> CallOptions:
    return CallOptions(business_id=business_id, max_retries=max_retries, timeout=timeout)


def _check_params(owner: str, allowed: frozenset[str], given: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - allowed)
    if unknown:
        allowed_text = ", ".join(sorted(allowed)) or "none"
        raise TypeError(
            f"{owner} got unexpected keyword argument(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {allowed_text}"
        )
    return {k: v for k, v in given.items() if v is not None}


def list_query(
    endpoint: Endpoint,
    owner: str,
    *,
    items_per_page: int | None,
    attributes: str | Sequence[str] | None,
    page: int | None,
    filters: Mapping[str, Any],
) -> dict[str, Any]:
    """The query of a list call, validated."""
    query = _check_params(f"{owner}.list()", endpoint.filters, filters)
    if items_per_page is not None:
        if isinstance(items_per_page, bool) or not isinstance(items_per_page, int):
            raise TypeError(f"items_per_page must be an integer, got {type(items_per_page).__name__}")
        if not 1 <= items_per_page <= 200:
            raise ValueError(
                f"items_per_page must be between 1 and 200 (Sage's maximum), got {items_per_page}"
            )
        query["items_per_page"] = items_per_page
    if page is not None:
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise ValueError(f"page must be an integer >= 1, got {page!r}")
        query["page"] = page
    if attributes is not None:
        if isinstance(attributes, str):
            query["attributes"] = attributes
        else:
            if isinstance(attributes, Mapping | bytes) or not isinstance(attributes, Iterable):
                raise TypeError(
                    "attributes must be 'all', a comma-separated string or a list of field names, "
                    f"got {type(attributes).__name__}"
                )
            names = [str(a) for a in attributes]
            if not names:
                raise ValueError("attributes must name at least one field (or be 'all')")
            query["attributes"] = ",".join(names)
    return query


def _raw(data: Any) -> dict[str, Any]:
    return cast(dict[str, Any], data)


def _stub(data: Any) -> DeletedRecord:
    from .._models import DeletedRecord

    return DeletedRecord.model_validate(data)


def deleted_query(endpoint: Endpoint, owner: str, since: Any, items_per_page: int) -> dict[str, Any]:
    """The query of a ``deleted()`` call, validated."""
    if "deleted_since" not in endpoint.filters:
        raise TypeError(
            f"{owner}.deleted(): Sage lists no deleted {endpoint.path.strip('/')} (no deleted_since "
            "filter); compare the ids of a full listing instead"
        )
    if since is None or isinstance(since, bool):
        raise TypeError(f"{owner}.deleted(): since must be an aware datetime or an ISO 8601 string")
    query = list_query(endpoint, owner, items_per_page=items_per_page, attributes=None, page=None, filters={})
    query["deleted_since"] = since
    return query


def check_limit(limit: int | None) -> None:
    """Refuse a ``limit`` (records to stop iterating after) that is not ``None`` or a count."""
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be an integer >= 0, got {limit!r}")


def prefetch_window(prefetch: bool | int, cap: int) -> int:
    """How many pages to keep in flight for ``prefetch``."""
    if prefetch is False or prefetch == 0:
        return 0
    if prefetch is True:
        return min(DEFAULT_PREFETCH, cap)
    if not isinstance(prefetch, int) or prefetch < 0:
        raise ValueError(f"prefetch must be True, False or a number of pages in flight, got {prefetch!r}")
    return min(prefetch, cap)


def write_body(endpoint: Endpoint, owner: str, body: Any, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The wrapped write body (``{"contact": {...}}``) from a mapping/model and/or keyword fields."""
    data: dict[str, Any]
    if body is None:
        data = {}
    elif isinstance(body, Mapping):
        data = dict(body)
    elif hasattr(body, "to_dict") and _is_model(body):
        data = body.to_dict()
    else:
        raise TypeError(f"{owner}: the body must be a mapping or a model, got {type(body).__name__}")
    wrapper = endpoint.wrapper
    if wrapper and set(data) == {wrapper} and isinstance(data[wrapper], Mapping):
        data = dict(data[wrapper])
    data.update(fields)
    if not data:
        raise ValueError(f"{owner}: nothing to send (give a body or fields)")
    return {wrapper: data} if wrapper else data


def _is_model(value: Any) -> bool:
    from .._models import SageModel

    return isinstance(value, SageModel)


class _Resource(Generic[M]):
    _endpoint: ClassVar[Endpoint]

    def _parse(self, data: Any) -> M:
        from .._parse import parse

        return cast(M, parse(self._endpoint.model_class, data))

    def _parser(self) -> Callable[[Any], M]:
        """``_parse`` with the model looked up once (a list parses thousands of records)."""
        from .._parse import parse

        return cast("Callable[[Any], M]", functools.partial(parse, self._endpoint.model_class))

    def _item_path(self, id: str) -> str:
        return f"{self._endpoint.path}/{check_id(id)}"

    @property
    def _owner(self) -> str:
        return type(self).__name__.removeprefix("Async").lower()

    def _list_query(
        self,
        items_per_page: int | None,
        attributes: str | Sequence[str] | None,
        page: int | None,
        filters: Mapping[str, Any],
    ) -> dict[str, Any]:
        return list_query(
            self._endpoint,
            self._owner,
            items_per_page=items_per_page,
            attributes=attributes,
            page=page,
            filters=filters,
        )


class SyncResource(_Resource[M]):
    """A resource bound to a :class:`SageAccounting` client."""

    def __init__(self, client: SyncPipeline) -> None:
        self._client = client


class AsyncResource(_Resource[M]):
    """A resource bound to an :class:`AsyncSageAccounting` client."""

    def __init__(self, client: AsyncPipeline) -> None:
        self._client = client


# --- sync verbs -----------------------------------------------------------------------------------


class ListMixin(SyncResource[M]):
    def list(
        self,
        *,
        items_per_page: int | None = None,
        attributes: str | Sequence[str] | None = None,
        page: int | None = None,
        limit: int | None = None,
        prefetch: bool | int = False,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **filters: Any,
    ) -> Page[M]:
        """The first page of records; iterate the page to walk every page lazily.

        ``items_per_page`` (1–200), ``attributes`` (``"all"`` or field names), ``limit`` (stop
        iterating after that many records), ``prefetch`` (fetch following pages concurrently:
        ``True`` or a number of pages in flight) and the endpoint's filters as keywords
        (``updated_or_created_since`` accepts an aware ``datetime``).
        """
        query = self._list_query(items_per_page, attributes, page, filters)
        return self._walk(query, self._parser(), limit, prefetch, business_id, max_retries, timeout)

    def list_raw(
        self,
        *,
        items_per_page: int | None = None,
        attributes: str | Sequence[str] | None = None,
        page: int | None = None,
        limit: int | None = None,
        prefetch: bool | int = False,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **filters: Any,
    ) -> Page[dict[str, Any]]:
        """Same as :meth:`list`, records as the decoded JSON Sage sent (plain dicts, no models).

        For code that stores records as they are (the sync): nothing is validated or converted, so a
        long walk spends its time on the network.
        """
        query = self._list_query(items_per_page, attributes, page, filters)
        return self._walk(query, _raw, limit, prefetch, business_id, max_retries, timeout)

    def deleted(
        self,
        since: Any,
        *,
        items_per_page: int = 200,
        limit: int | None = None,
        prefetch: bool | int = False,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Page[DeletedRecord]:
        """The records deleted after ``since`` (an aware ``datetime`` or ISO 8601 text; Sage's
        ``deleted_since``, exclusive), as :class:`~sage_accounting.types.DeletedRecord` stubs.

        Only resources whose Sage endpoint has ``deleted_since``; others raise ``TypeError``.
        """
        query = deleted_query(self._endpoint, self._owner, since, items_per_page)
        return self._walk(query, _stub, limit, prefetch, business_id, max_retries, timeout)

    def _walk(
        self,
        query: dict[str, Any],
        parse: Callable[[Any], T],
        limit: int | None,
        prefetch: bool | int,
        business_id: str | NotGiven | None,
        max_retries: int | None,
        timeout: Timeout | NotGiven,
    ) -> Page[T]:
        check_limit(limit)
        opts = _options(business_id, max_retries, timeout)
        client = self._client

        def fetch(path: str, q: Any) -> bytes:
            return client._send("GET", path, params=q, opts=opts).content

        path = self._endpoint.path
        return Page(
            fetch(path, query),
            fetch=fetch,
            parse=parse,
            path=path,
            limit=limit,
            prefetch=prefetch_window(prefetch, client.connection.limiter.max_concurrency),
        )


class RetrieveMixin(SyncResource[M]):
    def retrieve(
        self,
        id: str,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **params: Any,
    ) -> M:
        """One record by id."""
        query = _check_params(f"{self._owner}.retrieve()", self._endpoint.retrieve_params, params)
        response = self._client._send(
            "GET", self._item_path(id), params=query, opts=_options(business_id, max_retries, timeout)
        )
        return self._parse(loads(response.content))


class CreateMixin(SyncResource[M]):
    def create(
        self,
        body: Mapping[str, Any] | SageModel | None = None,
        /,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **fields: Any,
    ) -> M:
        """Create a record from a mapping (Sage's field names) and/or keyword fields.

        The body is wrapped for you (``{"contact": {...}}``).  A POST is never retried after a timeout
        or a 5xx: the error says the record may exist and how to check.
        """
        data = write_body(self._endpoint, f"{self._owner}.create()", body, fields)
        response = self._client._send(
            "POST", self._endpoint.path, json_body=data, opts=_options(business_id, max_retries, timeout)
        )
        return self._parse(loads(response.content))


class UpdateMixin(SyncResource[M]):
    def update(
        self,
        id: str,
        body: Mapping[str, Any] | SageModel | None = None,
        /,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **fields: Any,
    ) -> M:
        """Change the given fields of a record (fields left out stay as they are)."""
        data = write_body(self._endpoint, f"{self._owner}.update()", body, fields)
        response = self._client._send(
            "PUT", self._item_path(id), json_body=data, opts=_options(business_id, max_retries, timeout)
        )
        return self._parse(loads(response.content))


class DeleteMixin(SyncResource[M]):
    def delete(
        self,
        id: str,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete a record (Sage answers 204)."""
        self._client._send("DELETE", self._item_path(id), opts=_options(business_id, max_retries, timeout))


# --- async verbs ----------------------------------------------------------------------------------


class AsyncListMixin(AsyncResource[M]):
    def list(
        self,
        *,
        items_per_page: int | None = None,
        attributes: str | Sequence[str] | None = None,
        page: int | None = None,
        limit: int | None = None,
        prefetch: bool | int = False,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **filters: Any,
    ) -> AsyncPageRequest[M]:
        """``await`` it for the first page, or ``async for`` over it to walk every record.

        Same arguments as the sync ``list()``.
        """
        query = self._list_query(items_per_page, attributes, page, filters)
        return self._walk(query, self._parser(), limit, prefetch, business_id, max_retries, timeout)

    def list_raw(
        self,
        *,
        items_per_page: int | None = None,
        attributes: str | Sequence[str] | None = None,
        page: int | None = None,
        limit: int | None = None,
        prefetch: bool | int = False,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **filters: Any,
    ) -> AsyncPageRequest[dict[str, Any]]:
        """Same as :meth:`list`, records as the decoded JSON Sage sent (plain dicts, no models)."""
        query = self._list_query(items_per_page, attributes, page, filters)
        return self._walk(query, _raw, limit, prefetch, business_id, max_retries, timeout)

    def deleted(
        self,
        since: Any,
        *,
        items_per_page: int = 200,
        limit: int | None = None,
        prefetch: bool | int = False,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> AsyncPageRequest[DeletedRecord]:
        """The records deleted after ``since``, as deletion stubs (see the sync ``deleted()``)."""
        query = deleted_query(self._endpoint, self._owner, since, items_per_page)
        return self._walk(query, _stub, limit, prefetch, business_id, max_retries, timeout)

    def _walk(
        self,
        query: dict[str, Any],
        parse: Callable[[Any], T],
        limit: int | None,
        prefetch: bool | int,
        business_id: str | NotGiven | None,
        max_retries: int | None,
        timeout: Timeout | NotGiven,
    ) -> AsyncPageRequest[T]:
        check_limit(limit)
        opts = _options(business_id, max_retries, timeout)
        client = self._client
        window = prefetch_window(prefetch, client.connection.limiter.max_concurrency)
        path = self._endpoint.path

        async def fetch(p: str, q: Any) -> bytes:
            response = await client._send("GET", p, params=q, opts=opts)
            return response.content

        async def first() -> AsyncPage[T]:
            return AsyncPage(
                await fetch(path, query),
                fetch=fetch,
                parse=parse,
                path=path,
                limit=limit,
                prefetch=window,
            )

        return AsyncPageRequest(first)


class AsyncRetrieveMixin(AsyncResource[M]):
    async def retrieve(
        self,
        id: str,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **params: Any,
    ) -> M:
        """One record by id."""
        query = _check_params(f"{self._owner}.retrieve()", self._endpoint.retrieve_params, params)
        response = await self._client._send(
            "GET", self._item_path(id), params=query, opts=_options(business_id, max_retries, timeout)
        )
        return self._parse(loads(response.content))


class AsyncCreateMixin(AsyncResource[M]):
    async def create(
        self,
        body: Mapping[str, Any] | SageModel | None = None,
        /,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **fields: Any,
    ) -> M:
        """Create a record (see the sync ``create()``)."""
        data = write_body(self._endpoint, f"{self._owner}.create()", body, fields)
        response = await self._client._send(
            "POST", self._endpoint.path, json_body=data, opts=_options(business_id, max_retries, timeout)
        )
        return self._parse(loads(response.content))


class AsyncUpdateMixin(AsyncResource[M]):
    async def update(
        self,
        id: str,
        body: Mapping[str, Any] | SageModel | None = None,
        /,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        **fields: Any,
    ) -> M:
        """Change the given fields of a record."""
        data = write_body(self._endpoint, f"{self._owner}.update()", body, fields)
        response = await self._client._send(
            "PUT", self._item_path(id), json_body=data, opts=_options(business_id, max_retries, timeout)
        )
        return self._parse(loads(response.content))


class AsyncDeleteMixin(AsyncResource[M]):
    async def delete(
        self,
        id: str,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete a record (Sage answers 204)."""
        await self._client._send(
            "DELETE", self._item_path(id), opts=_options(business_id, max_retries, timeout)
        )


# Shorthand bundles.
class ReadOnly(ListMixin[M], RetrieveMixin[M]):
    """``list`` and ``retrieve``."""


class AsyncReadOnly(AsyncListMixin[M], AsyncRetrieveMixin[M]):
    """``list`` and ``retrieve``."""


class CRUD(ListMixin[M], RetrieveMixin[M], CreateMixin[M], UpdateMixin[M], DeleteMixin[M]):
    """``list``, ``retrieve``, ``create``, ``update`` and ``delete``."""


class AsyncCRUD(
    AsyncListMixin[M], AsyncRetrieveMixin[M], AsyncCreateMixin[M], AsyncUpdateMixin[M], AsyncDeleteMixin[M]
):
    """``list``, ``retrieve``, ``create``, ``update`` and ``delete``."""
