"""Contacts (their addresses and contact persons are in ``contact_parts``).

A new contact gets a main address and a "Main Contact" person; it has exactly one contact type (``CUSTOMER``
or ``VENDOR``); it stops being ``deletable`` once a transaction references it, and deleting it then is a 422.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import ApiError, Invalid
from .._fields import F, Field, S
from .._money import format_money
from .._resource import FULL, WRITE, Ctx, Record, Resource, area
from .contact_parts import (
    ADDRESS_FIELDS,
    CONTACTS_LIST,
    CONTACTS_READ,
    PERSON_FIELDS,
    Addresses,
    ContactPersons,
    ref_link,
)

__all__ = ["RESOURCES", "Contacts", "contact_display", "mark_used"]

CONTACT_TYPES = ("CUSTOMER", "VENDOR")
STATEMENT_RUN = {"id": "statement_delivery_method_print", "name": "By post (PDF Generated)"}

BANK_DETAIL_FIELDS: tuple[Field, ...] = (
    S("account_name", 70),
    S("account_number", 25),
    S("sort_code", 25),
    S("bic", 11),
    S("iban", 34),
)

TAX_TREATMENT_FIELDS: tuple[Field, ...] = (
    F("home_tax", "boolean"),
    F("eu_tax_registered", "boolean"),
    F("eu_not_tax_registered", "boolean"),
    F("rest_of_world_tax", "boolean"),
    F("is_importer", "boolean"),
)

CONTACT_FIELDS: tuple[Field, ...] = (
    S("name", 100, required=True),
    F("contact_type_ids", "ids", required=True),
    S("reference", 10),
    F("default_sales_ledger_account_id", "id"),
    F("default_sales_tax_rate_id", "id"),
    F("default_purchase_ledger_account_id", "id"),
    S("tax_number", 255),
    S("notes", 4000),
    S("locale", 10),
    F("credit_limit", "money"),
    F("credit_days", "integer"),
    S("credit_terms"),
    S("credit_terms_and_conditions", 2000),
    F("product_sales_price_type_id", "id"),
    S("source_guid", 255),
    F("currency_id", "id"),
    S("aux_reference", 4),
    S("registered_number", 25),
    S("tax_calculation"),
    S("auxiliary_account", 25),
    F("destination_vat_blocking", "boolean"),
    F("main_address", "object", fields=ADDRESS_FIELDS),
    F("delivery_address", "object", fields=ADDRESS_FIELDS),
    F("main_contact_person", "object", fields=PERSON_FIELDS),
    F("bank_account_details", "object", fields=BANK_DETAIL_FIELDS),
    F("tax_treatment", "object", fields=TAX_TREATMENT_FIELDS),
)


def contact_display(name: str, reference: str | None) -> str:
    return f"{name} ({reference})" if reference else name


# What a contact's balance is made of: (collection, sign); payments on account live in contact payments.
BALANCE_PARTS = (
    ("sales_invoices", 1),
    ("sales_credit_notes", -1),
    ("purchase_invoices", 1),
    ("purchase_credit_notes", -1),
)


def balance(ctx: Ctx, contact: Record) -> Decimal:
    """What the contact still owes (a customer) or is owed (a supplier): the outstanding amounts of its
    invoices less those of its credit notes and unused payments on account. Drafts and voids owe nothing."""
    total = Decimal(0)
    contact_id = contact["id"]
    for name, sign in BALANCE_PARTS:
        records = ctx.collection(name)
        for record_id in records.equal("contact", contact_id):
            total += sign * Decimal(str(records[record_id].get("outstanding_amount") or "0"))
    payments = ctx.collection("contact_payments")
    for payment_id in payments.equal("contact", contact_id):
        poa = payments[payment_id].get("payment_on_account")
        if poa:
            total -= Decimal(str(poa.get("outstanding_amount") or "0"))
    return total


WEB_APP = "https://accounts-extra.sageone.com"


def web_links(ctx: Ctx, data: dict[str, Any]) -> list[Record]:
    """The contact's page in Sage's web app, as the captured record links it (``rel: alternate``): Sage
    numbers contacts for the web app separately from their API ids."""
    kinds = [str(k).upper() for k in data.get("contact_type_ids") or []]
    folder = "vendors" if kinds == ["VENDOR"] else "customers"
    number = ctx.business.next_number("web_contact")
    return [{"href": f"{WEB_APP}/contacts/{folder}/{number}", "rel": "alternate", "type": "text/html"}]


# Text fields Sage sends as "" when empty (the captured contact record), where others are null.
EMPTY_AS_TEXT = ("notes", "tax_calculation")


class Contacts(Resource):
    name = "contacts"
    wrapper = "contact"
    verbs = frozenset({"list", "get", "create", "update", "delete"})
    read_access = CONTACTS_LIST
    get_access = CONTACTS_READ
    write_access = area("Contacts", WRITE)
    delete_access = area("Contacts", FULL)
    create_fields = CONTACT_FIELDS
    update_fields = tuple(Field(f.name, f.kind, False, f.max_length, f.fields) for f in CONTACT_FIELDS)
    search_fields = ("name", "reference", "displayed_as")
    filters = {
        "contact_type_id": lambda r, v: any(t["id"] == v.upper() for t in r["contact_types"]),
        "email": lambda r, v: (r.get("email") or "").lower() == v.lower(),
        "filter_inactive_contacts": lambda r, v: v.lower() != "true" or bool(r.get("is_active")),
        "exclude_system": lambda r, v: v.lower() != "true" or not r.get("system"),
    }
    indexes = {
        "reference": lambda r: (r.get("reference") or "").lower() or None,
        "contact_type": lambda r: tuple(t["id"] for t in r.get("contact_types") or ()),
    }
    indexed_filters = {"contact_type_id": ("contact_type", str.upper)}

    def render(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record:
        """``show_balance=true`` adds ``balance`` (swagger order: after ``links``)."""
        if params.get("show_balance", "").strip().lower() not in ("true", "1"):
            return record
        shown: Record = {}
        for key, value in record.items():
            shown[key] = value
            if key == "links":
                shown["balance"] = format_money(balance(ctx, record))
        return shown

    def _check(
        self, ctx: Ctx, data: dict[str, Any], errors: Invalid, record: Record | None
    ) -> dict[str, Any]:
        """Rule checks shared by create and update; returns resolved links."""
        links: dict[str, Any] = {}
        if "contact_type_ids" in data and data["contact_type_ids"] is not None:
            ids = [i.upper() for i in data["contact_type_ids"]]
            if not ids:
                errors.add("contact_type_ids", "can't be blank")
            elif len(ids) > 1:
                errors.add("contact_type_ids", "must contain exactly one contact type (CUSTOMER or VENDOR)")
            elif ids[0] not in CONTACT_TYPES:
                errors.add("contact_type_ids", f"{ids[0]} is not a valid contact type (CUSTOMER or VENDOR)")
            else:
                if (
                    record is not None
                    and record["contact_types"][0]["id"] != ids[0]
                    and not record["deletable"]
                ):
                    errors.add("contact_type_ids", "cannot be changed once the contact has transactions")
                links["contact_types"] = [ctx.link("contact_types", ctx.get("contact_types", ids[0]))]
        reference = data.get("reference")
        if reference:
            holders = ctx.collection(self.name).equal("reference", reference.lower())
            if holders - {record["id"] if record is not None else None}:
                errors.add("reference", "has already been taken")
        for key, collection in (
            ("default_sales_ledger_account_id", "ledger_accounts"),
            ("default_purchase_ledger_account_id", "ledger_accounts"),
            ("default_sales_tax_rate_id", "tax_rates"),
            ("currency_id", "currencies"),
            ("product_sales_price_type_id", "product_sales_price_types"),
        ):
            if data.get(key):
                links[key] = ref_link(ctx, collection, data[key], key, errors)
        if data.get("credit_limit") is not None and data["credit_limit"] < 0:
            errors.add("credit_limit", "must be greater than or equal to 0")
        if data.get("credit_days") is not None and not 0 <= data["credit_days"] <= 365:
            errors.add("credit_days", "must be between 0 and 365")
        return links

    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        links = self._check(ctx, data, errors, None)
        if errors:
            return {}
        record: Record = {**ctx.stamp(self.name), "links": web_links(ctx, data)}
        currency = links.get("currency_id") or ctx.link(
            "currencies", ctx.get("currencies", ctx.business.currency)
        )
        bank = data.get("bank_account_details") or {}
        treatment = data.get("tax_treatment") or {}
        home = ctx.business.country
        record.update(
            {
                "contact_types": links["contact_types"],
                "name": data["name"],
                "reference": data.get("reference"),
                "default_sales_ledger_account": links.get("default_sales_ledger_account_id"),
                "default_sales_tax_rate": links.get("default_sales_tax_rate_id"),
                "default_purchase_ledger_account": links.get("default_purchase_ledger_account_id"),
                "tax_number": data.get("tax_number"),
                # Sage sends "" for a contact without notes or tax calculation (a captured record), not null
                "notes": data.get("notes") or "",
                "locale": data.get("locale") or "en",
                "main_address": None,
                "preferred_address": None,
                "delivery_address": None,
                "main_contact_person": None,
                "preferred_contact_person": None,
                "bank_account_details": {
                    k: bank.get(k) for k in ("account_name", "account_number", "sort_code", "bic", "iban")
                },
                "credit_limit": format_money(data["credit_limit"])
                if data.get("credit_limit") is not None
                else "0.0",
                "credit_days": data.get("credit_days"),
                "credit_terms": data.get("credit_terms"),
                "credit_terms_and_conditions": data.get("credit_terms_and_conditions"),
                "product_sales_price_type": links.get("product_sales_price_type_id"),
                "source_guid": data.get("source_guid"),
                "currency": currency,
                "aux_reference": data.get("aux_reference"),
                "registered_number": data.get("registered_number"),
                "deletable": True,
                "tax_treatment": {
                    "home_tax": treatment.get("home_tax", True),
                    "eu_tax_registered": treatment.get("eu_tax_registered", False),
                    "eu_not_tax_registered": treatment.get("eu_not_tax_registered", False),
                    "rest_of_world_tax": treatment.get("rest_of_world_tax", False),
                    "is_importer": treatment.get("is_importer"),
                },
                "email": None,
                "tax_calculation": data.get("tax_calculation") or "",
                "auxiliary_account": data.get("auxiliary_account"),
                "gdpr_obfuscated": False,
                "system": False,
                "has_unfinished_recurring_invoices": False,
                "cis_registered": False,
                "ni_based": False,
                "is_active": True,
                "gb_based": home == "GB",
                "cis_settings": None,
                "destination_vat_blocking": bool(data.get("destination_vat_blocking", False)),
                # The last four keys of a real contact (examples/GET_contacts__key.json), with its values:
                # no Direct Debit mandate, statements sent by post. Not writable through the API.
                "mandate_active": False,
                "send_statements": True,
                "statement_run": dict(STATEMENT_RUN),
                "go_cardless_mandate": None,
            }
        )
        record["displayed_as"] = contact_display(record["name"], record["reference"])
        addresses: Addresses = ctx.resource("addresses")  # type: ignore[assignment]
        persons: ContactPersons = ctx.resource("contact_persons")  # type: ignore[assignment]
        main = addresses.build(
            ctx, data.get("main_address") or {}, errors, "main_address", contact=record, main=True
        )
        delivery = None
        if data.get("delivery_address"):
            delivery = addresses.build(
                ctx, data["delivery_address"], errors, "delivery_address", contact=record, main=False
            )
        person_data = dict(data.get("main_contact_person") or {})
        person = persons.build(ctx, person_data, errors, "main_contact_person.", main)
        if errors:
            return record
        person["is_main_contact"] = True
        ctx.collection(self.name)[record["id"]] = record
        ctx.collection("addresses")[main["id"]] = main
        record["main_address"] = record["preferred_address"] = ctx.link("addresses", main)
        if delivery is not None:
            ctx.collection("addresses")[delivery["id"]] = delivery
            record["delivery_address"] = ctx.link("addresses", delivery)
        ctx.collection("contact_persons")[person["id"]] = person
        record["main_contact_person"] = record["preferred_contact_person"] = ctx.link(
            "contact_persons", person
        )
        record["email"] = person.get("email")
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        if "name" in data and not data["name"]:
            errors.add("name", "can't be blank")
        if "contact_type_ids" in data and not data["contact_type_ids"]:
            errors.add("contact_type_ids", "can't be blank")
        links = self._check(ctx, data, errors, record)
        addresses: Addresses = ctx.resource("addresses")  # type: ignore[assignment]
        main = ctx.get("addresses", (record.get("main_address") or {}).get("id"))
        delivery = ctx.get("addresses", (record.get("delivery_address") or {}).get("id"))
        if errors:
            return record
        for key in (
            "name",
            "reference",
            "tax_number",
            "notes",
            "locale",
            "credit_days",
            "credit_terms",
            "credit_terms_and_conditions",
            "source_guid",
            "aux_reference",
            "registered_number",
            "tax_calculation",
            "auxiliary_account",
            "destination_vat_blocking",
        ):
            if key in data:
                record[key] = data[key]
                if key in EMPTY_AS_TEXT and data[key] is None:
                    record[key] = ""
        if "credit_limit" in data:
            record["credit_limit"] = (
                format_money(data["credit_limit"]) if data["credit_limit"] is not None else "0.0"
            )
        if "contact_types" in links:
            record["contact_types"] = links["contact_types"]
        for key, field in (
            ("default_sales_ledger_account_id", "default_sales_ledger_account"),
            ("default_purchase_ledger_account_id", "default_purchase_ledger_account"),
            ("default_sales_tax_rate_id", "default_sales_tax_rate"),
            ("currency_id", "currency"),
            ("product_sales_price_type_id", "product_sales_price_type"),
        ):
            if key in data:
                record[field] = links.get(key)
        if data.get("bank_account_details"):
            record["bank_account_details"].update(data["bank_account_details"])
        if data.get("tax_treatment"):
            record["tax_treatment"].update(data["tax_treatment"])
        record["displayed_as"] = contact_display(record["name"], record["reference"])
        if data.get("main_address") and main is not None:
            addresses.change(ctx, main, data["main_address"], errors, "main_address")
            record["main_address"] = record["preferred_address"] = ctx.link("addresses", main)
        if data.get("delivery_address"):
            if delivery is None:
                delivery = addresses.build(
                    ctx, data["delivery_address"], errors, "delivery_address", contact=record, main=False
                )
                if not errors:
                    ctx.collection("addresses")[delivery["id"]] = delivery
            else:
                addresses.change(ctx, delivery, data["delivery_address"], errors, "delivery_address")
            record["delivery_address"] = ctx.link("addresses", delivery)
        if data.get("main_contact_person"):
            person = ctx.get("contact_persons", (record.get("main_contact_person") or {}).get("id"))
            if person is not None:
                persons: ContactPersons = ctx.resource("contact_persons")  # type: ignore[assignment]
                persons.update(ctx, person, data["main_contact_person"], errors)
        # keep the links other records hold to this contact readable
        for collection in ("addresses", "contact_persons"):
            items = ctx.collection(collection)
            for item_id in items.equal("contact", record["id"]):
                items[item_id]["contact"]["displayed_as"] = record["displayed_as"]
        ctx.touch(record)
        return record

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        if not record.get("deletable", True):
            raise ApiError(
                422, "RecordInvalid", "The contact cannot be deleted because it has transactions.", "base"
            )
        for collection in ("contact_persons", "addresses"):
            items = ctx.collection(collection)
            for item_id in items.in_order(items.equal("contact", record["id"])):
                ctx.remove(collection, items[item_id])
        ctx.remove(self.name, record)
        return None


def mark_used(ctx: Ctx, contact: Record) -> None:
    """A transaction now references ``contact``: it can no longer be deleted."""
    if contact.get("deletable"):
        contact["deletable"] = False
        ctx.touch(contact)


RESOURCES: list[type[Resource]] = [Contacts, ContactPersons, Addresses]
