"""Compact storage for one collection of records, with the indexes lists and rules query.

A record is kept as zlib-compressed JSON (with the collection's first record as the preset dictionary, so the
keys and the repeated links cost almost nothing): about 10x smaller than a dict of dicts. Records in use are
decoded into plain dicts held in a small write-back cache: a request reads and changes them in place, as
before, and :meth:`Collection.release` (after each request) re-encodes those that changed and updates the
indexes. The indexes (insertion order, equality keys, ``updated_at`` and date ranges, sort keys, and a
trigram index for ``search``) let a list page cost the same whatever the collection's size.
"""

from __future__ import annotations

import bisect
import math
import sys
import zlib
from array import array
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import orjson

Record = dict[str, Any]
KeyFn = Callable[[Record], Any]

ZDICT_SIZE = 2048
# Decoded records kept per collection between requests (the hot ones: repeated reads skip decoding).
LIVE_LIMIT = 256


@dataclass(frozen=True)
class IndexSpec:
    """What a collection indexes, declared by its resource: equality keys (``name -> key(record)``, ``None``
    not indexed), sortable fields, the date field of ``from_date``/``to_date`` and the ``search`` fields."""

    equal: dict[str, KeyFn] = field(default_factory=dict)
    sortable: tuple[str, ...] = ()
    date_field: str | None = None
    search_fields: tuple[str, ...] = ("displayed_as",)


# collection name -> its spec (filled when the resources are registered; the same for every emulator)
SPECS: dict[str, IndexSpec] = {}
DEFAULT_SPEC = IndexSpec()


def sort_value(value: Any) -> tuple[bool, str]:
    """How a field sorts: missing values last, everything else as text (Sage's order for these fields)."""
    return (value is None, str(value or ""))


class _Facts:
    """What the indexes know of one record, to take it out of them when it changes."""

    __slots__ = ("date", "equal", "search", "seq", "sorts", "updated")

    def __init__(self, seq: int, record: Record, spec: IndexSpec) -> None:
        self.seq = seq
        # many records share a second: one string for them all
        self.updated: str = sys.intern(record.get("updated_at") or "")
        self.date: str | None = record.get(spec.date_field) if spec.date_field else None
        self.equal = tuple(fn(record) for fn in spec.equal.values())
        self.sorts = tuple(sort_value(record.get(key)) for key in spec.sortable)
        self.search = "\x00".join(str(record.get(f) or "") for f in spec.search_fields).lower()

    def same(self, other: _Facts) -> bool:
        return (
            self.updated == other.updated
            and self.date == other.date
            and self.equal == other.equal
            and self.sorts == other.sorts
            and self.search == other.search
        )


class _Sorted:
    """A list of ``(key, seq, id)`` kept sorted, for ranges and ordered pages."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[tuple[Any, int, str]] = []

    def add(self, key: Any, seq: int, rid: str) -> None:
        bisect.insort(self.items, (key, seq, rid))

    def remove(self, key: Any, seq: int, rid: str) -> None:
        index = bisect.bisect_left(self.items, (key, seq, rid))
        if index < len(self.items) and self.items[index][2] == rid:
            del self.items[index]

    def ids_from(self, low: Any) -> list[str]:
        start = bisect.bisect_left(self.items, (low,))
        return [item[2] for item in self.items[start:]]


class _Trigrams:
    """``search``: for each three-letter sequence, the records (by seq) whose search text has it. Entries of
    changed or deleted records stay until the next rebuild; every candidate is checked against the text."""

    __slots__ = ("postings", "stale")

    def __init__(self) -> None:
        self.postings: dict[str, array[int]] = {}
        self.stale = 0

    def add(self, seq: int, text: str) -> None:
        for gram in {text[i : i + 3] for i in range(len(text) - 2)}:
            posting = self.postings.get(gram)
            if posting is None:
                posting = self.postings[gram] = array("q")
            posting.append(seq)

    def candidates(self, needle: str) -> array[int] | None:
        """The shortest posting among the needle's trigrams (``None``: the needle is too short to use it)."""
        if len(needle) < 3:
            return None
        best: array[int] | None = None
        for i in range(len(needle) - 2):
            posting = self.postings.get(needle[i : i + 3])
            if posting is None:
                return array("q")
            if best is None or len(posting) < len(best):
                best = posting
        return best


class Collection(MutableMapping[str, Record]):
    """One business's records of one resource, by id, in insertion order (a ``dict`` to the code using it)."""

    def __init__(self, name: str, records: dict[str, Record] | None = None) -> None:
        self.name = name
        self.spec = SPECS.get(name, DEFAULT_SPEC)
        self._blobs: dict[str, bytes] = {}
        self._zdict: bytes | None = None
        self._live: dict[str, tuple[Record, bytes | None]] = {}
        # ids read or written since the last release, in first-touch order (new records keep insertion order)
        self._touched: dict[str, None] = {}
        # records changed since the last release, as JSON, waiting to be compressed
        self._encoded: dict[str, bytes] = {}
        self._facts: dict[str, _Facts] = {}
        self._order: list[str] = []
        self._by_seq: list[str | None] = []  # seq -> id (None once deleted)
        # key -> the id holding it, or a set of ids when several do (most keys have one: a set each would
        # cost ~200 bytes per record)
        self._equal: list[dict[Any, str | set[str]]] = [{} for _ in self.spec.equal]
        self._updated = _Sorted()
        self._dates = _Sorted()
        self._sorts: dict[str, _Sorted] | None = None
        self._trigrams: _Trigrams | None = None
        for rid, record in (records or {}).items():
            self[rid] = record
        self.release()

    # --- the mapping ---------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._facts) + sum(1 for rid in self._touched if rid not in self._facts)

    def __contains__(self, rid: object) -> bool:
        return rid in self._blobs or rid in self._live

    def __iter__(self) -> Iterator[str]:
        self.sync()
        return iter(list(self._order))

    def __getitem__(self, rid: str) -> Record:
        live = self._live.get(rid)
        if live is not None:
            self._touched[rid] = None
            return live[0]
        blob = self._blobs.get(rid)
        if blob is None:
            raise KeyError(rid)
        raw = self._decompress(blob)
        record: Record = orjson.loads(raw)
        self._live[rid] = (record, raw)
        self._touched[rid] = None
        return record

    def view(self, rid: str) -> Record:
        """The record to show, not to change: reading it does not make the end of the request compare it
        with what is stored (list pages read many records and change none)."""
        live = self._live.get(rid)
        if live is not None:
            return live[0]
        raw = self._decompress(self._blobs[rid])
        record: Record = orjson.loads(raw)
        self._live[rid] = (record, raw)
        return record

    def __setitem__(self, rid: str, record: Record) -> None:
        self._live.pop(rid, None)
        self._live[rid] = (record, None)
        self._touched[rid] = None

    def __delitem__(self, rid: str) -> None:
        if rid not in self:
            raise KeyError(rid)
        self._live.pop(rid, None)
        self._blobs.pop(rid, None)
        self._touched.pop(rid, None)
        self._encoded.pop(rid, None)
        facts = self._facts.pop(rid, None)
        if facts is not None:
            self._unindex(rid, facts)
            self._order.remove(rid)
            self._by_seq[facts.seq] = None

    # --- keeping indexes and blobs current ---------------------------------------------------------------------
    def sync(self) -> None:
        """Bring the indexes up to date with the records read or written since the last release."""
        for rid in self._touched:
            record, raw = self._live[rid]
            encoded = orjson.dumps(record)
            previous = self._encoded.get(rid)
            if encoded == previous or (previous is None and encoded == raw):
                continue  # unchanged since it was decoded (or since the last sync)
            self._encoded[rid] = encoded
            old = self._facts.get(rid)
            if old is None:
                facts = _Facts(len(self._by_seq), record, self.spec)
                self._order.append(rid)
                self._by_seq.append(rid)
            else:
                facts = _Facts(old.seq, record, self.spec)
                if facts.same(old):
                    continue
                self._unindex(rid, old)
            self._facts[rid] = facts
            self._index(rid, facts)

    def release(self) -> None:
        """End of a request: re-encode the records that changed, update the indexes, and keep only the most
        recently used records decoded."""
        self.sync()
        for rid, encoded in self._encoded.items():
            self._blobs[rid] = self._compress(encoded)
            self._live[rid] = (self._live[rid][0], encoded)
        self._encoded.clear()
        self._touched.clear()
        excess = len(self._live) - LIVE_LIMIT
        if excess > 0:
            for rid in list(self._live)[:excess]:
                del self._live[rid]

    def _compress(self, raw: bytes) -> bytes:
        if self._zdict is None:
            # the start of the first record: its keys and links are what the others repeat; a longer
            # dictionary costs more to set up for every record than it saves
            self._zdict = raw[:ZDICT_SIZE]
        packer = zlib.compressobj(1, zdict=self._zdict)
        return packer.compress(raw) + packer.flush()

    def _decompress(self, blob: bytes) -> bytes:
        unpacker = zlib.decompressobj(zdict=self._zdict or b"")
        return unpacker.decompress(blob) + unpacker.flush()

    def _index(self, rid: str, facts: _Facts) -> None:
        for table, key in zip(self._equal, facts.equal, strict=True):
            for value in key if isinstance(key, tuple) else (key,):
                if value is None:
                    continue
                holders = table.get(value)
                if holders is None:
                    table[value] = rid
                elif isinstance(holders, str):
                    if holders != rid:
                        table[value] = {holders, rid}
                else:
                    holders.add(rid)
        self._updated.add(facts.updated, facts.seq, rid)
        if facts.date is not None:
            self._dates.add(facts.date, facts.seq, rid)
        if self._sorts is not None:
            for (_, index), key in zip(self._sorts.items(), facts.sorts, strict=True):
                index.add(key, facts.seq, rid)
        if self._trigrams is not None:
            self._trigrams.add(facts.seq, facts.search)

    def _unindex(self, rid: str, facts: _Facts) -> None:
        for table, key in zip(self._equal, facts.equal, strict=True):
            for value in key if isinstance(key, tuple) else (key,):
                holders = table.get(value)
                if holders == rid:
                    del table[value]
                elif isinstance(holders, set):
                    holders.discard(rid)
                    if len(holders) == 1:
                        table[value] = next(iter(holders))
        self._updated.remove(facts.updated, facts.seq, rid)
        if facts.date is not None:
            self._dates.remove(facts.date, facts.seq, rid)
        if self._sorts is not None:
            for (_, index), key in zip(self._sorts.items(), facts.sorts, strict=True):
                index.remove(key, facts.seq, rid)
        if self._trigrams is not None:
            self._trigrams.stale += 1

    # --- queries (each costs what it selects, not what the collection holds) ---------------------------------
    def ordered_ids(self) -> list[str]:
        """Every id in insertion order (the list itself: do not change it)."""
        self.sync()
        return self._order

    def equal(self, index: str, value: Any) -> set[str]:
        """The ids whose ``index`` key (declared in the spec) is ``value``."""
        self.sync()
        position = list(self.spec.equal).index(index)
        holders = self._equal[position].get(value)
        if holders is None:
            return set()
        return {holders} if isinstance(holders, str) else set(holders)

    def updated_since(self, since: str) -> list[str]:
        """Ids with ``updated_at >= since``."""
        self.sync()
        return self._updated.ids_from(since)

    def dated(self, start: str | None, end: str | None) -> list[str]:
        """Ids whose date field lies in ``[start, end]`` (records without a date never do)."""
        self.sync()
        items = self._dates.items
        low = bisect.bisect_left(items, (start,)) if start else 0
        high = bisect.bisect_right(items, (end, math.inf)) if end else len(items)
        return [item[2] for item in items[low:high]]

    def search(self, needle: str) -> list[str] | None:
        """Ids whose search text contains ``needle`` (lower case), or ``None`` when the needle is too short for
        the index (the caller scans)."""
        self.sync()
        if len(needle) < 3:
            return None
        if self._trigrams is None or self._trigrams.stale > len(self._facts):
            self._trigrams = _Trigrams()
            for rid in self._order:
                facts = self._facts[rid]
                self._trigrams.add(facts.seq, facts.search)
        candidates = self._trigrams.candidates(needle)
        found: set[str] = set()
        for seq in candidates or ():
            held = self._by_seq[seq]
            if held is not None and held not in found and needle in self._facts[held].search:
                found.add(held)
        return list(found)

    def sorted_ids(self, key: str) -> list[tuple[Any, int, str]]:
        """``(sort key, seq, id)`` of every record in ``key``'s order (the list itself: do not change it)."""
        self.sync()
        if self._sorts is None:
            self._sorts = {name: _Sorted() for name in self.spec.sortable}
            for rid in self._order:
                facts = self._facts[rid]
                for index, value in zip(self._sorts.values(), facts.sorts, strict=True):
                    index.items.append((value, facts.seq, rid))
            for index in self._sorts.values():
                index.items.sort()
        return self._sorts[key].items

    def seq_of(self, rid: str) -> int:
        """The record's place in insertion order."""
        return self._facts[rid].seq

    def sort_key_of(self, rid: str, key: str) -> tuple[bool, str]:
        return self._facts[rid].sorts[self.spec.sortable.index(key)]

    def in_order(self, ids: Sequence[str] | set[str]) -> list[str]:
        """``ids`` in insertion order."""
        facts = self._facts
        return sorted(ids, key=lambda rid: facts[rid].seq)

    # --- whole-collection copies ------------------------------------------------------------------------------
    def peek(self, rid: str) -> Record:
        """A decoded copy of the record, without keeping it decoded (for whole-collection reads)."""
        live = self._live.get(rid)
        if live is not None:
            copied: Record = orjson.loads(orjson.dumps(live[0]))
            return copied
        loaded: Record = orjson.loads(self._decompress(self._blobs[rid]))
        return loaded

    def to_json(self) -> dict[str, Record]:
        """Every record as plain data (decoded copies), in order."""
        self.sync()
        return {rid: self.peek(rid) for rid in self._order}

    def clone(self) -> Collection:
        """An independent copy (the compressed records and index entries are shared or copied, not re-made)."""
        self.release()
        twin = Collection.__new__(Collection)
        twin.name, twin.spec, twin._zdict = self.name, self.spec, self._zdict
        twin._blobs = dict(self._blobs)
        twin._live, twin._touched, twin._encoded = {}, {}, {}
        twin._facts = dict(self._facts)  # _Facts are replaced, never changed: sharing them is safe
        twin._order = list(self._order)
        twin._by_seq = list(self._by_seq)
        twin._equal = [
            {key: ids if isinstance(ids, str) else set(ids) for key, ids in table.items()}
            for table in self._equal
        ]
        twin._updated, twin._dates = _Sorted(), _Sorted()
        twin._updated.items = list(self._updated.items)
        twin._dates.items = list(self._dates.items)
        twin._sorts, twin._trigrams = None, None
        return twin

    def __deepcopy__(self, memo: dict[int, Any]) -> Collection:
        return self.clone()


class Rows(Sequence[Record]):
    """Records of a collection by id, decoded only when a page reads them (to show: see
    :meth:`Collection.view`)."""

    def __init__(self, collection: Collection, ids: Sequence[str]) -> None:
        self.collection = collection
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            return [self.collection.view(rid) for rid in self.ids[index]]
        return self.collection.view(self.ids[index])
