"""The embedded emulator behind ``--emulator`` and ``demo``: its connection, and a real OAuth sign-in
through its consent page (authorize URL → consent page → POST Allow → callback → code exchange)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import httpx

from ..auth import Connection, MemoryTokenStore, Token

if TYPE_CHECKING:
    from ..emulator import Emulator

__all__ = ["EMULATOR_HOST", "consent_sign_in", "emulator_connection", "served_connection"]

EMULATOR_HOST = "http://sage-emulator.local"


def emulator_connection(emu: Emulator, tokens: dict[str, Any] | None = None) -> Connection:
    """A connection of the demo app to ``emu`` in process (signed in when ``tokens`` are given)."""
    from ..emulator import DEMO

    return Connection(
        DEMO.client_id,
        DEMO.client_secret,
        host=EMULATOR_HOST,
        redirect_uri=DEMO.redirect_uri,
        store=MemoryTokenStore(),
        token=tokens,
        transport=emu.transport(),
        name="emulator",
    )


class _Form(HTMLParser):
    """The consent page's form: its action and hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, tuple[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        elif tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("id"):
            self.buttons[a["id"]] = (a.get("name", ""), a.get("value", ""))


def served_connection(url: str) -> Connection:
    """A connection of the demo app to an emulator served at ``url`` (``--emulator URL``), signed in
    through its consent page, so successive commands share that emulator's sandbox."""
    from ..emulator import DEMO

    conn = Connection(
        DEMO.client_id,
        DEMO.client_secret,
        host=url.rstrip("/"),
        redirect_uri=DEMO.redirect_uri,
        store=MemoryTokenStore(),
        name="emulator",
    )
    consent_sign_in(None, conn)
    return conn


def consent_sign_in(
    emu: Emulator | None,
    conn: Connection,
    *,
    say: Callable[[str], None] | None = None,
    decision: str = "allow",
) -> Token:
    """Sign ``conn`` in through ``emu``'s consent page (``None``: the emulator served at the
    connection's host, over the network), clicking ``decision`` (allow or deny)."""
    note = say or (lambda _text: None)
    request = conn.authorization_url()
    note(f"authorization URL (state + PKCE S256): {request.url.split('?')[0]}?client_id={conn.client_id}&…")
    transport = emu.transport() if emu is not None else None
    with httpx.Client(transport=transport, follow_redirects=False, timeout=30) as http:
        page = http.get(request.url)
        page.raise_for_status()
        form = _Form()
        form.feed(page.text)
        user = page.text.split('id="user">', 1)[-1].split("<", 1)[0]
        note(f"consent page: {user} is asked to allow {conn.client_id}; clicking {decision.title()}")
        name, value = form.buttons[decision]
        action = httpx.URL(request.url).join(form.action or "")
        answer = http.post(action, data={**form.fields, name: value})
        location = answer.headers.get("location", "")
        note(f"callback: {answer.status_code} redirect to {location.split('?')[0]}?code=…&state=…")
    token = conn.exchange_code(location, authorization=request)
    note(
        f"code exchanged: access token for {int((token.expires_at - conn.now()).total_seconds())} s, refresh token rotates"
    )
    return token
