"""The resource framework: what every emulated Sage endpoint shares.

A resource is a pure backend (state and rules, no HTTP): it creates, updates, deletes and filters records of
one Sage collection inside one business. The HTTP layer (``_app.py``) handles tokens, businesses, roles,
limits and faults, then calls these methods through ``Ctx``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ._clock import iso
from ._errors import ApiError, Invalid, not_found
from ._fields import Field, clean
from ._state import Business, State, User, new_id
from ._store import Collection

Record = dict[str, Any]

READ = frozenset({"read_only", "restricted_access", "full_access"})
WRITE = frozenset({"restricted_access", "full_access"})
FULL = frozenset({"full_access"})

# An access rule: the user needs one of the roles in at least one of the areas.
Access = tuple[tuple[str, frozenset[str]], ...]


def area(name: str, roles: frozenset[str]) -> Access:
    return ((name, roles),)


@dataclass
class Ctx:
    """Everything a resource method may touch during one request."""

    state: State
    business: Business
    user: User
    now: float
    registry: dict[str, Resource]

    @property
    def now_iso(self) -> str:
        return iso(self.now)

    @property
    def today(self) -> str:
        return self.now_iso[:10]

    def collection(self, name: str) -> Collection:
        return self.business.collection(name)

    def get(self, name: str, record_id: Any) -> Record | None:
        if not isinstance(record_id, str):
            return None
        return self.business.collection(name).get(record_id)

    def require(
        self, name: str, record_id: Any, source: str, errors: Invalid, message: str | None = None
    ) -> Record | None:
        """The referenced record, or a 422 entry naming ``source`` when it does not exist."""
        if record_id is None:
            return None
        record = self.get(name, record_id)
        if record is None:
            errors.add(source, message or "is invalid")
        return record

    def link(self, name: str, record: Record | None) -> Record | None:
        if record is None:
            return None
        return {
            "id": record["id"],
            "displayed_as": record.get("displayed_as"),
            "$path": f"/{name}/{record['id']}",
        }

    def touch(self, record: Record) -> None:
        record["updated_at"] = self.now_iso

    def stamp(self, name: str, record_id: str | None = None) -> Record:
        """The leading keys every record starts with."""
        rid = record_id or new_id()
        return {
            "id": rid,
            "displayed_as": None,
            "$path": f"/{name}/{rid}",
            "created_at": self.now_iso,
            "updated_at": self.now_iso,
        }

    def transaction_link(self, current: Record | None = None) -> Record:
        """The link to the ledger transaction a posted record books (kept across edits)."""
        existing = (current or {}).get("transaction")
        if existing:
            return dict(existing)
        tid = new_id()
        return {"id": tid, "displayed_as": None, "$path": f"/transactions/{tid}"}

    def remove(self, name: str, record: Record) -> None:
        """Delete a record and remember it for ``deleted_since``; the ledger transaction it booked (its
        ``transaction`` link) goes with it and is remembered under ``transactions``."""
        self.collection(name).pop(record["id"], None)
        self.business.deleted.setdefault(name, []).append(
            {
                "id": record["id"],
                "displayed_as": record.get("displayed_as"),
                "$path": record["$path"],
                "deleted_at": self.now_iso,
            }
        )
        transaction = record.get("transaction")
        if isinstance(transaction, dict) and transaction.get("id"):
            self.business.deleted.setdefault("transactions", []).append(
                {
                    "id": transaction["id"],
                    "displayed_as": record.get("displayed_as"),
                    "$path": f"/transactions/{transaction['id']}",
                    "deleted_at": self.now_iso,
                }
            )

    def resource(self, name: str) -> Resource:
        return self.registry[name]


def linked(field: str) -> Callable[[Record, str], bool]:
    """A list filter: the record links (``{"id": …}``) to the id given, e.g. ``contact_id`` → ``linked("contact")``."""
    return lambda record, value: (record.get(field) or {}).get("id") == value


def transaction_key(record: Record) -> Any:
    """The id of the ledger transaction a record books (an index key: ``/transactions/{id}`` finds its
    origin through it)."""
    return (record.get("transaction") or {}).get("id")


def transaction_type_key(record: Record) -> Any:
    """The id of the record's transaction type (``/transactions?transaction_type_id`` selects through it)."""
    return (record.get("transaction_type") or {}).get("id")


def unbooked_key(record: Record) -> Any:
    """``True`` for a record that books no transaction (a draft, say): the few ``/transactions`` skips."""
    return True if not record.get("transaction") else None


# The equality indexes of every collection whose records book a ledger transaction: ``/transactions``
# answers its lists and GET one from them, decoding only the page it shows.
BOOKING_INDEXES: dict[str, Callable[[Record], Any]] = {
    "transaction": transaction_key,
    "transaction_type": transaction_type_key,
    "unbooked": unbooked_key,
}


class Resource:
    """One Sage collection. Subclasses set the class attributes and override the verbs they support."""

    name: ClassVar[str]
    wrapper: ClassVar[str] = ""
    # False for the endpoints outside any business (/businesses, /user): no X-Business, no business roles
    business_scoped: ClassVar[bool] = True
    # True for a resource that is one record at /{name} (GET and PUT on the collection path, as /user)
    singleton: ClassVar[bool] = False
    # the envelope's page size key: Sage writes $itemsPerPage, but $items_per_page on /businesses
    per_page_key: ClassVar[str] = "$itemsPerPage"
    verbs: ClassVar[frozenset[str]] = frozenset({"list", "get"})
    # extra POST /{name}/{id}/<action> verbs -> method name
    actions: ClassVar[dict[str, str]] = {}
    create_fields: ClassVar[tuple[Field, ...]] = ()
    update_fields: ClassVar[tuple[Field, ...] | None] = None  # defaults to create_fields, all optional
    read_access: ClassVar[Access] = ()
    get_access: ClassVar[Access | None] = None  # GET one record, where the swagger differs from the list
    write_access: ClassVar[Access] = ()
    delete_access: ClassVar[Access | None] = None  # defaults to write_access
    sortable: ClassVar[tuple[str, ...]] = ()
    search_fields: ClassVar[tuple[str, ...]] = ("displayed_as",)
    date_field: ClassVar[str | None] = None
    # query filters: param name -> function(record, value) -> bool (each scans what the other filters left)
    filters: ClassVar[dict[str, Callable[[Record, str], bool]]] = {}
    # equality indexes of the collection: index name -> key(record) (a tuple: several keys; None: none)
    indexes: ClassVar[dict[str, Callable[[Record], Any]]] = {}
    # query filters answered from an index: param name -> (index name, value as the index keys it)
    indexed_filters: ClassVar[dict[str, tuple[str, Callable[[str], Any]]]] = {}
    delete_status: ClassVar[int] = 204
    # the status POST /{name}/{id}/<action> answers with (Sage documents 201 for release)
    action_status: ClassVar[int] = 200

    # --- hooks -------------------------------------------------------------------------------------------
    def listing(self, ctx: Ctx, params: dict[str, str]) -> Sequence[Record] | None:
        """The records a list request selects, for a resource that answers its lists itself from indexes
        (``None``: the shared listing in ``_listing`` does)."""
        return None

    def records(self, ctx: Ctx) -> Iterable[Record]:
        return ctx.collection(self.name).values()

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        record = ctx.collection(self.name).get(record_id)
        if record is None:
            raise not_found()
        return record

    def render(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record:
        """The record as this request shows it (query flags such as ``show_payments_allocations``)."""
        return record

    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        raise ApiError(405, "MethodNotAllowed", "Method not allowed")

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        raise ApiError(405, "MethodNotAllowed", "Method not allowed")

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        ctx.remove(self.name, record)
        return None

    # --- shared machinery ----------------------------------------------------------------------------
    def access_for(self, verb: str) -> Access:
        if verb == "get" and self.get_access is not None:
            return self.get_access
        if verb in ("list", "get"):
            return self.read_access
        if verb == "delete" and self.delete_access is not None:
            return self.delete_access
        return self.write_access

    def parse_body(self, body: Any, *, partial: bool, errors: Invalid) -> dict[str, Any]:
        if not isinstance(body, dict) or not self.wrapper or not isinstance(body.get(self.wrapper), dict):
            errors.add(self.wrapper or "base", "is missing or not an object")
            errors.raise_if_any()
        fields = self.create_fields if not partial or self.update_fields is None else self.update_fields
        return clean(fields, body[self.wrapper], errors, partial=partial)

    def do_create(self, ctx: Ctx, body: Any) -> Record:
        errors = Invalid()
        data = self.parse_body(body, partial=False, errors=errors)
        errors.raise_if_any()
        record = self.create(ctx, data, errors)
        errors.raise_if_any()
        return record

    def do_update(self, ctx: Ctx, record_id: str, body: Any) -> Record:
        record = self.retrieve(ctx, record_id)
        errors = Invalid()
        data = self.parse_body(body, partial=True, errors=errors)
        errors.raise_if_any()
        result = self.update(ctx, record, data, errors)
        errors.raise_if_any()
        return result
