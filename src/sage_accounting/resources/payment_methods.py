"""``/payment_methods``: Reference list: payment methods."""

from __future__ import annotations

from ..types import PaymentMethod
from ._base import AsyncReadOnly, Endpoint, ReadOnly

__all__ = ["AsyncPaymentMethods", "PaymentMethods"]

ENDPOINT = Endpoint(
    path="/payment_methods",
    model=PaymentMethod,
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class PaymentMethods(ReadOnly[PaymentMethod]):
    """``client.payment_methods``: Reference list: payment methods."""

    _endpoint = ENDPOINT


class AsyncPaymentMethods(AsyncReadOnly[PaymentMethod]):
    """``client.payment_methods`` on the async client: Reference list: payment methods."""

    _endpoint = ENDPOINT
