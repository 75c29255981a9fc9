"""The response wrapper ``client.request()`` returns."""

from __future__ import annotations

from typing import Any

import httpx

from ._core import loads, request_id_of

__all__ = ["APIResponse"]


class APIResponse:
    """An answer from Sage: ``status_code``, ``headers``, ``request_id``, ``business_id`` and the body
    as ``json()``, ``text`` or ``content`` (bytes).  ``http_response`` is the underlying
    ``httpx.Response``."""

    def __init__(self, response: httpx.Response) -> None:
        self.http_response = response

    @property
    def status_code(self) -> int:
        """The HTTP status."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """Sage's request id (the ``x_request_id`` header) for support requests."""
        value: str | None = request_id_of(self.http_response.headers)
        return value

    @property
    def business_id(self) -> str | None:
        """The business Sage answered for (``X-Business``), absent on ``/businesses`` and ``/user``."""
        value: str | None = self.http_response.headers.get("x-business")
        return value

    @property
    def content(self) -> bytes:
        """The raw body."""
        return self.http_response.content

    @property
    def text(self) -> str:
        """The body decoded as text."""
        return self.http_response.text

    def json(self) -> Any:
        """The body parsed as JSON (``None`` for an empty body, such as a 204)."""
        if not self.http_response.content:
            return None
        return loads(self.http_response.content)

    def __repr__(self) -> str:
        req = self.http_response.request
        return f"<APIResponse {self.status_code} {req.method} {req.url.path}>"
