"""``/bank_account_types``: Reference list: bank account types."""

from __future__ import annotations

from ..types import BankAccountType
from ._base import AsyncReadOnly, Endpoint, ReadOnly

__all__ = ["AsyncBankAccountTypes", "BankAccountTypes"]

ENDPOINT = Endpoint(
    path="/bank_account_types",
    model=BankAccountType,
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class BankAccountTypes(ReadOnly[BankAccountType]):
    """``client.bank_account_types``: Reference list: bank account types."""

    _endpoint = ENDPOINT


class AsyncBankAccountTypes(AsyncReadOnly[BankAccountType]):
    """``client.bank_account_types`` on the async client: Reference list: bank account types."""

    _endpoint = ENDPOINT
