"""The change feed of one business and one resource, with no database in it.

It walks ``updated_or_created_since`` from the saved cursor minus an overlap window (Sage's filter is
inclusive and its lists are not ordered by time), drops repeats of ``(id, updated_at)`` met on the walk,
and never moves the cursor past the walk's start minus a safety lag, so a record changed while the walk
was under way is read again next time.  Deletions come from ``deleted_since``, asked after the walk;
resources without it are reconciled on a full pass by comparing ids (each id missing from the listing
is checked with a GET before it counts as deleted, so a page shifting under the walk deletes nothing).

Used by the SQL sync (:class:`~sage_accounting.sync.Syncer`) and by the dlt source alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._errors import NotFoundError
from ._catalog import SyncResource

if TYPE_CHECKING:
    from .._client import SageAccounting

__all__ = ["ChangeFeed", "FeedOptions", "utcnow"]

RECENT = 4000  # records remembered for spotting repeats on a walk


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class FeedOptions:
    """How the feed reads Sage."""

    overlap: dt.timedelta = dt.timedelta(minutes=5)
    """Read again from this long before the saved cursor (Sage's timestamps are whole seconds)."""
    safety_lag: dt.timedelta = dt.timedelta(seconds=30)
    """The cursor stops this long before the walk's start (clocks differ; writes land late)."""
    full_every: dt.timedelta = dt.timedelta(days=1)
    """How often resources without ``deleted_since`` get a full pass to find deletions."""
    prefetch: int = 16
    """Pages in flight per walk (within the connection's concurrency cap).  Sixteen keep a walk well
    ahead of the writing at Sage's latencies; each page in flight holds 200 parsed records."""
    items_per_page: int = 200


def needs_full_pass(
    resource: SyncResource,
    cursor: dt.datetime | None,
    last_full: dt.datetime | None,
    now: dt.datetime,
    options: FeedOptions,
    *,
    forced: bool = False,
) -> bool:
    """Whether this walk reads everything: forced, first, a reference list, or a periodic id check
    for a resource Sage lists no deletions of."""
    if forced or cursor is None or not resource.since:
        return True
    if resource.deleted_since:
        return False
    return last_full is None or now - last_full >= options.full_every


class ChangeFeed:
    """What changed in one resource of one business since ``cursor``.

    Iterate :meth:`pages` for the changed records (raw JSON, deduplicated), then call :meth:`finish`
    with the ids known before (for a full pass's reconciliation) for the deleted ids and the records
    recovered by the id check; :attr:`next_cursor` is then where the next walk starts.
    """

    def __init__(
        self,
        client: SageAccounting,
        business_id: str,
        resource: SyncResource,
        cursor: dt.datetime | None,
        *,
        full: bool,
        options: FeedOptions | None = None,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> None:
        self.business_id = business_id
        self.resource = resource
        self.cursor = cursor
        self.full = full
        self.options = options or FeedOptions()
        self.progress = progress
        self.client = client.with_business(business_id)
        self.requests = 0
        self.shifted = False
        """Records were deleted under the walk: the cursor stays put so the window is read again."""
        self.started = utcnow()
        self._recent: dict[str, Any] = {}
        self._ids = bytearray()
        self._listed: set[str] | None = None
        self.next_cursor: dt.datetime | None = None

    @property
    def listed(self) -> set[str]:
        """The ids this walk read (built once the walk is over)."""
        if self._listed is None:
            self._listed = set(self._ids.decode().split("\n")[:-1])
        return self._listed

    def _endpoint(self) -> Any:
        return getattr(self.client, self.resource.name)

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        """The changed records, a page at a time, each version once."""
        opts = self.options
        query: dict[str, Any] = {}
        if not self.full and self.cursor is not None:
            query["updated_or_created_since"] = self.cursor - opts.overlap
        first = self._endpoint().list_raw(
            attributes="all", items_per_page=opts.items_per_page, prefetch=opts.prefetch, **query
        )
        # Repeats are looked for among the last few thousand records only (a page shifting under the
        # walk moves records by a few places), and the ids read are kept as one growing bytes buffer:
        # keeping a string of every record instead would pin the memory of 100,000 freed records.
        recent = self._recent
        read = 0
        for page in first.iter_pages():
            self.requests += 1
            batch = []
            for record in page.items:
                rid, updated = str(record.get("id")), record.get("updated_at")
                if rid in recent and recent[rid] == updated:
                    continue  # the same version met twice on a shifting walk
                recent[rid] = updated
                if len(recent) > RECENT:
                    del recent[next(iter(recent))]
                self._ids += rid.encode() + b"\n"
                batch.append(record)
            read += len(page.items)
            yield batch
            if self.progress is not None:
                self.progress(read, first.total)

    def finish(
        self, known_ids: Callable[[], set[str]] | None = None
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """After :meth:`pages`: the ids deleted, and the records a full pass's id check found after
        all (``known_ids`` gives the live ids stored before; only asked on a full pass)."""
        opts = self.options
        deleted: list[str] = []
        if self.resource.deleted_since:
            # asked after the walk, so a deletion made while it was under way is in the answer
            since = self.cursor - opts.overlap if self.cursor is not None else self.started - opts.safety_lag
            for page in self._endpoint().deleted(since, items_per_page=opts.items_per_page).iter_pages():
                self.requests += 1
                deleted.extend(stub.id for stub in page.items if stub.id)
        # A record this walk read and that was deleted since shifted every later page back by one, so
        # the walk may have skipped a record: keep the old cursor and read the same window again.
        listed = self.listed
        self.shifted = not listed.isdisjoint(deleted)
        recovered: list[dict[str, Any]] = []
        if self.full and known_ids is not None:
            missing = known_ids() - listed - set(deleted)
            for rid in sorted(missing):
                if not self.resource.since:  # reference lists are read whole: absent means gone
                    deleted.append(rid)
                    continue
                self.requests += 1
                try:
                    recovered.append(self.client.request("GET", f"/{self.resource.name}/{rid}").json())
                except NotFoundError:
                    deleted.append(rid)
        # never past the walk's start minus the lag
        self.next_cursor = self.cursor if self.shifted else self.started - opts.safety_lag
        return deleted, recovered
