"""Addresses and contact persons: the parts of a contact that have endpoints of their own."""

from __future__ import annotations

from typing import Any

from .._errors import Invalid, invalid
from .._fields import F, Field, S
from .._resource import FULL, READ, WRITE, Ctx, Record, Resource, area, linked

CONTACTS_READ = (("Contacts", READ), ("Sales", READ), ("Purchases", READ), ("Bank", READ))
CONTACTS_LIST = (("Contacts", READ), ("Sales", READ), ("Purchases", READ))

ADDRESS_FIELDS: tuple[Field, ...] = (
    S("address_line_1", 50),
    S("address_line_2", 50),
    S("city", 50),
    S("postal_code", 10),
    F("country_id", "id"),
    F("bank_account_id", "id"),
    F("contact_id", "id"),
    F("address_type_id", "id"),
    S("name", 50),
    S("region", 50),
    F("country_group_id", "id"),
    F("is_main_address", "boolean"),
)

PERSON_FIELDS: tuple[Field, ...] = (
    F("contact_person_type_ids", "ids"),
    S("name", 50),
    S("job_title", 50),
    S("telephone", 50),
    S("mobile", 50),
    S("email", 100),
    S("fax", 50),
    F("is_main_contact", "boolean"),
    F("address_id", "id"),
    F("is_preferred_contact", "boolean"),
)


def address_display(ctx: Ctx, address: Record) -> str:
    parts = [address.get(k) for k in ("address_line_1", "address_line_2", "city", "region", "postal_code")]
    text = ", ".join(p for p in parts if p)
    if text:
        return text
    country = address.get("country")
    return str(country["displayed_as"]).rsplit(" (", 1)[0] if country else ""


def _at(source: str, name: str) -> str:
    """The ``$source`` of field ``name`` inside ``source`` (top level when ``source`` is empty)."""
    return f"{source}.{name}" if source else name


def ref_link(ctx: Ctx, collection: str, ref_id: str | None, source: str, errors: Invalid) -> Record | None:
    if ref_id is None:
        return None
    return ctx.link(collection, ctx.require(collection, ref_id, source, errors))


def country_group(country_id: str | None) -> Record | None:
    if country_id in ("GB", "IE"):
        return {"id": "GBIE", "displayed_as": "UK & Ireland", "$path": "/country_groups/GBIE"}
    if country_id:
        return {"id": "ROW", "displayed_as": "Rest of the World", "$path": "/country_groups/ROW"}
    return None


class Addresses(Resource):
    """``/addresses``: a contact's addresses. A contact always has exactly one main address: a new main
    address takes over (the old one stays, no longer main), and the main address can be neither deleted
    nor un-marked (mark another one main instead). A ``DELIVERY`` address becomes the contact's
    ``delivery_address`` when it has none."""

    name = "addresses"
    wrapper = "address"
    verbs = frozenset({"list", "get", "create", "update", "delete"})
    read_access = CONTACTS_LIST
    get_access = CONTACTS_READ
    write_access = area("Contacts", WRITE)
    delete_access = area("Contacts", FULL)
    create_fields = (
        F("contact_id", "id", required=True),
        F("address_type_id", "id", required=True),
        S("name", 50, required=True),
        F("is_main_address", "boolean", required=True),
        *(
            f
            for f in ADDRESS_FIELDS
            if f.name not in ("contact_id", "address_type_id", "name", "is_main_address")
        ),
    )
    update_fields = tuple(Field(f.name, f.kind, False, f.max_length, f.fields) for f in ADDRESS_FIELDS)

    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        contact = ctx.require("contacts", data.get("contact_id"), "contact_id", errors)
        if data.get("bank_account_id") is not None:
            errors.add(
                "bank_account_id",
                "is not accepted here: a bank account's address is part of the bank account",
            )
        if contact is None or errors:
            return {}
        main = bool(data.get("is_main_address"))
        record = self.build(ctx, data, errors, "", contact=contact, main=main)
        if errors:
            return {}
        ctx.collection(self.name)[record["id"]] = record
        self._attach(ctx, contact, record)
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        if "contact_id" in data and data["contact_id"] != (record.get("contact") or {}).get("id"):
            errors.add("contact_id", "cannot be changed")
        if data.get("is_main_address") is False and record.get("is_main_address"):
            errors.add(
                "is_main_address", "A contact needs a main address; make another address the main one."
            )
        if errors:
            return record
        self.change(ctx, record, data, errors, "")
        contact = ctx.get("contacts", (record.get("contact") or {}).get("id"))
        if not errors and contact is not None:
            if data.get("is_main_address"):
                record["is_main_address"] = True
            self._attach(ctx, contact, record)
        return record

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        if record.get("is_main_address"):
            raise invalid(
                "base", "The main address cannot be deleted; make another address the main one first."
            )
        contact = ctx.get("contacts", (record.get("contact") or {}).get("id"))
        ctx.remove(self.name, record)
        if contact is not None and (contact.get("delivery_address") or {}).get("id") == record["id"]:
            contact["delivery_address"] = None
            ctx.touch(contact)
        return None

    def _attach(self, ctx: Ctx, contact: Record, record: Record) -> None:
        """Point the contact at a new main (or first delivery) address, keeping one main address."""
        link = ctx.link(self.name, record)
        if record.get("is_main_address"):
            previous = ctx.get(self.name, (contact.get("main_address") or {}).get("id"))
            if previous is not None and previous["id"] != record["id"]:
                previous["is_main_address"] = False
                ctx.touch(previous)
            contact["main_address"] = link
            if "preferred_address" in contact:
                contact["preferred_address"] = link
        elif (record.get("address_type") or {}).get("id") == "DELIVERY" and not contact.get(
            "delivery_address"
        ):
            contact["delivery_address"] = link
        ctx.touch(contact)

    search_fields = ("displayed_as", "name", "postal_code")
    filters = {
        "contact_id": linked("contact"),
        "bank_account_id": linked("bank_account"),
    }
    indexes = {"contact": lambda r: (r.get("contact") or {}).get("id")}
    indexed_filters = {"contact_id": ("contact", str)}

    def build(
        self, ctx: Ctx, data: dict[str, Any], errors: Invalid, source: str, *, contact: Record, main: bool
    ) -> Record:
        country_id = data.get("country_id") or ctx.business.country
        type_id = data.get("address_type_id") or ("ACCOUNTS" if main else "DELIVERY")
        record: Record = {**ctx.stamp(self.name)}
        record.update(
            {
                "address_line_1": data.get("address_line_1"),
                "address_line_2": data.get("address_line_2"),
                "city": data.get("city"),
                "postal_code": data.get("postal_code"),
                "country": ref_link(ctx, "countries", country_id, _at(source, "country_id"), errors),
                "bank_account": None,
                "contact": {
                    "id": contact["id"],
                    "displayed_as": contact["displayed_as"],
                    "$path": contact["$path"],
                },
                "address_type": ref_link(
                    ctx, "address_types", type_id, _at(source, "address_type_id"), errors
                ),
                "name": data.get("name") or ("Main Address" if main else "Delivery Address"),
                "region": data.get("region"),
                "country_group": country_group(country_id),
                "is_main_address": main,
            }
        )
        # created_at/updated_at sit after country in Sage's address records
        record = _reorder_address(record)
        record["displayed_as"] = address_display(ctx, record)
        return record

    def change(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid, source: str) -> None:
        for key in ("address_line_1", "address_line_2", "city", "postal_code", "region"):
            if key in data:
                record[key] = data[key]
        if data.get("name"):
            record["name"] = data["name"]
        if data.get("country_id"):
            record["country"] = ref_link(
                ctx, "countries", data["country_id"], _at(source, "country_id"), errors
            )
            record["country_group"] = country_group(data["country_id"])
        if data.get("address_type_id"):
            record["address_type"] = ref_link(
                ctx, "address_types", data["address_type_id"], _at(source, "address_type_id"), errors
            )
        record["displayed_as"] = address_display(ctx, record)
        ctx.touch(record)


def _reorder_address(record: Record) -> Record:
    order = (
        "id",
        "displayed_as",
        "$path",
        "address_line_1",
        "address_line_2",
        "city",
        "postal_code",
        "country",
        "created_at",
        "updated_at",
        "bank_account",
        "contact",
        "address_type",
        "name",
        "region",
        "country_group",
        "is_main_address",
    )
    return {k: record[k] for k in order}


class ContactPersons(Resource):
    name = "contact_persons"
    wrapper = "contact_person"
    verbs = frozenset({"list", "get", "create", "update", "delete"})
    read_access = CONTACTS_LIST
    get_access = CONTACTS_READ
    write_access = area("Contacts", WRITE)
    delete_access = area("Contacts", FULL)
    create_fields = tuple(
        Field(f.name, f.kind, f.name in ("address_id", "name", "contact_person_type_ids"), f.max_length)
        for f in PERSON_FIELDS
    )
    update_fields = PERSON_FIELDS
    search_fields = ("name", "email")
    filters = {
        "contact_id": linked("contact"),
        "address_id": linked("address"),
    }
    indexes = {"contact": lambda r: (r.get("contact") or {}).get("id")}
    indexed_filters = {"contact_id": ("contact", str)}

    def build(self, ctx: Ctx, data: dict[str, Any], errors: Invalid, source: str, address: Record) -> Record:
        record: Record = {**ctx.stamp(self.name)}
        record.update(
            {
                "contact_person_types": self._types(
                    ctx, data.get("contact_person_type_ids") or ["ACCOUNTS"], source, errors
                ),
                "name": data.get("name") or "Main Contact",
                "job_title": data.get("job_title"),
                "telephone": data.get("telephone"),
                "mobile": data.get("mobile"),
                "email": data.get("email"),
                "fax": data.get("fax"),
                "is_main_contact": bool(data.get("is_main_contact", False)),
                "address": ctx.link("addresses", address),
                "contact": address.get("contact"),
                "is_preferred_contact": bool(data.get("is_preferred_contact", False)),
            }
        )
        record["displayed_as"] = record["name"]
        return record

    def _types(self, ctx: Ctx, ids: list[str], source: str, errors: Invalid) -> list[Record]:
        links = []
        for i, type_id in enumerate(ids):
            found = ctx.require(
                "contact_person_types", type_id, f"{source}contact_person_type_ids[{i}]", errors
            )
            link = ctx.link("contact_person_types", found)
            if link is not None:
                links.append(link)
        return links

    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        address = ctx.require("addresses", data["address_id"], "address_id", errors)
        if address is None:
            return {}
        record = self.build(ctx, data, errors, "", address)
        if errors:
            return record
        ctx.collection(self.name)[record["id"]] = record
        if record["is_main_contact"]:
            self._make_main(ctx, record)
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        if "name" in data and not data["name"]:
            errors.add("name", "can't be blank")
        if "contact_person_type_ids" in data:
            ids = data["contact_person_type_ids"] or []
            if not ids:
                errors.add("contact_person_type_ids", "can't be blank")
            types = self._types(ctx, ids, "", errors)
        if "address_id" in data:
            address = ctx.require("addresses", data["address_id"], "address_id", errors)
        if errors:
            return record
        if "contact_person_type_ids" in data:
            record["contact_person_types"] = types
        if "address_id" in data and address is not None:
            record["address"] = ctx.link("addresses", address)
            record["contact"] = address.get("contact")
        for key in ("name", "job_title", "telephone", "mobile", "email", "fax", "is_preferred_contact"):
            if key in data:
                record[key] = data[key]
        record["displayed_as"] = record["name"]
        if data.get("is_main_contact") and not record["is_main_contact"]:
            self._make_main(ctx, record)
        ctx.touch(record)
        self._sync_contact(ctx, record)
        return record

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        if record.get("is_main_contact"):
            raise invalid("base", "The main contact person of a contact cannot be deleted.")
        ctx.remove(self.name, record)
        return None

    def _make_main(self, ctx: Ctx, record: Record) -> None:
        contact_id = (record.get("contact") or {}).get("id")
        persons = ctx.collection(self.name)
        for other in [persons[pid] for pid in persons.in_order(persons.equal("contact", contact_id))]:
            if other is not record and other["is_main_contact"]:
                other["is_main_contact"] = False
                ctx.touch(other)
        record["is_main_contact"] = True
        contact = ctx.get("contacts", contact_id)
        if contact is not None:
            contact["main_contact_person"] = ctx.link(self.name, record)
            contact["preferred_contact_person"] = contact["main_contact_person"]
            contact["email"] = record.get("email")
            ctx.touch(contact)

    def _sync_contact(self, ctx: Ctx, record: Record) -> None:
        if not record.get("is_main_contact"):
            return
        contact = ctx.get("contacts", (record.get("contact") or {}).get("id"))
        if contact is not None:
            contact["main_contact_person"] = ctx.link(self.name, record)
            contact["preferred_contact_person"] = contact["main_contact_person"]
            contact["email"] = record.get("email")
