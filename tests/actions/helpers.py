"""Helpers shared by the action tests: build customers, suppliers and invoice lines."""

from __future__ import annotations

from typing import Any

from sage_accounting import SageAccounting
from sage_accounting.actions import run_action


def customer(client: SageAccounting, name: str = "Acme Ltd", **inputs: Any) -> dict[str, Any]:
    """A new customer contact (through createContact)."""
    result: dict[str, Any] = run_action(
        client, "createContact", {"name": name, "contactTypeIds": "CUSTOMER", **inputs}
    )
    return result


def supplier(client: SageAccounting, name: str = "Widgets plc") -> dict[str, Any]:
    """A new supplier contact."""
    result: dict[str, Any] = run_action(client, "createContact", {"name": name, "contactTypeIds": ["VENDOR"]})
    return result


def line(ledger_id: str, unit_price: str = "100.00", quantity: str = "1", **extra: Any) -> dict[str, Any]:
    """An invoice line in Sage's field names, numbers as text."""
    return {
        "description": "Consulting",
        "ledger_account_id": ledger_id,
        "quantity": quantity,
        "unit_price": unit_price,
        "tax_rate_id": "GB_STANDARD",
        **extra,
    }


def api_calls(emu: Any) -> list[tuple[str, str]]:
    """(method, path) of every API request the emulator answered."""
    return [(e.method, e.path) for e in emu.request_log.entries() if e.path.startswith("/v3.1")]
