"""``/transaction_types``: Reference list: transaction types."""

from __future__ import annotations

from ..types import TransactionType
from ._base import AsyncReadOnly, Endpoint, ReadOnly

__all__ = ["AsyncTransactionTypes", "TransactionTypes"]

ENDPOINT = Endpoint(
    path="/transaction_types",
    model=TransactionType,
    wrapper=None,
    filters=frozenset({"valid_for_business"}),
    retrieve_params=frozenset(),
)


class TransactionTypes(ReadOnly[TransactionType]):
    """``client.transaction_types``: Reference list: transaction types."""

    _endpoint = ENDPOINT


class AsyncTransactionTypes(AsyncReadOnly[TransactionType]):
    """``client.transaction_types`` on the async client: Reference list: transaction types."""

    _endpoint = ENDPOINT
