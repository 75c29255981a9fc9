"""A browser for ``auth login --browser-command``: headless Chromium, driven over the DevTools protocol,
opens the URL, clicks the consent page's Allow button like a user would (a real mouse click at the
button's position) and waits until the CLI's loopback callback page says "Signed in".

Usage: ``python chromium_allow.py URL`` (exit 0 when signed in).  The browser is ``tests/chromium_devtools``
(the DevTools protocol on a pipe: no port, no websocket library).  ``CHROMIUM_ALLOW_LOG`` names a file for a
log of what happened.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the test tree's helpers

from chromium_devtools import Chromium


def log(text: str) -> None:
    path = os.environ.get("CHROMIUM_ALLOW_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{time.strftime('%H:%M:%S')} {text}\n")


def wait_for(browser: Chromium, expression: str, timeout: float = 30) -> Any:
    """Wait until ``expression`` gives a text starting with "ok"; that text."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = browser.js(expression)
        except RuntimeError as exc:  # the page is navigating: its context went away
            last = str(exc)
        if isinstance(last, str) and last.startswith("ok"):
            return last
        time.sleep(0.1)
    raise TimeoutError(f"waited for {expression!r}; last {last!r}")


def main(url: str) -> int:
    browser = Chromium("chromium-allow-")
    try:
        browser.page("Page.enable")
        log(f"navigating to {url.split('?')[0]}")
        browser.page("Page.navigate", {"url": url})
        wait_for(
            browser,
            "document.readyState === 'complete' && document.getElementById('allow') ? 'ok' : 'waiting'",
        )
        user = browser.js("document.getElementById('user').textContent")
        log(f"consent page for {user}")
        browser.click_at("#allow")
        log("clicked Allow")
        result = wait_for(
            browser,
            "document.getElementById('result') && document.getElementById('result').textContent "
            "? 'ok ' + location.origin + "
            "location.pathname + ' ' + document.getElementById('result').textContent : 'waiting'",
        )
        log(f"callback page: {result}")
        return 0 if result.endswith("Signed in") else 1
    except Exception as exc:
        log(f"failed: {type(exc).__name__}: {exc}")
        return 1
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
