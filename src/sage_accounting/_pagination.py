"""Pages of Sage's list envelope (``$total``, ``$page``, ``$next``, ``$back``, ``$itemsPerPage``,
``$items``) and lazy iteration over every page.

``list()`` returns the first page; iterating the page walks every following page through ``$next``,
one request at a time, only as far as the caller reads.  With ``prefetch`` the following pages are
requested concurrently as soon as iteration starts, once ``$total`` says how many there are (a bounded
window of pages in flight, within the connection's concurrency cap, and only as far as ``limit``
reaches); records are still yielded in order.  A list that shrinks while it is walked ends without
repeating records (Sage answers a page past the end with its last page); one that grows is followed
through ``$next``.

A fetch returns a page's raw JSON body.  Pages wait as bytes and are decoded and turned into records one
at a time as the caller reads: records the caller drops die young, so Python's cyclic garbage collector
stays cheap, and the fetch threads spend their time on the network, not on parsing.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from concurrent.futures import Future
from queue import SimpleQueue
from typing import Any, Generic, Self, TypeVar

from ._core import loads, split_relative

__all__ = ["AsyncPage", "AsyncPageRequest", "Page"]

T = TypeVar("T")

CLOSE_WAIT = 5.0
"""Seconds a stopped walk waits for prefetched pages still in flight before leaving them to finish alone."""
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
        self._fetch: Any = None  # set by the sync or async page
        self._path = path
        self._limit = limit
        self._prefetch = prefetch

    def has_next_page(self) -> bool:
        """Whether a following page exists."""
        return bool(self.next)

    def _planned_pages(self) -> tuple[str, list[tuple[int, Query]]]:
        """The path, and the number and query of every page after this one that iterating will read
        (for prefetch): up to the last page ``$total`` implies, or as far as ``limit`` reaches; none
        without ``$total`` or ``$next``."""
        if not self.next or not self.total:
            return self._path, []
        path, query = split_relative(self.next)
        base = [(k, v) for k, v in query if k not in ("page", "items_per_page")]
        base.append(("items_per_page", str(self.items_per_page)))
        last = math.ceil(self.total / self.items_per_page)
        if self._limit is not None:
            wanted = max(self._limit - len(self.items), 0)
            last = min(last, self.page + math.ceil(wanted / self.items_per_page))
        return path, [(n, [*base, ("page", str(n))]) for n in range(self.page + 1, last + 1)]

    def _following(self, data: Mapping[str, Any], path: str) -> Self:
        """A later page of the same list, from its decoded envelope."""
        page = type(self).__new__(type(self))
        _PageData.__init__(page, data, parse=self._parse, path=path, limit=self._limit, prefetch=0)
        page._fetch = self._fetch
        return page

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} page={self.page} items={len(self.items)} total={self.total} "
            f"next={self.next!r}>"
        )


def _shrunk(data: Mapping[str, Any], number: int) -> bool:
    """Whether a planned page came back as another one: records were deleted while walking, the page
    now lies past the end, and Sage answered with its last page (already read)."""
    answered = data.get("$page")
    return answered is not None and int(answered) != number


def _drain(raw_items: list[Any], parse: Callable[[Any], T]) -> Iterator[T]:
    """Parse a page's raw records one at a time as they are read, letting go of each raw record once
    parsed: a record the caller drops is freed young, which keeps Python's cyclic collector cheap."""
    for i in range(len(raw_items)):
        raw, raw_items[i] = raw_items[i], None
        record = parse(raw)
        del raw
        yield record
        del record


def _raw_items(data: Mapping[str, Any]) -> list[Any]:
    items = data.get("$items") or []
    return items if isinstance(items, list) else list(items)


class _FeedBase(ABC):
    """What the sync and async feeds share: the planned pages still to request, and the ``$next``
    links followed so far (a link seen twice ends the walk instead of looping)."""

    def __init__(self, first: _PageData[Any]) -> None:
        self._link: str | None = first.next
        self._seen: set[str] = set()
        self._path, planned = first._planned_pages() if first._prefetch > 1 else (first._path, [])
        self._todo = deque(planned)
        self._window = min(first._prefetch, len(planned))
        if planned:
            self._link = None  # the planned pages stand in for $next until they run out

    @abstractmethod
    def _submit(self) -> None:
        """Request the next planned page."""

    @abstractmethod
    def _in_flight(self) -> int:
        """How many planned pages are requested and not yet read."""

    def _start(self) -> None:
        while self._todo and self._in_flight() < self._window:
            self._submit()

    def _arrived(self, data: Mapping[str, Any], number: int) -> bool:
        """Take in planned page ``number``: ``False`` when the list shrank under it (the walk ends),
        else request the next planned page or, after the last one, carry on through its ``$next``
        (records added while walking)."""
        if _shrunk(data, number):
            return False
        if self._todo:
            self._submit()
        elif not self._in_flight():
            self._link = data.get("$next")
        return True

    def _follow(self) -> str | None:
        link, self._link = self._link, None
        if not isinstance(link, str) or not link or link in self._seen:
            return None
        self._seen.add(link)
        return link


class _Fetchers:
    """A few daemon threads fetching planned pages into futures.

    Daemon threads, unlike an executor's, never hold up the interpreter's exit: Ctrl-C during a long
    walk ends the program at once even while pages (and their retries) are still in flight.
    """

    def __init__(self, fetch: SyncFetch, size: int) -> None:
        self._fetch = fetch
        self._size = size
        self._jobs: SimpleQueue[tuple[Future[bytes], str, Query] | None] = SimpleQueue()
        self._threads: list[threading.Thread] = []

    def submit(self, path: str, query: Query) -> Future[bytes]:
        future: Future[bytes] = Future()
        self._jobs.put((future, path, query))
        if len(self._threads) < self._size:  # started as work arrives: the first page is on its way at once
            thread = threading.Thread(
                target=self._work, name=f"sage-prefetch-{len(self._threads)}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return future

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, path, query = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._fetch(path, query))
            except BaseException as exc:  # handed to the reader through the future
                future.set_exception(exc)

    def stop(self, *, wait: bool) -> None:
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            # Bounded: a caller's Ctrl-C can land outside the walk (in its loop body), which closes the
            # walk like a ``break``; a page that never answers must not then hold the program for ever.
            # The threads are daemons: one still running after the deadline ends on its own.
            deadline = time.monotonic() + CLOSE_WAIT
            for thread in self._threads:
                thread.join(max(0.0, deadline - time.monotonic()))


class _Feed(_FeedBase):
    """The pages after the first, in order: planned pages fetched by a few threads when prefetching,
    else (and after them, if the list grew) one at a time through ``$next``."""

    def __init__(self, first: _PageData[Any], fetch: SyncFetch) -> None:
        super().__init__(first)
        self._fetch = fetch
        self._pending: deque[tuple[int, Future[bytes]]] = deque()
        self._pool = _Fetchers(fetch, self._window) if self._todo else None
        self._start()

    def _in_flight(self) -> int:
        return len(self._pending)

    def _submit(self) -> None:
        assert self._pool is not None
        number, query = self._todo.popleft()
        self._pending.append((number, self._pool.submit(self._path, query)))

    def next(self) -> tuple[Mapping[str, Any], str] | None:
        """The next page's envelope and path, or ``None`` after the last page."""
        if self._pending:
            number, future = self._pending.popleft()
            data = envelope(future.result(), self._path)
            if not self._arrived(data, number):
                self.close()
                return None
            if not self._pending:
                self._stop_pool()
            return data, self._path
        link = self._follow()
        if link is None:
            return None
        path, query = split_relative(link)
        data = envelope(self._fetch(path, query), path)
        self._link = data.get("$next")
        return data, path

    def _stop_pool(self, *, wait: bool = True) -> None:
        for _, future in self._pending:
            future.cancel()
        self._pending.clear()
        self._todo.clear()
        if self._pool is not None:
            self._pool.stop(wait=wait)
            self._pool = None

    def close(self) -> None:
        """The caller stopped reading: wait for pages already in flight (at most one round trip), so
        no thread outlives the walk."""
        self._stop_pool()
        self._link = None

    def abandon(self) -> None:
        """An error or an interrupt: stop without waiting for pages in flight (their threads end on
        their own, and never hold up the interpreter's exit)."""
        self._stop_pool(wait=False)
        self._link = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        if kind is None or issubclass(kind, GeneratorExit):
            self.close()  # done, or the caller stopped reading
        else:
            self.abandon()


class _AsyncFeed(_FeedBase):
    """Async twin of :class:`_Feed`: planned pages fetched by concurrent tasks."""

    def __init__(self, first: _PageData[Any], fetch: AsyncFetch) -> None:
        super().__init__(first)
        self._fetch = fetch
        self._pending: deque[tuple[int, asyncio.Task[bytes]]] = deque()
        self._start()

    def _in_flight(self) -> int:
        return len(self._pending)

    def _submit(self) -> None:
        number, query = self._todo.popleft()
        task = asyncio.ensure_future(self._fetch(self._path, query))
        task.add_done_callback(_retrieve)
        self._pending.append((number, task))

    async def next(self) -> tuple[Mapping[str, Any], str] | None:
        """The next page's envelope and path, or ``None`` after the last page."""
        if self._pending:
            number, task = self._pending.popleft()
            data = envelope(await task, self._path)
            if not self._arrived(data, number):
                self.close()
                return None
            return data, self._path
        link = self._follow()
        if link is None:
            return None
        path, query = split_relative(link)
        data = envelope(await self._fetch(path, query), path)
        self._link = data.get("$next")
        return data, path

    def close(self, *, from_any_thread: bool = False) -> None:
        """Cancel the pages in flight without waiting for them; ``from_any_thread`` when the caller may
        not be the loop's thread (the garbage collector)."""
        for _, task in self._pending:
            if not from_any_thread:
                task.cancel()
            elif not (loop := task.get_loop()).is_closed():
                loop.call_soon_threadsafe(task.cancel)
        self._pending.clear()
        self._todo.clear()
        self._link = None


def _retrieve(task: asyncio.Task[bytes]) -> None:
    """Mark a page task's error as seen: the caller gets it from ``await``, or has stopped reading."""
    if not task.cancelled():
        task.exception()


class Page(_PageData[T]):
    """One page of a list; iterate it to walk every record of every following page lazily.

    >>> for contact in client.contacts.list(items_per_page=200):  # doctest: +SKIP
    ...     print(contact.name)
    """

    _fetch: SyncFetch

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
        """This page and every following one: fetched one at a time, or with ``prefetch`` several at a
        time as for records (pages still come in order)."""
        with _Feed(self, self._fetch) as feed:
            yield self
            while (following := feed.next()) is not None:
                data, path = following
                yield self._following(data, path)

    def __iter__(self) -> Iterator[T]:
        return self._records()

    def _records(self) -> Generator[T, None, None]:
        remaining = self._limit
        if remaining is not None and remaining <= 0:
            return
        with _Feed(self, self._fetch) as feed:  # prefetching starts here, before this page is read
            batch: Iterator[T] = iter(self.items)
            while True:
                for record in batch:
                    yield record
                    if remaining is not None:
                        remaining -= 1
                        if remaining <= 0:
                            return
                following = feed.next()
                if following is None:
                    return
                batch = _drain(_raw_items(following[0]), self._parse)


class AsyncPage(_PageData[T]):
    """Async twin of :class:`Page`: ``async for`` walks every record of every following page."""

    _fetch: AsyncFetch

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
        """This page and every following one: fetched one at a time, or with ``prefetch`` several at a
        time as for records (pages still come in order)."""
        feed = _AsyncFeed(self, self._fetch)
        try:
            yield self
            while (following := await feed.next()) is not None:
                data, path = following
                yield self._following(data, path)
        finally:
            feed.close()

    def __aiter__(self) -> AsyncIterator[T]:
        return _AsyncRecords(self)


class _AsyncRecords(AsyncIterator[T]):
    """The records of an async list, read in order.

    A plain async iterator rather than an async generator: nothing of it is left for the event loop to
    finalise at shutdown.  ``aclose()`` cancels the pages in flight without waiting for them, and so
    does dropping the iterator (``break`` out of ``async for``).
    """

    def __init__(self, source: AsyncPage[T] | Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._source = source
        self._page: AsyncPage[T] | None = None
        self._feed: _AsyncFeed | None = None
        self._batch: Iterator[T] = iter(())
        self._remaining: int | None = None
        self._done = False

    async def __anext__(self) -> T:
        if self._done:
            raise StopAsyncIteration
        try:
            page = self._page
            if page is None:
                source = self._source
                page = source if isinstance(source, AsyncPage) else await source()
                self._page, self._remaining = page, page._limit
                self._batch = iter(page.items)
                self._feed = _AsyncFeed(page, page._fetch)  # prefetching starts here
            assert self._feed is not None
            while self._remaining is None or self._remaining > 0:
                for record in self._batch:
                    if self._remaining is not None:
                        self._remaining -= 1
                    return record
                following = await self._feed.next()
                if following is None:
                    break
                self._batch = _drain(_raw_items(following[0]), page._parse)
        except BaseException:
            await self.aclose()
            raise
        await self.aclose()
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Stop reading: pages still in flight are cancelled."""
        self._done = True
        if self._feed is not None:
            self._feed.close()

    def __del__(self) -> None:
        feed = self.__dict__.get("_feed")
        if feed is not None:
            feed.close(from_any_thread=True)


class AsyncPageRequest(Generic[T]):
    """What async ``list()`` returns: ``await`` it for the first page, or ``async for`` over it to
    walk every record."""

    def __init__(self, get_first: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._get_first = get_first

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._get_first().__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        return _AsyncRecords(self._get_first)
