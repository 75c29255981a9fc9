"""Verbs shared by invoices and credit notes: void (sales delete) and release."""

from __future__ import annotations

from typing import Any

from .._base_client import Timeout
from .._core import NOT_GIVEN, NotGiven, loads
from ._base import AsyncResource, M, SyncResource, _options

ARTEFACT_FILTERS = frozenset(
    {
        "show_payments_allocations",
        "search",
        "contact_id",
        "status_id",
        "from_date",
        "to_date",
        "updated_or_created_since",
        "deleted_since",
        "has_attachments",
        "sort",
    }
)


def _void_params(void_reason: str | None) -> dict[str, Any]:
    if void_reason is not None and (not isinstance(void_reason, str) or not void_reason.strip()):
        raise ValueError("void_reason must be a non-empty string")
    return {"void_reason": void_reason} if void_reason else {}


class VoidMixin(SyncResource[M]):
    def void(
        self,
        id: str,
        *,
        void_reason: str | None = None,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> M | None:
        """Void the record (``DELETE``; Sage needs ``void_reason`` unless it is a draft) and return it;
        ``None`` when it was a draft, which Sage deletes instead.

        When the first answer was lost and the retry finds the record already voided (or gone), the
        void is reported as done: the voided record is returned and a warning says how to check."""
        response = self._client._send(
            "DELETE",
            self._item_path(id),
            params=_void_params(void_reason),
            opts=_options(business_id, max_retries, timeout),
        )
        return self._parse(loads(response.content)) if response.content else None

    def delete(
        self,
        id: str,
        *,
        void_reason: str | None = None,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> M | None:
        """Same as :meth:`void`: Sage's ``DELETE`` on sales artefacts voids them."""
        return self.void(
            id, void_reason=void_reason, business_id=business_id, max_retries=max_retries, timeout=timeout
        )


class ReleaseMixin(SyncResource[M]):
    def release(
        self,
        id: str,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> M:
        """Turn a draft into an issued record (``POST …/{id}/release``) and return it."""
        response = self._client._send(
            "POST", self._item_path(id) + "/release", opts=_options(business_id, max_retries, timeout)
        )
        return self._parse(loads(response.content))


class AsyncVoidMixin(AsyncResource[M]):
    async def void(
        self,
        id: str,
        *,
        void_reason: str | None = None,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> M | None:
        """Void the record and return it (``None`` for a draft, which Sage deletes instead)."""
        response = await self._client._send(
            "DELETE",
            self._item_path(id),
            params=_void_params(void_reason),
            opts=_options(business_id, max_retries, timeout),
        )
        return self._parse(loads(response.content)) if response.content else None

    async def delete(
        self,
        id: str,
        *,
        void_reason: str | None = None,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> M | None:
        """Same as :meth:`void`."""
        return await self.void(
            id, void_reason=void_reason, business_id=business_id, max_retries=max_retries, timeout=timeout
        )


class AsyncReleaseMixin(AsyncResource[M]):
    async def release(
        self,
        id: str,
        *,
        business_id: str | NotGiven | None = NOT_GIVEN,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> M:
        """Turn a draft into an issued record and return it."""
        response = await self._client._send(
            "POST", self._item_path(id) + "/release", opts=_options(business_id, max_retries, timeout)
        )
        return self._parse(loads(response.content))
