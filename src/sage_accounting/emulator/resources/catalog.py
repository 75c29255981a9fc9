"""Products and services (``/products``, ``/services``) and their price lists.

A product carries one sales price per product sales price type (Sage's defaults: Sales Price, Trade,
Wholesale); a service one rate per service rate type (default: Rate). The type lists are per business and
made on first use, since nothing else creates them. ``deletable`` is false once an artefact line uses the
item, and such an item cannot be deleted (only deactivated), so it is refreshed on every read.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

from .._errors import Invalid, invalid
from .._fields import F, Field, S
from .._money import ZERO, format_money
from .._resource import READ, WRITE, Ctx, Record, Resource, area
from .._state import new_id
from . import ledger

FULL = frozenset({"full_access"})
READ_ACCESS = (("Products & Services", READ), ("Sales", READ), ("Purchases", READ))
ITEM_TYPES = {"PRODUCT": "Non-stock", "STOCK_ITEM": "Stock"}


def ensure_types(ctx: Ctx, collection: str, names: tuple[str, ...]) -> list[Record]:
    """The business's price (rate) types, creating Sage's defaults the first time they are needed."""
    records = ctx.collection(collection)
    if not records:
        for type_name in names:
            record = {**ctx.stamp(collection), "name": type_name, "active": True}
            record["displayed_as"] = type_name
            records[record["id"]] = record
    return list(records.values())


class PriceTypes(Resource):
    """Read-only here: the settings screens that edit them are out of the emulator's scope."""

    defaults: ClassVar[tuple[str, ...]] = ()
    verbs = frozenset({"list", "get"})
    read_access = READ_ACCESS
    search_fields = ("name",)
    filters = {"active": lambda r, v: bool(r.get("active")) == ledger.truthy(v)}

    def records(self, ctx: Ctx) -> Iterable[Record]:
        return ensure_types(ctx, self.name, self.defaults)

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        ensure_types(ctx, self.name, self.defaults)
        return super().retrieve(ctx, record_id)


class ProductSalesPriceTypes(PriceTypes):
    name = "product_sales_price_types"
    defaults = ("Sales Price", "Trade", "Wholesale")


class ServiceRateTypes(PriceTypes):
    name = "service_rate_types"
    defaults = ("Rate",)


def usage(ctx: Ctx, key: str) -> set[str]:
    """Ids of the items that some record's line names under ``key`` (``product``/``service``)."""
    used: set[str] = set()
    for collection in ctx.business.data.values():
        for record in collection.values():
            if not isinstance(record, dict):
                continue
            for value in record.values():
                if not isinstance(value, list):
                    continue
                for line in value:
                    link = line.get(key) if isinstance(line, dict) else None
                    if isinstance(link, dict) and isinstance(link.get("id"), str):
                        used.add(link["id"])
    return used


def _common_fields(purchase_ledger_required: bool) -> tuple[Field, ...]:
    # Lengths from the Product/Service models (the post definitions give none).
    return (
        S("description", 255, required=True),
        F("sales_ledger_account_id", "id", required=True),
        F("purchase_ledger_account_id", "id", required=purchase_ledger_required),
        S("item_code", 255),
        S("notes", 500),
        F("sales_tax_rate_id", "id"),
        F("usual_supplier_id", "id"),
        F("purchase_tax_rate_id", "id"),
        F("cost_price", "money"),
        S("source_guid", 255),
        S("purchase_description", 250),
        F("active", "boolean"),
    )


def _price_list(key: str, name_key: str, amount_key: str, includes_key: str, type_key: str) -> Field:
    return F(
        key,
        "objects",
        fields=(S(name_key), F(amount_key, "money"), F(includes_key, "boolean"), F(f"{type_key}_id", "id")),
    )


class CatalogItems(Resource):
    """What products and services share; subclasses name their price list's keys and record layout."""

    link_key: ClassVar[str]  # how artefact lines name the item: "product" / "service"
    prices_key: ClassVar[str]
    name_key: ClassVar[str]
    amount_key: ClassVar[str]
    includes_key: ClassVar[str]
    type_key: ClassVar[str]
    types: ClassVar[type[PriceTypes]]
    layout: ClassVar[tuple[str, ...]]

    verbs = frozenset({"list", "get", "create", "update", "delete"})
    read_access = READ_ACCESS
    write_access = area("Products & Services", WRITE)
    delete_access = area("Products & Services", FULL)
    search_fields = ("item_code", "description")
    filters = {"active": lambda r, v: bool(r.get("active")) == ledger.truthy(v)}
    indexes = {"item_code": lambda r: r.get("item_code")}

    # --- reads refresh ``deletable`` ------------------------------------------------------------------
    def records(self, ctx: Ctx) -> Iterable[Record]:
        used = usage(ctx, self.link_key)
        items = list(ctx.collection(self.name).values())
        for record in items:
            record["deletable"] = record["id"] not in used
        return items

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        record = super().retrieve(ctx, record_id)
        record["deletable"] = record_id not in usage(ctx, self.link_key)
        return record

    # --- rules -------------------------------------------------------------------------------------------
    def _check(
        self, ctx: Ctx, data: dict[str, Any], errors: Invalid, record: Record | None
    ) -> dict[str, Any]:
        refs: dict[str, Any] = {}
        for key, collection in (
            ("sales_ledger_account", ledger.NAME),
            ("purchase_ledger_account", ledger.NAME),
            ("sales_tax_rate", "tax_rates"),
            ("purchase_tax_rate", "tax_rates"),
        ):
            if data.get(f"{key}_id") is not None:
                refs[key] = ctx.require(collection, data[f"{key}_id"], f"{key}_id", errors)
        if data.get("usual_supplier_id") is not None:
            supplier = ctx.get("contacts", data["usual_supplier_id"])
            types = {t.get("id") for t in (supplier or {}).get("contact_types") or () if isinstance(t, dict)}
            if supplier is None or (types and "VENDOR" not in types):
                errors.add("usual_supplier_id", "Couldn't find Supplier.")
            refs["usual_supplier"] = supplier
        cost = data.get("cost_price")
        if isinstance(cost, Decimal) and cost < 0:
            errors.add("cost_price", "must be greater than or equal to 0")
        code = data.get("item_code")
        if code and _item_code_taken(ctx, code, record["id"] if record else None):
            errors.add("item_code", "has already been taken")
        return refs

    def _prices(
        self, ctx: Ctx, sent: list[dict[str, Any]], current: list[Record], errors: Invalid
    ) -> list[Record]:
        """The full price list after applying the sent entries (matched to their type) to ``current``."""
        types = ensure_types(ctx, self.types.name, self.types.defaults)
        existing = {(p.get(self.type_key) or {}).get("id"): p for p in current}
        given: dict[str, Record] = {}
        for i, item in enumerate(sent):
            source = f"{self.prices_key}[{i}]"
            price_type = self._price_type(ctx, item, types, given, source, errors)
            if price_type is None:
                continue
            if price_type["id"] in given:
                errors.add(f"{source}.{self.type_key}_id", "is used by more than one entry")
                continue
            amount = item.get(self.amount_key)
            if isinstance(amount, Decimal) and amount < 0:
                errors.add(f"{source}.{self.amount_key}", "must be greater than or equal to 0")
                continue
            before = existing.get(price_type["id"])
            entry = dict(before) if before else self._entry(ctx, price_type)
            if item.get(self.name_key):
                entry[self.name_key] = item[self.name_key]
                entry["displayed_as"] = item[self.name_key]
            if isinstance(amount, Decimal):
                entry[self.amount_key] = format_money(amount)
            if item.get(self.includes_key) is not None:
                entry[self.includes_key] = bool(item[self.includes_key])
            entry["updated_at"] = ctx.now_iso
            given[price_type["id"]] = entry
        out: list[Record] = []
        for price_type in types:
            kept = given.get(price_type["id"]) or existing.get(price_type["id"])
            if kept is None and price_type.get("active"):
                kept = self._entry(ctx, price_type)
            if kept is not None:
                out.append(kept)
        return out

    def _price_type(
        self,
        ctx: Ctx,
        item: dict[str, Any],
        types: list[Record],
        given: dict[str, Record],
        source: str,
        errors: Invalid,
    ) -> Record | None:
        """The type an entry is for: by id, else by its name, else the first type not yet given."""
        type_id = item.get(f"{self.type_key}_id")
        if type_id is not None:
            return ctx.require(self.types.name, type_id, f"{source}.{self.type_key}_id", errors)
        wanted = str(item.get(self.name_key) or "").strip().lower()
        for price_type in types:
            if wanted and str(price_type.get("name", "")).lower() == wanted:
                return price_type
        for price_type in types:
            if price_type["id"] not in given:
                return price_type
        errors.add(f"{source}.{self.type_key}_id", "can't be blank")
        return None

    def _entry(self, ctx: Ctx, price_type: Record) -> Record:
        return {
            "id": new_id(),
            "displayed_as": price_type["name"],
            "created_at": ctx.now_iso,
            "updated_at": ctx.now_iso,
            self.name_key: price_type["name"],
            self.amount_key: "0.0",
            self.includes_key: False,
            self.type_key: ctx.link(self.types.name, price_type),
        }

    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        refs = self._check(ctx, data, errors, None)
        prices = self._prices(ctx, data.get(self.prices_key) or [], [], errors)
        extra = self.extra(ctx, data, errors, None)
        if errors:
            return {}
        sales_ledger = refs.get("sales_ledger_account")
        purchase_ledger = refs.get("purchase_ledger_account")
        values: Record = {
            **ctx.stamp(self.name),
            "deletable": True,
            "deactivatable": True,
            "used_on_recurring_invoice": False,
            "item_code": data.get("item_code"),
            "description": data["description"],
            "notes": data.get("notes") or "",
            "sales_ledger_account": ctx.link(ledger.NAME, sales_ledger),
            "purchase_ledger_account": ctx.link(ledger.NAME, purchase_ledger),
            # Without a rate, Sage uses the ledger account's default tax rate.
            "sales_tax_rate": ctx.link("tax_rates", refs.get("sales_tax_rate"))
            or (sales_ledger or {}).get("tax_rate"),
            "purchase_tax_rate": ctx.link("tax_rates", refs.get("purchase_tax_rate"))
            or (purchase_ledger or {}).get("tax_rate"),
            "usual_supplier": ctx.link("contacts", refs.get("usual_supplier")),
            "cost_price": format_money(data.get("cost_price") or ZERO),
            self.prices_key: prices,
            "source_guid": data.get("source_guid"),
            "purchase_description": data.get("purchase_description"),
            "active": True if data.get("active") is None else bool(data["active"]),
            **extra,
        }
        values["displayed_as"] = data["description"]
        record = {key: values.get(key) for key in self.layout}
        ctx.collection(self.name)[values["id"]] = record
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        refs = self._check(ctx, data, errors, record)
        prices = None
        if self.prices_key in data:
            prices = self._prices(ctx, data[self.prices_key] or [], record[self.prices_key], errors)
        extra = self.extra(ctx, data, errors, record)
        if errors:
            return record
        for key in ("item_code", "description", "notes", "source_guid", "purchase_description"):
            if key in data:
                record[key] = data[key] if key != "notes" else data[key] or ""
        for key, collection in (
            ("sales_ledger_account", ledger.NAME),
            ("purchase_ledger_account", ledger.NAME),
            ("sales_tax_rate", "tax_rates"),
            ("purchase_tax_rate", "tax_rates"),
            ("usual_supplier", "contacts"),
        ):
            if f"{key}_id" in data:
                record[key] = ctx.link(collection, refs.get(key))
        if "cost_price" in data:
            record["cost_price"] = format_money(data["cost_price"] or ZERO)
        if data.get("active") is not None:
            record["active"] = bool(data["active"])
        if prices is not None:
            record[self.prices_key] = prices
        record.update(extra)
        record["displayed_as"] = record["description"]
        ctx.touch(record)
        return record

    def extra(self, ctx: Ctx, data: dict[str, Any], errors: Invalid, record: Record | None) -> Record:
        """Fields only one of the two kinds has."""
        return {}

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        if record["id"] in usage(ctx, self.link_key):
            raise invalid("base", "It is used on transactions and cannot be deleted; deactivate it instead.")
        ctx.remove(self.name, record)
        return None


def _item_code_taken(ctx: Ctx, code: str, own_id: str | None) -> bool:
    # Item codes are unique across products and services alike.
    return any(
        ctx.collection(collection).equal("item_code", code) - {own_id}
        for collection in (Products.name, Services.name)
    )


class Products(CatalogItems):
    name = "products"
    wrapper = "product"
    link_key = "product"
    prices_key = "sales_prices"
    name_key = "price_name"
    amount_key = "price"
    includes_key = "price_includes_tax"
    type_key = "product_sales_price_type"
    types = ProductSalesPriceTypes
    create_fields = (
        *_common_fields(purchase_ledger_required=True),
        F("catalog_item_type_id", "id"),
        _price_list(prices_key, name_key, amount_key, includes_key, type_key),
    )
    layout = (
        *("id", "displayed_as", "$path", "created_at", "updated_at"),
        *("deletable", "deactivatable", "used_on_recurring_invoice", "item_code", "description", "notes"),
        *("sales_ledger_account", "sales_tax_rate", "purchase_ledger_account", "usual_supplier"),
        *("purchase_tax_rate", "cost_price", "sales_prices", "source_guid", "purchase_description"),
        *("active", "catalog_item_type"),
    )

    def extra(self, ctx: Ctx, data: dict[str, Any], errors: Invalid, record: Record | None) -> Record:
        type_id = data.get("catalog_item_type_id")
        if type_id is None:
            return {} if record is not None else {"catalog_item_type": _item_type(ctx, "PRODUCT")}
        if type_id not in ITEM_TYPES:
            errors.add("catalog_item_type_id", "is invalid")
            return {}
        return {"catalog_item_type": _item_type(ctx, type_id)}


class Services(CatalogItems):
    name = "services"
    wrapper = "service"
    link_key = "service"
    prices_key = "sales_rates"
    name_key = "rate_name"
    amount_key = "rate"
    includes_key = "rate_includes_tax"
    type_key = "service_rate_type"
    types = ServiceRateTypes
    create_fields = (
        *_common_fields(purchase_ledger_required=False),
        F("oss_service", "boolean"),
        _price_list(prices_key, name_key, amount_key, includes_key, type_key),
    )
    layout = (
        *("id", "displayed_as", "$path", "created_at", "updated_at"),
        *("deletable", "deactivatable", "used_on_recurring_invoice", "item_code", "description", "notes"),
        *("sales_ledger_account", "purchase_ledger_account", "sales_tax_rate", "purchase_tax_rate"),
        *("sales_rates", "source_guid", "purchase_description", "usual_supplier", "active", "cost_price"),
        "oss_service",
    )

    def extra(self, ctx: Ctx, data: dict[str, Any], errors: Invalid, record: Record | None) -> Record:
        if data.get("oss_service") is not None:
            return {"oss_service": bool(data["oss_service"])}
        return {} if record is not None else {"oss_service": False}


def _item_type(ctx: Ctx, type_id: str) -> Record:
    found = ctx.link("catalog_item_types", ctx.get("catalog_item_types", type_id))
    return found or {
        "id": type_id,
        "displayed_as": ITEM_TYPES[type_id],
        "$path": f"/catalog_item_types/{type_id}",
    }


RESOURCES: list[type[Resource]] = [Products, Services, ProductSalesPriceTypes, ServiceRateTypes]
