"""``/businesses``: the businesses the signed-in user reaches (no ``X-Business`` needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._base_client import Timeout
from .._core import NOT_GIVEN, NotGiven, loads
from ._base import AsyncListMixin, AsyncRetrieveMixin, Endpoint, ListMixin, RetrieveMixin, _options

if TYPE_CHECKING:
    from ..types import Business

__all__ = ["AsyncBusinesses", "Businesses"]

ENDPOINT = Endpoint(path="/businesses", model="Business")


class Businesses(ListMixin["Business"], RetrieveMixin["Business"]):
    """``client.businesses``: list, retrieve, and ``lead()`` (the user's lead business)."""

    _endpoint = ENDPOINT

    def lead(
        self,
        *,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Business:
        """The user's lead business (``GET /businesses/lead``), used when no ``X-Business`` is sent."""
        response = self._client._send("GET", "/businesses/lead", opts=_options(None, max_retries, timeout))
        return self._parse(loads(response.content))


class AsyncBusinesses(AsyncListMixin["Business"], AsyncRetrieveMixin["Business"]):
    """``client.businesses`` on the async client."""

    _endpoint = ENDPOINT

    async def lead(
        self,
        *,
        max_retries: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> Business:
        """The user's lead business."""
        response = await self._client._send(
            "GET", "/businesses/lead", opts=_options(None, max_retries, timeout)
        )
        return self._parse(loads(response.content))
