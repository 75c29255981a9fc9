"""The jobs of a sync: for each business and resource, run its change feed (``_feed``) under a lease
and hand what changed to the store in batches, the cursor committed with the last one.

Jobs run on a few threads at once (``SyncOptions.workers``), each walking its pages with a prefetch
window that keeps pages arriving while the job writes a batch; every request waits for a slot of the
connection's rate budget, so the whole run stays within the cap however many jobs run.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._catalog import RESOURCES, SyncResource, resource_named
from ._feed import ChangeFeed, FeedOptions, needs_full_pass, utcnow
from ._leases import Leases, new_owner
from ._rows import Row, RowMaker
from ._store import Finish, Store

if TYPE_CHECKING:
    from .._client import SageAccounting

__all__ = ["JobResult", "Progress", "RunResult", "SyncOptions", "Syncer"]

Progress = Callable[[str, str, int, int | None], None]
"""``progress(business_id, resource, records_read, total_or_None)``, called as pages arrive."""


@dataclass(frozen=True)
class SyncOptions:
    """How a sync reads Sage."""

    overlap: dt.timedelta = dt.timedelta(minutes=5)
    """Read again from this long before the saved cursor (Sage's timestamps are whole seconds)."""
    safety_lag: dt.timedelta = dt.timedelta(seconds=30)
    """The cursor stops this long before the run's start (clocks differ; writes land late)."""
    full_every: dt.timedelta = dt.timedelta(days=1)
    """How often resources without ``deleted_since`` get a full pass to find deletions."""
    workers: int = 4
    """Jobs (business, resource) run at once."""
    prefetch: int = 16
    """Pages in flight per job (all within the connection's concurrency cap); each holds its parsed
    records, so a larger window costs memory and, past the writer's pace, buys no speed."""
    batch_size: int = 1000
    """Records written per transaction (pages are gathered up to this many)."""
    items_per_page: int = 200
    lease_ttl: dt.timedelta = dt.timedelta(minutes=5)

    def feed(self) -> FeedOptions:
        """The options of the change feed."""
        return FeedOptions(
            overlap=self.overlap,
            safety_lag=self.safety_lag,
            full_every=self.full_every,
            prefetch=self.prefetch,
            items_per_page=self.items_per_page,
        )


@dataclass
class JobResult:
    """What one (business, resource) job did."""

    business_id: str
    resource: str
    full_pass: bool = False
    created: int = 0
    updated: int = 0
    deleted: int = 0
    requests: int = 0
    skipped: str | None = None
    error: str | None = None
    shifted: bool = False
    """Records were deleted under the walk: the cursor stayed put so the window is read again."""


@dataclass
class RunResult:
    """What a run did, job by job."""

    run_id: int
    jobs: list[JobResult] = field(default_factory=list)

    @property
    def upserts(self) -> int:
        return sum(j.created + j.updated for j in self.jobs)

    @property
    def deletes(self) -> int:
        return sum(j.deleted for j in self.jobs)

    @property
    def requests(self) -> int:
        return sum(j.requests for j in self.jobs)

    @property
    def errors(self) -> list[JobResult]:
        return [j for j in self.jobs if j.error]


class _Written:
    """The ids a job has written, as a filter of one megabyte (two bits set per id): ``in`` is never
    wrong about an id written, and wrong about others for about one id in 2,000 after 100,000 written
    (each such id is then looked up in the table, as every id would be otherwise).  A set of strings
    would cost ten times the memory, held by many small objects for the whole walk."""

    SHIFT = 23
    MASK = (1 << SHIFT) - 1

    def __init__(self) -> None:
        self._bits = bytearray(1 << (self.SHIFT - 3))

    def __contains__(self, rid: object) -> bool:
        h = hash(rid)
        bits, first, second = self._bits, h & self.MASK, (h >> self.SHIFT) & self.MASK
        return bool(bits[first >> 3] & (1 << (first & 7))) and bool(bits[second >> 3] & (1 << (second & 7)))

    def update(self, ids: Iterable[str]) -> None:
        bits = self._bits
        for rid in ids:
            h = hash(rid)
            first, second = h & self.MASK, (h >> self.SHIFT) & self.MASK
            bits[first >> 3] |= 1 << (first & 7)
            bits[second >> 3] |= 1 << (second & 7)


class _BatchWriter:
    """Writes a job's batches in order on a thread of its own, one at a time: the job's thread hands
    over a batch and goes on reading pages and making rows while the database writes it.

    The database's work releases the GIL (one statement binds many rows, see the store), so the two
    threads run at once; at most one batch waits in hand, so memory stays bounded.  Leaving the
    ``with`` waits for the batch being written, and a batch's error is raised by the next
    :meth:`write` or on leaving.
    """

    def __init__(self, write: Callable[[list[Row], Collection[str] | None], None]) -> None:
        self._write = write
        self._pool: ThreadPoolExecutor | None = None
        self._writing: Future[None] | None = None

    def write(self, rows: list[Row], look_up: Collection[str] | None) -> None:
        """Write ``rows`` once the batch before is written (its error raised here); ``look_up`` as
        for :meth:`Store.apply`."""
        self.wait()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="sage-sync-writer")
        self._writing = self._pool.submit(self._write, rows, look_up)

    def wait(self) -> None:
        """Until the batch being written is written (its error raised here)."""
        writing, self._writing = self._writing, None
        if writing is not None:
            writing.result()

    def __enter__(self) -> _BatchWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        try:
            if kind is None:
                self.wait()
            elif self._writing is not None:
                concurrent.futures.wait([self._writing])  # the job's own error wins; the batch ends first
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)


class Syncer:
    """Copies Sage into a :class:`Store`, business by business and resource by resource."""

    def __init__(
        self,
        client: SageAccounting,
        store: Store,
        *,
        resources: Sequence[str] | None = None,
        business_ids: Sequence[str] | None = None,
        full: bool = False,
        events: bool | None = None,
        options: SyncOptions | None = None,
        progress: Progress | None = None,
        owner: str | None = None,
        round_id: str | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.resources = [resource_named(r) for r in resources] if resources else list(RESOURCES)
        self.business_ids = list(business_ids) if business_ids else None
        self.full = full
        self.events = store.events_enabled() if events is None else events
        self.options = options or SyncOptions()
        self.progress = progress
        self.leases = Leases(store.engine, owner or new_owner(), self.options.lease_ttl)
        self._renewed: dict[tuple[str, str], dt.datetime] = {}
        self.round_id = round_id
        """Processes given the same round share one pass: a job done in the round is not done again."""

    def businesses(self) -> list[str]:
        """The businesses to sync: the ones named, else every one the user can reach."""
        if self.business_ids:
            return self.business_ids
        return [str(b["id"]) for b in self.client.businesses.list_raw(items_per_page=200)]

    def run(self) -> RunResult:
        """Run every job once (those another process is running are left to it) and record the run."""
        started = utcnow()
        result = RunResult(self.store.start_run(started))
        error: str | None = None
        try:
            businesses = self.businesses()
            # resource-major order spreads the first jobs over every business
            jobs = [(b, r) for r, b in itertools.product(self.resources, businesses)]
            workers = max(1, min(self.options.workers, len(jobs)))
            with ThreadPoolExecutor(workers, thread_name_prefix="sage-sync") as pool:
                for job in pool.map(lambda j: self.run_job(j[0], j[1], result.run_id, started), jobs):
                    result.jobs.append(job)
            if result.errors:
                error = "; ".join(f"{j.business_id}/{j.resource}: {j.error}" for j in result.errors[:5])
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            self.store.finish_run(
                result.run_id,
                utcnow(),
                upserts=result.upserts,
                deletes=result.deletes,
                requests=result.requests,
                error=error,
            )
        return result

    def run_job(
        self, business_id: str, resource: SyncResource, run_id: int | None, run_started: dt.datetime
    ) -> JobResult:
        """One (business, resource) job under its lease; skipped when another process holds the lease
        or finished the job after this run began."""
        job = JobResult(business_id, resource.name)
        now = utcnow()
        if not self.leases.acquire(business_id, resource.name, now):
            job.skipped = "leased by another process"
            return job
        try:
            state = self.store.state(business_id, resource.name)
            if self.round_id is not None and state.last_round == self.round_id:
                job.skipped = f"done in round {self.round_id}"
                return job
            if state.completed_at is not None and state.completed_at >= run_started:
                job.skipped = "done by another process during this run"
                return job
            job.full_pass = needs_full_pass(
                resource, state.cursor, state.last_full_at, now, self.options.feed(), forced=self.full
            )
            job_id = self.store.start_job(run_id, business_id, resource.name, now, job.full_pass)
            try:
                self._walk(job, resource, state.cursor, job_id)
            except Exception as exc:
                job.error = f"{type(exc).__name__}: {exc}"
                self.store.finish_job(
                    job_id,
                    utcnow(),
                    upserts=job.created + job.updated,
                    deletes=job.deleted,
                    requests=job.requests,
                    error=job.error,
                )
            return job
        finally:
            self.leases.release(business_id, resource.name)

    def _walk(
        self,
        job: JobResult,
        resource: SyncResource,
        cursor: dt.datetime | None,
        job_id: int,
    ) -> None:
        progress = None
        if self.progress is not None:
            report = self.progress

            def progress(read: int, total: int | None) -> None:
                report(job.business_id, resource.name, read, total)

        feed = ChangeFeed(
            self.client,
            job.business_id,
            resource,
            cursor,
            full=job.full_pass,
            options=self.options.feed(),
            progress=progress,
        )
        # Each page becomes rows at once (a row is a tuple holding the record's JSON text, a fraction
        # of the parsed record's memory); the rows go to the database in batches written on a thread
        # of the job's own while this thread reads and prepares the next batch (the walk's prefetch
        # window keeps pages coming meanwhile).
        maker = self.store.row_maker(resource)
        # A first sync of the business finds no row stored before it: its rows' ids need no looking
        # up but those it may have written itself, and there is nothing to reconcile after the walk.
        stored = self.store.has_rows(job.business_id, resource.name)
        known: Callable[[], set[str]] | None = None
        if job.full_pass and stored:
            known = functools.partial(self.store.live_ids, job.business_id, resource.name)
        written = None if stored else _Written()

        def look_up(rows: list[Row]) -> Collection[str] | None:
            if written is None:
                return None  # every id
            ids = [row[RowMaker.ID] for row in rows]
            maybe = [rid for rid in ids if rid in written]
            written.update(ids)
            return maybe

        pending: list[Row] = []
        with _BatchWriter(lambda rows, ids: self._apply(job, resource, rows=rows, look_up=ids)) as writer:
            for batch in feed.pages():
                pending.extend(maker.rows(job.business_id, batch, utcnow()))
                del batch
                if len(pending) >= self.options.batch_size:
                    writer.write(pending, look_up(pending))
                    self._renew(job.business_id, resource.name)
                    pending = []
        # the last rows, the deletions and the cursor are written together
        deleted, recovered = feed.finish(known)
        job.requests = feed.requests
        job.shifted = feed.shifted
        # the cursor commits with the job's last rows
        finish = Finish(
            cursor=feed.next_cursor,
            full=job.full_pass and not feed.shifted,
            job_id=job_id,
            round_id=self.round_id,
            stats={"upserts": job.created + job.updated, "deletes": job.deleted, "requests": job.requests},
        )
        pending.extend(maker.rows(job.business_id, recovered, utcnow()))
        self._apply(job, resource, rows=pending, deleted=deleted, finish=finish, look_up=look_up(pending))
        self._renewed.pop((job.business_id, resource.name), None)

    def _renew(self, business_id: str, resource: str) -> None:
        """Keep the lease on a long job (every quarter of its lifetime, not on every page)."""
        now = utcnow()
        last = self._renewed.setdefault((business_id, resource), now)
        if now - last >= self.options.lease_ttl / 4:
            self.leases.renew(business_id, resource, now)
            self._renewed[(business_id, resource)] = now

    def _apply(
        self,
        job: JobResult,
        resource: SyncResource,
        *,
        rows: Sequence[Row] = (),
        deleted: Sequence[str] = (),
        finish: Finish | None = None,
        look_up: Collection[str] | None = None,
    ) -> None:
        applied = self.store.apply(
            resource,
            job.business_id,
            rows=rows,
            deleted=deleted,
            events=self.events,
            now=utcnow(),
            finish=finish,
            look_up=look_up,
        )
        job.created += applied.created
        job.updated += applied.updated
        job.deleted += applied.deleted
