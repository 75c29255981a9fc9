"""Deliver change events to a webhook, signed as the Standard Webhooks spec says.

Each event is POSTed with ``webhook-id`` (stable per change), ``webhook-timestamp`` and
``webhook-signature`` (HMAC-SHA256 over ``id.timestamp.body`` with the ``whsec_`` secret, by the
``standardwebhooks`` package).  A 2xx marks it delivered; anything else (or no answer) is retried with
growing backoff, and nothing after it goes out first, so events stay in order per record.  A 410 means
the endpoint is gone: delivery stops with an error.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import httpx

from ._events import ChangeEvent, Outbox

__all__ = ["EndpointGone", "WebhookSender", "check_secret"]


class EndpointGone(RuntimeError):
    """The webhook answered 410 Gone: stop sending to it."""


def check_secret(secret: str) -> None:
    """Raise ``ValueError`` naming the problem when ``secret`` is not a usable ``whsec_`` secret."""
    from standardwebhooks import Webhook

    if not secret.startswith("whsec_"):
        raise ValueError("--secret must be a Standard Webhooks secret starting with whsec_")
    try:
        Webhook(secret)
    except Exception:
        raise ValueError("--secret is not a valid whsec_ secret (whsec_ then base64)") from None


class WebhookSender:
    """Signs and POSTs events to one URL, retrying each until it is accepted."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        http: httpx.Client | None = None,
        initial_backoff: float = 1.0,
        max_backoff: float = 300.0,
        timeout: float = 15.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from standardwebhooks import Webhook

        check_secret(secret)
        self.url = url
        self._webhook = Webhook(secret)
        self._http = http or httpx.Client(timeout=timeout)
        self._owns_http = http is None
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self._sleep = sleep

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def send(self, event: ChangeEvent) -> None:
        """One delivery attempt; raises on anything but a 2xx (``EndpointGone`` on 410)."""
        body = event.body().decode()
        now = dt.datetime.now(dt.UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": event.id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": self._webhook.sign(event.id, now, body),
        }
        response = self._http.post(self.url, content=body.encode(), headers=headers)
        if response.status_code == 410:
            raise EndpointGone(f"the webhook {self.url} answered 410 Gone: delivery stopped")
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"the webhook answered {response.status_code}")

    def deliver(self, outbox: Outbox, *, give_up_after: float | None = None) -> int:
        """Send every pending event in order, each retried with backoff until accepted; the number
        delivered.  ``give_up_after`` (seconds of failing on one event) returns early instead."""
        sent = 0
        while batch := outbox.pending():
            for event in batch:
                delay = self.initial_backoff
                failing_since: float | None = None
                while True:
                    try:
                        self.send(event)
                    except EndpointGone:
                        raise
                    except Exception as exc:  # no answer or a non-2xx: wait and send it again
                        now = time.monotonic()
                        failing_since = failing_since or now
                        retry_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay)
                        outbox.failed(event, str(exc), retry_at)
                        if give_up_after is not None and now - failing_since >= give_up_after:
                            return sent
                        self._sleep(delay)
                        delay = min(delay * 2, self.max_backoff)
                        continue
                    outbox.delivered(event)
                    sent += 1
                    break
        return sent
