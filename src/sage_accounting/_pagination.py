"""Pages of Sage's list envelope (``$total``, ``$page``, ``$next``, ``$back``, ``$itemsPerPage``,
``$items``) and lazy iteration over every page.

``list()`` returns the first page; iterating the page walks every following page through ``$next``,
one request at a time, only as far as the caller reads, parsing each record as it is read.  With ``prefetch`` the remaining pages are
requested concurrently once ``$total`` is known (a bounded window of pages in flight, within the
connection's concurrency cap) and records are still yielded in order.

A fetch returns a page's raw JSON body.  Prefetched pages wait as bytes and are decoded and turned into
records one at a time as the caller reads: records the caller drops die young, so Python's cyclic
garbage collector stays cheap, and the fetch threads spend their time on the network, not on parsing.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from ._core import loads, split_relative

__all__ = ["AsyncPage", "AsyncPageRequest", "Page"]

T = TypeVar("T")
Query = list[tuple[str, str]]
SyncFetch = Callable[[str, Query], bytes]
"""Fetch one page: ``(path, query) -> raw JSON body``."""
AsyncFetch = Callable[[str, Query], Awaitable[bytes]]


def envelope(body: bytes, path: str) -> Mapping[str, Any]:
    """Decode a list answer, checking it is Sage's envelope."""
    data = loads(body)
    if not isinstance(data, Mapping) or "$items" not in data:
        raise ValueError(f"expected a list envelope with $items from {path}, got {type(data).__name__}")
    return data


class _PageData(Generic[T]):
    """Fields shared by the sync and async page."""

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        parse: Callable[[Any], T],
        path: str,
        limit: int | None,
        prefetch: int,
    ) -> None:
        raw_items = data.get("$items") or []
        self.items: list[T] = [parse(item) for item in raw_items]
        """The records on this page."""
        self.total: int | None = data.get("$total")
        """``$total``: the number of records across all pages."""
        self.page: int = int(data.get("$page") or 1)
        """``$page``: this page's number (from 1)."""
        self.next: str | None = data.get("$next")
        """``$next``: the relative path of the next page, or ``None`` on the last one."""
        self.back: str | None = data.get("$back")
        """``$back``: the relative path of the previous page, or ``None``."""
        ipp = data.get("$itemsPerPage", data.get("$items_per_page"))
        self.items_per_page: int = int(ipp) if ipp else max(len(self.items), 1)
        """``$itemsPerPage`` (``$items_per_page`` on ``/businesses``)."""
        self._parse = parse
        self._path = path
        self._limit = limit
        self._prefetch = prefetch

    def has_next_page(self) -> bool:
        """Whether a following page exists."""
        return bool(self.next)

    def _remaining_queries(self) -> tuple[str, list[Query]]:
        """The path and the queries of every page after this one that iterating will read (for
        prefetch): up to the last page, or as far as ``limit`` reaches."""
        if not self.next or not self.total:
            return self._path, []
        path, query = split_relative(self.next)
        base = [(k, v) for k, v in query if k not in ("page", "items_per_page")]
        base.append(("items_per_page", str(self.items_per_page)))
        last = math.ceil(self.total / self.items_per_page)
        if self._limit is not None:
            wanted = max(self._limit - len(self.items), 0)
            last = min(last, self.page + math.ceil(wanted / self.items_per_page))
        return path, [[*base, ("page", str(n))] for n in range(self.page + 1, last + 1)]

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} page={self.page} items={len(self.items)} total={self.total} "
            f"next={self.next!r}>"
        )


class Page(_PageData[T]):
    """One page of a list; iterate it to walk every record of every following page lazily.

    >>> for contact in client.contacts.list(items_per_page=200):  # doctest: +SKIP
    ...     print(contact.name)
    """

    def __init__(
        self,
        body: bytes,
        *,
        fetch: SyncFetch,
        parse: Callable[[Any], T],
        path: str,
        limit: int | None = None,
        prefetch: int = 0,
    ) -> None:
        super().__init__(envelope(body, path), parse=parse, path=path, limit=limit, prefetch=prefetch)
        self._fetch = fetch

    def _make(self, body: bytes, path: str) -> Page[T]:
        return Page(body, fetch=self._fetch, parse=self._parse, path=path, limit=self._limit, prefetch=0)

    def next_page(self) -> Page[T] | None:
        """Fetch the following page (``None`` on the last page)."""
        if not self.next:
            return None
        path, query = split_relative(self.next)
        return self._make(self._fetch(path, query), path)

    def iter_pages(self) -> Iterator[Page[T]]:
        """This page and every following one, fetched one at a time."""
        page: Page[T] | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        limit = self._limit
        if limit is not None and limit <= 0:
            return iter(())
        source = self._iter_prefetch() if self._prefetch > 1 else self._iter_sequential()
        return _take(source, limit)

    def _iter_sequential(self) -> Iterator[T]:
        yield from self.items
        link = self.next
        while link:
            path, query = split_relative(link)
            data = envelope(self._fetch(path, query), path)
            link = data.get("$next")
            yield from _drain(data.get("$items") or [], self._parse)

    def _iter_prefetch(self) -> Generator[T, None, None]:
        path, queries = self._remaining_queries()
        if not queries:
            yield from self.items
            return
        window = min(self._prefetch, len(queries))
        pool = ThreadPoolExecutor(max_workers=window, thread_name_prefix="sage-prefetch")
        pending: deque[Future[bytes]] = deque()
        todo = deque(queries)
        try:
            # The following pages are on their way while the caller reads this one.
            while todo and len(pending) < window:
                pending.append(pool.submit(self._fetch, path, todo.popleft()))
            yield from self.items
            while pending:
                data = envelope(pending.popleft().result(), path)
                if todo:
                    pending.append(pool.submit(self._fetch, path, todo.popleft()))
                yield from _drain(data.get("$items") or [], self._parse)
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)


def _drain(raw_items: list[Any], parse: Callable[[Any], T]) -> Iterator[T]:
    """Parse a page's raw records one at a time as they are read, letting go of each raw record once
    parsed: a record the caller drops is freed young, which keeps Python's cyclic collector cheap."""
    for i in range(len(raw_items)):
        raw, raw_items[i] = raw_items[i], None
        record = parse(raw)
        del raw
        yield record
        del record


def _take(source: Iterator[T], limit: int | None) -> Iterator[T]:
    if limit is None:
        yield from source
        return
    count = 0
    try:
        for item in source:
            yield item
            count += 1
            if count >= limit:
                return
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


class AsyncPage(_PageData[T]):
    """Async twin of :class:`Page`: ``async for`` walks every record of every following page."""

    def __init__(
        self,
        body: bytes,
        *,
        fetch: AsyncFetch,
        parse: Callable[[Any], T],
        path: str,
        limit: int | None = None,
        prefetch: int = 0,
    ) -> None:
        super().__init__(envelope(body, path), parse=parse, path=path, limit=limit, prefetch=prefetch)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[T] | None:
        """Fetch the following page (``None`` on the last page)."""
        if not self.next:
            return None
        path, query = split_relative(self.next)
        body = await self._fetch(path, query)
        return AsyncPage(body, fetch=self._fetch, parse=self._parse, path=path, limit=self._limit)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page and every following one."""
        page: AsyncPage[T] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[T]:
        limit = self._limit
        if limit is not None and limit <= 0:
            return
        count = 0
        source = self._iter_prefetch() if self._prefetch > 1 else self._iter_sequential()
        try:
            async for item in source:
                yield item
                count += 1
                if limit is not None and count >= limit:
                    return
        finally:
            await source.aclose()

    async def _iter_sequential(self) -> AsyncGenerator[T, None]:
        for item in self.items:
            yield item
        link = self.next
        while link:
            path, query = split_relative(link)
            data = envelope(await self._fetch(path, query), path)
            link = data.get("$next")
            for item in _drain(data.get("$items") or [], self._parse):
                yield item

    async def _iter_prefetch(self) -> AsyncGenerator[T, None]:
        path, queries = self._remaining_queries()
        if not queries:
            for item in self.items:
                yield item
            return
        window = min(self._prefetch, len(queries))
        pending: deque[asyncio.Task[bytes]] = deque()
        todo = deque(queries)

        async def get(query: Query) -> bytes:
            return await self._fetch(path, query)

        try:
            # The following pages are on their way while the caller reads this one.
            while todo and len(pending) < window:
                pending.append(asyncio.ensure_future(get(todo.popleft())))
            for item in self.items:
                yield item
            while pending:
                data = envelope(await pending.popleft(), path)
                if todo:
                    pending.append(asyncio.ensure_future(get(todo.popleft())))
                for item in _drain(data.get("$items") or [], self._parse):
                    yield item
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)


class AsyncPageRequest(Generic[T]):
    """What async ``list()`` returns: ``await`` it for the first page, or ``async for`` over it to
    walk every record."""

    def __init__(self, get_first: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._get_first = get_first

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._get_first().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._get_first()
        async for item in page:
            yield item
