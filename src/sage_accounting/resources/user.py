"""``/user``: the signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._base_client import Timeout
from .._core import NOT_GIVEN, NotGiven, loads
from ._base import AsyncResource, Endpoint, SyncResource, _options

if TYPE_CHECKING:
    from ..types import User

__all__ = ["AsyncUserResource", "UserResource"]

ENDPOINT = Endpoint(path="/user", model="User")


class UserResource(SyncResource["User"]):
    """``client.user``: the user who authorised the connection."""

    _endpoint = ENDPOINT

    def retrieve(self, *, max_retries: int | None = None, timeout: Timeout | NotGiven = NOT_GIVEN) -> User:
        """``GET /user``."""
        response = self._client._send("GET", "/user", opts=_options(None, max_retries, timeout))
        return self._parse(loads(response.content))


class AsyncUserResource(AsyncResource["User"]):
    """``client.user`` on the async client."""

    _endpoint = ENDPOINT

    async def retrieve(
        self, *, max_retries: int | None = None, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> User:
        """``GET /user``."""
        response = await self._client._send("GET", "/user", opts=_options(None, max_retries, timeout))
        return self._parse(loads(response.content))
