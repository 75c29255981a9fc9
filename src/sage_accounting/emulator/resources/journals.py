"""Journals (``/journals``): balanced double-entry postings between ledger accounts.

Sage cannot edit a journal (no PUT: delete and post again). Each line carries either a debit or a credit,
the debits must equal the credits, and each line embeds its whole ledger account (the swagger's
``JournalLine.ledger_account`` is a ``LedgerAccount``), refreshed on every read so renames show.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .._errors import Invalid
from .._fields import F, S
from .._money import ZERO, format_money
from .._resource import BOOKING_INDEXES, Ctx, Record, Resource, area
from .._state import new_id
from . import ledger
from .financial_settings import check_not_before_start

NAME = "journals"
READ_ROLES = frozenset({"read_only", "full_access"})  # Journals has no Restricted Access reads
FULL = frozenset({"full_access"})
MIN_LINES = 2

_LINE = (
    F("ledger_account_id", "id", required=True),
    F("debit", "money", required=True),
    F("credit", "money", required=True),
    S("details"),
    F("analysis_type_categories", "any"),
    F("include_on_tax_return", "boolean"),
)


class Journals(Resource):
    name = NAME
    wrapper = "journal"
    verbs = frozenset({"list", "get", "create", "delete"})
    read_access = area("Journals", READ_ROLES)
    write_access = area("Journals", FULL)
    create_fields = (
        F("date", "date", required=True),
        S("reference", 255, required=True),
        S("description", 200),
        F("total", "money"),
        F("journal_code", "any"),
        F("journal_lines", "objects", required=True, fields=_LINE),
        F("migrated", "boolean"),
    )
    search_fields = ("reference", "description")
    indexes = {**BOOKING_INDEXES}
    # swagger: "Reissues an existing Journal by voiding the existing one and creating a new one" (201)
    actions = {"reissue": "reissue"}
    action_status = 201

    # --- reads show the ledger accounts as they are now ------------------------------------------------
    def refresh(self, ctx: Ctx, record: Record) -> Record:
        for line in record.get("journal_lines") or ():
            current = ctx.get(ledger.NAME, (line.get("ledger_account") or {}).get("id"))
            if current is not None:
                line["ledger_account"] = copy.deepcopy(current)
        return record

    def records(self, ctx: Ctx) -> Iterable[Record]:
        return [self.refresh(ctx, r) for r in ctx.collection(NAME).values()]

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        return self.refresh(ctx, super().retrieve(ctx, record_id))

    # --- rules -------------------------------------------------------------------------------------------
    def create(self, ctx: Ctx, data: dict[str, Any], errors: Invalid) -> Record:
        lines: list[dict[str, Any]] = data["journal_lines"]
        check_not_before_start(ctx, data.get("date"), "date", errors)
        if len(lines) < MIN_LINES:
            errors.add("journal_lines", f"must have at least {MIN_LINES} lines")
        debits = credits = ZERO
        accounts: list[Record | None] = []
        for i, line in enumerate(lines):
            source = f"journal_lines[{i}]"
            accounts.append(
                ctx.require(ledger.NAME, line.get("ledger_account_id"), f"{source}.ledger_account_id", errors)
            )
            debit = _amount(line, "debit", source, errors)
            credit = _amount(line, "credit", source, errors)
            if debit is None or credit is None:
                continue
            if debit and credit:
                errors.add(source, "must have either a debit or a credit, not both")
            elif not debit and not credit:
                errors.add(source, "must have a debit or a credit")
            debits += debit
            credits += credit
        if not errors and debits != credits:
            errors.add(
                "journal_lines",
                f"debits ({format_money(debits)}) must equal credits ({format_money(credits)})",
            )
        if errors:
            return {}
        transaction_id = new_id()
        record: Record = {
            **ctx.stamp(NAME),
            # Sage books every journal as a transaction of type JOURNAL under the same label.
            "transaction": {
                "id": transaction_id,
                "displayed_as": data["reference"],
                "$path": f"/transactions/{transaction_id}",
            },
            "transaction_type": _journal_type(ctx),
            "deleted_at": None,  # swagger Journal, between transaction_type and date
            "date": data["date"],
            "reference": data["reference"],
            "description": data.get("description"),
            "total": format_money(debits),
            "journal_code": None,  # France only
            "journal_lines": [_line(line, account) for line, account in zip(lines, accounts, strict=True)],
            # Sage ignores a posted ``migrated`` flag: only its own imports set it.
            "migrated": False,
        }
        record["displayed_as"] = data["reference"]
        ctx.collection(NAME)[record["id"]] = record
        return record

    def reissue(self, ctx: Ctx, record: Record, payload: dict[str, Any]) -> Record:
        """Void the journal (it and its transaction are gone, as ``deleted_since`` shows) and post the same
        entries again as a new journal with a new transaction."""
        lines = [
            {
                "ledger_account_id": line["ledger_account"]["id"],
                "debit": Decimal(line["debit"]),
                "credit": Decimal(line["credit"]),
                "details": line.get("details"),
                "include_on_tax_return": line.get("include_on_tax_return"),
            }
            for line in record.get("journal_lines") or []
        ]
        data = {
            "date": record["date"],
            "reference": record["reference"],
            "description": record.get("description"),
            "journal_lines": lines,
        }
        ctx.remove(NAME, record)
        errors = Invalid()
        new = self.create(ctx, data, errors)
        errors.raise_if_any()
        return new


def _amount(line: dict[str, Any], key: str, source: str, errors: Invalid) -> Decimal | None:
    value = line.get(key)
    if not isinstance(value, Decimal):
        return None  # missing or not a number: already reported by field validation
    if value < 0:
        errors.add(f"{source}.{key}", "must be greater than or equal to 0")
        return None
    return value  # already in cents (a money field)


def _line(line: dict[str, Any], account: Record | None) -> Record:
    return {
        "id": new_id(),
        "ledger_account": copy.deepcopy(account or {}),
        "details": line.get("details"),
        "debit": format_money(line["debit"]),
        "credit": format_money(line["credit"]),
        "analysis_type_categories": [],
        "include_on_tax_return": bool(line.get("include_on_tax_return") or False),
        # Sage sets these itself (VAT return, bank reconciliation); a posted value is ignored.
        "tax_reconciled": False,
        "cleared": False,
        "bank_reconciled": False,
        "journal_line_foreign_currency": None,
    }


def _journal_type(ctx: Ctx) -> Record:
    found = ctx.get("transaction_types", "JOURNAL")
    if found is not None:
        link = ctx.link("transaction_types", found)
        if link is not None:
            return link
    return {"id": "JOURNAL", "displayed_as": "Journal", "$path": "/transaction_types/JOURNAL"}


RESOURCES: list[type[Resource]] = [Journals]
