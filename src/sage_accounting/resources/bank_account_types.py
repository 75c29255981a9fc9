"""``/bank_account_types``: Reference list: bank account types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import BankAccountType  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncBankAccountTypes", "BankAccountTypes"]

ENDPOINT = Endpoint(
    path="/bank_account_types",
    model="BankAccountType",
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class BankAccountTypes(ReadOnly["BankAccountType"]):
    """``client.bank_account_types``: Reference list: bank account types."""

    _endpoint = ENDPOINT


class AsyncBankAccountTypes(AsyncReadOnly["BankAccountType"]):
    """``client.bank_account_types`` on the async client: Reference list: bank account types."""

    _endpoint = ENDPOINT
