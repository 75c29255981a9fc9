"""``/ledger_account_types``: Ledger account types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import LedgerAccountType  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncLedgerAccountTypes", "LedgerAccountTypes"]

ENDPOINT = Endpoint(
    path="/ledger_account_types",
    model="LedgerAccountType",
    wrapper=None,
    filters=frozenset({"ledger_account_classification_id"}),
    retrieve_params=frozenset(),
)


class LedgerAccountTypes(ReadOnly["LedgerAccountType"]):
    """``client.ledger_account_types``: Ledger account types."""

    _endpoint = ENDPOINT


class AsyncLedgerAccountTypes(AsyncReadOnly["LedgerAccountType"]):
    """``client.ledger_account_types`` on the async client: Ledger account types."""

    _endpoint = ENDPOINT
