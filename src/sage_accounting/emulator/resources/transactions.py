"""Transactions (``/transactions``): the ledger postings behind every posted document, read only.

Every record that books something carries a ``transaction`` link (invoices and credit notes once released,
contact payments, contact allocations, other payments, journals); that link's ``$path`` leads here. The
transaction is derived from its origin each time it is read, so it is never out of step with it:

* ``date``, ``reference``, ``contact``, ``transaction_type`` and ``total`` come from the origin (``total``
  in the base currency, ``total_in_transaction_currency`` the same: the emulated businesses have one
  currency); ``origin`` links back to the document with its status, outstanding amount and due date.
* ``created_at`` / ``updated_at`` are the origin's, so ``updated_or_created_since`` finds what a sync needs
  (best-practices guide, "Data synch efficiencies": one call to ``/transactions`` instead of one per
  endpoint).
* A voided sales artefact's transaction is ``deleted: true`` ("cancelling an invoice also voids the
  transaction"); a deleted origin's transaction is gone and ``deleted_since`` lists it.

Lists are answered from the origin collections' indexes (``updated_at``, dates, transaction type, contact,
the few records that book nothing), decoding only the page shown: a page costs about the same at 100,000
transactions as at 1,000. ``search``, ``updated_to_date`` and ``sort`` read each selected transaction.

``expand_origin=true`` (swagger) shows the whole originating document. Filters (swagger): ``transaction_type_id``, ``from_date`` / ``to_date``, ``updated_from_date`` /
``updated_to_date``, ``has_attachments`` (the emulator has no attachments: ``true`` selects nothing).
Access: Journals, Read Only or Full Access.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import overload

from .._errors import not_found
from .._listing import parse_date, parse_since, sort_keys
from .._money import format_money
from .._resource import Ctx, Record, Resource, area, linked
from .._store import Collection

READ_ROLES = frozenset({"read_only", "full_access"})
# Collections whose records book a transaction, with the field holding the transaction's total.
ORIGINS = {
    "sales_invoices": "total_amount",
    "sales_credit_notes": "total_amount",
    "purchase_invoices": "total_amount",
    "purchase_credit_notes": "total_amount",
    "contact_payments": "total_amount",
    "contact_allocations": None,
    "other_payments": "total_amount",
    "journals": "total",
}
TRANSACTION_KEYS = (
    "id", "displayed_as", "$path", "created_at", "updated_at", "date", "deleted", "reference", "total",
    "total_in_transaction_currency", "contact", "transaction_type", "origin", "audit_trail_id",
    "number_of_attachments",
)  # fmt: skip


def _origin_link(record: Record) -> Record:
    status = record.get("status")
    return {
        "id": record["id"],
        "displayed_as": record.get("displayed_as"),
        "$path": record["$path"],
        "links": list(record.get("links") or []),
        "due_date": record.get("due_date"),
        "outstanding_amount": record.get("outstanding_amount"),
        "currency": record.get("currency"),
        "status": status,
        "sent": record.get("sent"),
    }


def _allocated_total(record: Record) -> str:
    """An allocation moves no money overall; its transaction's total is what it settled (the debits)."""
    positive = sum(
        (
            Decimal(str(a["amount"]))
            for a in record.get("allocated_artefacts") or []
            if Decimal(str(a["amount"])) > 0
        ),
        Decimal(0),
    )
    return format_money(positive)


def transaction_of(name: str, record: Record) -> Record | None:
    """The transaction ``record`` (of collection ``name``) books, or None when it books none."""
    link = record.get("transaction")
    if not link:
        return None
    field = ORIGINS[name]
    total = record.get(field) if field else _allocated_total(record)
    status = (record.get("status") or {}).get("id")
    values: Record = {
        "id": link["id"],
        "displayed_as": record.get("displayed_as"),
        "$path": f"/transactions/{link['id']}",
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
        "date": record.get("date"),
        "deleted": status == "VOID",
        "reference": record.get("reference")
        or record.get("invoice_number")
        or record.get("credit_note_number"),
        "total": total,
        "total_in_transaction_currency": total,
        "contact": record.get("contact"),
        "transaction_type": record.get("transaction_type"),
        "origin": _origin_link(record),
        "audit_trail_id": None,
        "number_of_attachments": 0,
    }
    return {k: values[k] for k in TRANSACTION_KEYS}


def _on(value: str) -> bool:
    return value.strip().lower() in ("true", "1")


class Transactions(Resource):
    name = "transactions"
    verbs = frozenset({"list", "get"})
    read_access = area("Journals", READ_ROLES)
    date_field = "date"
    sortable = ("created_at", "updated_at", "date")
    search_fields = ("displayed_as", "reference")
    filters = {
        "transaction_type_id": linked("transaction_type"),
        "updated_from_date": lambda r, v: (
            str(r.get("updated_at") or "") >= parse_since(v, "updated_from_date")
        ),
        "updated_to_date": lambda r, v: str(r.get("updated_at") or "")[:10] <= v.strip()[:10],
        "has_attachments": lambda r, v: _on(v) == ((r.get("number_of_attachments") or 0) > 0),
        "contact_id": linked("contact"),
    }

    def listing(self, ctx: Ctx, params: dict[str, str]) -> Sequence[Record]:
        """Origin by origin, in each one's insertion order: the ids the indexes select, decoded only when a
        page shows them."""
        query = _Query(params)
        parts: list[tuple[str, Collection, Sequence[str]]] = []
        for name in ORIGINS:
            ids = query.ids(ctx.collection(name), name)
            if ids:
                parts.append((name, ctx.collection(name), ids))
        rows = _Booked(parts)
        keys = sort_keys(self, params.get("sort"))
        if not keys:
            return rows
        items = list(rows)
        for key, descending in reversed(keys):
            items.sort(key=functools.partial(_sort_value, key), reverse=descending)
        return items

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        # every origin collection indexes the transaction id it books: one look-up each
        for name in ORIGINS:
            records = ctx.collection(name)
            for origin_id in records.equal("transaction", record_id):
                transaction = transaction_of(name, records.view(origin_id))
                if transaction is not None:
                    return transaction
        raise not_found()

    def render(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record:
        """``expand_origin=true`` shows the whole originating document instead of its link."""
        if not _on(params.get("expand_origin", "")):
            return record
        parts = str(record["origin"]["$path"]).split("/")
        origin = ctx.get(parts[1], parts[2]) if len(parts) == 3 else None
        return {**record, "origin": origin} if origin is not None else record


class _Query:
    """A list request's filters, checked once, applied to each origin collection through its indexes."""

    def __init__(self, params: dict[str, str]) -> None:
        def given(name: str) -> str | None:
            value = params.get(name)
            return value if value is not None and value != "" else None

        since = [
            parse_since(value, name)
            for name in ("updated_or_created_since", "updated_from_date")
            if (value := given(name)) is not None
        ]
        self.since = max(since) if since else None
        start, end = given("from_date"), given("to_date")
        self.start = parse_date(start, "from_date") if start else None
        self.end = parse_date(end, "to_date") if end else None
        self.type_id = given("transaction_type_id")
        self.contact_id = given("contact_id")
        attachments = given("has_attachments")
        # the emulator keeps no attachments: asking for transactions with some selects none
        self.none = attachments is not None and _on(attachments)
        self.scan: list[Callable[[Record], bool]] = []
        needle = (given("search") or "").lower()
        if needle:
            fields = Transactions.search_fields
            self.scan.append(lambda r: any(needle in str(r.get(f) or "").lower() for f in fields))
        updated_to = given("updated_to_date")
        if updated_to is not None:
            last = updated_to.strip()[:10]
            self.scan.append(lambda r: str(r.get("updated_at") or "")[:10] <= last)

    def ids(self, records: Collection, name: str) -> Sequence[str]:
        """The ids of ``records`` whose transactions the request selects, in insertion order."""
        if self.none:
            return []
        equal = records.spec.equal
        chosen: set[str] | None = None
        scan = list(self.scan)

        def narrow(ids: Sequence[str] | set[str]) -> None:
            nonlocal chosen
            chosen = set(ids) if chosen is None else chosen.intersection(ids)

        if self.contact_id is not None:
            if "contact" not in equal:
                return []  # journals name no contact
            narrow(records.equal("contact", self.contact_id))
        if self.type_id is not None:
            narrow(records.equal("transaction_type", self.type_id))
        if self.since is not None:
            narrow(records.updated_since(self.since))
        if self.start is not None or self.end is not None:
            if records.spec.date_field == "date":
                narrow(records.dated(self.start, self.end))
            else:
                start, end = self.start or "", self.end or "9999"
                scan.append(lambda r: start <= str(r.get("date") or "") <= end)
        unbooked = records.equal("unbooked", True)
        if chosen is None and not scan:
            return _Skipping(records, sorted(records.position(rid) for rid in unbooked))
        ordered = (
            records.in_order(chosen - unbooked)
            if chosen is not None
            else [rid for rid in records.ordered_ids() if rid not in unbooked]
        )
        if scan:
            ordered = [
                rid
                for rid in ordered
                if (found := transaction_of(name, records.view(rid))) is not None
                and all(test(found) for test in scan)
            ]
        return ordered


def _sort_value(key: str, record: Record) -> tuple[bool, str]:
    value = record.get(key)
    return (value is None, str(value or ""))


class _Skipping(Sequence[str]):
    """A collection's ids in insertion order but for a few (the records that book nothing), found by position
    without copying the order."""

    def __init__(self, records: Collection, skipped: list[int]) -> None:
        self.order = records.ordered_ids()
        self.skipped = skipped
        # for each skipped position, how many kept ones come before it (never decreasing)
        self.kept_before = [position - n for n, position in enumerate(skipped)]

    def __len__(self) -> int:
        return len(self.order) - len(self.skipped)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        # the index-th kept id lies after every skipped position with at most index kept ones before it
        return self.order[index + bisect.bisect_right(self.kept_before, index)]


class _Booked(Sequence[Record]):
    """The selected transactions, origin after origin, each derived from its origin only when read."""

    def __init__(self, parts: list[tuple[str, Collection, Sequence[str]]]) -> None:
        self.parts = parts
        self.starts: list[int] = []
        total = 0
        for _, _, ids in parts:
            self.starts.append(total)
            total += len(ids)
        self.total = total

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.total))]
        if index < 0:
            index += self.total
        if not 0 <= index < self.total:
            raise IndexError(index)
        part = bisect.bisect_right(self.starts, index) - 1
        name, records, ids = self.parts[part]
        # read to show, not to change: the origins are not compared again at the end of the request
        found = transaction_of(name, records.view(ids[index - self.starts[part]]))
        if found is None:  # an index entry out of step with its record would be a bug: fail loudly
            raise LookupError(f"{name} record books no transaction")
        return found


RESOURCES: list[type[Resource]] = [Transactions]
