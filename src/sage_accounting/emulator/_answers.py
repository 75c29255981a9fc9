"""What the HTTP layer answers with: :class:`Answer` and the helpers that build one (JSON, Sage's error
body, HTML, redirects), shared by the API pipeline, OAuth and the control plane."""

from __future__ import annotations

from typing import Any

import orjson

from ._errors import ApiError


class ConnectionDropped(Exception):
    """Raised inside the app to drop the connection without an answer (a scripted fault)."""


class Answer:
    """A response about to be sent, plus what the request log should say about it."""

    __slots__ = ("body", "business_id", "client_id", "grant_type", "headers", "status", "user_id")

    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.business_id: str | None = None
        self.client_id: str | None = None
        self.user_id: str | None = None
        self.grant_type: str | None = None


def json_answer(status: int, data: Any, headers: dict[str, str] | None = None) -> Answer:
    """``data`` as compact UTF-8 JSON (``None``: an empty body)."""
    # orjson: compact UTF-8 like Sage's answers, in key order, several times faster than the stdlib on big pages
    body = b"" if data is None else orjson.dumps(data)
    answer = Answer(status, body, headers)
    if data is not None:
        answer.headers["content-type"] = "application/json; charset=utf-8"
    return answer


def error_answer(error: ApiError) -> Answer:
    """Sage's error body (a JSON array of error items) with the error's status and headers."""
    return json_answer(error.status, error.body(), dict(error.headers))


def html_answer(status: int, page: str) -> Answer:
    """An HTML page (the OAuth consent and error pages)."""
    return Answer(status, page.encode(), {"content-type": "text/html; charset=utf-8"})


def redirect(location: str) -> Answer:
    """A 302 to ``location``."""
    return Answer(302, b"", {"location": location})
