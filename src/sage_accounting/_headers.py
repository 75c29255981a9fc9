"""Reading Sage's response headers: ``Retry-After`` and the request id.

The bottom of the client core: both :mod:`._core` (the pipeline's decisions) and :mod:`._errors` (the
error types, which carry both values) use it, and it imports neither.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
from collections.abc import Mapping

import httpx

__all__ = ["parse_retry_after", "request_id_of"]


def parse_retry_after(headers: Mapping[str, str] | httpx.Headers) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), or ``None``."""
    value = headers.get("retry-after") or headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.UTC)
        seconds = (when - _dt.datetime.now(_dt.UTC)).total_seconds()
    return max(0.0, seconds)


def request_id_of(headers: Mapping[str, str] | httpx.Headers) -> str | None:
    """Sage's request id: its guides name the header ``x_request_id``; ``X-Request-Id`` is accepted too."""
    return headers.get("x_request_id") or headers.get("x-request-id") or None
