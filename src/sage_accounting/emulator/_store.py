"""Compact storage for one collection of records, with the indexes lists and rules query.

A record is kept as zlib-compressed JSON (with the collection's first record as the preset dictionary, so the
keys and the repeated links cost almost nothing): about 10x smaller than a dict of dicts. Records in use are
decoded into plain dicts held in a small write-back cache: a request reads and changes them in place, as
before, and :meth:`Collection.release` (after each request) re-encodes those that changed and updates the
indexes. The indexes (insertion order, equality keys, ``updated_at`` and date ranges, sort keys, and a
trigram index for ``search``) let a list page cost the same whatever the collection's size. They hold only
plain values in dicts, arrays and tuples, which the garbage collector does not walk: the emulator runs inside
users' processes, and a full collection there must not grow with the emulated business.
"""

from __future__ import annotations

import bisect
import math
import sys
import zlib
from array import array
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, overload

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


# What the indexes know of one record, to take it out of them when it changes: a plain tuple of plain values
# (the garbage collector stops tracking such tuples, so a big collection adds nothing to its passes)
# ``(seq, updated, date, equal keys, sort keys, search text)``
Facts = tuple[int, str, "str | None", tuple[Any, ...], tuple[tuple[bool, str], ...], str]
SEQ: Final = 0
UPDATED: Final = 1
DATE: Final = 2
EQUAL: Final = 3
SORTS: Final = 4
SEARCH: Final = 5


def facts_of(seq: int, record: Record, spec: IndexSpec) -> Facts:
    return (
        seq,
        # many records share a second: one string for them all
        sys.intern(record.get("updated_at") or ""),
        record.get(spec.date_field) if spec.date_field else None,
        tuple(fn(record) for fn in spec.equal.values()),
        tuple(sort_value(record.get(key)) for key in spec.sortable),
        "\x00".join(str(record.get(f) or "") for f in spec.search_fields).lower(),
    )


Item = tuple[Any, int, str]  # (key, seq, id)


class _Sorted:
    """``(key, seq, id)`` items kept sorted, for ranges and ordered pages: a list of sorted tuples of at most
    ``2 * BLOCK`` items (tuples of plain values, which the garbage collector stops tracking: a list of 100,000
    items would be walked by every full collection of the process), so an insert copies one block."""

    __slots__ = ("blocks", "firsts")
    BLOCK = 256

    def __init__(self, items: Sequence[Item] = ()) -> None:
        """``items`` already sorted."""
        self.blocks: list[tuple[Item, ...]] = [
            tuple(items[i : i + self.BLOCK]) for i in range(0, len(items), self.BLOCK)
        ]
        self.firsts: list[Item] = [block[0] for block in self.blocks]

    def __len__(self) -> int:
        return sum(len(block) for block in self.blocks)

    def copy(self) -> _Sorted:
        twin = _Sorted()
        twin.blocks, twin.firsts = list(self.blocks), list(self.firsts)
        return twin

    def _block_of(self, item: Any) -> int:
        """The block ``item`` belongs in (the last whose first item is not above it)."""
        return max(bisect.bisect_right(self.firsts, item) - 1, 0)

    def add(self, key: Any, seq: int, rid: str) -> None:
        item = (key, seq, rid)
        if not self.blocks:
            self.blocks.append((item,))
            self.firsts.append(item)
            return
        at = self._block_of(item)
        block = self.blocks[at]
        index = bisect.bisect_left(block, item)
        block = (*block[:index], item, *block[index:])
        if len(block) > 2 * self.BLOCK:
            self.blocks[at : at + 1] = [block[: self.BLOCK], block[self.BLOCK :]]
            self.firsts[at : at + 1] = [block[0], block[self.BLOCK]]
        else:
            self.blocks[at] = block
            self.firsts[at] = block[0]

    def remove(self, key: Any, seq: int, rid: str) -> None:
        if not self.blocks:
            return
        item = (key, seq, rid)
        at = self._block_of(item)
        block = self.blocks[at]
        index = bisect.bisect_left(block, item)
        if index < len(block) and block[index][2] == rid:
            block = block[:index] + block[index + 1 :]
            if block:
                self.blocks[at] = block
                self.firsts[at] = block[0]
            else:
                del self.blocks[at], self.firsts[at]

    def between(self, low: Any = None, high: Any = None) -> list[Item]:
        """The items ``>= low`` (bisect left) and ``<= high`` (bisect right); ``None``: no bound."""
        blocks = self.blocks
        if not blocks:
            return []
        first = self._block_of(low) if low is not None else 0
        last = self._block_of(high) if high is not None else len(blocks) - 1
        out: list[Item] = []
        for at in range(first, last + 1):
            block = blocks[at]
            start = bisect.bisect_left(block, low) if at == first and low is not None else 0
            end = bisect.bisect_right(block, high) if at == last and high is not None else len(block)
            out.extend(block[start:end])
        return out

    def ids_from(self, low: Any) -> list[str]:
        return [item[2] for item in self.between((low,))]

    def items(self) -> list[Item]:
        """Every item, in order (a new list)."""
        return [item for block in self.blocks for item in block]


class _IdsBySeq:
    """seq -> id, for every seq given so far (``None`` once its record is deleted): tuples of ``BLOCK`` ids (8
    bytes an id, and not walked by the garbage collector, unlike a list of them)."""

    __slots__ = ("blocks",)
    BLOCK = 256

    def __init__(self, blocks: list[tuple[str | None, ...]] | None = None) -> None:
        self.blocks = blocks if blocks is not None else []

    def copy(self) -> _IdsBySeq:
        return _IdsBySeq(list(self.blocks))

    def append(self, rid: str) -> int:
        """Give ``rid`` the next seq (returned)."""
        blocks = self.blocks
        if blocks and len(blocks[-1]) < self.BLOCK:
            blocks[-1] = (*blocks[-1], rid)
        else:
            blocks.append((rid,))
        return (len(blocks) - 1) * self.BLOCK + len(blocks[-1]) - 1

    def get(self, seq: int) -> str | None:
        return self.blocks[seq // self.BLOCK][seq % self.BLOCK]

    def __getitem__(self, seq: int) -> str:
        rid = self.blocks[seq // self.BLOCK][seq % self.BLOCK]
        if rid is None:
            raise KeyError(seq)
        return rid

    def drop(self, seq: int) -> None:
        at, index = divmod(seq, self.BLOCK)
        block = self.blocks[at]
        self.blocks[at] = (*block[:index], None, *block[index + 1 :])


class _Equal:
    """One equality index: key -> the records holding it. Most keys have one holder (kept as its id) or a few
    (a tuple of their seqs); both are plain values, so the table is not walked by the garbage collector. Keys
    held by many records (a transaction type, a busy contact) keep an array of seqs in a table of their own."""

    __slots__ = ("few", "many")
    FEW = 32  # holders kept in a tuple (adding one copies it)

    def __init__(self) -> None:
        self.few: dict[Any, str | tuple[int, ...]] = {}
        self.many: dict[Any, array[int]] = {}

    def copy(self) -> _Equal:
        twin = _Equal()
        twin.few = dict(self.few)
        twin.many = {key: array("q", seqs) for key, seqs in self.many.items()}
        return twin

    def add(self, value: Any, rid: str, seq: int, seq_of: Callable[[str], int]) -> None:
        holders = self.few.get(value)
        if holders is None:
            crowd = self.many.get(value)
            if crowd is not None:
                crowd.append(seq)
            else:
                self.few[value] = rid
        elif isinstance(holders, str):
            if holders != rid:
                self.few[value] = (seq_of(holders), seq)
        elif len(holders) < self.FEW:
            self.few[value] = (*holders, seq)
        else:
            del self.few[value]
            self.many[value] = array("q", (*holders, seq))

    def remove(self, value: Any, rid: str, seq: int, by_seq: _IdsBySeq) -> None:
        holders = self.few.get(value)
        if holders == rid:
            del self.few[value]
        elif isinstance(holders, tuple):
            rest = tuple(held for held in holders if held != seq)
            self.few[value] = by_seq[rest[0]] if len(rest) == 1 else rest
        elif (crowd := self.many.get(value)) is not None:
            if seq in crowd:
                crowd.remove(seq)
            if len(crowd) <= self.FEW // 2:
                del self.many[value]
                self.few[value] = tuple(crowd)

    def get(self, value: Any, by_seq: _IdsBySeq) -> set[str]:
        holders = self.few.get(value)
        if isinstance(holders, str):
            return {holders}
        seqs = holders if holders is not None else self.many.get(value, ())
        return {by_seq[seq] for seq in seqs}


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
        # The indexes hold only plain values (strings, numbers, tuples of them) in dicts and arrays, which the
        # garbage collector does not walk: a big collection does not make the process's collections slower.
        self._facts: dict[str, Facts] = {}
        self._order = array("q")  # the seqs of the records, in insertion order (so increasing)
        self._by_seq = _IdsBySeq()
        # key -> the id holding it, or the seqs of those holding it when several do (most keys have one)
        self._equal = [_Equal() for _ in self.spec.equal]
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
        by_seq = self._by_seq
        return iter([by_seq[seq] for seq in self._order])

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
        with what is stored (list pages read many records and change none). A record not already decoded is
        decoded for the caller only, not kept: a page's records are freed with the page instead of staying
        in the cache, where the garbage collector would walk them (and the cache keeps the records in use)."""
        live = self._live.get(rid)
        if live is not None:
            return live[0]
        record: Record = orjson.loads(self._decompress(self._blobs[rid]))
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
            del self._order[bisect.bisect_left(self._order, facts[SEQ])]
            self._by_seq.drop(facts[SEQ])

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
                seq = self._by_seq.append(rid)
                facts = facts_of(seq, record, self.spec)
                self._order.append(seq)
            else:
                facts = facts_of(old[SEQ], record, self.spec)
                if facts == old:
                    continue
                self._unindex(rid, old)
            self._facts[rid] = facts
            self._index(rid, facts)

    def release(self) -> None:
        """End of a request: re-encode the records that changed, update the indexes, and keep only the most
        recently used records decoded."""
        if not self._touched and not self._encoded and len(self._live) <= LIVE_LIMIT:
            return  # nothing read to change or written since the last release (most collections, most requests)
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

    def _index(self, rid: str, facts: Facts) -> None:
        seq = facts[SEQ]
        for table, key in zip(self._equal, facts[EQUAL], strict=True):
            for value in dict.fromkeys(key) if isinstance(key, tuple) else (key,):
                if value is not None:
                    table.add(value, rid, seq, self.seq_of)
        self._updated.add(facts[UPDATED], seq, rid)
        if facts[DATE] is not None:
            self._dates.add(facts[DATE], seq, rid)
        if self._sorts is not None:
            for index, key in zip(self._sorts.values(), facts[SORTS], strict=True):
                index.add(key, seq, rid)
        if self._trigrams is not None:
            self._trigrams.add(seq, facts[SEARCH])

    def _unindex(self, rid: str, facts: Facts) -> None:
        seq = facts[SEQ]
        for table, key in zip(self._equal, facts[EQUAL], strict=True):
            for value in dict.fromkeys(key) if isinstance(key, tuple) else (key,):
                if value is not None:
                    table.remove(value, rid, seq, self._by_seq)
        self._updated.remove(facts[UPDATED], seq, rid)
        if facts[DATE] is not None:
            self._dates.remove(facts[DATE], seq, rid)
        if self._sorts is not None:
            for index, key in zip(self._sorts.values(), facts[SORTS], strict=True):
                index.remove(key, seq, rid)
        if self._trigrams is not None:
            self._trigrams.stale += 1

    # --- queries (each costs what it selects, not what the collection holds) ---------------------------------
    def ordered_ids(self) -> Sequence[str]:
        """Every id in insertion order (a view of the collection's order: it follows later changes)."""
        self.sync()
        return _Ids(self._order, self._by_seq)

    def equal(self, index: str, value: Any) -> set[str]:
        """The ids whose ``index`` key (declared in the spec) is ``value``."""
        self.sync()
        position = list(self.spec.equal).index(index)
        return self._equal[position].get(value, self._by_seq)

    def updated_since(self, since: str) -> list[str]:
        """Ids with ``updated_at >= since``."""
        self.sync()
        return self._updated.ids_from(since)

    def dated(self, start: str | None, end: str | None) -> list[str]:
        """Ids whose date field lies in ``[start, end]`` (records without a date never do)."""
        self.sync()
        items = self._dates.between((start,) if start else None, (end, math.inf) if end else None)
        return [item[2] for item in items]

    def search(self, needle: str) -> list[str] | None:
        """Ids whose search text contains ``needle`` (lower case), or ``None`` when the needle is too short for
        the index (the caller scans)."""
        self.sync()
        if len(needle) < 3:
            return None
        if self._trigrams is None or self._trigrams.stale > len(self._facts):
            self._trigrams = _Trigrams()
            for facts in self._facts.values():
                self._trigrams.add(facts[SEQ], facts[SEARCH])
        candidates = self._trigrams.candidates(needle)
        found: set[str] = set()
        for seq in candidates or ():
            held = self._by_seq.get(seq)
            if held is not None and held not in found and needle in self._facts[held][SEARCH]:
                found.add(held)
        return list(found)

    def sorted_ids(self, key: str) -> list[tuple[Any, int, str]]:
        """``(sort key, seq, id)`` of every record in ``key``'s order (a new list)."""
        self.sync()
        if self._sorts is None:
            built: list[list[Item]] = [[] for _ in self.spec.sortable]
            for rid, facts in self._facts.items():
                for items, value in zip(built, facts[SORTS], strict=True):
                    items.append((value, facts[SEQ], rid))
            self._sorts = {
                name: _Sorted(sorted(items)) for name, items in zip(self.spec.sortable, built, strict=True)
            }
        return self._sorts[key].items()

    def seq_of(self, rid: str) -> int:
        """The record's place in insertion order (increasing: not a position)."""
        return self._facts[rid][SEQ]

    def position(self, rid: str) -> int:
        """Where ``rid`` stands in :meth:`ordered_ids`."""
        self.sync()
        return bisect.bisect_left(self._order, self._facts[rid][SEQ])

    def sort_key_of(self, rid: str, key: str) -> tuple[bool, str]:
        return self._facts[rid][SORTS][self.spec.sortable.index(key)]

    def in_order(self, ids: Sequence[str] | set[str]) -> list[str]:
        """``ids`` in insertion order."""
        facts = self._facts
        return sorted(ids, key=lambda rid: facts[rid][SEQ])

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
        return {rid: self.peek(rid) for rid in self}

    def clone(self) -> Collection:
        """An independent copy (the compressed records and index entries are shared or copied, not re-made)."""
        self.release()
        twin = Collection.__new__(Collection)
        twin.name, twin.spec, twin._zdict = self.name, self.spec, self._zdict
        twin._blobs = dict(self._blobs)
        twin._live, twin._touched, twin._encoded = {}, {}, {}
        twin._facts = dict(self._facts)  # facts are tuples: sharing them is safe
        twin._order = array("q", self._order)
        twin._by_seq = self._by_seq.copy()
        twin._equal = [table.copy() for table in self._equal]
        twin._updated, twin._dates = self._updated.copy(), self._dates.copy()
        twin._sorts, twin._trigrams = None, None
        return twin

    def __deepcopy__(self, memo: dict[int, Any]) -> Collection:
        return self.clone()


class _Ids(Sequence[str]):
    """A collection's ids in insertion order, read through its seqs."""

    __slots__ = ("by_seq", "order")

    def __init__(self, order: array[int], by_seq: _IdsBySeq) -> None:
        self.order = order
        self.by_seq = by_seq

    def __len__(self) -> int:
        return len(self.order)

    def __iter__(self) -> Iterator[str]:
        by_seq = self.by_seq
        return iter([by_seq[seq] for seq in self.order])

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            by_seq = self.by_seq
            return [by_seq[seq] for seq in self.order[index]]
        return self.by_seq[self.order[index]]


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
