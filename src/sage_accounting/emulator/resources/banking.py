"""Bank accounts (``/bank_accounts``).

Each bank account owns a ledger account of type BANK (Sage opens one, e.g. 1200 "Current"); it is made
through the ledger resource's own rules so nominal codes stay unique. ``balance`` and ``deletable`` are
derived from the activity other resources record against the account, so they are refreshed on every read.
A bank account with activity cannot be deleted; deleting one removes its ledger account too.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .._errors import Invalid, invalid
from .._fields import F, S
from .._money import ZERO, format_money, parse_decimal
from .._resource import READ, Ctx, Record, Resource, area
from . import ledger

NAME = "bank_accounts"
FULL = frozenset({"full_access"})
FIRST_BANK_NOMINAL = 1200

# collection -> transaction type id -> sign of ``total_amount`` for the bank account it names
SIGNS: dict[str, dict[str, int]] = {
    "contact_payments": {
        "CUSTOMER_RECEIPT": 1,
        "VENDOR_REFUND": 1,
        "VENDOR_PAYMENT": -1,
        "CUSTOMER_REFUND": -1,
    },
    "other_payments": {
        "OTHER_RECEIPT": 1,
        "OTHER_PAYMENT_REFUND": 1,
        "OTHER_PAYMENT": -1,
        "OTHER_RECEIPT_REFUND": -1,
    },
}

_ADDRESS = (
    S("address_line_1", 50),
    S("address_line_2", 50),
    S("city", 50),
    S("postal_code", 10),
    S("region", 50),
    F("country_id", "id"),
)
_PERSON_KEYS = ("name", "job_title", "telephone", "mobile", "email", "fax")
_PERSON = tuple(S(key) for key in _PERSON_KEYS)
_DETAILS = ("account_name", "account_number", "sort_code", "bic", "iban")


def _amount(value: Any) -> Decimal:
    return parse_decimal(value) or ZERO


def _names(link: Any, bank_id: str, key: str) -> bool:
    """Whether a record's field ``key`` (a link) points at the bank account."""
    if not isinstance(link, dict):
        return False
    if link.get("$path") == f"/{NAME}/{bank_id}":
        return True
    return key.endswith("bank_account") and link.get("id") == bank_id


def activity(ctx: Ctx, bank: Record) -> tuple[Decimal, bool]:
    """The account's balance and whether anything was recorded against it (read defensively: other
    resources own these collections)."""
    bank_id = bank["id"]
    ledger_id = (bank.get("ledger_account") or {}).get("id")
    balance = ZERO
    used = False
    for name, collection in ctx.business.data.items():
        if name in (NAME, ledger.NAME):
            continue
        for record in collection.values():
            if not isinstance(record, dict):
                continue
            if name == "journals":
                for line in record.get("journal_lines") or ():
                    if isinstance(line, dict) and (line.get("ledger_account") or {}).get("id") == ledger_id:
                        used = True
                        balance += _amount(line.get("debit")) - _amount(line.get("credit"))
                continue
            for key, value in record.items():
                if not _names(value, bank_id, key):
                    continue
                used = True
                balance += _effect(name, record, key)
    return balance, used


def _effect(collection: str, record: Record, key: str) -> Decimal:
    """How one record that names the bank account in field ``key`` moves its balance."""
    if collection == "bank_transfers":
        amount = _amount(record.get("amount"))
        return -amount if key == "from_bank_account" else amount if key == "to_bank_account" else ZERO
    if collection == "bank_opening_balances":
        return _amount(record.get("debit")) - _amount(record.get("credit"))
    type_id = (record.get("transaction_type") or {}).get("id")
    sign = SIGNS.get(collection, {}).get(str(type_id), 0)
    return sign * _amount(record.get("total_amount"))


def _link_or_code(ctx: Ctx, collection: str, ref_id: str | None) -> Record | None:
    """A link to a reference record, or a bare one when the business has no such list loaded."""
    if ref_id is None:
        return None
    found = ctx.get(collection, ref_id)
    if found is not None:
        return ctx.link(collection, found)
    return {"id": ref_id, "displayed_as": ref_id, "$path": f"/{collection}/{ref_id}"}


class BankAccounts(Resource):
    name = NAME
    wrapper = "bank_account"
    verbs = frozenset({"list", "get", "create", "update", "delete"})
    read_access = area("Bank", READ)
    write_access = area("Bank", FULL)
    create_fields = (
        F("bank_account_type_id", "id", required=True),
        F("ledger_account_id", "id"),
        F("nominal_code", "integer"),
        F("default_payment_method_id", "id"),
        F("gifi_code", "integer"),
        F("is_active", "boolean"),
        F("currency_id", "id"),
        # The swagger requires only the nested account_name, which a missing object cannot carry.
        # It becomes the ledger account's name, hence its length limit.
        F(
            "bank_account_details",
            "object",
            required=True,
            fields=(S("account_name", 200, required=True), *(S(n) for n in _DETAILS[1:])),
        ),
        F("main_address", "object", fields=_ADDRESS),
        F("main_contact_person", "object", fields=_PERSON),
        F("journal_code", "any"),
    )
    search_fields = ("displayed_as",)
    filters = {
        "filter_inactive_bank_accounts": lambda r, v: (not ledger.truthy(v)) or bool(r.get("is_active")),
        "exclude_stripe": lambda r, v: (
            (not ledger.truthy(v)) or (r.get("bank_account_type") or {}).get("id") != "STRIPE"
        ),
    }

    # --- reads refresh the derived fields -------------------------------------------------------------
    def refresh(self, ctx: Ctx, record: Record) -> Record:
        balance, used = activity(ctx, record)
        record["balance"] = format_money(balance)
        record["deletable"] = not used
        return record

    def records(self, ctx: Ctx) -> Iterable[Record]:
        return [self.refresh(ctx, r) for r in ctx.collection(NAME).values()]

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        return self.refresh(ctx, super().retrieve(ctx, record_id))

    # --- rules -----------------------------------------------------------------------------------------
    def _references(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> dict[str, Record | None]:
        refs: dict[str, Record | None] = {}
        if data.get("bank_account_type_id") is not None:
            refs["type"] = ctx.require(
                "bank_account_types", data["bank_account_type_id"], "bank_account_type_id", errors
            )
        if data.get("default_payment_method_id") is not None:
            refs["method"] = ctx.require(
                "payment_methods", data["default_payment_method_id"], "default_payment_method_id", errors
            )
        if data.get("currency_id") is not None:
            refs["currency"] = ctx.require("currencies", data["currency_id"], "currency_id", errors)
        country = (data.get("main_address") or {}).get("country_id")
        if country is not None:
            refs["country"] = ctx.require("countries", country, "main_address.country_id", errors)
        code = data.get("nominal_code")
        if isinstance(code, int) and not 1 <= code <= ledger.MAX_NOMINAL:
            errors.add("nominal_code", f"must be between 1 and {ledger.MAX_NOMINAL}")
        gifi = data.get("gifi_code")
        if isinstance(gifi, int) and not 1000 <= gifi <= 9999:
            errors.add("gifi_code", "must be between 1000 and 9999")
        return refs

    def _ledger_for(
        self, ctx: Ctx, data: dict[str, Any], account_name: str, errors: Invalid
    ) -> Record | None:
        """The ledger account the new bank account posts to: the one named, or a new BANK one."""
        if data.get("ledger_account_id") is not None:
            found = ctx.require(ledger.NAME, data["ledger_account_id"], "ledger_account_id", errors)
            if found is not None and not _free_bank_ledger(found):
                errors.add(
                    "ledger_account_id", "must be a bank ledger account not used by another bank account"
                )
            return found
        code = data.get("nominal_code")
        if isinstance(code, int):
            existing = ledger.find_by_nominal(ctx, code)
            # Sage's chart may already hold the bank's ledger account (1200, 1210): attach it.
            if existing is not None:
                if _free_bank_ledger(existing):
                    return existing
                errors.add("nominal_code", "has already been taken")
                return None
        else:
            code = ledger.next_free_nominal(ctx, FIRST_BANK_NOMINAL)
        no_tax = f"{ctx.business.country}_NO_TAX"
        body: dict[str, Any] = {
            "ledger_account_type_id": "BANK",
            "included_in_chart": True,
            "name": account_name,
            "display_name": account_name,
            "nominal_code": code,
            "tax_rate_id": no_tax if ctx.get("tax_rates", no_tax) else None,
            "visible_in_other_payments": False,
            "visible_in_other_receipts": False,
        }
        inner = Invalid()
        created = ctx.resource(ledger.NAME).create(ctx, body, inner)
        sources = {
            "name": "bank_account_details.account_name",
            "display_name": "bank_account_details.account_name",
        }
        for _code, message, source in inner.items:
            errors.add(sources.get(source, source if source == "nominal_code" else "base"), message)
        return None if inner else created

    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        details = data["bank_account_details"]
        refs = self._references(ctx, data, errors)
        if errors:
            return {}
        account = self._ledger_for(ctx, data, str(details["account_name"]), errors)
        if errors or account is None:
            return {}
        account["bank_attached"] = True
        type_id = str(data["bank_account_type_id"])
        method = refs.get("method")
        if method is None:
            # Sage preselects how money usually moves through this kind of account.
            method = ctx.get("payment_methods", "CASH" if type_id == "CASH_IN_HAND" else "ELECTRONIC")
        currency = refs.get("currency")
        record: Record = {
            **ctx.stamp(NAME),
            "deleted_at": None,  # swagger BankAccount, right after updated_at
            "bank_account_details": {k: details.get(k) for k in _DETAILS},
            "ledger_account": ctx.link(ledger.NAME, account),
            "bank_account_type": ctx.link("bank_account_types", refs.get("type")),
            "balance": "0.0",
            "main_address": _address(ctx, data.get("main_address"), refs.get("country")),
            "main_contact_person": _person(data.get("main_contact_person")),
            "nominal_code": account["nominal_code"],
            "editable": True,
            "deletable": True,
            "journal_code": None,
            "default_payment_method": ctx.link("payment_methods", method),
            "gifi_code": data.get("gifi_code"),
            "is_active": True if data.get("is_active") is None else bool(data["is_active"]),
            "currency": ctx.link("currencies", currency)
            if currency
            else _link_or_code(ctx, "currencies", ctx.business.currency),
        }
        record["displayed_as"] = ledger.displayed_as(details["account_name"], account["nominal_code"])
        ctx.collection(NAME)[record["id"]] = record
        return record

    def update(self, ctx: Ctx, record: Record, data: dict[str, Any], errors: Invalid) -> Record:
        refs = self._references(ctx, data, errors)
        account = ctx.get(ledger.NAME, (record.get("ledger_account") or {}).get("id"))
        details = data.get("bank_account_details")
        if "ledger_account_id" in data and data["ledger_account_id"] != (account or {}).get("id"):
            errors.add("ledger_account_id", "cannot be changed")
        current_currency = (record.get("currency") or {}).get("id")
        if data.get("currency_id") is not None and data["currency_id"] != current_currency:
            errors.add("currency_id", "cannot be changed once the bank account exists")
        code = data.get("nominal_code")
        if (
            isinstance(code, int)
            and code != record.get("nominal_code")
            and ledger.find_by_nominal(ctx, code, exclude=(account or {}).get("id")) is not None
        ):
            errors.add("nominal_code", "has already been taken")
        if errors:
            return record
        if details:
            record["bank_account_details"] = {**record["bank_account_details"], **details}
        if "type" in refs:
            record["bank_account_type"] = ctx.link("bank_account_types", refs["type"])
        if "default_payment_method_id" in data:
            record["default_payment_method"] = ctx.link("payment_methods", refs.get("method"))
        if "main_address" in data:
            record["main_address"] = _address(
                ctx, data["main_address"], refs.get("country"), record["main_address"]
            )
        if "main_contact_person" in data:
            record["main_contact_person"] = _person(
                data["main_contact_person"], record["main_contact_person"]
            )
        if data.get("is_active") is not None:
            record["is_active"] = bool(data["is_active"])
        if "gifi_code" in data:
            record["gifi_code"] = data["gifi_code"]
        if isinstance(code, int):
            record["nominal_code"] = code
        name = record["bank_account_details"]["account_name"]
        if account is not None:
            # The bank account's name and code are its ledger account's (the reverse does not hold).
            account.update(name=name, display_name=name, nominal_code=record["nominal_code"])
            ledger.derive(account)
            ctx.touch(account)
            record["ledger_account"] = ctx.link(ledger.NAME, account)
        record["displayed_as"] = ledger.displayed_as(name, record["nominal_code"])
        ctx.touch(record)
        return self.refresh(ctx, record)

    def delete(self, ctx: Ctx, record: Record, params: dict[str, str]) -> Record | None:
        if activity(ctx, record)[1]:
            raise invalid("base", "The bank account has transactions and cannot be deleted.")
        account = ctx.get(ledger.NAME, (record.get("ledger_account") or {}).get("id"))
        ctx.remove(NAME, record)
        if account is not None:
            ctx.remove(ledger.NAME, account)
        return None


def _free_bank_ledger(account: Record) -> bool:
    return (account.get("ledger_account_type") or {}).get("id") == "BANK" and not account.get("bank_attached")


def _address(
    ctx: Ctx, sent: dict[str, Any] | None, country: Record | None, current: Record | None = None
) -> Record | None:
    if sent is None:
        return current
    base = current or {}
    out: Record = {}
    for key in ("address_line_1", "address_line_2", "city", "postal_code"):
        out[key] = sent.get(key) if key in sent else base.get(key)
    out["country"] = ctx.link("countries", country) if "country_id" in sent else base.get("country")
    out["region"] = sent.get("region") if "region" in sent else base.get("region")
    return out


def _person(sent: dict[str, Any] | None, current: Record | None = None) -> Record | None:
    if sent is None:
        return current
    base = current or {}
    return {key: sent.get(key) if key in sent else base.get(key) for key in _PERSON_KEYS}


RESOURCES: list[type[Resource]] = [BankAccounts]
