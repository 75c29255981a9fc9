"""Ledger accounts: the business's chart of accounts (``/ledger_accounts``).

Sage has no DELETE here, writes need Full Access in Settings, and a nominal code is unique within a
business. Records follow the key order of a real captured record, which adds ``ui_visible`` and
``bank_attached`` to the swagger model and leaves ``balance_details`` out unless asked for.
"""

from __future__ import annotations

from typing import Any

from .._errors import ApiError, Invalid
from .._fields import F, S
from .._money import format_money
from .._resource import READ, Ctx, Record, Resource, area, linked

NAME = "ledger_accounts"

# Sage groups every ledger account type into one of five groups (``ledger_account_group``).
GROUPS = {
    "SALES": "INCOME",
    "OTHER_INCOME": "INCOME",
    "DIRECT_EXPENSES": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "DEPRECIATION": "EXPENSE",
    "CURRENT_ASSETS": "ASSET",
    "FIXED_ASSETS": "ASSET",
    "FUTURE_ASSETS": "ASSET",
    "BANK": "ASSET",
    "CURRENT_LIABILITY": "LIABILITY",
    "FUTURE_LIABILITY": "LIABILITY",
    "LINE_OF_CREDIT": "LIABILITY",
    "EQUITY": "EQUITY",
}
GROUP_NAMES = {
    "ASSET": "Asset",
    "LIABILITY": "Liability",
    "EQUITY": "Equity",
    "INCOME": "Income",
    "EXPENSE": "Expense",
}

# visible_in_<area> flag -> the entry it puts in ``visible_scopes`` (names from the swagger description).
SCOPES = {
    "visible_in_banking": "bank",
    "visible_in_expenses": "purchasing",
    "visible_in_journals": "journals",
    "visible_in_other_payments": "other_payment",
    "visible_in_other_receipts": "other_receipt",
    "visible_in_reporting": "reporting",
    "visible_in_sales": "sales",
}
# values of the ``visible_in`` / ``not_visible_in`` query parameters -> record flag
VISIBLE_IN = {
    "banking": "visible_in_banking",
    "sales": "visible_in_sales",
    "expenses": "visible_in_expenses",
    "other_payments": "visible_in_other_payments",
    "other_receipts": "visible_in_other_receipts",
    "journals": "visible_in_journals",
    "reporting": "visible_in_reporting",
}

MAX_NOMINAL = 99_999_999
# Sage writes ledger accounts only with this role; reads are open to any area that picks accounts.
SETTINGS_FULL = frozenset({"full_access"})
SETTINGS_READ = frozenset({"full_access", "read_only"})


def _visible_flag(param: str) -> str:
    flag = VISIBLE_IN.get(param.strip().lower())
    if flag is None:
        raise ApiError(
            400, "InvalidParameter", f"visible_in must be one of: {', '.join(VISIBLE_IN)}", "visible_in"
        )
    return flag


def truthy(value: str) -> bool:
    return value.strip().lower() in ("true", "1")


def displayed_as(name: Any, nominal_code: Any) -> str:
    """``Sales Type A (4000)``; Sage pads the code to four digits (``(0041)``)."""
    return f"{name} ({int(nominal_code):04d})"


def find_by_nominal(ctx: Ctx, nominal_code: int, *, exclude: str | None = None) -> Record | None:
    for record in ctx.collection(NAME).values():
        if record.get("nominal_code") == nominal_code and record["id"] != exclude:
            return record
    return None


def next_free_nominal(ctx: Ctx, start: int) -> int:
    taken = {r.get("nominal_code") for r in ctx.collection(NAME).values()}
    code = start
    while code in taken:
        code += 1
    return code


def reference_link(ctx: Ctx, collection: str, ref_id: str) -> Record | None:
    return ctx.link(collection, ctx.get(collection, ref_id))


class LedgerAccounts(Resource):
    name = NAME
    wrapper = "ledger_account"
    verbs = frozenset({"list", "get", "create", "update"})
    read_access = (
        ("Sales", READ),
        ("Purchases", READ),
        ("Products & Services", READ),
        ("Contacts", READ),
        ("Bank", READ),
        ("Journals", READ),
        ("Settings", SETTINGS_READ),
    )
    write_access = area("Settings", SETTINGS_FULL)
    # Lengths come from the LedgerAccount model (the post definition gives none).
    create_fields = (
        F("ledger_account_type_id", "id", required=True),
        F("included_in_chart", "boolean", required=True),
        S("name", 200, required=True),
        S("display_name", 200, required=True),
        F("nominal_code", "integer", required=True),
        F("ledger_account_classification_id", "id"),
        F("tax_rate_id", "id"),
        F("fixed_tax_rate", "boolean"),
        *(F(flag, "boolean") for flag in SCOPES),
        S("control_name", 255),
        F("tax_recoverable", "boolean"),
        F("recoverable_percentage", "decimal"),
        F("non_recoverable_ledger_account_id", "id"),
        F("cis_materials", "boolean"),
        F("cis_labour", "boolean"),
        F("gifi_code", "integer"),
    )
    search_fields = ("name", "display_name", "nominal_code", "displayed_as")
    filters = {
        "ledger_account_type_id": linked("ledger_account_type"),
        "ledger_account_classification_id": lambda r, v: (
            (r.get("ledger_account_classification") or {}).get("id") == v
        ),
        "visible_in": lambda r, v: bool(r.get(_visible_flag(v))),
        "not_visible_in": lambda r, v: not r.get(_visible_flag(v)),
        "show_included_in_chart": lambda r, v: bool(r.get("included_in_chart")) == truthy(v),
        "show_control_accounts": lambda r, v: bool(r.get("is_control_account")) == truthy(v),
    }

    # --- rules ---------------------------------------------------------------------------------------
    def _check(
        self, ctx: Ctx, data: dict[str, Any], errors: Invalid, record: Record | None
    ) -> dict[str, Any]:
        """Check the rules shared by create and update; return the resolved references that were sent."""
        refs: dict[str, Any] = {}
        own_id = record["id"] if record else None
        code = data.get("nominal_code")
        if isinstance(code, int):
            if not 1 <= code <= MAX_NOMINAL:
                errors.add("nominal_code", f"must be between 1 and {MAX_NOMINAL}")
            elif find_by_nominal(ctx, code, exclude=own_id) is not None:
                errors.add("nominal_code", "has already been taken")
        gifi = data.get("gifi_code")
        if isinstance(gifi, int) and not 1000 <= gifi <= 9999:
            errors.add("gifi_code", "must be between 1000 and 9999")
        type_id = data.get("ledger_account_type_id")
        if type_id is not None:
            refs["type"] = ctx.require("ledger_account_types", type_id, "ledger_account_type_id", errors)
            if (
                record is not None
                and record.get("bank_attached")
                and type_id != (record.get("ledger_account_type") or {}).get("id")
            ):
                errors.add("ledger_account_type_id", "cannot be changed for a bank account's ledger account")
        if data.get("tax_rate_id") is not None:
            refs["tax_rate"] = ctx.require("tax_rates", data["tax_rate_id"], "tax_rate_id", errors)
        if data.get("ledger_account_classification_id") is not None:
            refs["classification"] = ctx.require(
                "ledger_account_classifications",
                data["ledger_account_classification_id"],
                "ledger_account_classification_id",
                errors,
            )
        if data.get("non_recoverable_ledger_account_id") is not None:
            refs["non_recoverable"] = ctx.require(
                NAME, data["non_recoverable_ledger_account_id"], "non_recoverable_ledger_account_id", errors
            )
        if "control_name" in data:
            current = record.get("control_name") if record else None
            # Sage's own chart setup (the seed) sets control names; API callers cannot add or change one.
            if data["control_name"] != current and ctx.user.id != "seed":
                errors.add("control_name", "cannot be set or changed")
        return refs

    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        refs = self._check(ctx, data, errors, None)
        if errors:
            return {}
        type_id = str(data["ledger_account_type_id"])
        group = GROUPS.get(type_id, "ASSET")
        defaults = {
            "visible_in_banking": type_id == "BANK",
            "visible_in_expenses": group == "EXPENSE",
            "visible_in_journals": True,
            "visible_in_other_payments": group != "INCOME",
            "visible_in_other_receipts": group != "EXPENSE",
            "visible_in_reporting": True,
            "visible_in_sales": group == "INCOME",
        }
        flags = {f: bool(data[f]) if data.get(f) is not None else d for f, d in defaults.items()}
        control_name = data.get("control_name") or None
        record: Record = {
            **ctx.stamp(NAME),
            "ledger_account_group": None,
            "name": data["name"],
            "display_name": data["display_name"],
            "visible_scopes": [],
            "included_in_chart": bool(data["included_in_chart"]),
            "nominal_code": data["nominal_code"],
            "ledger_account_type": ctx.link("ledger_account_types", refs.get("type")),
            "ledger_account_classification": ctx.link(
                "ledger_account_classifications", refs.get("classification")
            ),
            "tax_rate": ctx.link("tax_rates", refs.get("tax_rate")),
            "fixed_tax_rate": bool(data.get("fixed_tax_rate") or False),
            **flags,
            "ui_visible": True,
            "bank_attached": False,
            "is_control_account": control_name is not None,
            "control_name": control_name,
            "display_formatted": "",
            "tax_recoverable": data.get("tax_recoverable"),
            "recoverable_percentage": None,
            "non_recoverable_ledger_account": ctx.link(NAME, refs.get("non_recoverable")),
            "cis_materials": bool(data.get("cis_materials") or False),
            "tax_instalment": False,
            "cis_labour": bool(data.get("cis_labour") or False),
            "gifi_code": data.get("gifi_code"),
        }
        if data.get("recoverable_percentage") is not None:
            record["recoverable_percentage"] = format_money(data["recoverable_percentage"])
        derive(record)
        ctx.collection(NAME)[record["id"]] = record
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        refs = self._check(ctx, data, errors, record)
        if errors:
            return record
        for key in ("name", "display_name", "nominal_code", "gifi_code", "tax_recoverable"):
            if key in data:
                record[key] = data[key]
        for key in ("included_in_chart", "fixed_tax_rate", "cis_materials", "cis_labour", *SCOPES):
            if data.get(key) is not None:
                record[key] = bool(data[key])
        if "type" in refs:
            record["ledger_account_type"] = ctx.link("ledger_account_types", refs["type"])
        if "tax_rate_id" in data:  # null clears the default tax rate
            record["tax_rate"] = ctx.link("tax_rates", refs.get("tax_rate"))
        if "ledger_account_classification_id" in data:
            record["ledger_account_classification"] = ctx.link(
                "ledger_account_classifications", refs.get("classification")
            )
        if "non_recoverable_ledger_account_id" in data:
            record["non_recoverable_ledger_account"] = ctx.link(NAME, refs.get("non_recoverable"))
        if "recoverable_percentage" in data:
            value = data["recoverable_percentage"]
            record["recoverable_percentage"] = None if value is None else format_money(value)
        derive(record)
        ctx.touch(record)
        return record


def derive(record: Record) -> None:
    """Recompute the fields Sage derives from others (labels, group, scopes)."""
    code = int(record["nominal_code"])
    record["displayed_as"] = displayed_as(record["name"], code)
    record["display_formatted"] = f"{code:04d} - {record['name']}"
    type_id = (record.get("ledger_account_type") or {}).get("id")
    group = GROUPS.get(str(type_id), "ASSET")
    record["ledger_account_group"] = {"id": group, "displayed_as": GROUP_NAMES[group]}
    record["visible_scopes"] = sorted(scope for flag, scope in SCOPES.items() if record.get(flag))


RESOURCES: list[type[Resource]] = [LedgerAccounts]
